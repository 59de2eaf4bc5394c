"""A griffe extension that turns the docstrings' reST markup into Markdown for mkdocstrings.

- Sphinx roles (``:class:`~sentinelhub_byoc.errors.APIError```, ``:meth:`Tiles.list```, ...) become
  cross-references (``[`APIError`][sentinelhub_byoc.errors.APIError]``) when their target is shown
  in the reference, and plain code (```` `Tiles.list` ````) otherwise, such as a private module's
  object or one from another library. A leading ``~`` keeps only the last part as the title;
  ``:class:`title <target>``` keeps the title.
- Doctest blocks (``>>>`` lines) become ``pycon`` code blocks.
- A paragraph ending in ``::`` before a literal block ends in ``:``.

Loaded by mkdocstrings through the ``extensions`` option of ``mkdocs.yml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import griffe

__all__ = ["SphinxRoles", "rewrite_docstring", "rewrite_roles"]

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|data|attr|exc|obj|const):`(?P<body>[^`]+)`")
EXPLICIT_TITLE = re.compile(r"(?P<title>.+?)\s*<(?P<target>[^<>]+)>")

#: Finds the reference path for a role's target, or None when the target is not shown.
Resolver = Callable[[str], str | None]


def rewrite_roles(text: str, resolve: Resolver) -> str:
    """Replace every Sphinx role in ``text`` by a Markdown cross-reference or plain code."""

    def replace(match: re.Match[str]) -> str:
        body = match["body"].strip()
        explicit = EXPLICIT_TITLE.fullmatch(body)
        if explicit:
            title, target = explicit["title"], explicit["target"].strip()
        else:
            target = body.lstrip("~")
            title = target.lstrip(".").rsplit(".", 1)[-1] if body.startswith("~") else target
        path = resolve(target)
        return f"`{title}`" if path is None else f"[`{title}`][{path}]"

    return ROLE.sub(replace, text)


def _literal_and_doctest_blocks(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.lstrip()
        if stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}```pycon")
            while index < len(lines) and lines[index].strip():
                out.append(lines[index])
                index += 1
            out.append(f"{indent}```")
            continue
        if stripped == "::":
            index += 1
            continue
        if line.endswith("::"):
            line = line[:-1]
        out.append(line)
        index += 1
    return "\n".join(out)


def rewrite_docstring(text: str, resolve: Resolver) -> str:
    """Rewrite one docstring: roles, doctest blocks and ``::`` literal-block markers."""
    return _literal_and_doctest_blocks(rewrite_roles(text, resolve))


def _is_public_module(module: griffe.Module) -> bool:
    return not any(part.startswith("_") for part in module.path.split(".")) and module.exports is not None


def _walk(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, griffe.Object):
            yield from _walk(member)


def _canonical(obj: griffe.Object | griffe.Alias) -> str:
    if isinstance(obj, griffe.Alias):
        try:
            return obj.final_target.path
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            return obj.target_path
    return obj.path


def _shown_members(obj: griffe.Object | griffe.Alias) -> dict[str, griffe.Object | griffe.Alias]:
    try:
        if not obj.is_class:
            return {}
        return {name: member for name, member in obj.all_members.items() if not name.startswith("_")}
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return {}


def _common_prefix(left: str, right: str) -> int:
    count = 0
    for a, b in zip(left.split("."), right.split("."), strict=False):
        if a != b:
            break
        count += 1
    return count


class ReferenceMap:
    """Where each object of a package is shown in the reference, by any of its paths."""

    def __init__(self, package: griffe.Module, summary_modules: frozenset[str] = frozenset()) -> None:
        self.package = package.path
        self._shown: dict[str, str] = {}
        modules = [obj for obj in _walk(package) if isinstance(obj, griffe.Module) and _is_public_module(obj)]
        candidates: dict[str, list[tuple[str, str]]] = {}
        for module in modules:
            self._shown[module.path] = module.path
            if module.path in summary_modules:
                continue
            for name in module.exports or ():
                member = module.members.get(str(name))
                if member is None:
                    continue
                shown = f"{module.path}.{name}"
                canonical = _canonical(member)
                candidates.setdefault(canonical, []).append((module.path, shown))
                self._shown[shown] = shown
                for member_name, child in _shown_members(member).items():
                    child_shown = f"{shown}.{member_name}"
                    self._shown[child_shown] = child_shown
                    candidates.setdefault(f"{canonical}.{member_name}", []).append((module.path, child_shown))
                    candidates.setdefault(_canonical(child), []).append((module.path, child_shown))
        for canonical, places in candidates.items():
            # The module that defines the object, else the one nearest to where it is defined.
            _, shown = max(places, key=lambda place: (_common_prefix(place[0], canonical), -len(place[1])))
            self._shown.setdefault(canonical, shown)
        # Re-exports in summary modules point to the object's own place.
        for module in modules:
            if module.path not in summary_modules:
                continue
            for name in module.exports or ():
                member = module.members.get(str(name))
                if member is not None:
                    shown_at = self._shown.get(_canonical(member))
                    if shown_at is not None:
                        self._shown.setdefault(f"{module.path}.{name}", shown_at)

    def lookup(self, path: str) -> str | None:
        """The reference path under which ``path`` is shown, or None."""
        if path in self._shown:
            return self._shown[path]
        # A member reached through a re-exported name: ``sentinelhub_byoc.models.Tile.status``.
        parts = path.split(".")
        for end in range(len(parts) - 1, 0, -1):
            owner = self._shown.get(".".join(parts[:end]))
            if owner is not None:
                candidate = ".".join([owner, *parts[end:]])
                return candidate if self._shown.get(candidate) == candidate else None
        return None

    def resolver(self, obj: griffe.Object) -> Resolver:
        """Resolve role targets as seen from the docstring of ``obj``."""

        def resolve(target: str) -> str | None:
            if target.startswith("."):
                return None
            if target == self.package or target.startswith(self.package + "."):
                return self.lookup(target)
            first, _, rest = target.partition(".")
            try:
                base = obj.resolve(first)
            except griffe.NameResolutionError:
                return None
            full = f"{base}.{rest}" if rest else base
            return self.lookup(full)

        return resolve


class SphinxRoles(griffe.Extension):
    """Rewrite every docstring of the package once it is loaded.

    Args:
        summary_modules: public modules whose page lists re-exported names instead of showing them.
    """

    def __init__(self, summary_modules: list[str] | None = None) -> None:
        self.summary_modules = frozenset(summary_modules or ())

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Rewrite the docstrings of ``pkg`` and all its modules, classes, functions and attributes."""
        references = ReferenceMap(pkg, self.summary_modules)
        for obj in _walk(pkg):
            if obj.docstring is not None:
                obj.docstring.value = rewrite_docstring(obj.docstring.value, references.resolver(obj))
