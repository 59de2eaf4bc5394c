"""``byoc files ls|size|get`` on a tile of a Planet-delivered collection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sentinelhub_byoc.cli._app import byoc

from tests.cli._cli_helpers import BUCKET, Byoc
from tests.hostile_files import COLLECTION, TILE, FileScript
from tests.scripted_server import TOKEN_PATH, Reply, ScriptedServer, endless

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


@pytest.mark.parametrize("name", ["..", ".", "sub/../scene.tif", "sub//udm2.tif"])
def test_get_refuses_names_a_url_would_normalise(
    run: Byoc, planet_tile: tuple[str, str], tmp_path: Path, name: str
) -> None:
    collection, tile = planet_tile
    folder = tmp_path / "out"
    folder.mkdir()
    result = run("files", "get", collection, tile, name, str(folder / "out.bin"))
    assert result.exit_code == 2, result.stderr
    assert "file name" in result.stderr
    assert list(folder.iterdir()) == []


def test_get_with_a_deadline(run: Byoc, planet_tile: tuple[str, str], tmp_path: Path) -> None:
    collection, tile = planet_tile
    one = run("files", "get", collection, tile, "scene.tif", str(tmp_path / "a.tif"), "--deadline", "60")
    assert one.exit_code == 0, one.stderr
    assert (tmp_path / "a.tif").read_bytes() == CONTENT
    many = run("files", "get", collection, tile, "--dest", str(tmp_path / "all"), "--deadline", "60")
    assert many.exit_code == 0, many.stderr
    assert (tmp_path / "all" / tile / "scene.tif").read_bytes() == CONTENT
    refused = run("files", "get", collection, tile, "--dest", str(tmp_path), "--deadline", "0")
    assert refused.exit_code == 2


def hostile(*args: str, server: ScriptedServer) -> Result:
    environment = {"SH_CLIENT_ID": "scripted-id", "SH_CLIENT_SECRET": "scripted-secret"}
    urls = ["--base-url", server.base_url, "--token-url", server.base_url + TOKEN_PATH]
    return CliRunner().invoke(byoc, [*urls, *args], env=environment, prog_name="byoc")


def test_get_cuts_off_an_endless_body_to_a_file_and_to_stdout(tmp_path: Path) -> None:
    script = FileScript({"scene.tif": CONTENT}, bodies={"scene.tif": lambda r: Reply(200, {}, endless())})
    with ScriptedServer(script) as server:
        to_file = hostile(
            "files", "get", COLLECTION, TILE, "scene.tif", str(tmp_path / "a.tif"), server=server
        )
        assert to_file.exit_code == 1
        assert "more than" in to_file.stderr
        to_stdout = hostile("files", "get", COLLECTION, TILE, "scene.tif", "-", server=server)
        assert to_stdout.exit_code == 1
        assert to_stdout.stdout_bytes == b""
        folder = tmp_path / "all"
        many = hostile("files", "get", COLLECTION, TILE, "--dest", str(folder), server=server)
        assert many.exit_code == 1
        assert "FAILED scene.tif" in many.stderr
    assert list(tmp_path.iterdir()) == [folder]
    assert [p for p in folder.rglob("*") if p.is_file()] == []


def test_get_to_stdout_checks_the_size(tmp_path: Path) -> None:
    with ScriptedServer(FileScript({"scene.tif": CONTENT})) as server:
        result = hostile("files", "get", COLLECTION, TILE, "scene.tif", "-", server=server)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == CONTENT
