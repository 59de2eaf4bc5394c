"""The one way the ingestion steps say that a tile cannot be ingested."""

from __future__ import annotations


class TileRejectedError(Exception):
    """The tile breaks an ingestion rule; the message is the failure cause shown to users."""
