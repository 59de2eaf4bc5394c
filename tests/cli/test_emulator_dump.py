"""``byoc emulator dump``: a real ``byoc`` process against an emulator served on loopback.

The dump is compared, member for member, with what the service answers over HTTP, fetched raw
with httpx; the account's secret and the tokens the emulator issued never reach the file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sentinelhub_byoc.cli._dump import write_dump
from sentinelhub_byoc.deployments import TOKEN_PATH
from sentinelhub_byoc.testing import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    Emulator,
    EmulatorServer,
    ManualClock,
    client_for,
    serve,
)
from sentinelhub_byoc.workflows.events import Progress

from tests.cli._cli_helpers import BUCKET, write_scene

ROOT = Path(__file__).resolve().parents[2]
MANY = 130  # more than one page of tiles (100)


class TokenNotingEmulator(Emulator):
    """An emulator that notes every bearer token it is shown: the tokens it issued and saw used."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.bearer_tokens: set[str] = set()

    def handle(self, request: httpx.Request) -> Any:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            self.bearer_tokens.add(token.strip())
        return super().handle(request)


@dataclass
class Account:
    server: EmulatorServer
    emulator: TokenNotingEmulator
    first: str  # three tiles: two ingested, one failed
    second: str  # no tiles
    many: str  # MANY tiles, all failed (no files)


@pytest.fixture(scope="module")
def account(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Account]:
    buckets = tmp_path_factory.mktemp("buckets")
    # A manual clock: nothing changes between the dump and the raw reading.
    with TokenNotingEmulator(clock=ManualClock(), data_dir=buckets) as emulator:
        bucket = emulator.bucket_dir(BUCKET)
        write_scene(bucket, "2024/05/01/a")
        write_scene(bucket, "2024/05/01/b", west=505_120.0)
        first = emulator.create_collection("first", BUCKET)
        second = emulator.create_collection("second", BUCKET, no_data=0)
        many = emulator.create_collection("many", BUCKET)
        emulator.add_tiles(
            first,
            ["2024/05/01/a/(BAND).tif", "2024/05/01/b/(BAND).tif", "missing/(BAND).tif"],
            sensing_times=["2024-05-01T10:00:31Z", "2024-05-01T10:00:31.5Z"],
        )
        emulator.add_tiles(many, (f"nothing/{index:03d}/(BAND).tif" for index in range(MANY)))
        emulator.wait_idle()
        with serve(emulator) as server:
            yield Account(server, emulator, first, second, many)


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SH_CLIENT_ID", "SH_CLIENT_SECRET", "SH_PROFILE")
    }
    env.update(
        SH_CLIENT_ID=DEMO_CLIENT_ID,
        SH_CLIENT_SECRET=DEMO_CLIENT_SECRET,
        XDG_CONFIG_HOME=str(tmp_path / "config"),  # no profile of the developer's
        PYTHONPATH=os.pathsep.join([str(ROOT / "overlay"), str(ROOT / "generated")]),
    )
    return env


def _byoc(account: Account, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sentinelhub_byoc", "--base-url", account.server.base_url, *args]
    return subprocess.run(
        command, capture_output=True, text=True, env=_environment(tmp_path), timeout=120, check=False
    )


def _dump(account: Account, tmp_path: Path, *args: str) -> dict[str, Any]:
    out = tmp_path / "seed.json"
    done = _byoc(account, tmp_path, "emulator", "dump", "--out", str(out), *args)
    assert done.returncode == 0, done.stderr
    dumped: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return dumped


class Raw:
    """The service's answers, read with httpx alone."""

    def __init__(self, server: EmulatorServer) -> None:
        token = httpx.post(
            server.base_url + TOKEN_PATH,
            data={"grant_type": "client_credentials"},
            auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
            timeout=30,
        ).json()["access_token"]
        self.http = httpx.Client(
            base_url=server.api_urls[0], headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    def listing(self, path: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {"count": 100}
        while True:
            body = self.http.get(path, params=params).raise_for_status().json()
            items += body["data"]
            token = body.get("links", {}).get("nextToken")
            if not token:
                return items
            params = {"count": 100, "viewtoken": token}

    def collection(self, collection_id: str) -> dict[str, Any]:
        data: dict[str, Any] = (
            self.http.get(f"/collections/{collection_id}").raise_for_status().json()["data"]
        )
        return data

    def entry(self, collection_id: str, max_tiles: int | None = None) -> dict[str, Any]:
        """What the dump should hold for a collection: its GET answer with its listed tiles."""
        tiles = self.listing(f"/collections/{collection_id}/tiles")
        return {**self.collection(collection_id), "tiles": tiles[:max_tiles]}


@pytest.fixture(scope="module")
def raw(account: Account) -> Iterator[Raw]:
    reader = Raw(account.server)
    with reader.http:
        yield reader


def test_a_dump_holds_what_the_service_answers(account: Account, raw: Raw, tmp_path: Path) -> None:
    account.emulator.bearer_tokens.clear()
    out = tmp_path / "seed.json"
    done = _byoc(account, tmp_path, "emulator", "dump", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr.strip() == f"dumped 3 collections, {MANY + 3} tiles to {out}"
    text = out.read_text(encoding="utf-8")
    dumped = json.loads(text)
    listed = [collection["id"] for collection in raw.listing("/collections")]
    assert listed == [account.first, account.second, account.many]
    assert dumped == {"collections": [raw.entry(collection_id) for collection_id in listed]}
    # The answers as they were sent: timestamps, geometries with their crs, every member.
    first = dumped["collections"][0]
    assert [tile["status"] for tile in first["tiles"]] == ["INGESTED", "INGESTED", "FAILED"]
    assert first["tiles"][0]["tileGeometry"]["crs"]
    assert list(first) == [*raw.collection(account.first), "tiles"]
    # One record a line: the opening, 3 collections, their tiles, the end of the 2 with tiles, the end.
    assert len(text.splitlines()) == 1 + 3 + (MANY + 3) + 2 + 1
    # No secret, no token: the command's own tokens were noted before the raw reading's.
    tokens = set(account.emulator.bearer_tokens)
    assert tokens
    for secret in (DEMO_CLIENT_SECRET, *tokens):
        assert secret not in text


def test_collection_picks_by_id_or_name(account: Account, raw: Raw, tmp_path: Path) -> None:
    dumped = _dump(account, tmp_path, "--collection", account.second, "--collection", "first")
    assert dumped == {"collections": [raw.entry(account.second), raw.entry(account.first)]}
    again = _dump(account, tmp_path, "--collection", account.first, "--collection", account.first)
    assert [collection["id"] for collection in again["collections"]] == [account.first]


def test_max_tiles_keeps_the_first_listed(account: Account, raw: Raw, tmp_path: Path) -> None:
    dumped = _dump(account, tmp_path, "--max-tiles", "102")
    listed = [account.first, account.second, account.many]
    assert dumped == {"collections": [raw.entry(collection_id, 102) for collection_id in listed]}
    assert len(dumped["collections"][2]["tiles"]) == 102
    none = _dump(account, tmp_path, "--max-tiles", "0", "--collection", account.first)
    assert none == {"collections": [{**raw.collection(account.first), "tiles": []}]}


def test_a_failed_dump_leaves_the_file_as_it_was(account: Account, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "seed.json"
    out.write_text("what was there\n", encoding="utf-8")
    unknown = "00000000-0000-4000-8000-000000000000"
    # The first collection is written before the second is found missing.
    done = _byoc(
        account,
        tmp_path,
        "emulator",
        "dump",
        "--out",
        str(out),
        "--collection",
        account.many,
        "--collection",
        unknown,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("byoc: error: ")
    assert unknown in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "what was there\n"
    assert sorted(path.name for path in folder.iterdir()) == ["seed.json"]


def test_ctrl_c_in_the_middle_leaves_the_file_as_it_was(account: Account, tmp_path: Path) -> None:
    out = tmp_path / "seed.json"
    out.write_text("what was there\n", encoding="utf-8")

    def interrupt(progress: Progress) -> None:
        if progress.done == 50:
            raise KeyboardInterrupt

    with client_for(account.server) as client, pytest.raises(KeyboardInterrupt):
        write_dump(client, out, [account.many], on_progress=interrupt)
    assert out.read_text(encoding="utf-8") == "what was there\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["seed.json"]


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (".", "is a directory"),
        ("-", "not to stdout"),
        ("no-such-folder/seed.json", "is not a folder"),
    ],
)
def test_out_must_be_a_file_in_a_folder(account: Account, tmp_path: Path, out: str, message: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sentinelhub_byoc",
            "--base-url",
            account.server.base_url,
            "emulator",
            "dump",
            "--out",
            out,
        ],
        capture_output=True,
        text=True,
        env=_environment(tmp_path),
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == []
