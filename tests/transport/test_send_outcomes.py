"""The send loop's outcome: "an earlier attempt may have acted" comes back as a value.

A creation whose retried attempt meets 409 is resolved to the tile the earlier attempt created,
by ``tiles.create`` alone; nothing travels on a request or a response as an extension key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from sentinelhub_byoc import ConflictError, RetryPolicy
from sentinelhub_byoc import _operations as ops
from sentinelhub_byoc._transport._async.sending import AsyncSender
from sentinelhub_byoc._transport._sync.sending import Sender
from sentinelhub_byoc.testing import Emulator, async_client_for, client_for

from tests.client_kinds import KINDS, call, client_of_kind, collect

OVERLAY = Path(__file__).resolve().parents[2] / "overlay" / "sentinelhub_byoc"
API = "https://api.example/api/v1/byoc"
COLLECTION = "5b1e0f3c-8a5d-4a3e-9b0e-1c2d3e4f5a6b"
FAST = RetryPolicy(max_attempts=3, base_delay=0.0, jitter="none")

Step = int | Exception


def scripted(*steps: Step) -> httpx.MockTransport:
    answers = list(steps)

    def answer(request: httpx.Request) -> httpx.Response:
        step = answers.pop(0)
        if isinstance(step, Exception):
            raise step
        return httpx.Response(step, json={"error": {"status": step, "message": "scripted"}})

    return httpx.MockTransport(answer)


@pytest.mark.parametrize(
    ("steps", "acted"),
    [
        ((503, 409), True),  # the 503 may have come after the tile was made
        ((httpx.ReadError("dropped"), 409), True),  # sent, then the connection died
        ((429, 409), False),  # the rate limiter refused it before the application saw it
        ((httpx.ConnectError("refused"), 409), False),  # never left the client
        ((409,), False),  # no earlier attempt at all
    ],
)
def test_the_outcome_says_whether_an_earlier_attempt_may_have_acted(
    steps: tuple[Step, ...], acted: bool
) -> None:
    operation = ops.create_tile(UUID(COLLECTION), {"path": "scene"})
    with httpx.Client(transport=scripted(*steps)) as http:
        outcome = Sender(http, API, None, retry=FAST, sleep=lambda seconds: None).outcome(operation)
    assert isinstance(outcome.error, ConflictError)
    assert outcome.earlier_attempt_may_have_acted is acted
    with pytest.raises(ConflictError):
        outcome.unwrap()


def test_the_outcome_keeps_it_when_the_last_answer_cannot_be_decoded() -> None:
    corrupt = b"\x1f\x8b\x08\x00\x00\x00\x00\x00this is not deflate data"
    answers = [
        httpx.Response(503),
        httpx.Response(409, stream=httpx.ByteStream(corrupt), headers={"Content-Encoding": "gzip"}),
    ]
    operation = ops.create_tile(UUID(COLLECTION), {"path": "scene"})
    with httpx.Client(transport=httpx.MockTransport(lambda request: answers.pop(0))) as http:
        outcome = Sender(http, API, None, retry=FAST, sleep=lambda seconds: None).outcome(operation)
    assert isinstance(outcome.error, ConflictError)
    assert "could not be read" in str(outcome.error)
    assert outcome.earlier_attempt_may_have_acted


@pytest.mark.anyio
async def test_the_async_outcome_says_so_too() -> None:
    async def no_wait(seconds: float) -> None:
        return None

    operation = ops.create_tile(UUID(COLLECTION), {"path": "scene"})
    async with httpx.AsyncClient(transport=scripted(503, 409)) as http:
        outcome = await AsyncSender(http, API, None, retry=FAST, sleep=no_wait).outcome(operation)
    assert isinstance(outcome.error, ConflictError)
    assert outcome.earlier_attempt_may_have_acted


class ActsThenFails(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The first tile creation is carried out by *inner*, but its answer is replaced by a 503."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.failed = False

    def _fails(self, request: httpx.Request) -> bool:
        if self.failed or request.method != "POST" or not request.url.path.endswith("/tiles"):
            return False
        self.failed = True
        return True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response: httpx.Response = self.inner.handle_request(request)
        if self._fails(request):
            response.read()
            return httpx.Response(503, json={"error": {"status": 503, "message": "acted, then failed"}})
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response: httpx.Response = await self.inner.handle_async_request(request)
        if self._fails(request):
            await response.aread()
            return httpx.Response(503, json={"error": {"status": 503, "message": "acted, then failed"}})
        return response


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


def _tile_posts(emulator: Emulator) -> list[int | None]:
    return [r.status for r in emulator.requests if r.method == "POST" and r.path.endswith("/tiles")]


@pytest.mark.anyio
@pytest.mark.parametrize("blocking", [True, False])
async def test_a_retried_5xx_then_409_gives_the_tile_the_first_attempt_created(
    emulator: Emulator, blocking: bool
) -> None:
    transport = ActsThenFails(emulator.transport())
    make = client_for if blocking else async_client_for
    client = make(emulator, transport=transport, retry=FAST)
    try:
        collection = await call(client.collections.create(name="c", s3_bucket="a-bucket"))
        tile = await call(client.tiles.create(collection, "scene/(BAND).tif"))
        assert _tile_posts(emulator) == [201, 409]
        assert [t.id for t in await collect(client.tiles.list(collection))] == [tile.id]
    finally:
        await call(client.aclose() if not blocking else client.close())  # type: ignore[union-attr]


@pytest.mark.anyio
async def test_a_429_then_409_is_the_callers_conflict(emulator: Emulator) -> None:
    async with client_of_kind("async-inprocess", emulator) as client:
        collection = await call(client.collections.create(name="c", s3_bucket="a-bucket"))
        await call(client.tiles.create(collection, "scene"))
        emulator.script_faults(["429"])
        with pytest.raises(ConflictError):
            await call(client.tiles.create(collection, "scene"))
        # Unless the caller says an existing tile will do.
        emulator.script_faults(["429"])
        again = await call(client.tiles.create(collection, "scene", exist_ok=True))
        assert again.path == "scene"


def test_the_409_after_a_retry_is_resolved_in_one_place() -> None:
    readers = sorted(
        path.relative_to(OVERLAY).as_posix()
        for path in OVERLAY.rglob("*.py")
        if "earlier_attempt_may_have_acted" in path.read_text(encoding="utf-8")
    )
    # Where the outcome is defined, and the one creation that resolves a 409 with it.
    assert readers == ["_transport/calls.py", "resources/_async/tiles.py", "resources/_sync/tiles.py"]
    catches = [
        path.relative_to(OVERLAY).as_posix()
        for path in OVERLAY.rglob("*.py")
        if re.search(r"except[^\n]*ConflictError", path.read_text(encoding="utf-8"))
    ]
    assert catches == []


class ExtensionKeys(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Records the extension keys of every request that reaches the transport, token requests too."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.keys: set[str] = set()
        self.requests = 0

    def _see(self, request: httpx.Request) -> None:
        self.requests += 1
        self.keys.update(request.extensions)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._see(request)
        response: httpx.Response = self.inner.handle_request(request)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._see(request)
        response: httpx.Response = await self.inner.handle_async_request(request)
        return response


@pytest.mark.anyio
@pytest.mark.parametrize("kind", KINDS)
async def test_no_request_carries_an_extension_of_the_package(kind: str, emulator: Emulator) -> None:
    recorder = ExtensionKeys(None)
    async with client_of_kind(kind, emulator, recorder=recorder) as client:  # type: ignore[arg-type]
        emulator.script_faults(["503", "429"], include_token_route=True)
        collection = await call(client.collections.create(name="c", s3_bucket="a-bucket"))
        emulator.script_faults(["lost", "503"])
        await call(client.tiles.create(collection, "scene"))
        emulator.revoke_tokens()  # a 401, a new token and a replay
        emulator.script_faults(["429"])
        assert len(await collect(client.tiles.list(collection, page_size=1))) == 1
    assert recorder.requests >= 10
    assert recorder.keys, "the recorder saw httpx's own extensions"
    assert not {key for key in recorder.keys if key.startswith("sentinelhub_byoc")}
