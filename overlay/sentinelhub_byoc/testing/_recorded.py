"""Recorded answers served back as they were: which members a change makes the emulator's own.

A seeded record keeps the JSON object the service answered for it (``recorded``). Its answer is
that object, member for member, with the emulator's own members filled in only where the record
has none. A change (an update, a reingest, an ingestion, tiles added or deleted) *forgets* the
recorded members it touches, so from then on those members are the emulator's, as they would be
the live service's.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._answers import Json

TILE_RUN = (
    "status",
    "ingestionStart",
    "tileGeometry",
    "coverGeometry",
    "additionalData.failedIngestionCause",
    "additionalData.warnings",
    "additionalData.minMetersPerPixel",
    "additionalData.maxMetersPerPixel",
)
"""What an ingestion run (a reingest) starts again: the status and what the files gave the tile."""
TILE_COPY = ("id", "created", "ingestionStart", "status")
"""What a copy of a tile has of its own: the rest it takes from the tile copied."""
COLLECTION_DERIVED = (
    "additionalData.extent",
    "additionalData.maxMetersPerPixel",
    "additionalData.hasSensingTimes",
    "additionalData.fromSensingTime",
    "additionalData.toSensingTime",
)
"""What the service derives from a collection's tiles: it moves on when they change."""
COLLECTION_BANDS = ("isConfigured", "additionalData.bands")
"""What the first ingested tile sets on a collection without bands."""
_NESTED = "additionalData"


def copy_record(recorded: Json) -> Json:
    """A copy a record can forget members of without touching ``recorded``."""
    copy = dict(recorded)
    if isinstance(copy.get("additionalData"), dict):
        copy["additionalData"] = dict(copy["additionalData"])
    return copy


def replayed(recorded: Json | None, own: Json) -> Json:
    """The answer for a record: ``recorded`` member for member, then ``own``'s members it lacks.

    ``additionalData`` is merged one level down the same way. Without a record, ``own``.
    """
    if recorded is None:
        return own
    answer = dict(recorded)
    for key, value in own.items():
        if key not in answer:
            answer[key] = value
        elif key == _NESTED and isinstance(answer[key], dict) and isinstance(value, dict):
            answer[key] = {**answer[key], **{k: v for k, v in value.items() if k not in answer[key]}}
    return answer


def forget(recorded: Json | None, members: Iterable[str]) -> None:
    """Drop ``members`` (``"name"`` or ``"additionalData.name"``) from a record, where it has them."""
    if recorded is None:
        return
    for member in members:
        outer, _, inner = member.partition(".")
        if not inner:
            recorded.pop(outer, None)
            continue
        nested = recorded.get(outer)
        if isinstance(nested, dict) and inner in nested:
            del nested[inner]
            if not nested:
                # Emptied by changes, it is the emulator's to show, or leave out, from now on.
                del recorded[outer]


def kept(recorded: Json | None, member: str) -> bool:
    """Whether a record still holds ``member`` (``"name"`` or ``"additionalData.name"``) as recorded."""
    if recorded is None:
        return False
    outer, _, inner = member.partition(".")
    if not inner:
        return outer in recorded
    nested = recorded.get(outer)
    return isinstance(nested, dict) and inner in nested
