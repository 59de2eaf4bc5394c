"""The API's enumerations, open to values a newer service sends.

Each is a :class:`str` enum: members compare equal to their strings, and a value the library does
not list yet (a new tile status, say) becomes a member of its own instead of an error, so answers
stay readable. ``is_known`` tells the two apart.

>>> TileStatus("INGESTED") is TileStatus.INGESTED, TileStatus.INGESTED == "INGESTED"
(True, True)
>>> status = TileStatus("ARCHIVED")
>>> status, status.is_known, status == "ARCHIVED"
(TileStatus('ARCHIVED'), False, True)
"""

from __future__ import annotations

import enum
from typing import Any, ClassVar

__all__ = ["OpenEnum", "TileSort", "TileStatus"]


class OpenEnum(enum.StrEnum):
    """A string enum that keeps values it does not list as members of their own."""

    _unlisted_: ClassVar[dict[str, Any]]

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        # One object per value, so identity comparisons hold for unlisted values too.
        unlisted: dict[str, Any] | None = cls.__dict__.get("_unlisted_")
        if unlisted is None:
            unlisted = {}
            type.__setattr__(cls, "_unlisted_", unlisted)
        member: Any = unlisted.get(value)
        if member is None:
            member = str.__new__(cls, value)
            member._name_ = value
            member._value_ = value
            unlisted[value] = member
        return member

    @property
    def is_known(self) -> bool:
        """Whether this value is one the library lists (and so the API specification did)."""
        return self._name_ in type(self).__members__

    def __repr__(self) -> str:
        if self.is_known:
            return f"{type(self).__name__}.{self._name_}"
        return f"{type(self).__name__}({self._value_!r})"

    def __str__(self) -> str:
        return str(self._value_)


class TileStatus(OpenEnum):
    """A tile's ingestion state: ``WAITING → QUEUED → INGESTING → INGESTED | FAILED``.

    ``INGESTED`` and ``FAILED`` are final: the status no longer changes by itself (see
    :data:`~sentinelhub_byoc.models.FINAL_STATUSES`). ``FAILED`` tiles say why in
    :attr:`Tile.failure_cause <sentinelhub_byoc.models.Tile.failure_cause>`.
    """

    WAITING = "WAITING"
    """Created; ingestion has not been queued yet."""
    QUEUED = "QUEUED"
    """Waiting for the service to start ingesting it."""
    INGESTING = "INGESTING"
    """Being ingested: its files are being read and checked."""
    INGESTED = "INGESTED"
    """Ingested: its data can be requested (final)."""
    FAILED = "FAILED"
    """Ingestion failed (final); the tile's ``failure_cause`` says why."""


class TileSort(OpenEnum):
    """The orders a tile listing can be sorted in (``sort=`` takes these or their strings)."""

    CREATED_ASC = "created:asc"
    """Oldest tiles first."""
    CREATED_DESC = "created:desc"
    """Newest tiles first."""
