"""Every request says in ``Accept`` what ``openapi.yaml`` documents for its answers.

A negotiating server, as a standard OpenAPI mock is, answers 406 when no media type the request
accepts is one the operation produces. Here a scripted server on loopback plays one: it reads the
repository's ``openapi.yaml`` itself (not the generated client), routes each request to its
operation and refuses it unless ``Accept`` admits a media type of one of the operation's documented
responses. A ``HEAD`` is negotiated as the ``GET`` it mirrors (the document gives its responses no
media type; RFC 9110 has it answer as ``GET`` would). Every one of the operations then works through
the public clients and through ``byoc files get``.

The emulator ignores ``Accept``: it answers sentinelhub-py's ``Accept: */*`` and this client's
headers alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from click.testing import CliRunner
from sentinelhub_byoc import AsyncBYOCClient, BYOCClient, BYOCError
from sentinelhub_byoc.cli._app import byoc
from sentinelhub_byoc.testing import Emulator, client_for

from tests.scripted_server import TOKEN_PATH, Reply, Request, ScriptedServer

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
#: The path prefix the document's paths carry; the deployment puts its own in its place.
SPEC_PREFIX = "/byoc/v1"
METHODS = ("get", "put", "post", "delete", "head", "patch", "options", "trace")

COLLECTION_ID = "0b2c3d4e-0000-4000-8000-000000000001"
OTHER_COLLECTION_ID = "0b2c3d4e-0000-4000-8000-000000000002"
TILE_ID = "0b2c3d4e-0000-4000-8000-0000000000a1"
FILES = {"scene.tif": bytes(range(256)) * 8, "sub/udm2.tif": b"udm"}

# ---------------------------------------------------------------------------------------------
# What the document says


def _resolved(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


@dataclass(frozen=True)
class Documented:
    """One operation of the document: how to recognise its requests and what its answers can be."""

    operation_id: str
    method: str
    pattern: re.Pattern[str]
    media_types: tuple[str, ...]


def _media_types(operation: dict[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    for response in operation.get("responses", {}).values():
        for media_type in _resolved(response).get("content") or {}:
            if media_type not in found:
                found.append(media_type)
    return tuple(found)


def _documented() -> list[Documented]:
    found = []
    for path, item in SPEC["paths"].items():
        relative = path.removeprefix(SPEC_PREFIX)
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(relative)) + "$")
        for method in METHODS:
            if (operation := item.get(method)) is not None:
                found.append(
                    Documented(operation["operationId"], method.upper(), pattern, _media_types(operation))
                )
    return found


DOCUMENTED = _documented()


def route(request: Request) -> Documented:
    """The documented operation *request* is for."""
    matches = [
        operation
        for operation in DOCUMENTED
        if operation.method == request.method and operation.pattern.match(request.api_path)
    ]
    assert len(matches) == 1, f"no single documented operation for {request.method} {request.path}"
    return matches[0]


def produced(operation: Documented) -> tuple[str, ...]:
    """The media types the server may answer *operation* with."""
    if operation.method == "HEAD" and not operation.media_types:
        twin = [other for other in DOCUMENTED if other.method == "GET" and other.pattern == operation.pattern]
        return twin[0].media_types if twin else ()
    return operation.media_types


# ---------------------------------------------------------------------------------------------
# Negotiation, as a strict server does it


def accepted_ranges(accept: str) -> list[str]:
    """The media ranges an ``Accept`` value admits (those with a quality above zero)."""
    ranges = []
    for entry in accept.split(","):
        media_range, *parameters = (part.strip() for part in entry.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                quality = float(value)
        if media_range and quality > 0:
            ranges.append(media_range.lower())
    return ranges


def admits(media_range: str, media_type: str) -> bool:
    """Whether *media_range* (``*/*``, ``type/*`` or a type) covers *media_type*."""
    wanted_type, _, wanted_subtype = media_range.partition("/")
    kind, _, subtype = media_type.split(";")[0].strip().lower().partition("/")
    return wanted_type == "*" or (wanted_type == kind and wanted_subtype in ("*", subtype))


def negotiable(accept: str | None, offered: tuple[str, ...]) -> bool:
    """Whether a request with *accept* can be answered with one of *offered* (none: anything goes)."""
    if accept is None or not offered:
        return True
    return any(admits(wanted, media_type) for wanted in accepted_ranges(accept) for media_type in offered)


@pytest.mark.parametrize(
    ("accept", "offered", "expected"),
    [
        ("application/json", ("application/json",), True),
        ("application/json", ("application/octet-stream",), False),
        ("*/*", ("application/octet-stream",), True),
        ("application/*", ("application/octet-stream",), True),
        ("text/*", ("application/octet-stream",), False),
        ("application/json, application/octet-stream;q=0.5", ("application/octet-stream",), True),
        ("application/octet-stream;q=0", ("application/octet-stream",), False),
        (None, ("application/octet-stream",), True),
        ("application/json", (), True),
    ],
)
def test_the_servers_negotiation(accept: str | None, offered: tuple[str, ...], expected: bool) -> None:
    assert negotiable(accept, offered) is expected


# ---------------------------------------------------------------------------------------------
# The negotiating server

COLLECTION = {"id": COLLECTION_ID, "name": "planet", "s3Bucket": "bucket", "additionalData": {}}
TILE = {"id": TILE_ID, "path": "order1", "status": "INGESTED"}


def _success(operation_id: str, request: Request) -> Reply:
    json_replies: dict[str, tuple[int, Any]] = {
        "getByocCollections": (200, {"data": [COLLECTION], "links": {}}),
        "getByocCollectionById": (200, {"data": COLLECTION}),
        "createByocCollection": (201, {"data": COLLECTION}),
        "getByocCollectionTiles": (200, {"data": [TILE], "links": {}}),
        "getByocCollectionTileById": (200, {"data": TILE}),
        "createByocCollectionTile": (201, {"data": TILE}),
        "listByocTileFiles": (200, sorted(FILES)),
    }
    if operation_id in json_replies:
        return Reply.json(*json_replies[operation_id])
    if operation_id == "getByocGlobalCollections":
        asked = parse_qs(urlsplit(request.path).query)["ids"][0]
        return Reply.json(200, {"data": [{"id": asked, "location": "elsewhere"}]})
    if operation_id == "getServiceLocations":
        return Reply.json(200, [{"id": "elsewhere", "url": "http://127.0.0.1:9"}])
    if operation_id in ("getByocTileFile", "headByocTileFile"):
        return _file(request)
    return Reply(204)


def _file(request: Request) -> Reply:
    name = httpx.URL(request.path).path.rpartition("/files/")[2]
    content = FILES.get(name)
    if content is None:
        return Reply(404, {"Content-Length": "0"})
    headers = {"Content-Type": "application/octet-stream", "Accept-Ranges": "bytes"}
    start = (
        int(match.group(1))
        if (match := re.fullmatch(r"bytes=(\d+)-", request.headers.get("range", "")))
        else 0
    )
    if start:
        part = content[start:]
        headers["Content-Range"] = f"bytes {start}-{len(content) - 1}/{len(content)}"
        return Reply(206, {**headers, "Content-Length": str(len(part))}, part)
    return Reply(200, {**headers, "Content-Length": str(len(content))}, content)


def negotiating(request: Request) -> Reply:
    """Answer like a strict OpenAPI mock: 406 unless ``Accept`` admits a documented media type."""
    operation = route(request)
    if not negotiable(request.headers.get("accept"), produced(operation)):
        body = b"406: Not Acceptable"
        return Reply(406, {"Content-Type": "text/plain", "Content-Length": str(len(body))}, body)
    return _success(operation.operation_id, request)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer(negotiating) as running:
        yield running


def _answered(server: ScriptedServer) -> dict[str, str]:
    """For every API request made: its operation and the ``Accept`` it carried."""
    return {route(request).operation_id: request.headers.get("accept", "") for request in server.api_requests}


def exercise(client: BYOCClient, tmp_path: Path, prepare: Callable[[str], None] = lambda _: None) -> None:
    """Call every operation of the API through the public client; *prepare* the new collection's id."""
    collection = client.collections.create(name="planet", s3_bucket="bucket")
    prepare(str(collection.id))
    other = client.collections.create(name="other", s3_bucket="bucket")
    assert [found.id for found in client.collections.list()] != []
    client.collections.update(client.collections.get(collection))
    # The negotiating server places it elsewhere; an emulator answers with its own URL.
    assert client.collections.locate(collection).base_url in (
        "http://127.0.0.1:9",
        client.deployment.base_url,
    )
    tile = client.tiles.create(collection, "order1")
    assert list(client.tiles.list(collection)) != []
    client.tiles.get(collection, tile)
    client.tiles.update(collection, tile)
    client.tiles.reingest(collection, tile)
    names = client.files.list(collection, tile)
    assert sorted(names) == sorted(FILES)
    assert client.files.size(collection, tile, "scene.tif") == len(FILES["scene.tif"])
    assert client.files.read(collection, tile, "scene.tif") == FILES["scene.tif"]
    written = client.files.download(collection, tile, "scene.tif", tmp_path / "scene.tif")
    assert written.read_bytes() == FILES["scene.tif"]
    client.collections.copy_tiles(collection, other)
    client.tiles.delete(collection, tile)
    client.collections.delete(other)
    client.collections.delete(collection)


def test_every_operation_is_served_by_a_negotiating_server(server: ScriptedServer, tmp_path: Path) -> None:
    with server.client() as client:
        exercise(client, tmp_path)
    assert {request.method for request in server.api_requests} >= {"GET", "HEAD", "POST", "PUT", "DELETE"}
    assert set(_answered(server)) == {operation.operation_id for operation in DOCUMENTED}


def test_accept_lists_what_the_document_gives_for_each_answer(server: ScriptedServer, tmp_path: Path) -> None:
    with server.client() as client:
        exercise(client, tmp_path)
    by_id = {operation.operation_id: operation for operation in DOCUMENTED}
    for operation_id, accept in _answered(server).items():
        documented = by_id[operation_id].media_types
        # An operation documenting no media type (HEAD) takes any: the client's default.
        expected = list(documented) if documented else ["*/*"]
        assert accepted_ranges(accept) == expected, operation_id
    assert _answered(server)["getByocTileFile"] == "application/octet-stream"
    assert _answered(server)["getByocCollections"] == "application/json"


def test_a_resumed_download_is_negotiated_too(server: ScriptedServer, tmp_path: Path) -> None:
    target = tmp_path / "scene.tif"
    (tmp_path / "scene.tif.part").write_bytes(FILES["scene.tif"][:100])
    with server.client() as client:
        client.files.download(COLLECTION_ID, TILE_ID, "scene.tif", target)
    assert target.read_bytes() == FILES["scene.tif"]
    (ranged,) = [request for request in server.api_requests if "range" in request.headers]
    assert ranged.headers["accept"] == "application/octet-stream"


@pytest.mark.anyio
async def test_the_async_client_is_negotiated_alike(server: ScriptedServer, tmp_path: Path) -> None:
    client: AsyncBYOCClient
    async with server.async_client() as client:
        assert sorted(await client.files.list(COLLECTION_ID, TILE_ID)) == sorted(FILES)
        assert await client.files.size(COLLECTION_ID, TILE_ID, "sub/udm2.tif") == len(FILES["sub/udm2.tif"])
        assert await client.files.read(COLLECTION_ID, TILE_ID, "scene.tif") == FILES["scene.tif"]
        await client.files.download(COLLECTION_ID, TILE_ID, "scene.tif", tmp_path / "scene.tif")
        assert (await client.collections.get(COLLECTION_ID)).name == "planet"
    assert (tmp_path / "scene.tif").read_bytes() == FILES["scene.tif"]
    assert {route(request).operation_id for request in server.api_requests} == {
        "listByocTileFiles",
        "headByocTileFile",
        "getByocTileFile",
        "getByocCollectionById",
    }


def test_a_client_accepting_only_json_is_refused_the_files(server: ScriptedServer, tmp_path: Path) -> None:
    # What every request said before: this server tells that apart from the document's Accept.
    with server.client(transport=_SettingAccept(httpx.HTTPTransport(), "application/json")) as client:
        assert sorted(client.files.list(COLLECTION_ID, TILE_ID)) == sorted(FILES)
        with pytest.raises(BYOCError, match="406"):
            client.files.size(COLLECTION_ID, TILE_ID, "scene.tif")
        with pytest.raises(BYOCError, match="406"):
            client.files.download(COLLECTION_ID, TILE_ID, "scene.tif", tmp_path / "scene.tif")
    assert not (tmp_path / "scene.tif").exists()


def test_a_refusal_is_a_typed_error_naming_the_status() -> None:
    def refuse_all(request: Request) -> Reply:
        return Reply(406, {"Content-Type": "text/plain", "Content-Length": "0"})

    with (
        ScriptedServer(refuse_all) as refusing,
        refusing.client() as client,
        pytest.raises(BYOCError) as raised,
    ):
        client.files.read(COLLECTION_ID, TILE_ID, "scene.tif")
    assert "406" in str(raised.value)


# ---------------------------------------------------------------------------------------------
# byoc files get


def _byoc(server: ScriptedServer, *args: str) -> Any:
    environment = {"SH_CLIENT_ID": "scripted-id", "SH_CLIENT_SECRET": "scripted-secret", "SH_PROFILE": None}
    return CliRunner().invoke(
        byoc,
        ["--base-url", server.base_url, "--token-url", server.base_url + TOKEN_PATH, *args],
        env=environment,
        prog_name="byoc",
    )


def test_byoc_files_get_downloads_every_file_from_a_negotiating_server(
    server: ScriptedServer, tmp_path: Path
) -> None:
    result = _byoc(server, "-o", "json", "files", "get", COLLECTION_ID, TILE_ID, "--dest", str(tmp_path))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert not report.get("failed"), report
    for name, content in FILES.items():
        assert (tmp_path / TILE_ID / name).read_bytes() == content
    assert set(_answered(server)) >= {"listByocTileFiles", "getByocTileFile"}


def test_byoc_files_get_one_file_and_to_stdout(server: ScriptedServer, tmp_path: Path) -> None:
    target = tmp_path / "copy.tif"
    one = _byoc(server, "files", "get", COLLECTION_ID, TILE_ID, "scene.tif", str(target))
    assert one.exit_code == 0, one.output
    assert target.read_bytes() == FILES["scene.tif"]
    size = _byoc(server, "-o", "json", "files", "size", COLLECTION_ID, TILE_ID, "scene.tif")
    assert size.exit_code == 0, size.output
    assert json.loads(size.stdout)["size"] == len(FILES["scene.tif"])
    piped = _byoc(server, "files", "get", COLLECTION_ID, TILE_ID, "sub/udm2.tif", "-")
    assert piped.exit_code == 0, piped.output
    assert piped.stdout_bytes == FILES["sub/udm2.tif"]


# ---------------------------------------------------------------------------------------------
# The emulator stays tolerant


class _SettingAccept(httpx.BaseTransport):
    """Sends every API request with ``Accept`` set to *accept* (``None``: as the client made it)."""

    def __init__(self, inner: httpx.BaseTransport, accept: str | None) -> None:
        self._inner = inner
        self._accept = accept
        self.seen: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._accept is not None:
            request.headers["Accept"] = self._accept
        self.seen.append(request.headers.get("Accept", ""))
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "text/html"])
def test_the_emulator_answers_any_accept(accept: str | None, tmp_path: Path) -> None:
    with Emulator(data_dir=tmp_path / "buckets") as emulator:
        folder = emulator.bucket_dir("bucket") / "order1"
        for name, content in FILES.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
        transport = _SettingAccept(emulator.transport(), accept)
        with client_for(emulator, transport=transport) as client:
            exercise(client, tmp_path, prepare=emulator.mark_planet)
    expected = {accept} if accept is not None else {"application/json", "application/octet-stream", "*/*"}
    assert set(transport.seen) == expected
