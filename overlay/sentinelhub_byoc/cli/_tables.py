"""Fitting a table into a terminal's width: which columns, how wide, and cells shortened with "…".

Pure: text in, text out, no I/O. :mod:`~sentinelhub_byoc.cli._output` draws what this decides.
Widths are terminal cells (a CJK character takes two), as the terminal counts them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Literal

import attrs
from rich.cells import cell_len, get_character_cell_size

#: How a column's cells are shortened when the column is narrower than them: ``whole`` never
#: (ids, statuses, times: a cut id cannot be pasted back), ``middle`` with "…" in the middle
#: (paths: their start and their file name both matter), ``end`` with "…" at the end, on one line
#: (names, causes and other prose).
Fit = Literal["whole", "middle", "end"]

#: Cells between two columns: what rich draws between columns of a table without edges.
GAP = 3

ELLIPSIS = "…"

# A shortened column narrower than this shows too little to be worth its place.
_NARROWEST = 12

# Characters that move the cursor, clear the screen or reorder text (bidirectional overrides)
# when written to a terminal: a name, path or cause from a server or a disk may hold them.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


@attrs.frozen
class Column:
    """One column: its heading, how its cells are shortened, the narrowest it may get.

    *comfortable* is the width it keeps before a column that matters less is let in beside it
    (default: *narrowest*): a readable path is worth more than one more column.
    """

    heading: str
    fit: Fit = "whole"
    narrowest: int = _NARROWEST
    comfortable: int = 0

    def minimum(self, natural: int) -> int:
        """The fewest cells this column takes when its widest cell (or heading) is *natural*."""
        if self.fit == "whole":
            return natural
        return min(natural, max(self.narrowest, cell_len(self.heading)))

    def kept(self, natural: int) -> int:
        """The cells this column keeps when a column that matters less asks for room."""
        return max(self.minimum(natural), min(natural, self.comfortable))


@attrs.frozen
class Fitted:
    """The columns chosen (indices into the table's columns, in its order) and their widths."""

    indices: tuple[int, ...]
    widths: tuple[int, ...]

    @property
    def width(self) -> int:
        """The cells a row takes, gaps included."""
        return sum(self.widths) + GAP * (len(self.widths) - 1)


def printable(text: str, *, one_line: bool = False) -> str:
    """*text* safe to write to a terminal: control and bidirectional characters as ``\\xNN``.

    With *one_line*, runs of whitespace (newlines included) become one space first, as prose
    reads; otherwise a newline or tab is escaped like any control character, so that a path
    keeps its exact spelling and a row stays one line.
    """
    if one_line:
        text = " ".join(text.split())
    if text.isprintable() and not _BIDI.intersection(text):
        return text
    return "".join(_escape(char) for char in text)


def _escape(char: str) -> str:
    if char in _BIDI or unicodedata.category(char) in ("Cc", "Cs") or char in "\u2028\u2029":
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return char


def _head(text: str, cells: int) -> str:
    """The longest start of *text* taking at most *cells* cells."""
    used = 0
    head = text
    for index, char in enumerate(text):
        used += get_character_cell_size(char)
        if used > cells:
            head = text[:index]
            break
    # Characters that join into one wider glyph (an emoji and its variation selector) count
    # more together than one by one: the terminal's count is the one that matters.
    while head and cell_len(head) > cells:
        head = head[:-1]
    return head


def _tail(text: str, cells: int) -> str:
    """The longest end of *text* taking at most *cells* cells."""
    return _head(text[::-1], cells)[::-1]


def shorten(text: str, width: int, fit: Fit) -> str:
    """*text* in at most *width* cells, with "…" where something was left out (never for ``whole``)."""
    if fit == "whole" or cell_len(text) <= width:
        return text
    room = max(width - 1, 0)
    if fit == "middle":
        head = room // 2
        return _head(text, head) + ELLIPSIS + _tail(text, room - head)
    return _head(text, room) + ELLIPSIS


def shorten_line(line: str, width: int) -> str:
    """A report's line in at most *width* cells, cut at the end, but never inside an id.

    An id that would be cut is left out whole instead, so that whatever id is shown can be
    pasted back into a command.
    """
    if cell_len(line) <= width:
        return line
    cut = len(_head(line, max(width - 1, 0)))
    for match in _UUID.finditer(line):
        if match.start() < cut < match.end():
            cut = match.start()
    return line[:cut].rstrip() + ELLIPSIS


def wrap(text: str, width: int, max_lines: int) -> list[str]:
    """*text* as at most *max_lines* lines of at most *width* cells, split between words.

    A word longer than a line is split where the line ends; when text is left over, the last
    line ends in "…".
    """
    width = max(width, 2)
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if cell_len(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while cell_len(word) > width:
            piece = _head(word, width) or word[0]
            lines.append(piece)
            word = word[len(piece) :]
        current = word
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    kept[-1] = _head(kept[-1], width - 1).rstrip() + ELLIPSIS
    return kept


def fit(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    priority: Sequence[str],
    required: Sequence[str],
) -> Fitted | None:
    """The columns that fit *width*, in their table order, and how wide each is drawn.

    *priority* lists headings most wanted first; the *required* ones are always shown, the others
    only while they fit beside the columns that matter more at their comfortable widths, and
    not at all when every cell of theirs is empty. A shortened column gets at least its
    :attr:`~Column.narrowest`; the room left is shared evenly among the shortened ones, none
    wider than its widest cell. ``None`` when the required columns alone do not fit: the rows
    are then better drawn as blocks.
    """
    headings = [column.heading for column in columns]
    natural = [
        max([cell_len(column.heading)] + [cell_len(row[index]) for row in rows])
        for index, column in enumerate(columns)
    ]
    minimum = [column.minimum(natural[index]) for index, column in enumerate(columns)]
    kept = [column.kept(natural[index]) for index, column in enumerate(columns)]

    def needed(chosen: Sequence[int]) -> int:
        return sum(minimum[index] for index in chosen) + GAP * (len(chosen) - 1)

    chosen = [headings.index(heading) for heading in required]
    if needed(chosen) > width:
        return None
    for heading in priority:
        index = headings.index(heading)
        if index in chosen or (rows and not any(row[index] for row in rows)):
            continue
        if sum(kept[other] for other in chosen) + minimum[index] + GAP * len(chosen) <= width:
            chosen.append(index)
    chosen.sort()
    widths = {index: minimum[index] for index in chosen}
    room = width - needed(chosen)
    growing = sorted(
        (index for index in chosen if minimum[index] < natural[index]), key=lambda index: natural[index]
    )
    # Shared evenly; a column needing less than its share leaves the rest to the wider ones.
    for count, index in enumerate(growing):
        extra = min(natural[index] - minimum[index], room // (len(growing) - count))
        widths[index] += extra
        room -= extra
    return Fitted(tuple(chosen), tuple(widths[index] for index in chosen))
