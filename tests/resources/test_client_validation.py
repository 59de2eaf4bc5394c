"""Bad input is refused on the client with a ValidationError, before any request is sent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest
from sentinelhub_byoc import Band, Collection, CollectionAdditionalData, ValidationError
from sentinelhub_byoc.testing import Emulator, ManualClock

from tests.client_kinds import call, client_of_kind, collect
from tests.samples import OPEN_RING, SQUARE

pytestmark = pytest.mark.anyio

GOOD = "0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"
BAD_IDS = ["not-a-uuid", "", 42, None, object()]
TOO_MANY_POINTS = {
    "type": "Polygon",
    "coordinates": [[[14 + i / 200, 46 + (i % 2) / 100] for i in range(120)] + [[14, 46]]],
}


def _nested(depth: int) -> Any:
    value: Any = [14.0, 46.0]
    for _ in range(depth):
        value = [value]
    return value


# Deeper than the interpreter's recursion limit: a recursive reader or repr would overflow.
DEEP_POLYGON = {"type": "Polygon", "coordinates": _nested(50_000)}
DEEP_MULTIPOLYGON = {"type": "MultiPolygon", "coordinates": _nested(50_000)}
DEEP_FEATURES: Any = SQUARE
for _ in range(50_000):
    DEEP_FEATURES = {"type": "Feature", "properties": {}, "geometry": DEEP_FEATURES}
NAN_BAND = Collection(
    name="n",
    s3_bucket="a-bucket",
    additional_data=CollectionAdditionalData(bands={"B1": Band(bit_depth=8, no_data=float("nan"))}),
)

Calls = list[tuple[str, Callable[[Any], Any]]]

INVALID_CALLS: Calls = [
    # Ids
    # Named without repr(): an object's address would differ between test processes.
    *[
        (
            f"collections.get({'object()' if type(bad) is object else repr(bad)})",
            lambda c, bad=bad: c.collections.get(bad),
        )
        for bad in BAD_IDS
    ],
    ("collections.delete(str)", lambda c: c.collections.delete("collection-1")),
    ("collections.copy_tiles(target)", lambda c: c.collections.copy_tiles(GOOD, "x")),
    ("tiles.get(tile id)", lambda c: c.tiles.get(GOOD, "tile-1")),
    ("tiles.get(collection id)", lambda c: c.tiles.get("collection-1", GOOD)),
    ("tiles.delete", lambda c: c.tiles.delete(GOOD, "1234")),
    ("tiles.reingest", lambda c: c.tiles.reingest(GOOD, "zzz")),
    ("tiles.create(collection)", lambda c: c.tiles.create("nope", "a/b")),
    ("files.list", lambda c: c.files.list(GOOD, "nope")),
    ("files.read", lambda c: c.files.read("nope", GOOD, "x.tif")),
    ("files.read(start<0)", lambda c: c.files.read(GOOD, GOOD, "x.tif", start=-1)),
    # Page sizes and sort orders
    ("collections.list(page_size=0)", lambda c: collect(c.collections.list(page_size=0))),
    ("collections.list(page_size=101)", lambda c: collect(c.collections.list(page_size=101))),
    (
        "collections.list(page_size=101, limit=5)",
        lambda c: collect(c.collections.list(page_size=101, limit=5)),
    ),
    ("collections.pages(page_size=0)", lambda c: collect(c.collections.pages(page_size=0))),
    ("collections.list(limit=-1)", lambda c: collect(c.collections.list(limit=-1))),
    ("tiles.list(page_size=0)", lambda c: collect(c.tiles.list(GOOD, page_size=0))),
    ("tiles.list(page_size=101)", lambda c: collect(c.tiles.list(GOOD, page_size=101))),
    ("tiles.list(page_size=101, limit=5)", lambda c: collect(c.tiles.list(GOOD, page_size=101, limit=5))),
    ("tiles.pages(page_size=1.5)", lambda c: collect(c.tiles.pages(GOOD, page_size=1.5))),
    ("tiles.list(sort=created)", lambda c: collect(c.tiles.list(GOOD, sort="created"))),
    ("tiles.list(sort=name:asc)", lambda c: collect(c.tiles.list(GOOD, sort="name:asc"))),
    # Tile paths
    ("tiles.create(/leading)", lambda c: c.tiles.create(GOOD, "/leading/(BAND).tif")),
    ("tiles.create(trailing/)", lambda c: c.tiles.create(GOOD, "trailing/")),
    ("tiles.create(a//b)", lambda c: c.tiles.create(GOOD, "a//b")),
    ("tiles.create('')", lambda c: c.tiles.create(GOOD, "")),
    ("tiles.find(/leading)", lambda c: c.tiles.find(GOOD, "/leading")),
    # Sensing times
    ("tiles.create(sensing_time=yesterday)", lambda c: c.tiles.create(GOOD, "a", sensing_time="yesterday")),
    ("tiles.create(sensing_time=13th month)", lambda c: c.tiles.create(GOOD, "a", sensing_time="2024-13-01")),
    ("tiles.update(sensing_time=int)", lambda c: c.tiles.update(GOOD, GOOD, sensing_time=1714557600)),
    # Cover geometries
    ("tiles.create(cover=open ring)", lambda c: c.tiles.create(GOOD, "a", cover_geometry=OPEN_RING)),
    (
        "tiles.create(cover=point)",
        lambda c: c.tiles.create(GOOD, "a", cover_geometry={"type": "Point", "coordinates": [1, 2]}),
    ),
    ("tiles.create(cover=121 points)", lambda c: c.tiles.create(GOOD, "a", cover_geometry=TOO_MANY_POINTS)),
    ("tiles.update(cover=text)", lambda c: c.tiles.update(GOOD, GOOD, cover_geometry="somewhere")),
    ("tiles.create(cover=deep Polygon)", lambda c: c.tiles.create(GOOD, "a", cover_geometry=DEEP_POLYGON)),
    (
        "tiles.create(cover=deep MultiPolygon)",
        lambda c: c.tiles.create(GOOD, "a", cover_geometry=DEEP_MULTIPOLYGON),
    ),
    (
        "tiles.update(cover=Feature of Features)",
        lambda c: c.tiles.update(GOOD, GOOD, cover_geometry=DEEP_FEATURES),
    ),
    (
        "tiles.create(cover=deep GeoJSON text)",
        lambda c: c.tiles.create(
            GOOD, "a", cover_geometry='{"type": "Polygon", "coordinates": ' + "[" * 100_000
        ),
    ),
    (
        "tiles.create(cover=type nested deep)",
        lambda c: c.tiles.create(GOOD, "a", cover_geometry={"type": _nested(50_000), "coordinates": []}),
    ),
    (
        "tiles.create(sensing_time=overflows in UTC)",
        lambda c: c.tiles.create(
            GOOD, "a", sensing_time=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
        ),
    ),
    (
        "tiles.update(sensing_time=overflows in UTC)",
        lambda c: c.tiles.update(GOOD, GOOD, sensing_time="9999-12-31T23:59:59-05:00"),
    ),
    # Collections
    ("collections.create(no name)", lambda c: c.collections.create(s3_bucket="a-bucket")),
    ("collections.create(no bucket)", lambda c: c.collections.create(name="n")),
    ("collections.create(name=int)", lambda c: c.collections.create(name=5, s3_bucket="a-bucket")),
    ("collections.create(no_data=str)", lambda c: c.collections.create(name="n", s3_bucket="b", no_data="0")),
    *[
        (
            f"collections.create(no_data={value})",
            lambda c, value=value: c.collections.create(name="n", s3_bucket="a-bucket", no_data=value),
        )
        for value in (float("nan"), float("inf"), float("-inf"))
    ],
    ("collections.create(band no_data=nan)", lambda c: c.collections.create(NAN_BAND)),
    ("collections.update(band no_data=nan)", lambda c: c.collections.update(attrs.evolve(NAN_BAND, id=GOOD))),
    ("collections.create(dict)", lambda c: c.collections.create({"name": "n", "s3Bucket": "b"})),
    ("collections.update(str)", lambda c: c.collections.update(GOOD)),
    # Wrong-typed arguments
    ("tiles.create(path=None)", lambda c: c.tiles.create(GOOD, None)),
    ("tiles.create(path=int)", lambda c: c.tiles.create(GOOD, 5)),
    ("tiles.find(path=None)", lambda c: c.tiles.find(GOOD, None)),
    ("tiles.list(page_size=True)", lambda c: collect(c.tiles.list(GOOD, page_size=True))),
    ("tiles.list(limit=True)", lambda c: collect(c.tiles.list(GOOD, limit=True))),
    ("tiles.list(limit=2.5)", lambda c: collect(c.tiles.list(GOOD, limit=2.5))),
    ("tiles.list(status=int)", lambda c: collect(c.tiles.list(GOOD, status=5))),
    ("tiles.list(sort=list)", lambda c: collect(c.tiles.list(GOOD, sort=["created:asc"]))),
    ("tiles.list(path=int)", lambda c: collect(c.tiles.list(GOOD, path=5))),
    ("tiles.list(start_token=int)", lambda c: collect(c.tiles.list(GOOD, start_token=5))),
    ("collections.list(search=int)", lambda c: collect(c.collections.list(search=5))),
    ("files.size(name=None)", lambda c: c.files.size(GOOD, GOOD, None)),
    ("files.read(name='')", lambda c: c.files.read(GOOD, GOOD, "")),
    ("files.read(start=True)", lambda c: c.files.read(GOOD, GOOD, "x.tif", start=True)),
    ("files.download(destination=int)", lambda c: c.files.download(GOOD, GOOD, "x.tif", 5)),
    ("with_options(timeout=str)", lambda c: c.with_options(timeout="10")),
    ("with_options(timeout=0)", lambda c: c.with_options(timeout=0)),
    ("with_options(retry=int)", lambda c: c.with_options(retry=3)),
]


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    with Emulator(clock=ManualClock(), data_dir=tmp_path_factory.mktemp("buckets")) as emulator:
        yield emulator


@pytest.mark.parametrize("kind", ["sync-inprocess", "async-inprocess"])
@pytest.mark.parametrize(("what", "invalid_call"), INVALID_CALLS, ids=[what for what, _ in INVALID_CALLS])
async def test_refused_before_sending(kind: str, emulator: Emulator, what: str, invalid_call: Any) -> None:
    emulator.clear_requests()
    async with client_of_kind(kind, emulator) as client:
        with pytest.raises(ValidationError) as caught:
            await call(invalid_call(client))
    assert str(caught.value)  # says what was wrong
    assert emulator.requests == [], what


async def test_listing_with_a_bad_page_size_fails_at_the_call(emulator: Emulator) -> None:
    # Refused when the listing is asked for, not later when it is first iterated.
    async with client_of_kind("sync-inprocess", emulator) as client:
        with pytest.raises(ValidationError):
            client.collections.list(page_size=0)
        with pytest.raises(ValidationError):
            client.collections.pages(page_size=101)
        with pytest.raises(ValidationError):
            client.tiles.list(GOOD, sort="newest")
    async with client_of_kind("async-inprocess", emulator) as client:
        with pytest.raises(ValidationError):
            client.collections.list(page_size=0)
        with pytest.raises(ValidationError):
            client.tiles.pages(GOOD, page_size=101)
    assert emulator.requests == []


async def test_valid_input_is_sent(emulator: Emulator, tmp_path: Path) -> None:
    # The counterpart: the same calls with good input do reach the service.
    emulator.clear_requests()
    async with client_of_kind("sync-inprocess", emulator) as client:
        collection = await call(client.collections.create(name="n", s3_bucket="a-bucket"))
        await call(
            client.tiles.create(collection, "a/(BAND).tif", sensing_time="2024-05-01", cover_geometry=SQUARE)
        )
        assert len(await collect(client.tiles.list(collection, page_size=100, sort="created:desc"))) == 1
    assert [r.status for r in emulator.requests if "/byoc" in r.path] == [201, 201, 200]


@pytest.mark.parametrize(
    "arguments",
    [{"timeout": "10"}, {"retry": 3}, {"requests_per_minute": "600"}, {"deployment": 5}],
    ids=["timeout", "retry", "requests_per_minute", "deployment"],
)
def test_constructor_arguments_are_checked(arguments: dict[str, Any]) -> None:
    from sentinelhub_byoc import BYOCClient

    with pytest.raises(ValidationError):
        BYOCClient(access_token="t", **arguments)
