"""What a broken rule reports: a :class:`Problem`, and the exception that carries one."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import Literal

import attrs

__all__ = [
    "CONVERT",
    "Problem",
    "ProblemError",
    "RuleSet",
    "Severity",
    "check_rules",
    "convert_command",
    "convert_fix",
    "error",
    "for_rules",
    "merge_fixes",
    "summarize",
    "warning",
]

Severity = Literal["error", "warning"]
"""An ``"error"`` makes the service refuse the file or tile; a ``"warning"`` does not."""

RuleSet = Literal["sentinel-hub", "cdse"]
"""The rules of Sentinel Hub's BYOC service, or those of the Copernicus Data Space Ecosystem."""

CONVERT = "byoc cog convert"
"""This package's command that rewrites a file so that it meets the rules."""

# The option every convert fix carries; DIR stands for a folder the user picks.
_OUT = "--out DIR"
# The options a convert fix may carry, in the order they are written.
_OPTIONS = ("--rules", "--reproject", "--dtype")
# The most files a one-line cause's convert command names.
_FILES_IN_CAUSE = 3


def convert_fix(
    file: str,
    *,
    reproject: bool | str = False,
    rules: RuleSet = "sentinel-hub",
    dtype: str | None = None,
    note: str = "",
) -> str:
    """Return the fix of a problem :func:`~sentinelhub_byoc.cog.convert` repairs.

    It is the ``byoc cog convert`` command for ``file`` with the options that matter:
    ``--rules cdse`` for the Copernicus Data Space rules, ``--reproject utm`` when the file
    must be warped (or ``--reproject EPSG:N`` for a given CRS), ``--dtype`` for a data type;
    ``note`` is a condition (e.g. ``"if GDAL reads it"``). The fix holds one command only; the
    equivalent GDAL commands are in the documentation, once.

    >>> convert_fix("B04.tif")
    'byoc cog convert B04.tif --out DIR'
    >>> convert_fix("my scene.tif", reproject=True, rules="cdse")
    "byoc cog convert 'my scene.tif' --out DIR --rules cdse --reproject utm"
    """
    options = {}
    if rules == "cdse":
        options["--rules"] = "cdse"
    if reproject:
        options["--reproject"] = "utm" if reproject is True else str(reproject)
    if dtype:
        options["--dtype"] = dtype
    return convert_command([file], options, note)


def convert_command(files: Sequence[str], options: Mapping[str, str] | None = None, note: str = "") -> str:
    """Return the ``byoc cog convert`` command for ``files`` with ``options`` (``{"--dtype": "int16"}``).

    >>> convert_command(["B04.tif", "B08.tif"], {"--reproject": "EPSG:32633"})
    'byoc cog convert B04.tif B08.tif --out DIR --reproject EPSG:32633'
    """
    options = options or {}
    words = [CONVERT, *(shlex.quote(file) for file in files), _OUT]
    words += [f"{name} {shlex.quote(options[name])}" for name in _OPTIONS if name in options]
    return " ".join(words) + (f" ({note})" if note else "")


def _convert_parts(problem: Problem) -> tuple[dict[str, str], str] | None:
    """Return the options and note of a problem's ``byoc cog convert`` fix for its own file, or None."""
    head = f"{CONVERT} {shlex.quote(problem.file)} {_OUT}"
    if not problem.fixed_by_convert or not problem.fix.startswith(head):
        return None
    rest, note = problem.fix[len(head) :], ""
    if rest.endswith(")") and " (" in rest:
        rest, _, note = rest.partition(" (")
        note = note[:-1]
    try:
        words = shlex.split(rest)
    except ValueError:
        return None
    if len(words) % 2 or any(name not in _OPTIONS for name in words[::2]):
        return None
    return dict(zip(words[::2], words[1::2], strict=True)), note


def for_rules(problem: Problem, rules: RuleSet) -> Problem:
    """Return ``problem`` with its ``byoc cog convert`` fix checking against ``rules``.

    Converting checks its output against ``--rules``: a file that only the CDSE rules accept
    (EPSG:6933, 1-bit samples) would be refused under the default rules.
    """
    parts = _convert_parts(problem)
    if rules != "cdse" or parts is None:
        return problem
    options, note = parts
    fix = convert_command([problem.file], {**options, "--rules": "cdse"}, note)
    return attrs.evolve(problem, fix=fix)


def merge_fixes(problems: Sequence[Problem]) -> list[tuple[str, tuple[Problem, ...]]]:
    """Return each distinct fix of ``problems`` once, with the problems it fixes.

    The ``byoc cog convert`` fixes of one file become one command (with every option any of
    them needs), and files needing the same options share one command. Other fixes (a GDAL
    step, a rename) come first, in the order of their problems, since converting is the last
    step; the convert commands follow.

    >>> fix = convert_fix("B04.tif")
    >>> problems = [
    ...     error("B04.tif", "not-tiled", "B04.tif is not tiled", fix, fixed_by_convert=True),
    ...     error("B04.tif", "compression", "B04.tif is not compressed", fix, fixed_by_convert=True),
    ... ]
    >>> [(fix, len(fixed)) for fix, fixed in merge_fixes(problems)]
    [('byoc cog convert B04.tif --out DIR', 2)]
    """
    others: dict[str, list[Problem]] = {}
    by_file: dict[str, tuple[dict[str, str], list[str], list[Problem]]] = {}
    for problem in problems:
        parts = _convert_parts(problem)
        if parts is None:
            others.setdefault(problem.fix, []).append(problem)
            continue
        options, note = parts
        merged, notes, fixed = by_file.setdefault(problem.file, ({}, [], []))
        for name, value in options.items():
            merged.setdefault(name, value)
        if note and note not in notes:
            notes.append(note)
        fixed.append(problem)
    commands: dict[tuple[tuple[tuple[str, str], ...], str], tuple[list[str], list[Problem]]] = {}
    for file, (options, notes, fixed) in by_file.items():
        key = (tuple(sorted(options.items())), "; ".join(notes))
        files, all_fixed = commands.setdefault(key, ([], []))
        files.append(file)
        all_fixed.extend(fixed)
    merged_fixes = [(fix, tuple(fixed)) for fix, fixed in others.items()]
    merged_fixes += [
        (convert_command(files, dict(options), note), tuple(fixed))
        for (options, note), (files, fixed) in commands.items()
    ]
    return merged_fixes


def summarize(problems: Sequence[Problem]) -> str:
    """Return ``problems`` as one short line: the first problem, and the fix given once.

    One problem gives ``"<message>; fix: <fix>"``; several give ``"<n> problems; first:
    <message>; fix: <fix>"``, where the fix is the one command that fixes them all when there
    is one, else the first problem's (followed by how many other fixes there are); a convert
    command names at most three files. An empty sequence gives ``""``.

    >>> fix = convert_fix("B04.tif")
    >>> summarize([error("B04.tif", "not-tiled", "B04.tif is not tiled", fix, fixed_by_convert=True)])
    'B04.tif is not tiled; fix: byoc cog convert B04.tif --out DIR'
    """
    if not problems:
        return ""
    first = problems[0]
    fixes = merge_fixes(problems)
    fix, fixed = next((fix, fixed) for fix, fixed in fixes if first in fixed)
    notes = []
    files = list(dict.fromkeys(problem.file for problem in fixed))
    if len(files) > _FILES_IN_CAUSE:
        # A tile of many band files: the command for the first file, and how many more need it.
        fix = merge_fixes([problem for problem in fixed if problem.file == first.file])[0][0]
        notes.append(f"the same for {len(files) - 1} more files")
    more = len(fixes) - 1
    if more:
        notes.append(f"and {more} more fix{'es' * (more > 1)}")
    text = f"{first.message}; fix: {fix}" + (f" ({'; '.join(notes)})" if notes else "")
    return text if len(problems) == 1 else f"{len(problems)} problems; first: {text}"


@attrs.frozen
class Problem:
    """One broken rule of one file or tile.

    ``file`` names the file (or the tile path, for a rule of the whole tile), ``rule`` is a
    short id such as ``"not-tiled"`` or ``"crs"``, ``message`` says in one line what is wrong,
    with the numbers, as the service's failure cause would (and nothing about the fix), ``fix``
    is the one command or step that repairs it, ``severity`` is ``"error"`` (ingestion fails)
    or ``"warning"`` (it succeeds), and ``fixed_by_convert`` says whether
    :func:`~sentinelhub_byoc.cog.convert` (``byoc cog convert``) repairs it; its ``fix`` is
    then that command, with the options that matter (``--reproject utm``, ``--rules cdse``,
    ``--dtype``). Problems of a tile's files together (different extents, band names, a
    missing file) are not fixed by converting.

    >>> fix = "byoc cog convert B04.tif --out DIR"
    >>> problem = Problem("B04.tif", "not-tiled", "B04.tif is not tiled", fix)
    >>> problem.severity, str(problem)
    ('error', 'error [not-tiled] B04.tif is not tiled; fix: byoc cog convert B04.tif --out DIR')
    """

    file: str
    """The file the problem is in, as the check named it, or the tile's path for a rule of the tile."""
    rule: str
    """A short id of the broken rule, such as ``"not-tiled"`` or ``"crs"``."""
    message: str
    """What is wrong, in one line with the numbers, as the service's failure cause would say it."""
    fix: str
    """The one command or step that repairs it (a ``byoc cog convert`` command when that does)."""
    severity: Severity = "error"
    """``"error"`` (ingestion fails) or ``"warning"`` (ingestion succeeds)."""
    fixed_by_convert: bool = False
    """Whether :func:`~sentinelhub_byoc.cog.convert` (``byoc cog convert``) repairs it."""

    @property
    def is_error(self) -> bool:
        """Whether the problem makes ingestion fail."""
        return self.severity == "error"

    def __str__(self) -> str:
        return f"{self.severity} [{self.rule}] {self.message}; fix: {self.fix}"


class ProblemError(Exception):
    """Raised where one broken rule stops the reading of a file (it cannot be parsed at all)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def error(file: str, rule: str, message: str, fix: str, *, fixed_by_convert: bool = False) -> Problem:
    """Return an error :class:`Problem`."""
    return Problem(file, rule, message, fix, "error", fixed_by_convert)


def warning(file: str, rule: str, message: str, fix: str, *, fixed_by_convert: bool = False) -> Problem:
    """Return a warning :class:`Problem`."""
    return Problem(file, rule, message, fix, "warning", fixed_by_convert)


def check_rules(rules: object) -> RuleSet:
    """Return ``rules`` if it names a rule set; raise ValidationError otherwise."""
    if rules in ("sentinel-hub", "cdse"):
        return rules
    from sentinelhub_byoc.errors import ValidationError

    raise ValidationError(f"rules must be 'sentinel-hub' or 'cdse', got {rules!r}")
