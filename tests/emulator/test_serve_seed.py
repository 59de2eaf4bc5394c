"""``byoc emulator serve --seed FILE``: clients, bucket folders, collections and tiles from a file."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from sentinelhub_byoc.cli import main
from sentinelhub_byoc.testing._seed import load_seed

from tests.emulator._serve_process import environment, start

CONTENT = bytes(range(256)) * 8
COLLECTION_ID = "0b3f2b5c-0d43-4a4e-9a3a-6a8f5c1e2d10"


def _seed(tmp_path: Path) -> dict[str, Any]:
    delivery = tmp_path / "deliveries" / "order1"
    (delivery / "udm").mkdir(parents=True)
    (delivery / "scene.tif").write_bytes(CONTENT)
    (delivery / "udm" / "udm2.tif").write_bytes(b"mask")
    return {
        "clients": [
            {"clientId": "alice", "clientSecret": "alice-secret"},
            {"clientId": "bob", "clientSecret": "bob-secret"},
        ],
        "buckets": {"planet-deliveries": "deliveries"},
        "collections": [
            {
                "id": COLLECTION_ID,
                "name": "Planet order 1",
                "s3Bucket": "planet-deliveries",
                "planet": True,
                "tiles": [{"path": "order1", "sensingTime": "2024-05-01T10:30:00Z"}],
            },
            {
                "name": "Bob's own",
                "s3Bucket": "bob-bucket",
                "clientId": "bob",
                "bands": {"B1": {"bitDepth": 16, "sampleFormat": "UINT"}},
                "tiles": ["scenes/one", "scenes/two"],
            },
        ],
    }


@pytest.mark.parametrize("kind", ["yaml", "json"])
def test_a_seeded_planet_collection_serves_its_files(tmp_path: Path, kind: str) -> None:
    seed = tmp_path / f"seed.{kind}"
    document = _seed(tmp_path)
    seed.write_text(yaml.safe_dump(document) if kind == "yaml" else json.dumps(document))
    server = start("--seed", str(seed))
    try:
        assert f"Collection:    {COLLECTION_ID}  Planet order 1" in server.banner
        assert "Client ID:     alice" in server.banner
        with server.api("alice", "alice-secret") as alice:
            listed = alice.get("/api/v1/byoc/collections").json()["data"]
            assert [c["id"] for c in listed] == [COLLECTION_ID]
            tiles = alice.get(f"/byoc/v1/collections/{COLLECTION_ID}/tiles").json()["data"]
            assert [(t["path"], t["sensingTime"]) for t in tiles] == [
                ("order1", "2024-05-01T10:30:00.000000Z")
            ]
            files = f"/api/v1/byoc/collections/{COLLECTION_ID}/tiles/{tiles[0]['id']}/files"
            assert alice.get(files).json() == ["scene.tif", "udm/udm2.tif"]
            assert alice.get(f"{files}/scene.tif").content == CONTENT
            part = alice.get(f"{files}/scene.tif", headers={"Range": "bytes=100-199"})
            assert part.status_code == 206
            assert part.content == CONTENT[100:200]
            assert alice.get(f"{files}/udm/udm2.tif").content == b"mask"
        with server.api("bob", "bob-secret") as bob:
            (own,) = bob.get("/api/v1/byoc/collections").json()["data"]
            assert own["name"] == "Bob's own"
            assert set(own["additionalData"]["bands"]) == {"B1"}
            tiles = bob.get(f"/api/v1/byoc/collections/{own['id']}/tiles").json()["data"]
            assert [t["path"] for t in tiles] == ["scenes/one", "scenes/two"]
            assert bob.get(f"/api/v1/byoc/collections/{COLLECTION_ID}").status_code == 404
    finally:
        server.stop()


def test_seed_with_state_is_applied_once(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(yaml.safe_dump(_seed(tmp_path)))
    state = tmp_path / "state"
    first = start("--seed", str(seed), "--state", str(state))
    try:
        with first.api("alice", "alice-secret") as alice:
            renamed = {"name": "renamed", "s3Bucket": "planet-deliveries"}
            assert alice.put(f"/api/v1/byoc/collections/{COLLECTION_ID}", json=renamed).status_code == 204
    finally:
        first.stop()
    second = start("--seed", str(seed), "--state", str(state))
    try:
        assert "(kept from before)" in second.banner
        with second.api("alice", "alice-secret") as alice:
            listed = alice.get("/api/v1/byoc/collections").json()["data"]
            assert [(c["id"], c["name"]) for c in listed] == [(COLLECTION_ID, "renamed")]
            tiles = alice.get(f"/api/v1/byoc/collections/{COLLECTION_ID}/tiles").json()["data"]
            assert len(tiles) == 1
    finally:
        second.stop()


def _bad(document: dict[str, Any], change: Any) -> dict[str, Any]:
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(extra=1), "unknown key 'extra'"),
        (lambda d: d["clients"][1].pop("clientSecret"), "clients[1]: missing 'clientSecret'"),
        (lambda d: d["buckets"].update({"Bad_Bucket": "deliveries"}), "buckets.Bad_Bucket:"),
        (lambda d: d["buckets"].update({"missing": "nowhere"}), "buckets.missing:"),
        (lambda d: d["collections"][0].update(id="nope"), "collections[0].id:"),
        (lambda d: d["collections"][1].update(clientId="carol"), "collections[1].clientId: 'carol'"),
        (lambda d: d["collections"][0].update(planet="yes"), "collections[0].planet:"),
        (lambda d: d["collections"][0]["tiles"].append({"path": "/abs"}), "collections[0].tiles[1].path:"),
        (lambda d: d["collections"][0]["tiles"].append("order1"), "collections[0].tiles[1].path:"),
        (
            lambda d: d["collections"][0]["tiles"][0].update(sensingTime="yesterday"),
            "collections[0].tiles[0].sensingTime:",
        ),
        (
            lambda d: d["collections"][1]["bands"]["B1"].update(bitDepth=12),
            "collections[1].bands:",
        ),
        (lambda d: d["collections"].append(d["collections"][1]), "collections[2]: collection id"),
    ],
)
def test_a_bad_seed_is_one_line_naming_the_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Any, message: str
) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(_bad(_seed(tmp_path), change)))
    assert main(["emulator", "serve", "--port", "0", "--seed", str(seed)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("byoc: --seed: ")
    assert message in err


def test_an_unreadable_seed_exits_2_without_a_traceback(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("collections: [\n  - name: x\n")
    completed = subprocess.run(
        [sys.executable, "-m", "sentinelhub_byoc.cli", "emulator", "serve", "--seed", str(seed)],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert completed.stderr.count("\n") == 1
    assert "not valid YAML" in completed.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "sentinelhub_byoc.cli", "emulator", "serve", "--seed", str(tmp_path / "no")],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
    )
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
    assert "cannot read seed file" in missing.stderr


def _block(banner: str, title: str) -> str:
    lines = banner.split(f"{title}\n", 1)[1].splitlines()
    block: list[str] = []
    for line in lines:
        if line and not line.startswith("    "):
            break
        block.append(line[4:])
    return "\n".join(block).strip() + "\n"


def test_the_printed_snippets_work(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(yaml.safe_dump(_seed(tmp_path)))
    server = start("--seed", str(seed))
    try:
        python = _block(server.banner, "Python (sentinelhub-byoc):")
        assert "BYOCClient" in python
        ran = subprocess.run(
            [sys.executable, "-c", python], capture_output=True, text=True, env=environment(), timeout=60
        )
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.strip() == "['Planet order 1']"
        assert "SHConfig(" in _block(server.banner, "sentinelhub-py:")
        curl = _block(server.banner, "curl:")
        if shutil.which("curl") is None:
            pytest.skip("curl is not installed")
        listed = subprocess.run(["bash", "-c", curl], capture_output=True, text=True, timeout=60)
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout)["data"][0]["id"] == COLLECTION_ID
    finally:
        server.stop()


def test_the_readme_seed_example_is_valid(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
    (tmp_path / "deliveries").mkdir()
    seed = tmp_path / "seed.yaml"
    seed.write_text(example)
    loaded = load_seed(seed)
    assert list(loaded.clients) == ["my-client"]
    (collection,) = loaded.collections
    assert collection.planet
    assert [tile.path for tile in collection.tiles] == ["order1", "order2"]
