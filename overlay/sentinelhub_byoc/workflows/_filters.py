"""Which files a sync takes: ``include`` and ``exclude`` globs on keys relative to the source (no I/O).

A pattern is matched against a file's key relative to the source: its path inside a local
folder, or its key after an ``s3://`` source's prefix. ``*`` matches within one folder name,
``**`` across folders, ``?`` one character other than ``/`` and ``[abc]`` (``[!abc]``) one of
(none of) the characters in the brackets. As in rclone, a pattern starting with ``/`` is
anchored at the source's root, and one without matches the end of the key at a folder
boundary: ``*.xml`` leaves out every ``.xml`` file, ``2024/05/**`` every file of any
``2024/05`` folder, ``/2024/05/**`` only those of the top one. A pattern ending in ``/``
means everything under that folder.

A key is taken when it matches an ``include`` pattern (or none is given) and no ``exclude``
pattern: an exclude always wins, whatever the order the patterns were given in. The
``aws s3 sync`` idiom ``--exclude '*' --include '*.tif'`` is ``--include '*.tif'`` here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from sentinelhub_byoc.errors import ValidationError

__all__ = ["KeyFilter", "compile_pattern", "key_filter"]


def compile_pattern(pattern: str, what: str = "pattern") -> re.Pattern[str]:
    """The regular expression matching the keys *pattern* names (see the module's rules).

    Raises :class:`~sentinelhub_byoc.errors.ValidationError` for an empty pattern, or one
    that is not text; *what* names it in the message (``"exclude pattern"``).

    >>> bool(compile_pattern("*.xml").fullmatch("2024/05/meta.xml"))
    True
    >>> bool(compile_pattern("/2024/**").fullmatch("old/2024/B04.tif"))
    False
    """
    if not isinstance(pattern, str) or not pattern.strip("/"):
        raise ValidationError(
            f"{what} {pattern!r} names no file: give a glob such as '*.tif', '2024/**' or '/scenes/*/B04.tif'"
        )
    anchored = pattern.startswith("/")
    body = pattern.lstrip("/")
    if body.endswith("/"):
        body += "**"
    parts: list[str] = ["" if anchored else "(?:.*/)?"]
    index = 0
    while index < len(body):
        if body.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif body.startswith("**", index):
            parts.append(".*")
            index += 2
        elif body[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif body[index] == "?":
            parts.append("[^/]")
            index += 1
        elif body[index] == "[" and (end := body.find("]", index + 2)) != -1:
            inside = body[index + 1 : end]
            negated = inside.startswith("!")
            members = re.escape(inside[1:] if negated else inside).replace(r"\-", "-")
            parts.append(f"[^/{members}]" if negated else f"[{members}]")
            index = end + 1
        else:
            parts.append(re.escape(body[index]))
            index += 1
    try:
        return re.compile("".join(parts), re.DOTALL)
    except re.error as error:
        raise ValidationError(f"{what} {pattern!r} cannot be read as a glob ({error})") from None


def _patterns(value: str | Iterable[str] | None, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    patterns = tuple(value)
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise ValidationError(f"{what} patterns must be text such as '*.tif', got {pattern!r}")
    return patterns


@attrs.frozen
class KeyFilter:
    """The ``include`` and ``exclude`` patterns of a sync, compiled."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    _include: tuple[re.Pattern[str], ...] = attrs.field(default=(), repr=False, eq=False, alias="_include")
    _exclude: tuple[re.Pattern[str], ...] = attrs.field(default=(), repr=False, eq=False, alias="_exclude")

    @property
    def active(self) -> bool:
        """Whether any pattern was given (without one, every key is taken)."""
        return bool(self.include or self.exclude)

    def selects(self, relative: str) -> bool:
        """Whether the key *relative* (to the source) is taken."""
        if self._include and not any(pattern.fullmatch(relative) for pattern in self._include):
            return False
        return not any(pattern.fullmatch(relative) for pattern in self._exclude)


def key_filter(
    include: str | Iterable[str] | None = None, exclude: str | Iterable[str] | None = None
) -> KeyFilter:
    """A :class:`KeyFilter` of *include* and *exclude* (a pattern, or several), checked.

    >>> chosen = key_filter(include="2024/**", exclude="*_B10.tif")
    >>> chosen.selects("2024/05/a_B04.tif"), chosen.selects("2024/05/a_B10.tif"), chosen.selects("x.tif")
    (True, False, False)
    """
    included = _patterns(include, "include")
    excluded = _patterns(exclude, "exclude")
    return KeyFilter(
        included,
        excluded,
        tuple(compile_pattern(pattern, "include pattern") for pattern in included),
        tuple(compile_pattern(pattern, "exclude pattern") for pattern in excluded),
    )
