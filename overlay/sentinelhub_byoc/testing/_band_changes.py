"""The rules for changing a collection's bands once it has tiles."""

from __future__ import annotations

from ._answers import Json, bad_payload

_FIXED = ("bitDepth", "sampleFormat", "bandIndex")


def _source(name: str, band: Json) -> str:
    return str(band.get("source", name))


def _same_format(old: Json, new: Json) -> bool:
    return all(old.get(key, 1 if key == "bandIndex" else None) == new.get(key) for key in _FIXED)


def updated_bands(old: dict[str, Json], new: dict[str, Json], has_tiles: bool) -> dict[str, Json]:
    """Return the bands to store when a PUT asks for ``new`` in place of ``old``.

    Without tiles anything goes. With tiles, bands may only be renamed, have their noData
    changed, or be removed; a renamed band keeps reading the files of the band it was.
    """
    if not has_tiles:
        return new
    if old and not new:
        raise bad_payload("All bands can only be removed from an empty collection: delete its tiles first")
    kept = {name for name in new if name in old}
    unclaimed = [name for name in old if name not in kept]
    result: dict[str, Json] = {}
    for name, band in new.items():
        previous_name = name if name in old else None
        if previous_name is None:
            previous_name = next(
                (
                    candidate
                    for candidate in unclaimed
                    if _same_format(old[candidate], band)
                    and band.get("source", _source(candidate, old[candidate]))
                    == _source(candidate, old[candidate])
                ),
                None,
            )
            if previous_name is None:
                raise bad_payload(
                    f"Band {name!r} cannot be added to a collection that has tiles: bands can "
                    "only be renamed, have their noData changed, or be removed"
                )
            unclaimed.remove(previous_name)
        previous = old[previous_name]
        if not _same_format(previous, band) or (
            "source" in band and band["source"] != _source(previous_name, previous)
        ):
            raise bad_payload(
                f"Band {name!r}: bitDepth, sampleFormat, bandIndex and source cannot change once "
                "the collection has tiles; only the name and noData can"
            )
        stored = dict(band)
        if previous_name != name or "source" in previous:
            stored["source"] = _source(previous_name, previous)
        result[name] = stored
    return result
