"""Every operation of both clients against the emulator, over loopback and in-process.

Each test runs four times: ``BYOCClient`` and ``AsyncBYOCClient``, each over real HTTP on
loopback and through the emulator's in-process transport. A recording transport keeps every
request, so the tests also check what went over the wire.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from sentinelhub_byoc import APIConnectionError, APIError, Collection, NotFoundError, Tile, TileStatus
from sentinelhub_byoc.models import Band, CollectionAdditionalData
from sentinelhub_byoc.testing import Emulator, ManualClock
from sentinelhub_byoc.testing.cogs import write_cog

from tests.client_kinds import KINDS, Client, call, client_of_kind, collect
from tests.recording_transport import RecordingTransport, Sent
from tests.samples import SQUARE

pytestmark = pytest.mark.anyio

BUCKET = "acceptance-bucket"
UTM_BOUNDS = (500000.0, 5000000.0, 502560.0, 5002560.0)
FILE_CONTENT = bytes(range(256)) * 64  # 16 KiB


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def emulator(clock: ManualClock, tmp_path: Path) -> Iterator[Emulator]:
    with Emulator(clock=clock, data_dir=tmp_path / "buckets") as emulator:
        yield emulator


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def recorder() -> RecordingTransport:
    return RecordingTransport(None)


@pytest.fixture
async def client(kind: str, emulator: Emulator, recorder: RecordingTransport) -> AsyncIterator[Client]:
    async with client_of_kind(kind, emulator, recorder=recorder) as client:
        yield client


def write_band(emulator: Emulator, key: str) -> None:
    array = np.arange(256 * 256, dtype="uint16").reshape(256, 256)
    write_cog(emulator.bucket_dir(BUCKET) / key, array, epsg=32633, bounds=UTM_BOUNDS)


# Collections


async def test_create_get_update_delete_a_collection(client: Client, emulator: Emulator) -> None:
    created = await call(client.collections.create(name="my-cogs", s3_bucket=BUCKET, no_data=0))
    assert isinstance(created.id, uuid.UUID)
    assert (created.name, created.s3_bucket, created.no_data) == ("my-cogs", BUCKET, 0)
    assert created.created is not None
    assert created.created.tzinfo is not None

    for reference in (str(created.id), created.id, created):
        assert await call(client.collections.get(reference)) == created

    renamed = await call(client.collections.update(attrs.evolve(created, name="renamed", no_data=255)))
    assert (renamed.id, renamed.name, renamed.no_data) == (created.id, "renamed", 255)
    assert emulator.collection_snapshot(str(created.id))["name"] == "renamed"
    assert (await call(client.collections.get(created))).no_data == 255

    await call(client.collections.delete(created))
    with pytest.raises(NotFoundError):
        await call(client.collections.get(created.id))


async def test_create_from_a_collection_object(client: Client) -> None:
    bands = {"B01": Band(bit_depth=16, sample_format="UINT", band_index=1)}
    wanted = Collection(
        name="banded", s3_bucket=BUCKET, additional_data=CollectionAdditionalData(bands=bands)
    )
    created = await call(client.collections.create(wanted))
    assert created.is_configured is True
    assert created.bands["B01"].bit_depth == 16
    assert created.bands["B01"].sample_format == "UINT"


async def test_list_search_limit_pages_and_resume(
    client: Client, emulator: Emulator, recorder: RecordingTransport
) -> None:
    names = [f"alpha-{i}" for i in range(5)] + ["beta-0", "beta-1"]
    for name in names:
        await call(client.collections.create(name=name, s3_bucket=BUCKET))

    assert [c.name for c in await collect(client.collections.list())] == names
    assert [c.name for c in await collect(client.collections.list(search="beta"))] == ["beta-0", "beta-1"]
    either = await collect(client.collections.list(search="alpha-1|beta-0"))
    assert [c.name for c in either] == ["alpha-1", "beta-0"]

    recorder.sent.clear()
    limited = await collect(client.collections.list(limit=3, page_size=2))
    assert [c.name for c in limited] == names[:3]
    assert len(recorder.api()) == 2  # two pages of two; the fourth item is never asked for
    assert await collect(client.collections.list(limit=0)) == []

    pages = await collect(client.collections.pages(page_size=3))
    assert [[c.name for c in page] for page in pages] == [names[:3], names[3:6], names[6:]]
    assert pages[0].next_token
    assert pages[1].next_token
    assert pages[2].next_token is None

    resumed = await collect(client.collections.list(page_size=3, start_token=pages[0].next_token))
    assert [c.name for c in resumed] == names[3:]


async def test_copy_tiles_copies_ingested_tiles_once(client: Client, emulator: Emulator) -> None:
    source = await call(client.collections.create(name="source", s3_bucket=BUCKET))
    target = await call(client.collections.create(name="target", s3_bucket=BUCKET))
    write_band(emulator, "good/B01.tiff")
    await call(client.tiles.create(source, "good"))
    await call(client.tiles.create(source, "missing"))
    emulator.wait_idle()

    await call(client.collections.copy_tiles(source, str(target.id)))
    await call(client.collections.copy_tiles(source.id, target))  # repeating copies nothing twice
    copied = await collect(client.tiles.list(target))
    assert [(t.path, t.status) for t in copied] == [("good", TileStatus.INGESTED)]
    assert set((await call(client.collections.get(target))).bands) == {"B01"}


# Tiles


async def test_create_a_tile_with_sensing_time_and_cover(client: Client) -> None:
    collection = await call(client.collections.create(name="tiles", s3_bucket=BUCKET))
    sensed = datetime(2024, 5, 1, 10, 20, 30, 123000, tzinfo=UTC)
    tile = await call(
        client.tiles.create(collection, "2024/05/01/(BAND).tif", sensing_time=sensed, cover_geometry=SQUARE)
    )
    assert isinstance(tile, Tile)
    assert isinstance(tile.id, uuid.UUID)
    assert tile.path == "2024/05/01/(BAND).tif"
    assert tile.sensing_time == sensed
    assert tile.status is TileStatus.WAITING
    assert tile.cover_geometry is not None
    assert tile.cover_geometry.bounds == pytest.approx((14, 46, 15, 47))

    from_string = await call(client.tiles.create(collection, "other", sensing_time="2024-05-02T00:00:00Z"))
    assert from_string.sensing_time == datetime(2024, 5, 2, tzinfo=UTC)


async def test_list_tiles_by_status_path_and_sort(client: Client, emulator: Emulator) -> None:
    collection = await call(client.collections.create(name="tiles", s3_bucket=BUCKET))
    write_band(emulator, "good/B01.tiff")
    good = await call(client.tiles.create(collection, "good"))
    broken = await call(client.tiles.create(collection, "broken"))
    waiting = await collect(client.tiles.list(collection, status="WAITING"))
    assert {t.path for t in waiting} == {"good", "broken"}
    emulator.wait_idle()
    late = await call(client.tiles.create(collection.id, "late"))

    ingested = await collect(client.tiles.list(collection, status=TileStatus.INGESTED))
    assert [t.id for t in ingested] == [good.id]
    assert ingested[0].tile_geometry is not None
    failed = await collect(client.tiles.list(collection, status="FAILED"))
    assert [t.id for t in failed] == [broken.id]
    assert failed[0].failure_cause

    by_path = await collect(client.tiles.list(collection, path="broken"))
    assert [t.id for t in by_path] == [broken.id]
    ascending = await collect(client.tiles.list(collection, sort="created:asc"))
    descending = await collect(client.tiles.list(collection, sort="created:desc", page_size=1))
    assert [t.id for t in ascending] == [good.id, broken.id, late.id]
    assert [t.id for t in descending] == [late.id, broken.id, good.id]

    pages = await collect(client.tiles.pages(collection, page_size=2))
    assert [len(page) for page in pages] == [2, 1]
    rest = await collect(client.tiles.list(collection, page_size=2, start_token=pages[0].next_token))
    assert [t.id for t in rest] == [late.id]


async def test_find_get_update_delete_and_reingest_a_tile(client: Client, emulator: Emulator) -> None:
    collection = await call(client.collections.create(name="tiles", s3_bucket=BUCKET))
    tile = await call(client.tiles.create(collection, "scene/(BAND).tif", cover_geometry=SQUARE))

    assert await call(client.tiles.find(collection, "scene/(BAND).tif")) == tile
    assert await call(client.tiles.find(collection, "no/such/tile")) is None
    for reference in (str(tile.id), tile.id, tile):
        assert (await call(client.tiles.get(str(collection.id), reference))).path == tile.path

    await call(client.tiles.update(collection, tile, sensing_time="2023-01-02T03:04:05Z"))
    updated = await call(client.tiles.get(collection, tile))
    assert updated.sensing_time == datetime(2023, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert updated.cover_geometry is None  # the API replaces both: the cover was left out

    emulator.wait_idle()
    assert (await call(client.tiles.get(collection, tile))).status is TileStatus.FAILED
    await call(client.tiles.reingest(collection, tile))
    assert (await call(client.tiles.get(collection, tile))).status is TileStatus.WAITING
    write_band(emulator, "scene/B01.tif")
    emulator.wait_idle()
    assert (await call(client.tiles.get(collection, tile))).status is TileStatus.INGESTED

    await call(client.tiles.delete(collection, tile))
    with pytest.raises(NotFoundError):
        await call(client.tiles.get(collection, tile))
    assert await collect(client.tiles.list(collection)) == []


# Files of Planet-delivered collections


@pytest.fixture
def planet(emulator: Emulator) -> str:
    collection_id = emulator.create_collection("planet order", BUCKET, planet=True)
    folder = emulator.bucket_dir(BUCKET) / "order-1"
    (folder / "udm").mkdir(parents=True)
    (folder / "scene.tif").write_bytes(FILE_CONTENT)
    (folder / "scene_metadata.json").write_text('{"id": "scene"}')
    (folder / "udm" / "udm2.tif").write_bytes(b"mask")
    return collection_id


async def test_planet_files_list_size_and_read(
    client: Client, planet: str, recorder: RecordingTransport
) -> None:
    tile = await call(client.tiles.create(planet, "order-1"))
    names = await call(client.files.list(planet, tile))
    assert names == ["scene.tif", "scene_metadata.json", "udm/udm2.tif"]
    assert await call(client.files.size(planet, tile, "scene.tif")) == len(FILE_CONTENT)
    assert recorder.api()[-1].method == "HEAD"

    assert await call(client.files.read(planet, tile.id, "scene.tif")) == FILE_CONTENT
    assert "range" not in recorder.api()[-1].headers
    assert await call(client.files.read(planet, tile, "udm/udm2.tif")) == b"mask"

    tail = await call(client.files.read(planet, tile, "scene.tif", start=1000))
    assert tail == FILE_CONTENT[1000:]
    last = recorder.api()[-1]
    assert (last.headers["range"], last.status) == ("bytes=1000-", 206)

    with pytest.raises(NotFoundError):
        await call(client.files.read(planet, tile, "nope.tif"))


async def test_planet_file_download_is_atomic_and_resumes(
    client: Client, planet: str, recorder: RecordingTransport, tmp_path: Path
) -> None:
    tile = await call(client.tiles.create(planet, "order-1"))
    destination = tmp_path / "downloads" / "scene.tif"
    destination.parent.mkdir()
    part = destination.with_name("scene.tif.part")

    path = await call(client.files.download(planet, tile, "scene.tif", destination))
    assert path == destination
    assert destination.read_bytes() == FILE_CONTENT
    assert not part.exists()

    # An interrupted earlier download left the first 5000 bytes behind.
    destination.unlink()
    part.write_bytes(FILE_CONTENT[:5000])
    await call(client.files.download(planet, tile, "scene.tif", str(destination)))
    assert destination.read_bytes() == FILE_CONTENT
    assert not part.exists()
    last = recorder.api()[-1]
    assert (last.headers["range"], last.status) == ("bytes=5000-", 206)

    # resume=False starts over even when a stale part is there.
    part.write_bytes(b"garbage")
    await call(client.files.download(planet, tile, "scene.tif", destination, resume=False))
    assert destination.read_bytes() == FILE_CONTENT
    assert "range" not in recorder.api()[-1].headers
    assert sorted(p.name for p in destination.parent.iterdir()) == ["scene.tif"]


async def test_a_failed_download_leaves_no_destination(client: Client, planet: str, tmp_path: Path) -> None:
    tile = await call(client.tiles.create(planet, "order-1"))
    destination = tmp_path / "missing.tif"
    with pytest.raises(NotFoundError):
        await call(client.files.download(planet, tile, "missing.tif", destination))
    assert not destination.exists()


# What goes over the wire

READ_ONLY_COLLECTION = {"id", "accountId", "created", "requiresMetadataUpdate"}
READ_ONLY_ADDITIONAL = {"maxMetersPerPixel", "extent", "hasSensingTimes", "fromSensingTime", "toSensingTime"}
READ_ONLY_TILE = {"id", "tileGeometry", "created", "status"}


def nulls_in(value: Any, where: str = "$") -> list[str]:
    if value is None:
        return [where]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in nulls_in(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in nulls_in(item, f"{where}[{index}]")]
    return []


def read_only_in(sent: Sent) -> set[str]:
    body = sent.json()
    if not isinstance(body, dict):
        return set()
    if sent.path.endswith("/tiles") or "/tiles/" in sent.path:
        return body.keys() & READ_ONLY_TILE
    found = body.keys() & READ_ONLY_COLLECTION
    additional = body.get("additionalData") or {}
    found |= {f"additionalData.{key}" for key in additional.keys() & READ_ONLY_ADDITIONAL}
    for name, band in (additional.get("bands") or {}).items():
        if "aliases" in band:
            found.add(f"additionalData.bands.{name}.aliases")
    return found


async def test_requests_carry_no_read_only_fields_and_no_nulls(
    client: Client, emulator: Emulator, recorder: RecordingTransport
) -> None:
    # A collection as the service describes it, read-only members and nulls included.
    described = Collection.from_dict(
        {
            "id": str(uuid.uuid4()),
            "accountId": str(uuid.uuid4()),
            "name": "from the service",
            "s3Bucket": BUCKET,
            "created": "2024-01-01T00:00:00Z",
            "requiresMetadataUpdate": False,
            "noData": None,
            "additionalData": {
                "bands": {"B01": {"bitDepth": 16, "sampleFormat": "UINT", "aliases": ["first"]}},
                "maxMetersPerPixel": 10.0,
                "hasSensingTimes": "NO",
            },
        }
    )
    created = await call(client.collections.create(described))
    write_band(emulator, "scene/B01.tiff")
    tile = await call(client.tiles.create(created, "scene", sensing_time="2024-05-01T10:00:00Z"))
    emulator.wait_idle()
    # After ingestion the collection carries extent and sensing-time metadata; sending it back
    # as an update must leave all of that out.
    current = await call(client.collections.get(created))
    assert current.additional_data is not None
    assert current.additional_data.extent is not None
    updated = await call(client.collections.update(attrs.evolve(current, name="renamed")))
    assert updated.name == "renamed"
    assert set(updated.bands) == {"B01"}
    await call(client.tiles.update(created, tile, cover_geometry=SQUARE))

    bodies = [sent for sent in recorder.api() if sent.method in ("POST", "PUT")]
    assert [sent.method for sent in bodies] == ["POST", "POST", "PUT", "PUT"]
    for sent in bodies:
        assert nulls_in(sent.json()) == [], (sent.path, sent.json())
        assert read_only_in(sent) == set(), (sent.path, sent.json())
    assert all(b'"sensingTime":null' not in sent.body for sent in bodies)


# Models


def test_models_use_python_names_and_round_trip_in_camel_case() -> None:
    data = {
        "id": "0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b",
        "path": "2024/(BAND).tif",
        "status": "INGESTED",
        "sensingTime": "2024-05-01T10:20:30.123Z",
        "created": "2024-05-02T00:00:00Z",
        "coverGeometry": SQUARE,
        "additionalData": {"failedIngestionCause": None, "warnings": "odd", "hint": 1},
        "futureField": {"nested": [1, 2]},
    }
    tile = Tile.from_dict(data)
    assert tile.sensing_time == datetime(2024, 5, 1, 10, 20, 30, 123000, tzinfo=UTC)
    assert tile.status is TileStatus.INGESTED
    assert tile.is_final
    assert tile.extra == {"futureField": {"nested": [1, 2]}}
    assert tile.additional_data is not None
    assert tile.additional_data.extra == {"hint": 1}
    again = tile.to_dict()
    assert again["sensingTime"] == "2024-05-01T10:20:30.123Z"
    assert again["futureField"] == {"nested": [1, 2]}
    assert again["additionalData"] == {"warnings": "odd", "hint": 1}
    assert Tile.from_dict(again) == tile

    collection = Collection.from_dict(
        {
            "id": "0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5c",
            "name": "n",
            "s3Bucket": "b",
            "noData": 0,
            "isConfigured": True,
            "additionalData": {
                "bands": {"B01": {"bitDepth": 8, "sampleFormat": "UINT", "aliases": ["x"], "newBandKey": 2}},
                "hasSensingTimes": "NO",
                "someNewMetric": 3,
            },
            "brandNew": True,
        }
    )
    assert collection.s3_bucket == "b"
    assert collection.no_data == 0
    assert collection.extra == {"brandNew": True}
    band = collection.bands["B01"]
    assert (band.bit_depth, band.sample_format, band.aliases) == (8, "UINT", ("x",))
    assert band.extra == {"newBandKey": 2}
    as_dict = collection.to_dict()
    assert as_dict["s3Bucket"] == "b"
    assert as_dict["brandNew"] is True
    assert as_dict["additionalData"]["bands"]["B01"] == {
        "bitDepth": 8,
        "sampleFormat": "UINT",
        "aliases": ["x"],
        "newBandKey": 2,
    }
    assert as_dict["additionalData"]["someNewMetric"] == 3
    assert Collection.from_dict(as_dict) == collection


def test_unknown_tile_statuses_are_kept() -> None:
    status = TileStatus("NEW")
    assert not status.is_known
    assert status == "NEW"
    assert str(status) == "NEW"
    assert TileStatus("INGESTED").is_known
    tile = Tile.from_dict({"path": "p", "status": "NOT_YET_DOCUMENTED"})
    assert tile.status == "NOT_YET_DOCUMENTED"
    assert not tile.status.is_known
    assert not tile.is_final
    assert tile.to_dict()["status"] == "NOT_YET_DOCUMENTED"


async def test_an_interrupted_download_resumes_where_it_stopped(
    client: Client, planet: str, emulator: Emulator, recorder: RecordingTransport, tmp_path: Path
) -> None:
    tile = await call(client.tiles.create(planet, "order-1"))
    destination = tmp_path / "scene.tif"
    part = tmp_path / "scene.tif.part"
    emulator.script_faults(["lost"])  # the connection dies half-way through the body
    with pytest.raises(APIConnectionError):
        await call(client.files.download(planet, tile, "scene.tif", destination))
    assert not destination.exists()
    kept = part.stat().st_size
    assert 0 < kept < len(FILE_CONTENT)
    assert part.read_bytes() == FILE_CONTENT[:kept]

    await call(client.files.download(planet, tile, "scene.tif", destination))
    assert destination.read_bytes() == FILE_CONTENT
    assert not part.exists()
    assert recorder.api()[-1].headers["range"] == f"bytes={kept}-"


async def test_a_complete_part_file_is_finished_without_refetching(
    client: Client, planet: str, tmp_path: Path
) -> None:
    # The earlier download got every byte but stopped before renaming the part file.
    tile = await call(client.tiles.create(planet, "order-1"))
    destination = tmp_path / "scene.tif"
    destination.with_name("scene.tif.part").write_bytes(FILE_CONTENT)
    await call(client.files.download(planet, tile, "scene.tif", destination))
    assert destination.read_bytes() == FILE_CONTENT
    assert not destination.with_name("scene.tif.part").exists()
    assert await call(client.files.read(planet, tile, "scene.tif", start=len(FILE_CONTENT))) == b""

    # A part file longer than the file means the file changed: that is an error, not a success.
    destination.with_name("scene.tif.part").write_bytes(FILE_CONTENT + b"stale")
    with pytest.raises(APIError) as caught:
        await call(client.files.download(planet, tile, "scene.tif", tmp_path / "scene.tif"))
    assert caught.value.status == 416
    with pytest.raises(APIError):
        await call(client.files.read(planet, tile, "scene.tif", start=len(FILE_CONTENT) + 1))
