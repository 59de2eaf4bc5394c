"""Run schemathesis against the BYOC emulator served on loopback; exit non-zero on any failure.

Usage::

    python tests/conformance/run_schemathesis.py [--max-examples N] [--seed S] [-- ST_RUN_ARGS...]

Two runs of ``schemathesis run`` check every operation of ``openapi.yaml``, each against a
fresh emulator on 127.0.0.1 (a free port), authenticated with bearer tokens from the emulator's
token endpoint:

1. ``seeded``: the examples, coverage and fuzzing phases, with the ids in the paths pinned to a
   seeded Planet collection holding an ingested tile with files (and the deletes pinned to
   resources of their own), so that the operations reach real resources instead of 404.
2. ``stateful``: the stateful phase, with nothing pinned, so that its sequences create, read,
   change and delete their own resources.

Every check runs (schemathesis 4 enables all of them by default, the same set as
``--checks all``) except where ``EXCLUSIONS`` below says, with the reason. The command line's
``--checks`` is not used because it would override those per-operation exclusions.
Two demo clients are registered as peers, so ``object_level_authorization`` replays every read
of one client's objects as the other.

Examples per operation: ``--max-examples``, else ``$CONFORMANCE_MAX_EXAMPLES``, else 20.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import yaml
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator, EmulatorServer, serve
from sentinelhub_byoc.testing.cogs import write_cog

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"
DEFAULT_MAX_EXAMPLES = 20
DEFAULT_SEED = 20240501
BUCKET = "conformance-bucket"
FILE_NAME = "B01.tif"
PEER_ID = "conformance-peer"
PEER_SECRET = "conformance-peer-secret"


COLLECTIONS = "/byoc/v1/collections"
COLLECTION = COLLECTIONS + "/{collectionId}"
TILES = COLLECTION + "/tiles"
TILE = TILES + "/{tileId}"
FILE = TILE + "/files/{path}"
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def document_operations(spec: Path = SPEC) -> tuple[str, ...]:
    """Return ``"METHOD /path"`` for every operation of the document, in its order."""
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    return tuple(
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in _HTTP_METHODS
        if method in item
    )


OPERATIONS = document_operations()


@dataclass(frozen=True)
class Exclusion:
    """A check switched off for some operations, and why it cannot hold there."""

    check: str
    operations: tuple[str, ...]
    reason: str


# Each entry is a place where openapi.yaml cannot describe what the service does. Every other
# check runs on every operation.
EXCLUSIONS: tuple[Exclusion, ...] = (
    Exclusion(
        "status_code_conformance",
        (f"GET {COLLECTIONS}", f"GET {TILES}"),
        "The service answers invalid query parameters (count outside 1..100, an unknown sort or "
        "status, a viewtoken it did not issue) with 400 COMMON_BAD_PAYLOAD, but the spec documents "
        "no 400 for the two list operations; the negative tests send exactly such parameters.",
    ),
    Exclusion(
        "positive_data_acceptance",
        (f"GET {COLLECTIONS}", f"GET {TILES}"),
        "viewtoken is typed as any string, but only a token the service issued in a previous "
        "page's links is valid; any other is refused with 400. The spec cannot say so.",
    ),
    Exclusion(
        "positive_data_acceptance",
        (f"POST {COLLECTIONS}", f"PUT {COLLECTION}"),
        "The spec types name and s3Bucket as any string and band names as any property name; "
        "the service needs a non-empty name, a valid S3 bucket name and bands named as "
        "JavaScript identifiers (and a body at all: the request body is not marked required).",
    ),
    Exclusion(
        "positive_data_acceptance",
        (f"POST {TILES}", f"PUT {TILE}"),
        "The spec's Polygon and MultiPolygon require neither type nor coordinates and do not "
        "describe GeoJSON rings (closed, at least 4 positions) or the 100-point limit, and "
        "sensingTime's date-time format is not asserted for its string-or-null type; the "
        "service refuses all of those with 400.",
    ),
    Exclusion(
        "negative_data_rejection",
        (f"POST {COLLECTIONS}", f"PUT {COLLECTION}", f"POST {TILES}", f"PUT {TILE}"),
        "The service takes null for any member of a write body as the member left out (the "
        "incumbent client, sentinelhub-py, pads its bodies with nulls), but the spec types most "
        "members without null, so a body with such a null counts as invalid. Members given with "
        "another wrong type are still refused, as tests/emulator tests.",
    ),
)

# Generation settings that keep schemathesis from testing what the spec does not describe.
GENERATION = {
    "allow-extra-parameters": (
        False,
        "The service ignores query parameters it does not know, as HTTP services generally do; "
        "the spec does not forbid them, so an unknown parameter is not invalid data.",
    ),
}


# Body members pinned in the stateful run: valid where the spec cannot say what valid is.
STATEFUL_BODY: dict[str, object] = {
    "body.name": "conformance",
    "body.s3Bucket": BUCKET,
    "body.additionalData.bands": {},
    "body.coverGeometry": {
        "type": "Polygon",
        "coordinates": [[[14.0, 46.0], [14.1, 46.0], [14.1, 46.1], [14.0, 46.1], [14.0, 46.0]]],
    },
    "body.sensingTime": "2024-05-01T10:30:00Z",
}


@dataclass(frozen=True)
class Seeded:
    """Ids of the resources the operations are pointed at."""

    collection: str
    tile: str
    target: str
    doomed_collection: str
    doomed_tile: str


def seed(emulator: Emulator) -> Seeded:
    """Create the collections, tiles and files the tested operations work on."""
    # Uncompressed 128 x 128 x 16 bits: larger than the 23474 bytes of the spec's Range example.
    pixels = np.arange(128 * 128, dtype=np.uint16).reshape(128, 128)
    for scene in ("scene", "doomed"):
        write_cog(
            emulator.bucket_dir(BUCKET) / scene / FILE_NAME,
            pixels,
            epsg=32633,
            bounds=(500000, 5000000, 501280, 5001280),
            compression=None,
        )
    collection = emulator.create_collection("conformance", BUCKET, planet=True)
    tile, doomed_tile = emulator.add_tiles(collection, ["scene", "doomed"])
    target = emulator.create_collection("conformance copies", BUCKET)
    doomed_collection = emulator.create_collection("conformance doomed", BUCKET)
    emulator.wait_idle()
    return Seeded(collection, tile, target, doomed_collection, doomed_tile)


def fixed_parameters(operation: str, ids: Seeded) -> dict[str, str]:
    """Return the parameters pinned to seeded resources for ``operation``."""
    method, _, path = operation.partition(" ")
    pinned: dict[str, str] = {}
    if "{collectionId}" in path:
        doomed = method == "DELETE" and path == COLLECTION
        pinned["path.collectionId"] = ids.doomed_collection if doomed else ids.collection
    if "{tileId}" in path:
        pinned["path.tileId"] = ids.doomed_tile if method == "DELETE" else ids.tile
    if "{path}" in path:
        pinned["path.path"] = FILE_NAME
    if path.endswith("/copyTiles"):
        pinned["query.toCollection"] = ids.target
    return pinned


def _toml(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    # JSON strings, numbers and booleans are valid TOML values.
    return json.dumps(value)


def config_text(auth_file: Path, ids: Seeded | None) -> str:
    """Return schemathesis.toml: auth, generation settings, then one block per operation."""
    lines = [
        "[auth.wfc]",
        f"path = {_toml(str(auth_file))}",
        'user = "owner"',
        'peers = ["owner", "peer"]',
        "",
        "[generation]",
    ]
    for key, (value, _reason) in GENERATION.items():
        lines.append(f"{key} = {_toml(value)}")
    if ids is None:
        # Sequences are about valid calls (the seeded run sends the invalid ones), and need
        # bodies the service takes so that there are created resources for the links to follow.
        lines += ["", "[phases.stateful.generation]", 'mode = "positive"', "", "[parameters]"]
        lines += [f"{_toml(key)} = {_toml(value)}" for key, value in STATEFUL_BODY.items()]
    # One block per operation: schemathesis takes `parameters` from the first matching block.
    for operation in OPERATIONS:
        settings = []
        pinned = fixed_parameters(operation, ids) if ids is not None else {}
        if pinned:
            items = ", ".join(f"{_toml(k)} = {_toml(v)}" for k, v in pinned.items())
            settings.append(f"parameters = {{ {items} }}")
        for exclusion in EXCLUSIONS:
            if operation in exclusion.operations:
                settings.append(f"checks.{exclusion.check}.enabled = false")
        if settings:
            lines += ["", "[[operations]]", f"include-name = {_toml(operation)}", *settings]
    return "\n".join(lines) + "\n"


def auth_text(server: EmulatorServer) -> str:
    """Return a Web Fuzzing Commons auth file with a bearer token for each of two clients."""
    users = [("owner", DEMO_CLIENT_ID, DEMO_CLIENT_SECRET), ("peer", PEER_ID, PEER_SECRET)]
    auth = [
        {
            "name": name,
            "fixedHeaders": [
                {"name": "Authorization", "value": f"Bearer {_token(server.token_url, client, secret)}"}
            ],
        }
        for name, client, secret in users
    ]
    return json.dumps({"schemaVersion": "1.0.0", "auth": auth}, indent=2)


def _token(token_url: str, client_id: str, client_secret: str) -> str:
    response = httpx.post(
        token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        },
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def run(name: str, phases: str, work: Path, args: argparse.Namespace) -> int:
    """Serve a fresh emulator and run schemathesis's ``phases`` against it."""
    folder = work / name
    with Emulator(data_dir=folder / "buckets") as emulator:
        emulator.add_client(PEER_ID, PEER_SECRET)
        ids = seed(emulator) if name == "seeded" else None
        with serve(emulator, host="127.0.0.1", port=0) as server:
            auth_file = folder / "auth.json"
            auth_file.write_text(auth_text(server))
            config = folder / "schemathesis.toml"
            config.write_text(config_text(auth_file, ids))
            command = [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "--config-file",
                str(config),
                "--no-color",
                "run",
                str(SPEC),
                "--url",
                server.base_url,
                "--phases",
                phases,
                "--max-examples",
                str(args.max_examples),
                "--seed",
                str(args.seed),
                "--workers",
                "1",
                "--generation-database",
                "none",
                *args.extra,
            ]
            print(f"== {name}: {phases}", flush=True)
            return subprocess.call(command, cwd=folder)


def main(argv: list[str] | None = None) -> int:
    """Run both schemathesis runs; return 0 when both pass."""
    parser = argparse.ArgumentParser(description="Run schemathesis against the BYOC emulator.")
    parser.add_argument(
        "--max-examples",
        type=int,
        default=int(os.environ.get("CONFORMANCE_MAX_EXAMPLES") or DEFAULT_MAX_EXAMPLES),
        help="examples per operation (default: $CONFORMANCE_MAX_EXAMPLES or %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("extra", nargs="*", help="further arguments for 'schemathesis run'")
    args = parser.parse_args(argv)
    unknown = sorted({op for e in EXCLUSIONS for op in e.operations} - set(OPERATIONS))
    if unknown:
        print(f"exclusions name operations openapi.yaml does not have: {', '.join(unknown)}")
        return 2

    for exclusion in EXCLUSIONS:
        print(f"excluded: {exclusion.check} on {', '.join(exclusion.operations)}\n  {exclusion.reason}")
    for key, (value, reason) in GENERATION.items():
        print(f"generation: {key} = {value}\n  {reason}")
    with tempfile.TemporaryDirectory(prefix="byoc-conformance-") as work:
        seeded = run("seeded", "examples,coverage,fuzzing", Path(work), args)
        stateful = run("stateful", "stateful", Path(work), args)
    print(f"conformance: seeded run exit {seeded}, stateful run exit {stateful}")
    return seeded or stateful


if __name__ == "__main__":
    sys.exit(main())
