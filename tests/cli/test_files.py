"""``byoc files ls|size|get`` on a tile of a Planet-delivered collection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cli_helpers import BUCKET, Byoc

CONTENT = bytes(range(256)) * 8


@pytest.fixture
def planet_tile(run: Byoc) -> tuple[str, str]:
    collection = run.collection("planet")
    run.emulator.mark_planet(collection)
    folder = run.emulator.bucket_dir(BUCKET) / "order1"
    (folder / "sub").mkdir(parents=True)
    (folder / "scene.tif").write_bytes(CONTENT)
    (folder / "sub" / "udm2.tif").write_bytes(b"x")
    created = run("-o", "json", "tiles", "create", collection, "order1")
    assert created.exit_code == 0, created.stderr
    return collection, json.loads(created.stdout)["id"]


def test_ls(run: Byoc, planet_tile: tuple[str, str]) -> None:
    collection, tile = planet_tile
    assert json.loads(run("-o", "json", "files", "ls", collection, tile).stdout) == [
        "scene.tif",
        "sub/udm2.tif",
    ]
    assert run("-o", "ndjson", "files", "ls", collection, tile).stdout.splitlines() == [
        '"scene.tif"',
        '"sub/udm2.tif"',
    ]
    assert "sub/udm2.tif" in run("files", "ls", collection, tile).stdout


def test_size(run: Byoc, planet_tile: tuple[str, str]) -> None:
    collection, tile = planet_tile
    shown = json.loads(run("-o", "json", "files", "size", collection, tile, "scene.tif").stdout)
    assert shown == {"name": "scene.tif", "size": len(CONTENT)}
    assert str(len(CONTENT)) in run("files", "size", collection, tile, "scene.tif").stdout


def test_get_to_a_folder_a_file_and_stdout(
    run: Byoc, planet_tile: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    collection, tile = planet_tile
    into_folder = run("files", "get", collection, tile, "sub/udm2.tif", str(tmp_path))
    assert into_folder.exit_code == 0, into_folder.stderr
    assert (tmp_path / "udm2.tif").read_bytes() == b"x"
    named = tmp_path / "named.tif"
    assert run("files", "get", collection, tile, "scene.tif", str(named)).exit_code == 0
    assert named.read_bytes() == CONTENT
    monkeypatch.chdir(tmp_path)
    assert run("files", "get", collection, tile, "scene.tif").exit_code == 0
    assert (tmp_path / "scene.tif").read_bytes() == CONTENT
    to_stdout = run("files", "get", collection, tile, "scene.tif", "-")
    assert to_stdout.stdout_bytes == CONTENT


def test_missing_file(run: Byoc, planet_tile: tuple[str, str]) -> None:
    collection, tile = planet_tile
    result = run("files", "size", collection, tile, "nothing.tif")
    assert result.exit_code == 1
    assert result.stderr.startswith("byoc: error: 404")
