"""Checking request payloads the way the service does, with messages that say how to fix them."""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
import uuid
from collections.abc import Mapping
from typing import Any

import httpx

from ._answers import ApiError, Json, bad_payload
from ._records import STATUSES
from ._routing import writable_members
from ._spec_routes import ROUTES

_TILE_PATH = re.compile(r"^([^/](/?[^/])*)?$")
_BAND_NAME = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
_PROJECT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")
#: The storages (cloud regions) of the Copernicus Data Space deployment a bucket can be in.
STORAGE_IDENTIFIERS = ("waw3-1", "waw3-2", "waw4-1")
_MAX_BANDS = 100
_MAX_COVER_POINTS = 100
_BAND_KEYS = ("source", "bandIndex", "bitDepth", "sampleFormat", "noData")


def parse_uuid(text: str, what: str) -> str:
    """Return ``text`` as a canonical UUID string, or a 400 saying which id was malformed."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise bad_payload(
            f"Invalid {what} {text!r}: expected a UUID like 123e4567-e89b-12d3-a456-426614174000"
        ) from None


def json_body(request: httpx.Request) -> Json:
    """Parse the request body as a JSON object."""
    content_type = request.headers.get("content-type", "application/json").lower()
    if "json" not in content_type:
        raise ApiError(
            415,
            "COMMON_UNSUPPORTED_MEDIA_TYPE",
            f"Content type {content_type!r} is not supported: send application/json",
        )
    try:
        body = json.loads(request.content or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise bad_payload(f"Request body is not valid JSON: {error}") from None
    if not isinstance(body, dict):
        raise bad_payload("Request body must be a JSON object")
    return body


# JSON types of the members a client may write, as openapi.yaml documents them. Read-only and
# unknown members are left out: the service ignores them whatever they hold. ``null`` is taken
# as "absent" for every member, as the service's deserialiser takes it (sentinelhub-py pads its
# bodies with nulls). A member that is present with a value of another type is refused before
# any other check.
_Shape = Mapping[str, tuple[str, ...]]
# Read from the route table that `nox -s generate` writes from openapi.yaml.
_FORMAT: _Shape = writable_members(ROUTES, "createByocCollection", "additionalData.bands.*.")
_COLLECTION_ADDITIONAL: _Shape = writable_members(ROUTES, "createByocCollection", "additionalData.")
COLLECTION: _Shape = writable_members(ROUTES, "createByocCollection")
COLLECTION_UPDATE: _Shape = writable_members(ROUTES, "updateByocCollectionById")
_TILE_ADDITIONAL: _Shape = writable_members(ROUTES, "createByocCollectionTile", "additionalData.")
TILE: _Shape = writable_members(ROUTES, "createByocCollectionTile")
TILE_UPDATE: _Shape = writable_members(ROUTES, "updateByocCollectionTileById")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _check_shape(body: Json, shape: _Shape, where: str) -> None:
    for key, allowed in shape.items():
        if body.get(key) is None:
            continue
        kind = _json_type(body[key])
        if kind in allowed or (kind == "integer" and "number" in allowed):
            continue
        expected = " or ".join(("an " if t[0] in "aeiou" else "a ") + t for t in allowed)
        raise bad_payload(
            f"'{where}{key}' must be {expected}, got {kind} {body[key]!r}: send {expected} "
            "or leave the member out",
            {f"{where}{key}": kind},
        )


def member_types(body: Json, shape: _Shape) -> None:
    """Refuse members whose JSON type is not the one documented for ``shape``."""
    _check_shape(body, shape, "")
    additional = body.get("additionalData")
    if not isinstance(additional, dict):
        return
    if shape is TILE:
        _check_shape(additional, _TILE_ADDITIONAL, "additionalData.")
        return
    _check_shape(additional, _COLLECTION_ADDITIONAL, "additionalData.")
    bands = additional.get("bands")
    if isinstance(bands, dict):
        for name, band in bands.items():
            if isinstance(band, dict):
                _check_shape(band, _FORMAT, f"additionalData.bands.{name}.")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(float(value))


def required_string(body: Json, key: str) -> str:
    """Return ``body[key]`` as a non-empty string."""
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise bad_payload(f"'{key}' is required and must be a non-empty string", {key: "required"})
    return value


def bucket_name(body: Json, *, cdse: bool = False) -> str:
    """Return a valid S3 bucket name from ``body['s3Bucket']``.

    With ``cdse`` the Copernicus Data Space form ``PROJECT_ID:bucket`` is accepted too.
    """
    bucket = required_string(body, "s3Bucket")
    project, colon, name = bucket.rpartition(":")
    if cdse and colon and not _PROJECT_ID.fullmatch(project):
        raise bad_payload(
            f"'s3Bucket' {bucket!r} has an invalid project id {project!r}: write PROJECT_ID:bucket "
            "with the project id of letters, digits and hyphens, e.g. a1b2c3d4:my-bucket",
            {"s3Bucket": "invalid"},
        )
    if not cdse:
        name = bucket
    if not _BUCKET.fullmatch(name) or ".." in name:
        cdse_form = " (optionally after PROJECT_ID:)" if cdse else ""
        raise bad_payload(
            f"'s3Bucket' {bucket!r} is not a valid S3 bucket name: use 3-63 lowercase letters, "
            f"digits, dots and hyphens, starting and ending with a letter or digit{cdse_form}",
            {"s3Bucket": "invalid"},
        )
    return bucket


def storage_identifier(additional_data: Any, *, cdse: bool) -> str | None:
    """Return ``additionalData.storageIdentifier`` of a CDSE collection, checked; else ``None``.

    Only the Copernicus Data Space deployment knows the member; elsewhere it is an unknown
    member, which is ignored.
    """
    if not cdse or not isinstance(additional_data, dict):
        return None
    value = additional_data.get("storageIdentifier")
    if value is None:
        return None
    if value not in STORAGE_IDENTIFIERS:
        raise bad_payload(
            f"'additionalData.storageIdentifier' {value!r} is not a CDSE storage: use one of "
            f"{', '.join(STORAGE_IDENTIFIERS)}, the one holding the bucket",
            {"additionalData.storageIdentifier": "invalid"},
        )
    return str(value)


def meters_override(additional_data: Any) -> float | None:
    """Return ``additionalData.maxMetersPerPixelOverride``, a positive number, or ``None`` when absent."""
    if not isinstance(additional_data, dict):
        return None
    value = optional_number(additional_data, "maxMetersPerPixelOverride")
    if value is not None and not value > 0:
        raise bad_payload(
            f"'additionalData.maxMetersPerPixelOverride' must be a positive number of meters, got {value!r}",
            {"additionalData.maxMetersPerPixelOverride": "invalid"},
        )
    return value


def optional_number(body: Json, key: str) -> float | None:
    """Return ``body[key]`` as a number, or ``None`` when absent or null."""
    value = body.get(key)
    if value is None:
        return None
    if not _number(value):
        raise bad_payload(
            f"'{key}' must be a number, got {value!r}: send a number such as 0, or leave it out for none",
            {key: "not a number"},
        )
    return float(value) if isinstance(value, float) else int(value)


def bands(additional_data: Any) -> dict[str, Json]:
    """Validate ``additionalData.bands`` and return the bands with only writable keys."""
    if additional_data is None:
        return {}
    if not isinstance(additional_data, dict):
        raise bad_payload("'additionalData' must be an object")
    raw = additional_data.get("bands")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise bad_payload("'additionalData.bands' must be an object of band name to band format")
    if len(raw) > _MAX_BANDS:
        raise bad_payload(f"A collection has at most {_MAX_BANDS} bands, got {len(raw)}")
    result: dict[str, Json] = {}
    for name, band in raw.items():
        where = f"additionalData.bands.{name}"
        if not _BAND_NAME.fullmatch(name):
            raise bad_payload(
                f"Band name {name!r} is not a valid JavaScript identifier: use letters, digits, "
                "'_' and '$', not starting with a digit"
            )
        if not isinstance(band, dict):
            raise bad_payload(f"'{where}' must be an object")
        if band.get("bitDepth") not in (8, 16, 32) or isinstance(band.get("bitDepth"), bool):
            raise bad_payload(f"'{where}.bitDepth' must be 8, 16 or 32, got {band.get('bitDepth')!r}")
        if band.get("sampleFormat") not in ("UINT", "INT", "FLOAT"):
            raise bad_payload(
                f"'{where}.sampleFormat' must be UINT, INT or FLOAT, got {band.get('sampleFormat')!r}"
            )
        clean: Json = {"bitDepth": band["bitDepth"], "sampleFormat": band["sampleFormat"]}
        if band.get("source") is not None:
            if not isinstance(band["source"], str) or not band["source"]:
                raise bad_payload(f"'{where}.source' must be a non-empty string")
            clean["source"] = band["source"]
        index = 1 if band.get("bandIndex") is None else band["bandIndex"]
        if not isinstance(index, int) or isinstance(index, bool) or index < 1:
            raise bad_payload(f"'{where}.bandIndex' must be an integer >= 1 (1-based), got {index!r}")
        clean["bandIndex"] = index
        if band.get("noData") is not None:
            clean["noData"] = optional_number(band, "noData")
        result[name] = clean
    return result


def check_no_data_once(no_data: float | None, band_map: dict[str, Json]) -> None:
    """Reject noData set on both the collection and its bands."""
    if no_data is not None and any("noData" in band for band in band_map.values()):
        raise bad_payload(
            "noData can be defined either per band or per collection, not both: "
            "remove 'noData' from the collection or from the bands"
        )


def tile_path(body: Json) -> str:
    """Return the tile's ``path``, checked against the spec's pattern."""
    path = body.get("path")
    if not isinstance(path, str):
        raise bad_payload("'path' is required and must be a string", {"path": "required"})
    if not _TILE_PATH.fullmatch(path):
        raise bad_payload(
            f"'path' {path!r} is invalid: it must not start or end with '/' nor contain '//'",
            {"path": "must match ^([^/](/?[^/])*)?$"},
        )
    return path


def sensing_time(body: Json) -> int | None:
    """Return ``sensingTime`` as epoch milliseconds (sub-millisecond part dropped) or ``None``."""
    value = body.get("sensingTime")
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_payload(f"'sensingTime' must be an ISO 8601 string, got {value!r}")
    text = value.strip()
    try:
        moment = _dt.datetime.fromisoformat(text)
    except ValueError:
        raise bad_payload(f"'sensingTime' {value!r} is not ISO 8601: use e.g. 2024-05-01T10:30:00Z") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.UTC)
    micros = (moment - _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)) // _dt.timedelta(microseconds=1)
    return micros // 1000


def _positions(coordinates: Any, depth: int, where: str) -> int:
    """Check nested coordinate arrays ``depth`` levels deep; return the number of positions."""
    if not isinstance(coordinates, list) or not coordinates:
        raise bad_payload(f"'{where}.coordinates' must be non-empty nested arrays")
    if depth == 0:
        if len(coordinates) != 2 or not all(_number(c) for c in coordinates):
            raise bad_payload(f"'{where}.coordinates' positions must be [x, y] number pairs")
        return 1
    if depth == 1 and (len(coordinates) < 4 or coordinates[0] != coordinates[-1]):
        raise bad_payload(f"'{where}' rings need at least 4 positions and must end where they start")
    return sum(_positions(item, depth - 1, where) for item in coordinates)


def geometry(value: Any, where: str) -> Json | None:
    """Validate a Polygon or MultiPolygon, keeping its ``crs`` member; ``None`` if absent."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_payload(f"'{where}' must be a GeoJSON Polygon or MultiPolygon object")
    kind = value.get("type")
    depth = {"Polygon": 2, "MultiPolygon": 3}.get(kind) if isinstance(kind, str) else None
    if depth is None:
        raise bad_payload(f"'{where}.type' must be Polygon or MultiPolygon, got {kind!r}")
    points = _positions(value.get("coordinates"), depth, where)
    if points > _MAX_COVER_POINTS:
        raise bad_payload(
            f"'{where}' has {points} points, at most {_MAX_COVER_POINTS} are allowed: simplify it"
        )
    result: Json = {"type": kind, "coordinates": value["coordinates"]}
    if "crs" in value:
        result["crs"] = value["crs"]
    return result


def status_filter(raw: str | None) -> str | None:
    """Parse the ``status`` query parameter, plain (``INGESTED``) or JSON-quoted."""
    if raw is None or raw == "":
        return None
    text = raw.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    if text not in STATUSES:
        raise bad_payload(f"Invalid status {raw!r}: use one of {', '.join(STATUSES)}")
    return text


def count(raw: str | None) -> int:
    """Parse the ``count`` query parameter (1..100, 100 when absent)."""
    if raw is None:
        return 100
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= 100:
        raise bad_payload(f"Invalid count {raw!r}: it must be an integer from 1 to 100")
    return value
