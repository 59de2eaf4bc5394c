"""Bodies the client holds in memory are bounded: a server sending without end gets a typed error.

JSON answers, error answers (also of streamed downloads) and token answers are read whole; an
endless body must end in a ``BYOCError`` at the bound, not fill the client's memory.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sentinelhub_byoc import APIResponseValidationError, AuthenticationError, ServerError
from sentinelhub_byoc._transport.send_loop import MAX_HELD_BODY

from tests.scripted_server import Reply, Request, ScriptedServer, endless

pytestmark = pytest.mark.anyio

COLLECTION, TILE = uuid.uuid4(), uuid.uuid4()


def _endless(status: int) -> Reply:
    return Reply(status, {"Content-Type": "application/json"}, endless())


async def _get_tile(server: ScriptedServer, kind: str) -> Any:
    if kind == "sync":
        with server.client() as client:
            return client.tiles.get(COLLECTION, TILE)
    async with server.async_client() as client:
        return await client.tiles.get(COLLECTION, TILE)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_an_endless_json_answer_is_an_unreadable_answer(kind: str) -> None:
    with ScriptedServer(lambda request: _endless(200)) as server:
        with pytest.raises(APIResponseValidationError, match=f"runs past {MAX_HELD_BODY} bytes"):
            await _get_tile(server, kind)
        assert len(server.api_requests) == 1  # an unreadable answer is not retried


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_an_endless_error_answer_keeps_its_status(kind: str) -> None:
    with ScriptedServer(lambda request: _endless(500)) as server, pytest.raises(ServerError) as caught:
        await _get_tile(server, kind)
    assert "could not be read" in str(caught.value)
    assert caught.value.status_code == 500


def test_an_endless_error_answer_to_a_download_fails_the_file(tmp_path: Path) -> None:
    def script(request: Request) -> Reply:
        if request.method == "HEAD":
            return Reply(200, {"Content-Length": "10"})
        return _endless(503)

    with ScriptedServer(script) as server, server.client() as client, pytest.raises(ServerError):
        client.files.download(COLLECTION, TILE, "a.tif", tmp_path / "a.tif", size=10)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_an_endless_token_answer_is_the_token_endpoints_failure(kind: str) -> None:
    with ScriptedServer(lambda request: _endless(200), script_token=True) as server:
        with pytest.raises(AuthenticationError, match=r"token endpoint .* could not be read"):
            await _get_tile(server, kind)
        assert server.api_requests == []


_CORRUPT_GZIP = b"\x1f\x8b\x08\x00\x00\x00\x00\x00this is not deflate data"


def _corrupt_token_answer(status: int) -> Reply:
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    return Reply(status, {**headers, "Content-Length": str(len(_CORRUPT_GZIP))}, _CORRUPT_GZIP)


@pytest.mark.parametrize("status", [200, 503])
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_token_answer_that_cannot_be_decoded_is_the_token_endpoints_failure(
    kind: str, status: int
) -> None:
    with ScriptedServer(lambda request: _corrupt_token_answer(status), script_token=True) as server:
        with pytest.raises(AuthenticationError, match="could not be read") as caught:
            await _get_tile(server, kind)
        assert server.api_requests == []
    assert caught.value.response is not None
    assert not [key for key in caught.value.response.extensions if key.startswith("sentinelhub_byoc")]


def test_a_plain_httpx_client_with_our_auth_reports_an_undecodable_token_answer() -> None:
    import httpx
    from sentinelhub_byoc import ClientCredentialsAuth

    with ScriptedServer(lambda request: _corrupt_token_answer(200), script_token=True) as server:
        auth = ClientCredentialsAuth("id", "secret", token_url=f"{server.base_url}/oauth/token")
        with httpx.Client(auth=auth) as plain, pytest.raises(AuthenticationError, match="could not be read"):
            plain.get(f"{server.base_url}/api/v1/byoc/collections")
