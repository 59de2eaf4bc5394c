"""The rules for band names: JavaScript identifiers (evalscripts name bands), at most 100."""

from __future__ import annotations

from collections.abc import Mapping

from sentinelhub_byoc.cog._problems import Problem, error

__all__ = ["MAX_BANDS", "band_name_problems", "is_js_identifier"]

MAX_BANDS = 100
"""The most bands a collection may have."""

# A band name is shown at most this long in a message.
_SHOWN = 40

# Words JavaScript reserves, which cannot name a variable in an evalscript.
_RESERVED = frozenset(
    [
        "await",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "implements",
        "import",
        "in",
        "instanceof",
        "interface",
        "let",
        "new",
        "null",
        "package",
        "private",
        "protected",
        "public",
        "return",
        "static",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
    ]
)


def _shown(name: str) -> str:
    """Return ``name``'s repr for a message, shortened: it comes from a file name."""
    text = repr(name)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def is_js_identifier(name: str) -> bool:
    """Return whether ``name`` can name a JavaScript variable.

    Letters are any Unicode letters, a close reading of JavaScript's ID_Start and
    ID_Continue; ``$`` and ``_`` are allowed anywhere and reserved words are refused.
    """
    if not name or name in _RESERVED:
        return False
    first, rest = name[0], name[1:]
    if not (first.isalpha() or first in "$_"):
        return False
    return all(c.isalnum() or c in "$_" for c in rest)


def band_name_problems(names: Mapping[str, str]) -> list[Problem]:
    """Return a ``band-name`` problem for each name that is not a JavaScript identifier.

    More than 100 bands give a ``band-count`` problem. ``names`` maps each band name to the
    file it comes from, which the problems name.
    """
    problems = [
        error(
            key,
            "band-name",
            f"{key} gives band name {_shown(name)}, which is not a JavaScript identifier",
            "rename the file to a JavaScript identifier (letters, digits, _ and $, not first a digit), "
            'or define the collection\'s bands first with a "source" naming the file',
        )
        for name, key in names.items()
        if not is_js_identifier(name)
    ]
    if len(names) > MAX_BANDS:
        files = sorted(set(names.values()))
        problems.append(
            error(
                files[0] if len(files) == 1 else ", ".join(files),
                "band-count",
                f"the tile has {len(names)} bands; a collection may have at most {MAX_BANDS}",
                "split the bands over several collections (gdal_translate -b <band> for each)",
            )
        )
    return problems
