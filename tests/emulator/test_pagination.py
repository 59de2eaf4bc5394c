"""Paging through 10,000 tiles by following ``next`` links."""

from __future__ import annotations

import time

import httpx
from sentinelhub_byoc.testing import Emulator

from tests.emulator._emulator_helpers import new_collection


def test_ten_thousand_tiles_each_once_in_order(api: httpx.Client, emu: Emulator) -> None:
    cid = new_collection(api)["id"]
    ids = emu.add_tiles(cid, [f"tiles/{i:05d}" for i in range(10_000)])
    started = time.perf_counter()
    seen: list[str] = []
    url: str | None = f"/api/v1/byoc/collections/{cid}/tiles?count=100"
    pages = 0
    while url is not None:
        body = api.get(url).json()
        assert len(body["data"]) <= 100
        seen += [tile["id"] for tile in body["data"]]
        url = body["links"].get("next")
        pages += 1
    elapsed = time.perf_counter() - started
    assert pages == 100
    assert seen == ids
    # 100 pages must stay cheap however many tiles the collection holds.
    assert elapsed < 5.0, f"paging 10,000 tiles took {elapsed:.2f} s"


def test_pages_stay_consistent_when_tiles_are_deleted(api: httpx.Client, emu: Emulator) -> None:
    cid = new_collection(api)["id"]
    ids = emu.add_tiles(cid, [f"t{i}" for i in range(10)])
    first = api.get(f"/byoc/v1/collections/{cid}/tiles", params={"count": 4}).json()
    assert [t["id"] for t in first["data"]] == ids[:4]
    api.delete(f"/byoc/v1/collections/{cid}/tiles/{ids[4]}")
    second = api.get(first["links"]["next"]).json()
    assert [t["id"] for t in second["data"]] == ids[5:9]
    assert second["links"]["@id"] == first["links"]["next"]
