"""Whatever the server answers, no public call raises anything but a ``BYOCError``.

For every public operation of both clients, a ``MockTransport`` answers with an arbitrary status
(100-599, odd ones included), arbitrary headers (content types, content encodings that lie,
wrong Content-Length, garbage Retry-After, Content-Range and Location) and an arbitrary body
(random bytes, random JSON, or JSON shaped like the real answers with members removed, retyped or
mutated). The call must either return normally or raise a
:class:`~sentinelhub_byoc.errors.BYOCError`; anything else escaping (``KeyError``,
``JSONDecodeError``, ``httpx.DecodingError``, ...) fails the test with the answer that caused it.

``HYPOTHESIS_PROFILE`` chooses how hard to look (see ``tests/hypothesis_profiles.py``):

- ``ci`` (the default): 30 examples per operation and client, the same every run, no example
  database, failures reported as found, unshrunk (several distinct failures of one test are all
  listed);
- ``shrink``: the same examples, each failure shrunk to a minimal answer (slow when many fail);
- ``thorough``: 2,000 random examples per test, shrunk, e.g.
  ``HYPOTHESIS_PROFILE=thorough pytest tests/decoding/test_no_untyped_errors.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import inspect
import json
import re
import tempfile
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sentinelhub_byoc import (
    AsyncBYOCClient,
    BYOCClient,
    BYOCError,
    Collection,
    RetryPolicy,
)

from tests.decoding._wire import RawBody
from tests.hypothesis_profiles import chosen_profile
from tests.samples import (
    BASE_URL,
    COLLECTION_ID,
    DEPLOYMENT,
    FILE_NAME,
    OTHER_COLLECTION_ID,
    SQUARE,
    TILE_ID,
    collection_json,
    json_values,
    tile_json,
)

# ---------------------------------------------------------------------------------------------
# Settings

PROFILE = chosen_profile(ci_examples=30, thorough_examples=2000)

PART_BYTES = b"0123456"

#: More requests than this for one call means the client is looping.
MAX_REQUESTS = 25

# ---------------------------------------------------------------------------------------------
# What the server says


@attrs.frozen
class Answer:
    """One scripted answer: status, headers (a list, duplicates allowed) and the raw body."""

    status: int
    headers: tuple[tuple[str, str | bytes], ...]
    body: bytes

    def response(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            self.status, headers=list(self.headers), stream=RawBody(self.body), request=request
        )


class Server:
    """Serves the answers in order, the last one again for every further request."""

    def __init__(self, answers: list[Answer]) -> None:
        self._answers = answers
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert len(self.requests) <= MAX_REQUESTS, (
            f"the client sent more than {MAX_REQUESTS} requests for one call: "
            + ", ".join(f"{r.method} {r.url.path}" for r in self.requests[-5:])
        )
        return self._answers[min(len(self.requests), len(self._answers)) - 1].response(request)


# ---------------------------------------------------------------------------------------------
# Strategies

COMMON_STATUSES = [200, 201, 204, 206, 400, 401, 403, 404, 409, 416, 429, 500, 502, 503]
ODD_STATUSES = [
    *(100, 101, 102, 103, 150, 199, 202, 203, 205, 207, 208, 226, 250, 299),
    *(300, 301, 302, 303, 304, 305, 307, 308, 399, 405, 406, 408, 410, 413, 415, 418, 422, 425),
    *(451, 499, 501, 504, 505, 507, 511, 520, 521, 524, 598, 599),
]
statuses = st.one_of(st.sampled_from(COMMON_STATUSES), st.sampled_from(ODD_STATUSES), st.integers(100, 599))

CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=UTF-16",
    "application/json; charset=latin-1",
    "application/json; charset=no-such-charset",
    "application/problem+json",
    "application/octet-stream",
    "text/html; charset=utf-8",
    "text/plain",
    "text/xml",
    "",
    ";;;",
    "application/json; charset=",
]
#: "name:how": how the body is actually encoded ("valid", "garbage" or "truncated").
CONTENT_ENCODINGS = [
    "gzip:valid",
    "gzip:garbage",
    "gzip:truncated",
    "deflate:valid",
    "deflate:garbage",
    "x-gzip:garbage",
    "GZIP:garbage",
    "gzip, deflate:garbage",
    "br:garbage",
    "zstd:garbage",
    "identity:valid",
    "compress:garbage",
    "garbage:garbage",
    ":garbage",
]
RETRY_AFTERS = [
    "0",
    "1",
    "-5",
    "0.5",
    "abc",
    "1e309",
    "nan",
    "inf",
    "-inf",
    "99999999999999999999999",
    "Wed, 21 Oct 2015 07:28:00 GMT",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Sun, 32 Foo 2015 99:99:99 XYZ",
    "",
    " ",
    "1, 2",
]
CONTENT_RANGES = [
    "bytes */7",
    "bytes */0",
    "bytes */abc",
    "bytes 0-4/10",
    "bytes 7-9/10",
    "bytes 5-3/2",
    "bytes */-1",
    "bytes */99999999999999999999999",
    "items 0-1/2",
    "garbage",
    "",
]
LOCATIONS = [
    "https://elsewhere.test/x",
    "/relative/path",
    "::::",
    "",
    "http://[::1",
    "https://byoc.test/token",
]
CONTENT_LENGTHS = ["CORRECT", "0", "1", "3", "99999", "-1", "abc", "", "1, 2", "18446744073709551616"]
#: Header values that are not ASCII text.
RAW_VALUES: list[str | bytes] = [b"\xff\xfe\x80", b"caf\xe9", "\u00e9t\u00e9".encode()]

ascii_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=20)


def _header_value(values: list[str]) -> st.SearchStrategy[str | bytes]:
    return st.one_of(st.sampled_from(values), st.sampled_from(RAW_VALUES), ascii_text)


header_choices = st.fixed_dictionaries(
    {},
    optional={
        "Content-Type": _header_value(CONTENT_TYPES),
        "Content-Encoding": st.sampled_from(CONTENT_ENCODINGS),
        "Content-Length": st.sampled_from(CONTENT_LENGTHS),
        "Retry-After": _header_value(RETRY_AFTERS),
        "Content-Range": _header_value(CONTENT_RANGES),
        "Location": _header_value(LOCATIONS),
        "X-Request-Id": ascii_text,
        "WWW-Authenticate": st.sampled_from(['Bearer error="invalid_token"', "garbage", ""]),
    },
)

any_json = json_values(odd_numbers=True, text_size=12, width=4, key_size=10, max_leaves=12)
ODD_SCALARS = [
    None,
    "",
    "x",
    0,
    -1,
    1.5,
    True,
    [],
    {},
    "NaN",
    10**30,
    "not-a-uuid",
    "2024-13-45T99:99:99Z",
    "ARCHIVED",
    "\udcff",
]

TILE = tile_json(
    path="2024/05/01/(BAND).tif",
    coverGeometry={"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]},
    additionalData={"failedIngestionCause": None, "warnings": "a warning"},
)
COLLECTION = collection_json()
LINKS = {
    "currentToken": "t0",
    "nextToken": "t1",
    "@id": f"{BASE_URL}/api/v1/byoc/collections?viewtoken=t0",
    "next": f"{BASE_URL}/api/v1/byoc/collections?viewtoken=t1&count=2",
}
TEMPLATES: dict[str, Any] = {
    "tile": {"data": TILE},
    "collection": {"data": COLLECTION},
    "tiles": {"data": [TILE, TILE], "links": LINKS},
    "collections": {"data": [COLLECTION], "links": LINKS},
    "files": ["20241230_100706_56_24fd.json", FILE_NAME],
    "located": {"data": [{"id": str(COLLECTION_ID), "name": "my-cogs", "location": "aws-us-west-2"}]},
    "error": {
        "error": {
            "status": 404,
            "reason": "Not Found",
            "message": "Collection not found",
            "code": "COMMON_NOT_FOUND",
            "errors": {"id": "unknown"},
        }
    },
    "flat-error": {
        "status": 400,
        "reason": "Bad Request",
        "message": "Invalid path",
        "code": "COMMON_BAD_PAYLOAD",
    },
    "oauth-error": {"error": "invalid_token", "error_description": "Token expired"},
}


def mutations(value: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Copies of *value* with members kept (first, so examples shrink to it), removed or retyped."""
    replaced = st.one_of(st.sampled_from(ODD_SCALARS), any_json)
    if depth > 6:
        return st.one_of(st.just(value), replaced)
    if isinstance(value, dict):
        members = {key: mutations(item, depth + 1) for key, item in value.items()}
        return st.one_of(
            st.fixed_dictionaries(members),
            st.fixed_dictionaries({}, optional=members),
            st.builds(
                lambda kept, extra: {**extra, **kept},
                st.fixed_dictionaries(members),
                st.dictionaries(st.text(max_size=8), any_json, min_size=1, max_size=2),
            ),
            replaced,
        )
    if isinstance(value, list):
        items = st.one_of(*(mutations(item, depth + 1) for item in value)) if value else any_json
        return st.one_of(st.lists(items, max_size=5), replaced)
    return st.one_of(st.just(value), replaced)


MUTATED = {shape: mutations(template) for shape, template in TEMPLATES.items()}


def encoded_json(value: Any, encoding: str) -> bytes:
    text = json.dumps(value, allow_nan=True, ensure_ascii=encoding == "ascii")
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    codec = "utf-8" if encoding == "ascii" else encoding
    # latin-1 cannot hold every character: what it cannot is sent as "?", as a lax server would.
    return text.encode(codec, "surrogatepass" if codec.startswith("utf") else "replace")


@st.composite
def bodies(draw: st.DrawFn, shape: str) -> bytes:
    kind = draw(st.sampled_from(["shaped", "other-shape", "json", "bytes", "text", "empty"]))
    if kind == "empty":
        return b""
    if kind == "bytes":
        return draw(st.binary(max_size=64))
    if kind == "text":
        return draw(
            st.sampled_from(
                [
                    b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                    b"OK",
                    b"null",
                    b"{",
                    b'{"data": ',
                    b"[]",
                    b"{}",
                    b'{"data": null}',
                    b'{"data": {}}',
                    b'{"data": []}',
                    b"\xef\xbb\xbf{}",
                    b"NaN",
                    b'"\\ud800"',
                    b"1" * 5000,
                    b"[" * 3000 + b"]" * 3000,
                ]
            )
        )
    if kind == "json":
        value = draw(any_json)
    elif kind == "shaped":
        value = draw(MUTATED[shape])
    else:
        value = draw(MUTATED[draw(st.sampled_from(sorted(MUTATED)))])
    return encoded_json(
        value, draw(st.sampled_from(["utf-8", "utf-8", "ascii", "utf-16", "latin-1", "utf-8-sig"]))
    )


def _encode_body(body: bytes, how: str, name: str) -> bytes:
    if how == "garbage":
        return body[:3] + b"\x00\x1f\x8b garbage"
    if name.lower().startswith("deflate"):
        encoded = zlib.compress(body)
    elif "gzip" in name.lower():
        encoded = gzip.compress(body)
    else:
        encoded = body
    return encoded[: len(encoded) // 2] if how == "truncated" else encoded


@st.composite
def answers(draw: st.DrawFn, shape: str) -> Answer:
    status = draw(statuses)
    chosen = dict(draw(header_choices))
    body = draw(bodies(shape))
    headers: list[tuple[str, str | bytes]] = []
    encoding = chosen.pop("Content-Encoding", None)
    if isinstance(encoding, str):
        name, _, how = encoding.rpartition(":")
        body = _encode_body(body, how, name)
        headers.append(("Content-Encoding", name))
    length = chosen.pop("Content-Length", None)
    if length is not None:
        headers.append(("Content-Length", str(len(body)) if length == "CORRECT" else str(length)))
    headers.extend(chosen.items())
    return Answer(status, tuple(headers), body)


#: Per shape of answer, the scripts of one to three answers (built once: the strategies are large).
ANSWER_SEQUENCES = {shape: st.lists(answers(shape), min_size=1, max_size=3) for shape in TEMPLATES}


retry_policies = st.sampled_from(
    [
        RetryPolicy.disabled(),
        RetryPolicy(max_attempts=3, base_delay=0.0, max_delay=0.0, max_retry_after=0.0, jitter="none"),
    ]
)

# ---------------------------------------------------------------------------------------------
# Every public operation, written once for both clients

Client = BYOCClient | AsyncBYOCClient


async def call(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def collect(items: Iterable[Any] | AsyncIterator[Any]) -> list[Any]:
    if hasattr(items, "__aiter__"):
        return [item async for item in items]
    return list(items)


@attrs.frozen
class Context:
    """Per example: where downloads go, and the offset a read or resumed download starts from."""

    folder: Path
    start: int
    resume: bool


def _existing_collection() -> Collection:
    return Collection.from_dict({"id": str(COLLECTION_ID), "name": "my-cogs", "s3Bucket": "my-bucket"})


async def _download(client: Client, context: Context) -> Any:
    destination = context.folder / "scene.tif"
    if context.start:
        (context.folder / "scene.tif.part").write_bytes(PART_BYTES[: context.start])
    return await call(
        client.files.download(COLLECTION_ID, TILE_ID, FILE_NAME, destination, resume=context.resume)
    )


Operation = Callable[[Client, Context], Awaitable[Any]]

#: name -> (the call, which real answer its bodies are shaped like)
OPERATIONS: dict[str, tuple[Operation, str]] = {
    "collections.list": (lambda c, x: collect(c.collections.list()), "collections"),
    "collections.pages": (lambda c, x: collect(c.collections.pages(page_size=2)), "collections"),
    "collections.get": (lambda c, x: call(c.collections.get(COLLECTION_ID)), "collection"),
    "collections.create": (
        lambda c, x: call(c.collections.create(name="c", s3_bucket="b", no_data=0)),
        "collection",
    ),
    "collections.update": (lambda c, x: call(c.collections.update(_existing_collection())), "collection"),
    "collections.delete": (lambda c, x: call(c.collections.delete(COLLECTION_ID)), "error"),
    "collections.locate": (lambda c, x: call(c.collections.locate(COLLECTION_ID)), "located"),
    "collections.copy_tiles": (
        lambda c, x: call(c.collections.copy_tiles(COLLECTION_ID, OTHER_COLLECTION_ID)),
        "error",
    ),
    "tiles.list": (lambda c, x: collect(c.tiles.list(COLLECTION_ID, status="FAILED")), "tiles"),
    "tiles.pages": (
        lambda c, x: collect(c.tiles.pages(COLLECTION_ID, page_size=2, sort="created:asc")),
        "tiles",
    ),
    "tiles.get": (lambda c, x: call(c.tiles.get(COLLECTION_ID, TILE_ID)), "tile"),
    "tiles.create": (
        lambda c, x: call(
            c.tiles.create(COLLECTION_ID, "2024/(BAND).tif", sensing_time="2024-05-01T10:00:00Z")
        ),
        "tile",
    ),
    "tiles.update": (
        lambda c, x: call(c.tiles.update(COLLECTION_ID, TILE_ID, cover_geometry=SQUARE, sensing_time=None)),
        "error",
    ),
    "tiles.delete": (lambda c, x: call(c.tiles.delete(COLLECTION_ID, TILE_ID)), "error"),
    "tiles.reingest": (lambda c, x: call(c.tiles.reingest(COLLECTION_ID, TILE_ID)), "error"),
    "tiles.find": (lambda c, x: call(c.tiles.find(COLLECTION_ID, "2024/05/01/(BAND).tif")), "tiles"),
    "files.list": (lambda c, x: call(c.files.list(COLLECTION_ID, TILE_ID)), "files"),
    "files.size": (lambda c, x: call(c.files.size(COLLECTION_ID, TILE_ID, FILE_NAME)), "error"),
    "files.read": (
        lambda c, x: call(c.files.read(COLLECTION_ID, TILE_ID, FILE_NAME, start=x.start)),
        "error",
    ),
    "files.download": (_download, "error"),
}


def run_without_loop(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine that never suspends (one driving the sync client) to its end."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    coroutine.close()
    raise AssertionError("a call of the sync client suspended")


def exercise(
    mode: str, name: str, script: list[Answer], retry: RetryPolicy, start: int, resume: bool
) -> None:
    """Run operation *name* against *script*; return normally only if the client did or raised a BYOCError."""
    operation, _ = OPERATIONS[name]
    server = Server(script)
    with tempfile.TemporaryDirectory() as folder:
        context = Context(Path(folder), start, resume)
        if mode == "sync":
            with (
                BYOCClient(
                    access_token="t",
                    deployment=DEPLOYMENT,
                    retry=retry,
                    transport=httpx.MockTransport(server),
                ) as client,
                contextlib.suppress(BYOCError),
            ):
                run_without_loop(operation(client, context))
        else:

            async def main() -> None:
                async with AsyncBYOCClient(
                    access_token="t",
                    deployment=DEPLOYMENT,
                    retry=retry,
                    transport=httpx.MockTransport(server),
                ) as client:
                    with contextlib.suppress(BYOCError):
                        await operation(client, context)

            asyncio.run(main())
    assert server.requests, f"{name} sent no request"


# ---------------------------------------------------------------------------------------------
# Sanity: the harness serves a correct answer and each operation reaches the scripted server


def _ok(status: int, value: Any = None, **headers: str) -> Answer:
    body = b"" if value is None else json.dumps(value).encode()
    all_headers = {"Content-Type": "application/json", **headers}
    if body:
        all_headers["Content-Length"] = str(len(body))
    return Answer(status, tuple(all_headers.items()), body)


HAPPY_ANSWERS: dict[str, list[Answer]] = {
    "collections.list": [_ok(200, {"data": [COLLECTION], "links": {}})],
    "collections.pages": [_ok(200, {"data": [COLLECTION], "links": {}})],
    "collections.get": [_ok(200, {"data": COLLECTION})],
    "collections.create": [_ok(201, {"data": COLLECTION})],
    "collections.update": [_ok(204), _ok(200, {"data": COLLECTION})],
    "collections.delete": [_ok(204)],
    "collections.copy_tiles": [_ok(204)],
    # The sample deployment is not a preset: its location list says where aws-us-west-2 is.
    "collections.locate": [
        _ok(200, TEMPLATES["located"]),
        _ok(200, [{"id": "aws-us-west-2", "url": "https://us.example.com"}]),
    ],
    "tiles.list": [_ok(200, {"data": [TILE], "links": {}})],
    "tiles.pages": [_ok(200, {"data": [TILE], "links": {}})],
    "tiles.get": [_ok(200, {"data": TILE})],
    "tiles.create": [_ok(201, {"data": TILE})],
    "tiles.update": [_ok(204)],
    "tiles.delete": [_ok(204)],
    "tiles.reingest": [_ok(204)],
    "tiles.find": [_ok(200, {"data": [TILE], "links": {}})],
    "files.list": [_ok(200, ["a.json", FILE_NAME])],
    "files.size": [Answer(200, (("Content-Length", "1234"),), b"")],
    "files.read": [Answer(200, (("Content-Type", "application/octet-stream"),), b"file-bytes")],
    "files.download": [Answer(200, (("Content-Type", "application/octet-stream"),), b"file-bytes")],
}

#: (method, path after the prefix) each operation must send first.
FIRST_REQUESTS = {
    "collections.list": ("GET", r"/collections"),
    "collections.pages": ("GET", r"/collections"),
    "collections.get": ("GET", rf"/collections/{COLLECTION_ID}"),
    "collections.create": ("POST", r"/collections"),
    "collections.update": ("PUT", rf"/collections/{COLLECTION_ID}"),
    "collections.delete": ("DELETE", rf"/collections/{COLLECTION_ID}"),
    "collections.copy_tiles": ("POST", rf"/collections/{COLLECTION_ID}/copyTiles"),
    "collections.locate": ("GET", r"/global"),
    "tiles.list": ("GET", rf"/collections/{COLLECTION_ID}/tiles"),
    "tiles.pages": ("GET", rf"/collections/{COLLECTION_ID}/tiles"),
    "tiles.get": ("GET", rf"/collections/{COLLECTION_ID}/tiles/{TILE_ID}"),
    "tiles.create": ("POST", rf"/collections/{COLLECTION_ID}/tiles"),
    "tiles.update": ("PUT", rf"/collections/{COLLECTION_ID}/tiles/{TILE_ID}"),
    "tiles.delete": ("DELETE", rf"/collections/{COLLECTION_ID}/tiles/{TILE_ID}"),
    "tiles.reingest": ("POST", rf"/collections/{COLLECTION_ID}/tiles/{TILE_ID}/reingest"),
    "tiles.find": ("GET", rf"/collections/{COLLECTION_ID}/tiles"),
    "files.list": ("GET", rf"/collections/{COLLECTION_ID}/tiles/{TILE_ID}/files"),
    "files.size": ("HEAD", rf"/collections/{COLLECTION_ID}/tiles/{TILE_ID}/files/{FILE_NAME}"),
    "files.read": ("GET", rf"/collections/{COLLECTION_ID}/tiles/{TILE_ID}/files/{FILE_NAME}"),
    "files.download": ("GET", rf"/collections/{COLLECTION_ID}/tiles/{TILE_ID}/files/{FILE_NAME}"),
}


def after_prefix(request: httpx.Request) -> str:
    return request.url.path.removeprefix(DEPLOYMENT.path_prefix)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_happy_path_every_operation_returns_from_a_correct_answer(mode: str, name: str) -> None:
    operation, _ = OPERATIONS[name]
    server = Server(HAPPY_ANSWERS[name])
    with tempfile.TemporaryDirectory() as folder:
        context = Context(Path(folder), 0, True)
        if mode == "sync":
            with BYOCClient(
                access_token="t", deployment=DEPLOYMENT, transport=httpx.MockTransport(server)
            ) as client:
                result = run_without_loop(operation(client, context))
        else:

            async def main() -> Any:
                async with AsyncBYOCClient(
                    access_token="t", deployment=DEPLOYMENT, transport=httpx.MockTransport(server)
                ) as client:
                    return await operation(client, context)

            result = asyncio.run(main())
        if name == "files.download":
            assert (Path(folder) / "scene.tif").read_bytes() == b"file-bytes"
    method, path = FIRST_REQUESTS[name]
    first = server.requests[0]
    assert first.method == method
    assert re.fullmatch(path, after_prefix(first)), after_prefix(first)
    assert first.headers["Authorization"] == "Bearer t"
    if name in ("tiles.get", "tiles.create"):
        assert result.id == TILE_ID
    if name in ("collections.get", "collections.create", "collections.update"):
        assert result.id == COLLECTION_ID
    if name == "collections.locate":
        assert (result.location, result.base_url) == ("aws-us-west-2", "https://us.example.com")
    if name == "files.size":
        assert result == 1234


def test_every_public_operation_is_exercised() -> None:
    """A public method added to a resource must be added to OPERATIONS too."""
    client = BYOCClient(access_token="t", deployment=DEPLOYMENT, transport=httpx.MockTransport(Server([])))
    public = {
        f"{group}.{method}"
        for group in ("collections", "tiles", "files")
        for method, _ in inspect.getmembers(getattr(client, group), callable)
        if not method.startswith("_")
    }
    client.close()
    assert public <= set(OPERATIONS), f"not exercised: {sorted(public - set(OPERATIONS))}"


# ---------------------------------------------------------------------------------------------
# The property


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("name", sorted(OPERATIONS))
@PROFILE
@given(data=st.data(), retry=retry_policies, start=st.sampled_from([0, 0, 3, 7]), resume=st.booleans())
def test_any_answer_gives_a_result_or_a_byoc_error(
    mode: str, name: str, data: st.DataObject, retry: RetryPolicy, start: int, resume: bool
) -> None:
    script = data.draw(ANSWER_SEQUENCES[OPERATIONS[name][1]], label="answers")
    exercise(mode, name, script, retry, start, resume)
