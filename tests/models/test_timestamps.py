"""Every timestamp form the service sends is read by the standard library, through the public models.

The service writes ISO 8601 with ``Z`` ("2019-08-24T14:15:22Z" in its reference), with offsets
("2019-01-31T14:00:00+01:00" in the OpenAPI document), with milliseconds ("2018-10-01T00:00:00.000Z")
and with microseconds ("2023-05-19T12:54:40.429059Z"). ``datetime.fromisoformat`` reads all of them
since Python 3.11, which is why the package needs no python-dateutil.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sentinelhub_byoc.models import Collection, Tile

CET = timezone(timedelta(hours=1))

FORMS = [
    ("2019-08-24T14:15:22Z", datetime(2019, 8, 24, 14, 15, 22, tzinfo=UTC)),
    ("2019-01-31T14:00:00+01:00", datetime(2019, 1, 31, 14, 0, 0, tzinfo=CET)),
    (
        "2019-01-31T14:00:00-05:30",
        datetime(2019, 1, 31, 14, 0, 0, tzinfo=timezone(-timedelta(hours=5, minutes=30))),
    ),
    ("2018-10-01T00:00:00.000Z", datetime(2018, 10, 1, tzinfo=UTC)),
    ("2024-05-02T08:00:00.123Z", datetime(2024, 5, 2, 8, 0, 0, 123000, tzinfo=UTC)),
    ("2023-05-19T12:54:40.429059Z", datetime(2023, 5, 19, 12, 54, 40, 429059, tzinfo=UTC)),
    ("2023-05-19T12:54:40.429059+00:00", datetime(2023, 5, 19, 12, 54, 40, 429059, tzinfo=UTC)),
    # Without an offset the time is taken as UTC.
    ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_a_tile_reads_every_timestamp_form_as_an_aware_datetime(text: str, expected: datetime) -> None:
    tile = Tile.from_dict({"path": "a/(BAND).tif", "sensingTime": text, "created": text})
    for value in (tile.sensing_time, tile.created):
        assert value == expected
        assert value is not None
        assert value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_a_collection_reads_every_timestamp_form(text: str, expected: datetime) -> None:
    collection = Collection.from_dict(
        {
            "name": "c",
            "s3Bucket": "b",
            "created": text,
            "additionalData": {"fromSensingTime": text, "toSensingTime": text},
        }
    )
    assert collection.created == expected
    assert collection.additional_data is not None
    assert collection.additional_data.from_sensing_time == expected
    assert collection.additional_data.to_sensing_time == expected
