"""A griffe extension that warns about each public name of the package shown without a description.

Public means: a module whose dotted path has no part starting with ``_`` and that has an
``__all__``; each name of its ``__all__``; and each member of an exported class whose name does not
start with ``_`` (inherited members included: an error's ``status`` is described once, on
:class:`~sentinelhub_byoc.errors.APIError`). A description is a docstring of the object itself, or
for an attribute an entry of an ``Attributes:`` section of its class (or a base class).

Under ``mkdocs build --strict`` the warnings fail the build. ``allowed`` lists the dotted paths,
where each object is defined, that may stay undocumented for now; the tests keep that list exact.

Loaded by mkdocstrings through the ``extensions`` option of ``mkdocs.yml``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import griffe

__all__ = ["RequireDescriptions", "public_objects", "undocumented"]


def _public_modules(module: griffe.Module) -> Iterator[griffe.Module]:
    if not any(part.startswith("_") for part in module.path.split(".")) and module.exports is not None:
        yield module
    for submodule in module.modules.values():
        if not submodule.is_alias and isinstance(submodule, griffe.Module):
            yield from _public_modules(submodule)


def _target(obj: griffe.Object | griffe.Alias) -> griffe.Object | None:
    if isinstance(obj, griffe.Alias):
        try:
            target = obj.final_target
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            # Defined outside the package (e.g. a re-exported httpx name): not ours to describe.
            return None
        return target if isinstance(target, griffe.Object) else None
    return obj


def _section_attributes(cls: griffe.Class) -> set[str]:
    names: set[str] = set()
    for klass in (cls, *cls.mro()):
        if klass.docstring is None:
            continue
        for section in klass.docstring.parse("google"):
            if section.kind is griffe.DocstringSectionKind.attributes:
                names.update(attribute.name for attribute in section.value)
    return names


def public_objects(package: griffe.Module) -> Iterator[tuple[griffe.Object, bool]]:
    """Each public object of ``package`` once, with whether its class's docstring describes it."""
    seen: set[str] = set()
    for module in _public_modules(package):
        if module.path not in seen:
            seen.add(module.path)
            yield module, False
        for name in module.exports or ():
            exported = module.members.get(str(name))
            obj = None if exported is None else _target(exported)
            if obj is None or obj.path in seen or not obj.path.startswith(package.path + "."):
                continue
            seen.add(obj.path)
            yield obj, False
            if not isinstance(obj, griffe.Class):
                continue
            described = _section_attributes(obj)
            for member_name, member in obj.all_members.items():
                if member_name.startswith("_"):
                    continue
                target = _target(member)
                if target is None or target.path in seen:
                    continue
                seen.add(target.path)
                yield target, member_name in described


def _has_description(obj: griffe.Object) -> bool:
    return obj.docstring is not None and bool(obj.docstring.value.strip())


def undocumented(package: griffe.Module) -> list[str]:
    """The dotted paths (where each is defined) of the public objects of ``package`` lacking a description."""
    return sorted(
        obj.path for obj, described in public_objects(package) if not described and not _has_description(obj)
    )


class RequireDescriptions(griffe.Extension):
    """Warn once per public object of the package that has no description.

    Args:
        packages: the packages to check (others, such as the generated one, are not).
        allowed: dotted paths that may stay undocumented for now.
    """

    def __init__(self, packages: Iterable[str] = (), allowed: Iterable[str] = ()) -> None:
        self.packages = frozenset(packages)
        self.allowed = frozenset(allowed)

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Warn about each undocumented public object of ``pkg`` that ``allowed`` does not list."""
        if pkg.path not in self.packages:
            return
        for path in undocumented(pkg):
            if path not in self.allowed:
                griffe.logger.warning(f"{path} is public but has no description: give it a docstring")
