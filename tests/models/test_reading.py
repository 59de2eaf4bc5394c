"""Models read from JSON: every known member checked at once, each field converted on first access."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import attrs
import pytest
from sentinelhub_byoc.models import Band, Collection, Tile, TileAdditionalData, TileStatus
from sentinelhub_byoc.models._codec import DecodeError

TILE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def tile_json(**members: Any) -> dict[str, Any]:
    return {
        "id": TILE_ID,
        "path": "a/(BAND).tif",
        "status": "FAILED",
        "created": "2024-05-01T08:00:00.000Z",
        "additionalData": {"failedIngestionCause": "broken", "newMember": 1},
        **members,
    }


def test_a_model_read_from_json_equals_the_one_built_from_its_fields() -> None:
    read = Tile.from_dict(tile_json())
    built = Tile(
        path="a/(BAND).tif",
        id=UUID(TILE_ID),
        status=TileStatus.FAILED,
        created=datetime(2024, 5, 1, 8, tzinfo=UTC),
        additional_data=TileAdditionalData(failed_ingestion_cause="broken", extra={"newMember": 1}),
    )
    assert read == built
    assert read.failure_cause == "broken"
    assert read.to_dict() == built.to_dict()
    assert attrs.evolve(read, path="b/(BAND).tif").path == "b/(BAND).tif"


def test_a_field_is_converted_once_and_kept() -> None:
    tile = Tile.from_dict(tile_json())
    assert tile.id is tile.id
    assert tile.additional_data is tile.additional_data
    assert tile.sensing_time is None  # absent: the field's default


def test_the_class_attribute_is_no_instance_value() -> None:
    assert not isinstance(Tile.path, str)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        Tile.from_dict(tile_json()).path = "b"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("members", "path"),
    [
        ({"id": "not-a-uuid"}, "id"),
        ({"created": "yesterday"}, "created"),
        ({"additionalData": {"failedIngestionCause": 3}}, "additionalData.failedIngestionCause"),
        ({"additionalData": []}, "additionalData"),
    ],
)
def test_a_wrong_member_fails_the_read_with_its_path(members: dict[str, Any], path: str) -> None:
    with pytest.raises(DecodeError) as caught:
        Tile.from_dict(tile_json(**members))
    assert caught.value.path == path


def test_a_wrong_nested_model_in_a_map_fails_with_its_name() -> None:
    with pytest.raises(DecodeError) as caught:
        Collection.from_dict({"id": TILE_ID, "additionalData": {"bands": {"B01": {"bitDepth": "8"}}}})
    assert caught.value.path == "additionalData.bands.B01.bitDepth"
    assert Band.from_dict({"bitDepth": 8}).bit_depth == 8
