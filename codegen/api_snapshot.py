"""The public API of ``sentinelhub_byoc``, written down and checked.

The public API is what the ``__all__`` of each public module lists (a public module has no
dotted-path component starting with ``_``). :func:`snapshot` renders it as sorted lines, one per
exported name and one per public class member, with kinds and signatures, so a change to the API
shows as a diff of ``api/sentinelhub_byoc.api.txt``. A name re-exported from several public
modules is spelled out once, in the deepest of them; the others point to it.

- ``python -m codegen.api_snapshot --write``: refresh the snapshot (``nox -s api -- --write``).
- ``python -m codegen.api_snapshot --check``: compare the code to the committed snapshot and fail,
  naming each module and name, on any difference (``nox -s check_api``). Removed and changed names
  are breaking; griffe's own comparison against the commit that last wrote the snapshot explains
  what broke, when git has that commit.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import griffe

from codegen._attrs_records import AttrsRecords
from codegen._files import write_text_atomic

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "sentinelhub_byoc"
SEARCH_PATH = ROOT / "overlay"
SNAPSHOT = ROOT / "api" / f"{PACKAGE}.api.txt"

_HEADER = (
    f"# The public API of {PACKAGE}: every name in a public module's __all__, with its signature.\n"
    "# Written by `nox -s api -- --write`; `nox -s check_api` fails when the code differs from it.\n"
)
_WRITE_HINT = "If the change is intended, run `nox -s api -- --write` and commit the snapshot."


def load_package(search_path: Path = SEARCH_PATH) -> griffe.Module:
    """Load the package statically (nothing is imported) from *search_path*."""
    package = griffe.load(
        PACKAGE,
        search_paths=[search_path],
        resolve_aliases=True,
        resolve_external=False,
        allow_inspection=False,
        extensions=griffe.load_extensions(AttrsRecords()),
    )
    assert isinstance(package, griffe.Module)
    return package


def is_public_path(path: str) -> bool:
    """Whether no component of the dotted *path* starts with ``_``."""
    return not any(part.startswith("_") for part in path.split("."))


def public_modules(package: griffe.Module) -> list[griffe.Module]:
    """The package and its public submodules, sorted by dotted path."""
    found: list[griffe.Module] = []

    def walk(module: griffe.Module) -> None:
        found.append(module)
        for name, submodule in module.modules.items():
            # Imported modules appear as aliases; only modules defined in the folder count.
            if not name.startswith("_") and not submodule.is_alias:
                assert isinstance(submodule, griffe.Module)
                walk(submodule)

    walk(package)
    return sorted(found, key=lambda module: module.path)


def exported_names(module: griffe.Module) -> list[str] | None:
    """The names in the module's ``__all__``, sorted; ``None`` when it has no ``__all__``."""
    if module.exports is None:
        return None
    return sorted(name if isinstance(name, str) else name.name for name in module.exports)


def resolve(module: griffe.Module, name: str) -> griffe.Object | None:
    """The object *module* exports as *name*, following re-exports; ``None`` if it is missing."""
    try:
        member = module[name]
        target = member.final_target if isinstance(member, griffe.Alias) else member
    except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    return target if isinstance(target, griffe.Object) else None


def docstring_of(obj: griffe.Object) -> str:
    """The object's docstring, or the ``#:`` comment lines right above it (constants use those)."""
    if obj.docstring is not None and obj.docstring.value.strip():
        return obj.docstring.value
    if obj.lineno is None:
        return ""
    lines = obj.module.lines
    comment: list[str] = []
    index = obj.lineno - 2
    while index >= 0 and lines[index].strip().startswith("#:"):
        comment.insert(0, lines[index].strip()[2:].strip())
        index -= 1
    return "\n".join(comment)


def _format_parameters(parameters: griffe.Parameters) -> str:
    rendered: list[str] = []
    kinds = [parameter.kind for parameter in parameters]
    for position, parameter in enumerate(parameters):
        kind = parameter.kind
        first_keyword_only = kind is griffe.ParameterKind.keyword_only and (
            position == 0 or kinds[position - 1] is not griffe.ParameterKind.keyword_only
        )
        if first_keyword_only and griffe.ParameterKind.var_positional not in kinds:
            rendered.append("*")
        text = parameter.name
        if kind is griffe.ParameterKind.var_positional:
            text = "*" + text
        elif kind is griffe.ParameterKind.var_keyword:
            text = "**" + text
        if parameter.annotation is not None:
            text += f": {parameter.annotation}"
        is_variadic = kind in (griffe.ParameterKind.var_positional, griffe.ParameterKind.var_keyword)
        if parameter.default is not None and not is_variadic:
            text += f" = {parameter.default}" if parameter.annotation is not None else f"={parameter.default}"
        rendered.append(text)
        is_last_positional_only = kind is griffe.ParameterKind.positional_only and (
            position + 1 == len(kinds) or kinds[position + 1] is not griffe.ParameterKind.positional_only
        )
        if is_last_positional_only:
            rendered.append("/")
    return ", ".join(rendered)


def describe(obj: griffe.Object) -> str:
    """One line saying what *obj* is: its kind, labels and signature or type."""
    labels = sorted(label for label in obj.labels if label not in {"module-attribute", "instance-attribute"})
    kind = obj.kind.value + (f"[{', '.join(labels)}]" if labels else "")
    if isinstance(obj, griffe.Function):
        returns = f" -> {obj.returns}" if obj.returns is not None else ""
        return f"{kind}({_format_parameters(obj.parameters)}){returns}"
    if isinstance(obj, griffe.Class):
        bases = ", ".join(str(base) for base in obj.bases)
        return f"{kind}({bases})"
    if isinstance(obj, griffe.Attribute):
        return f"{kind}: {obj.annotation}" if obj.annotation is not None else kind
    return kind


def _class_lines(key: str, cls: griffe.Class) -> Iterator[str]:
    # Inherited members count: a public class's API includes what it gets from private bases.
    members = cls.all_members
    for name in sorted(members):
        if name.startswith("_") and name != "__init__":
            continue
        member = members[name]
        if isinstance(member, griffe.Alias):
            if not member.inherited:
                continue
            try:
                member = member.final_target
            except (griffe.AliasResolutionError, griffe.CyclicAliasError):
                continue
        yield f"{key}.{name}: {describe(member)}"
        if isinstance(member, griffe.Class):
            yield from _class_lines(f"{key}.{name}", member)


@dataclass(frozen=True)
class _Export:
    module: str
    name: str
    target: griffe.Object | None

    @property
    def key(self) -> str:
        return f"{self.module}:{self.name}"


def _exports(package: griffe.Module) -> list[_Export]:
    exports: list[_Export] = []
    for module in public_modules(package):
        for name in exported_names(module) or []:
            exports.append(_Export(module.path, name, resolve(module, name)))
    return exports


def snapshot(package: griffe.Module) -> list[str]:
    """The public API as sorted lines ``module:name: description``."""
    exports = _exports(package)
    # Where each object is spelled out: the deepest public module exporting it.
    canonical: dict[str, _Export] = {}
    for export in sorted(exports, key=lambda e: (-e.module.count("."), e.module, e.name)):
        if export.target is not None:
            canonical.setdefault(export.target.path, export)
    lines: list[str] = []
    for module in public_modules(package):
        if module.exports is None:
            lines.append(f"{module.path}: module without __all__")
    for export in exports:
        if export.target is None:
            lines.append(f"{export.key}: missing")
            continue
        home = canonical[export.target.path]
        if home is not export:
            lines.append(f"{export.key}: same as {home.key}")
            continue
        lines.append(f"{export.key}: {describe(export.target)}")
        if isinstance(export.target, griffe.Class):
            lines.extend(_class_lines(export.key, export.target))
    return sorted(lines, key=_sort_key)


def _sort_key(line: str) -> tuple[str, tuple[str, ...]]:
    # A class's line comes before its members' lines: compare the dotted name part by part.
    module, _, rest = _key(line).partition(":")
    return module, tuple(rest.split(".")) if rest else ()


def render(lines: Sequence[str]) -> str:
    """The snapshot file's text."""
    return _HEADER + "".join(line + "\n" for line in lines)


def read_snapshot(path: Path = SNAPSHOT) -> list[str]:
    """The lines of a snapshot file, without its header comments."""
    if not path.exists():
        return []
    return [
        line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    ]


def _key(line: str) -> str:
    return line.split(": ", 1)[0]


@dataclass(frozen=True)
class Difference:
    """How the code's API differs from a snapshot: lines keyed by ``module:name``."""

    added: list[str]
    removed: list[str]
    changed: list[tuple[str, str]]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def report(self) -> str:
        """A report for people: breaking differences first."""
        parts: list[str] = []
        if self.removed or self.changed:
            parts.append("Breaking: removed or changed public names")
            parts.extend(f"  - removed {_key(line)}  (was {line.split(': ', 1)[1]})" for line in self.removed)
            for old, new in self.changed:
                parts.append(f"  - changed {_key(old)}")
                parts.append(f"      was: {old.split(': ', 1)[1]}")
                parts.append(f"      now: {new.split(': ', 1)[1]}")
        if self.added:
            parts.append("Additions: new public names")
            parts.extend(f"  + added {_key(line)}  ({line.split(': ', 1)[1]})" for line in self.added)
        return "\n".join(parts)


def compare(old: Sequence[str], new: Sequence[str]) -> Difference:
    """The difference between two snapshots' lines."""
    before = {_key(line): line for line in old}
    after = {_key(line): line for line in new}
    return Difference(
        added=[after[key] for key in sorted(after.keys() - before.keys())],
        removed=[before[key] for key in sorted(before.keys() - after.keys())],
        changed=[
            (before[key], after[key])
            for key in sorted(before.keys() & after.keys())
            if before[key] != after[key]
        ],
    )


def _git(*args: str) -> bytes | None:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def baseline_commit() -> str | None:
    """The commit that last changed the committed snapshot, if git knows it."""
    output = _git("log", "-1", "--format=%H", "--", str(SNAPSHOT.relative_to(ROOT)))
    commit = output.decode().strip() if output else ""
    return commit or None


def load_baseline(commit: str, into: Path) -> griffe.Module | None:
    """The package as it was at *commit*, extracted with ``git archive`` (no worktree, no network)."""
    archive = _git("archive", "--format=tar", commit, f"overlay/{PACKAGE}")
    if archive is None:
        return None
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return load_package(into / "overlay")


def breakages(old: griffe.Module, new: griffe.Module) -> list[str]:
    """The explanations, by griffe, of what breaks between two versions of the package."""
    return sorted({_explain(breakage) for breakage in griffe.find_breaking_changes(old, new)})


def _explain(breakage: griffe.Breakage) -> str:
    # griffe's own explanations are coloured and name the temporary folder; this names the object.
    text = f"{breakage.obj.path}: {breakage.kind.value}"
    values = [_describe_value(breakage.old_value), _describe_value(breakage.new_value)]
    if any(values):
        text += f" ({values[0] or '-'} -> {values[1] or '-'})"
    return text


def _describe_value(value: object) -> str:
    if value is None or isinstance(value, griffe.Object | griffe.Alias):
        return ""
    if isinstance(value, griffe.Parameter):
        return value.name if value.default is None else f"{value.name}={value.default}"
    return str(value)


def check(search_path: Path = SEARCH_PATH, snapshot_path: Path = SNAPSHOT) -> tuple[bool, str]:
    """Compare the code under *search_path* to the snapshot; return whether they agree and a report."""
    package = load_package(search_path)
    difference = compare(read_snapshot(snapshot_path), snapshot(package))
    if not difference:
        return True, f"The public API matches {snapshot_path.name}."
    report = [f"The public API differs from {snapshot_path.name}:", difference.report()]
    commit = baseline_commit() if snapshot_path == SNAPSHOT else None
    if commit is not None and (difference.removed or difference.changed):
        with tempfile.TemporaryDirectory() as folder:
            old = load_baseline(commit, Path(folder))
            found = breakages(old, package) if old is not None else []
        if found:
            report.append(f"griffe, against the package at {commit[:12]}:")
            report.extend(f"  {line}" for line in found)
    report.append(_WRITE_HINT)
    return False, "\n".join(report)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the snapshot (``--write``), check the code against it (``--check``) or print it."""
    parser = argparse.ArgumentParser(
        prog="python -m codegen.api_snapshot", description=__doc__.splitlines()[0]
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="refresh the committed snapshot")
    mode.add_argument("--check", action="store_true", help="fail if the code differs from the snapshot")
    parser.add_argument("--search-path", type=Path, default=SEARCH_PATH, help="folder holding the package")
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT, help="the snapshot file")
    args = parser.parse_args(argv)
    if args.check:
        ok, report = check(args.search_path, args.snapshot)
        print(report, file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1
    text = render(snapshot(load_package(args.search_path)))
    if args.write:
        args.snapshot.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(args.snapshot, text)
        print(f"wrote {args.snapshot}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
