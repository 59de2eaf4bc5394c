"""Against a server that answers only what openapi.yaml allows, every call returns or raises typed.

The repository's ``openapi.yaml`` is parsed; for every operation and every documented response
status, bodies are generated from that response's schema (``$ref`` resolved against
``components``) and served through a ``MockTransport`` to the client call that uses the operation
(``CALLS`` maps operationIds to calls). The client must never raise anything but a
:class:`~sentinelhub_byoc.errors.BYOCError`; for an error status it raises the status's class;
for a 2xx status it returns a value built from the answer: any spec-valid success body is
readable, including geometries the document allows but GeoJSON does not (rings of 1-3
positions, open rings, empty coordinates, a ``Polygon`` without coordinates).

Bodies come from this module's generator for the subset of JSON Schema the document uses (a
general-purpose one, hypothesis-jsonschema, is ten times slower here and breaks on some
Hypothesis releases); a schema using a keyword outside that subset fails
``test_every_body_comes_from_its_schema``, so the generator grows with the document. Every
generated body is checked against its schema with ``jsonschema`` before it is served, so a failure
here is the client's, not the generator's.

Where the document is looser than any answer the client could turn into a value, ``READINGS``
tightens it, each with its reason.

``HYPOTHESIS_PROFILE`` = ``ci`` (default), ``shrink`` or ``thorough`` chooses how hard to look, as
in ``test_no_untyped_errors.py``.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import inspect
import json
import re
import string
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
import yaml
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker
from sentinelhub_byoc import (
    AsyncBYOCClient,
    BYOCClient,
    BYOCError,
    Collection,
    Deployment,
    Page,
    RetryPolicy,
    Tile,
)
from sentinelhub_byoc.errors import (
    APIError,
    APIResponseValidationError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)

from tests import samples
from tests.decoding._wire import RawBody
from tests.hypothesis_profiles import chosen_profile
from tests.samples import BASE_URL, DEPLOYMENT, FILE_NAME, json_values

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
METHODS = ("get", "put", "post", "delete", "head", "patch", "options", "trace")

#: The sample ids as the JSON of an answer carries them.
COLLECTION_ID = str(samples.COLLECTION_ID)
OTHER_COLLECTION_ID = str(samples.OTHER_COLLECTION_ID)
TILE_ID = str(samples.TILE_ID)
#: What a resumed download or a read from an offset already has.
PART = b"abc"

# ---------------------------------------------------------------------------------------------
# Settings

PROFILE = chosen_profile(ci_examples=20, thorough_examples=1000)

# ---------------------------------------------------------------------------------------------
# Reading the document

#: Where the document allows answers no client could return a value from, how it is read here.
#: (component schema, change, reason)
READINGS: tuple[tuple[str, str, str], ...] = (
    (
        "BYOCTileResponse",
        "data is required",
        "a tile answer without its tile has nothing to return: an APIResponseValidationError",
    ),
    (
        "BYOCCollectionResponse",
        "data is required",
        "a collection answer without its collection has nothing to return (as above)",
    ),
)
#: listByocTileFiles' 200 schema has ``items`` but no ``type``: read as an array, as its example is
#: (a non-array file list is an APIResponseValidationError).
ARRAY_WITHOUT_TYPE_IS_AN_ARRAY = True


def _document() -> dict[str, Any]:
    document = copy.deepcopy(SPEC)
    schemas = document["components"]["schemas"]
    for name, _change, _reason in READINGS:
        schemas[name]["required"] = sorted({*schemas[name].get("required", []), "data"})
    return document


DOCUMENT = _document()


class Unresolvable(Exception):
    """A ``$ref`` this test cannot follow."""


def resolve(node: Any, seen: tuple[str, ...] = ()) -> Any:
    """*node* with every local ``$ref`` replaced by what it points to (siblings kept via allOf)."""
    if isinstance(node, list):
        return [resolve(item, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        reference = node["$ref"]
        if not isinstance(reference, str) or not reference.startswith("#/"):
            raise Unresolvable(f"not a local reference: {reference!r}")
        if reference in seen:
            raise Unresolvable(f"recursive reference: {' -> '.join((*seen, reference))}")
        target: Any = DOCUMENT
        for part in reference[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                raise Unresolvable(f"{reference} does not exist")
            target = target[part]
        resolved = resolve(target, (*seen, reference))
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        if not siblings:
            return resolved
        return {"allOf": [resolve(siblings, seen), resolved]}
    return {key: resolve(value, seen) for key, value in node.items()}


@attrs.frozen
class Documented:
    """One documented response of one operation."""

    operation_id: str
    method: str
    path: str
    status: str
    media_type: str | None
    schema: Any
    example: Any
    headers: dict[str, Any]
    problem: str | None = None

    @property
    def code(self) -> int:
        return int(self.status)


def _documented_responses() -> list[Documented]:
    found = []
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            for status, raw in operation.get("responses", {}).items():
                operation_id = operation.get("operationId", f"{method.upper()} {path}")
                try:
                    response = resolve(raw)
                except Unresolvable as error:
                    found.append(
                        Documented(operation_id, method, path, str(status), None, None, None, {}, str(error))
                    )
                    continue
                content = response.get("content") or {}
                media_type = next(iter(content), None)
                media = content.get(media_type, {}) if media_type else {}
                schema = media.get("schema")
                example = media.get("example", schema.get("example") if isinstance(schema, dict) else None)
                if (
                    schema is not None
                    and ARRAY_WITHOUT_TYPE_IS_AN_ARRAY
                    and "items" in schema
                    and "type" not in schema
                ):
                    schema = {**schema, "type": "array"}
                headers = {
                    name: header.get("schema", {}) for name, header in (response.get("headers") or {}).items()
                }
                found.append(
                    Documented(operation_id, method, path, str(status), media_type, schema, example, headers)
                )
    return found


RESPONSES = _documented_responses()
OPERATION_IDS = sorted(
    {response.operation_id for response in RESPONSES}
    | {
        operation.get("operationId", f"{method.upper()} {path}")
        for path, item in SPEC["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }
)

# ---------------------------------------------------------------------------------------------
# Bodies: a generator for the subset of JSON Schema the document uses, else the example

ANNOTATIONS = {
    "description",
    "title",
    "example",
    "examples",
    "readOnly",
    "writeOnly",
    "default",
    "deprecated",
    "$comment",
}
INT32 = (-(2**31), 2**31 - 1)


def _offsets() -> st.SearchStrategy[str]:
    numeric = st.builds(
        lambda sign, hours, minutes: f"{sign}{hours:02d}:{minutes:02d}",
        st.sampled_from("+-"),
        st.integers(0, 23),
        st.integers(0, 59),
    )
    return st.one_of(st.just("Z"), numeric)


def _rfc3339(moment: datetime, digits: int, offset: str) -> str:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{moment.microsecond:06d}{moment.microsecond % 1000:03d}"[:digits]
    return text + offset


#: RFC 3339 date-times: "T", fractions of 0-9 digits, "Z" or a numeric offset (years 1900-2200).
date_times = st.builds(
    _rfc3339,
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.integers(0, 9),
    _offsets(),
)
_token = st.text(alphabet=string.ascii_letters + string.digits + "-_.~", min_size=1, max_size=12)
uris = st.one_of(
    st.builds(lambda token: f"{BASE_URL}/api/v1/byoc/collections?count=10&viewtoken={token}", _token),
    st.builds(
        lambda token: f"https://services.sentinel-hub.com/byoc/v1/collections/{COLLECTION_ID}/tiles#{token}",
        _token,
    ),
    st.from_regex(r"[a-z][a-z0-9+.-]{0,5}:[A-Za-z0-9/?#=&._~-]{0,20}", fullmatch=True),
)
any_json = json_values(odd_numbers=False, text_size=8, width=3, key_size=6, max_leaves=6)
STRING_FORMATS: dict[str, st.SearchStrategy[str]] = {
    "uuid": st.uuids().map(str),
    "date-time": date_times,
    "uri": uris,
    "filename with path": st.from_regex(r"[A-Za-z0-9_.-]{1,20}(/[A-Za-z0-9_.-]{1,20}){0,2}", fullmatch=True),
    "RFC 7223": st.just("bytes 0-0/1"),
    "binary": st.text(max_size=20),
}


class NotSupported(Exception):
    """A schema construct our own generator does not handle."""


def _meaningful(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value for key, value in schema.items() if key not in ANNOTATIONS and not key.startswith("x-")
    }


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in _meaningful(part).items():
            if key in merged and merged[key] != value:
                if key == "properties":
                    merged[key] = {**merged[key], **value}
                elif key == "required":
                    merged[key] = sorted({*merged[key], *value})
                else:
                    raise NotSupported(f"allOf with conflicting {key!r}")
            else:
                merged[key] = value
    return merged


def own_strategy(schema: Any) -> st.SearchStrategy[Any]:
    """Instances of *schema* (the subset of JSON Schema openapi.yaml uses)."""
    if schema is True or schema == {}:
        return any_json
    if not isinstance(schema, dict):
        raise NotSupported(f"schema {schema!r}")
    schema = _meaningful(schema)
    if "allOf" in schema:
        parts = schema.pop("allOf")
        return own_strategy(_merge([schema, *parts]))
    if "oneOf" in schema:
        branches = schema.pop("oneOf")
        merged = [_merge([schema, branch]) for branch in branches]
        validators = [Draft202012Validator(branch) for branch in merged]

        def exactly_one(value: Any) -> bool:
            return sum(validator.is_valid(value) for validator in validators) == 1

        return st.one_of(*(own_strategy(branch) for branch in merged)).filter(exactly_one)
    unknown = set(schema) - {
        "type",
        "enum",
        "const",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "minimum",
        "maximum",
        "pattern",
        "format",
        "minLength",
        "maxLength",
    }
    if unknown:
        raise NotSupported(f"keywords {sorted(unknown)}")
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind is None:
        if "properties" in schema or "additionalProperties" in schema:
            kind = "object"
        elif "items" in schema:
            kind = "array"
        else:
            raise NotSupported(f"schema without a type: {schema!r}")
    if isinstance(kind, list):
        return st.one_of(*(own_strategy({**schema, "type": one}) for one in kind))
    return _typed(kind, schema)


def _typed(kind: str, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        low, high = INT32 if schema.get("format") == "int32" else (None, None)
        return st.integers(schema.get("minimum", low), schema.get("maximum", high))
    if kind == "number":
        floats = st.floats(
            min_value=schema.get("minimum"),
            max_value=schema.get("maximum"),
            allow_nan=False,
            allow_infinity=False,
        )
        return st.one_of(floats, st.integers(min_value=-(2**53), max_value=2**53))
    if kind == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True)
        if "format" in schema:
            if schema["format"] not in STRING_FORMATS:
                raise NotSupported(f"string format {schema['format']!r}")
            return STRING_FORMATS[schema["format"]]
        return st.text(min_size=schema.get("minLength", 0), max_size=schema.get("maxLength", 16))
    if kind == "array":
        items = own_strategy(schema.get("items", True))
        low = schema.get("minItems", 0)
        return st.lists(items, min_size=low, max_size=schema.get("maxItems", low + 4))
    if kind == "object":
        properties = {name: own_strategy(sub) for name, sub in schema.get("properties", {}).items()}
        required = set(schema.get("required", []))
        missing = required - set(properties)
        if missing:
            raise NotSupported(f"required members without a schema: {sorted(missing)}")
        known = st.fixed_dictionaries(
            {name: properties[name] for name in sorted(required)},
            optional={name: value for name, value in properties.items() if name not in required},
        )
        more = schema.get("additionalProperties", True)
        if more is False:
            return known
        names = st.text(min_size=1, max_size=10).filter(lambda name: name not in properties)
        extra = st.dictionaries(names, any_json if more is True else own_strategy(more), max_size=2)
        return st.builds(lambda fixed, added: {**added, **fixed}, known, extra)
    raise NotSupported(f"type {kind!r}")


@attrs.frozen
class Source:
    """Where the bodies of one documented response come from."""

    strategy: st.SearchStrategy[Any] | None
    origin: str
    why: str = ""


@functools.cache
def body_source(operation_id: str, status: str) -> Source:
    response = next(r for r in RESPONSES if r.operation_id == operation_id and r.status == status)
    if response.problem:
        if response.example is not None:
            return Source(st.just(response.example), "documented example", response.problem)
        return Source(None, "nothing", response.problem)
    if response.schema is None:
        return Source(st.just(None), "no content")
    if response.media_type == "application/octet-stream":
        return Source(st.binary(max_size=64), "binary")
    try:
        strategy = own_strategy(response.schema)
        # One generated value proves the strategy works; shrinking it would only cost time.
        find(
            strategy,
            lambda value: True,
            settings=settings(database=None, max_examples=5, phases=[Phase.generate]),
        )
    except NotSupported as error:
        reason = f"generator: {error}"
    else:
        return Source(strategy, "schema")
    if response.example is not None:
        return Source(st.just(response.example), "documented example", reason)
    return Source(None, "nothing", reason)


@pytest.fixture(scope="module", autouse=True)
def _bodies_tried_before_any_property() -> None:
    """Try every answer's strategy before the properties run, whichever test a process runs first.

    Trying one is a hypothesis search: inside a ``@given`` test it would be a nested ``@given``,
    which hypothesis refuses.
    """
    for response in RESPONSES:
        body_source(response.operation_id, response.status)


@functools.cache
def validator_for(operation_id: str, status: str) -> Draft202012Validator:
    response = next(r for r in RESPONSES if r.operation_id == operation_id and r.status == status)
    return Draft202012Validator(response.schema, format_checker=FormatChecker())


# ---------------------------------------------------------------------------------------------
# The server


#: Where each BYOC path's part after the API prefix starts; other paths (the location list) are whole.
_BYOC_PARTS = ("/collections", "/global")


def _after_prefix(path: str) -> str:
    starts = [path.find(part) for part in _BYOC_PARTS if part in path]
    return path[min(starts) :] if starts else path.rstrip("/")


def _route_pattern(path: str) -> re.Pattern[str]:
    rest = _after_prefix(path)
    parts = re.split(r"(\{[^}]+\})", rest)
    regex = "".join(
        (".+" if part == "{path}" else "[^/]+") if part.startswith("{") else re.escape(part) for part in parts
    )
    return re.compile(regex)


#: (method, path pattern after the prefix, operationId), from the document itself.
ROUTES = [
    (method.upper(), _route_pattern(path), operation["operationId"])
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    if method in METHODS and "operationId" in operation
]


def operation_of(request: httpx.Request) -> str:
    rest = _after_prefix(request.url.path)
    for method, pattern, operation_id in ROUTES:
        if request.method == method and pattern.fullmatch(rest):
            return operation_id
    raise AssertionError(f"no documented operation for {request.method} {request.url}")


@attrs.define
class Served:
    operation_id: str
    status: int
    value: Any
    body: bytes
    headers: dict[str, str]


def first_success(operation_id: str) -> str:
    return min(r.status for r in RESPONSES if r.operation_id == operation_id and r.status.startswith("2"))


class Server:
    """Answers the operation under test with the drawn status; any other operation with its 2xx.

    Every body is drawn from the documented schema while the call runs. A follow-up page (a
    request with ``viewtoken``) gets a fresh body without ``links``: the listing ends there.
    """

    def __init__(self, data: st.DataObject, operation_id: str, status: str) -> None:
        self._data = data
        self._operation_id = operation_id
        self._status = status
        self.served: list[Served] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        operation_id = operation_of(request)
        assert len(self.served) < 10, f"too many requests: {[s.operation_id for s in self.served]}"
        status = self._status if operation_id == self._operation_id else first_success(operation_id)
        served = self._answer(request, operation_id, status)
        self.served.append(served)
        return httpx.Response(
            served.status, headers=served.headers, stream=RawBody(served.body), request=request
        )

    def _answer(self, request: httpx.Request, operation_id: str, status: str) -> Served:
        response = next(r for r in RESPONSES if r.operation_id == operation_id and r.status == status)
        source = body_source(operation_id, status)
        assert source.strategy is not None, f"no body for {operation_id} {status}: {source.why}"
        value = self._data.draw(source.strategy, label=f"{operation_id} {status} body")
        headers: dict[str, str] = {}
        if response.media_type == "application/octet-stream":
            body = bytes(value)
            if response.code == 206:
                body = body or b"x"
                start = int(request.headers["Range"].removeprefix("bytes=").rstrip("-"))
                extra = self._data.draw(st.integers(0, 5), label="bytes after the range")
                headers["Content-Range"] = (
                    f"bytes {start}-{start + len(body) - 1}/{start + len(body) + extra}"
                )
            headers["Content-Type"] = response.media_type
        elif response.media_type is not None:
            if "viewtoken" in request.url.params and isinstance(value, dict):
                value.pop("links", None)
            errors = sorted(validator_for(operation_id, status).iter_errors(value), key=str)
            assert not errors, f"generated body is not spec-valid ({errors[0].message}): {value!r}"
            body = json.dumps(value).encode()
            headers["Content-Type"] = response.media_type
        else:
            body = b""
        if "Content-Length" in response.headers:
            size = self._data.draw(st.integers(0, 2**53), label="Content-Length")
            headers["Content-Length"] = str(size)
        elif body:
            headers["Content-Length"] = str(len(body))
        return Served(operation_id, response.code, value, body, headers)

    def of(self, operation_id: str) -> list[Served]:
        return [served for served in self.served if served.operation_id == operation_id]


# ---------------------------------------------------------------------------------------------
# The client calls of each operation


async def call(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def collect(items: Iterable[Any] | AsyncIterator[Any]) -> list[Any]:
    if hasattr(items, "__aiter__"):
        return [item async for item in items]
    return list(items)


Client = BYOCClient | AsyncBYOCClient
Run = Callable[[Client, Path], Awaitable[Any]]
Check = Callable[[Any, Server, Path], None]


@attrs.frozen
class ClientCall:
    """One public call that sends the operation, and what a success must give."""

    run: Run
    check: Check
    #: Sends a Range request (the only kind a 206 may answer).
    ranged: bool = False


def _data_of(server: Server, operation_id: str) -> Any:
    return server.of(operation_id)[0].value["data"]


def _check_tile(result: Any, server: Server, operation_id: str) -> None:
    data = _data_of(server, operation_id)
    assert isinstance(result, Tile)
    assert result.path == data["path"]
    if "id" in data:
        assert str(result.id) == data["id"]


def _check_collection(result: Any, server: Server, operation_id: str) -> None:
    data = _data_of(server, operation_id)
    assert isinstance(result, Collection)
    assert (result.name, result.s3_bucket) == (data["name"], data["s3Bucket"])


def _listed(server: Server, operation_id: str, key: str) -> list[Any]:
    return [item[key] for served in server.of(operation_id) for item in served.value.get("data", [])]


def _check_items(
    result: Any, server: Server, operation_id: str, kind: type, key: str, attribute: str
) -> None:
    assert isinstance(result, list)
    assert all(isinstance(item, kind) for item in result)
    assert [getattr(item, attribute) for item in result] == _listed(server, operation_id, key)


def _check_pages(
    result: Any, server: Server, operation_id: str, kind: type, key: str, attribute: str
) -> None:
    assert isinstance(result, list)
    assert all(isinstance(page, Page) for page in result)
    assert len(result) == len(server.of(operation_id))
    items = [item for page in result for item in page.items]
    assert all(isinstance(item, kind) for item in items)
    assert [getattr(item, attribute) for item in items] == _listed(server, operation_id, key)


def _check_nothing(result: Any, server: Server, folder: Path) -> None:
    assert result is None


def _file_body(server: Server) -> tuple[int, bytes]:
    served = server.of("getByocTileFile")[0]
    return served.status, served.body


async def _download(client: Client, folder: Path, *, resume_from: bytes) -> Path:
    destination = folder / "scene.tif"
    if resume_from:
        (folder / "scene.tif.part").write_bytes(resume_from)
    result = await call(client.files.download(COLLECTION_ID, TILE_ID, FILE_NAME, destination))
    assert isinstance(result, Path)
    return result


def _check_download(result: Any, server: Server, folder: Path, *, resumed_from: bytes) -> None:
    status, body = _file_body(server)
    assert result == folder / "scene.tif"
    assert result.read_bytes() == (resumed_from + body if status == 206 else body)
    assert not (folder / "scene.tif.part").exists()


def _check_read(result: Any, server: Server, start: int) -> None:
    status, body = _file_body(server)
    assert result == (body if status == 206 or not start else body[start:])


def _check_found(result: Any, server: Server) -> None:
    if _listed(server, "getByocCollectionTiles", "path"):
        assert isinstance(result, Tile)
    else:
        assert result is None


def _check_names(result: Any, server: Server) -> None:
    assert result == server.of("listByocTileFiles")[0].value


def _check_size(result: Any, server: Server) -> None:
    assert result == int(server.of("headByocTileFile")[0].headers["Content-Length"])


async def _locate(client: Client) -> Any:
    # A valid answer may not hold the collection, or may name a location nothing maps to.
    try:
        return await call(client.collections.locate(COLLECTION_ID))
    except (NotFoundError, APIResponseValidationError) as error:
        return error


def _check_located(result: Any, server: Server) -> None:
    served = server.of("getByocGlobalCollections")[0].value.get("data", [])
    if COLLECTION_ID not in [entry.get("id") for entry in served]:
        assert isinstance(result, NotFoundError)
    else:
        # A preset, a deployment from the location list, or an answer naming neither.
        assert isinstance(result, Deployment | APIResponseValidationError | NotFoundError)


EXISTING = Collection.from_dict({"id": COLLECTION_ID, "name": "my-cogs", "s3Bucket": "my-bucket"})

#: operationId -> the client calls that send it. A new operation in openapi.yaml must be added here.
CALLS: dict[str, dict[str, ClientCall]] = {
    "getByocCollections": {
        "collections.list": ClientCall(
            lambda c, f: collect(c.collections.list()),
            lambda r, s, f: _check_items(r, s, "getByocCollections", Collection, "name", "name"),
        ),
        "collections.pages": ClientCall(
            lambda c, f: collect(c.collections.pages(page_size=10)),
            lambda r, s, f: _check_pages(r, s, "getByocCollections", Collection, "name", "name"),
        ),
    },
    "createByocCollection": {
        "collections.create": ClientCall(
            lambda c, f: call(c.collections.create(name="my-cogs", s3_bucket="my-bucket")),
            lambda r, s, f: _check_collection(r, s, "createByocCollection"),
        )
    },
    "getByocCollectionById": {
        "collections.get": ClientCall(
            lambda c, f: call(c.collections.get(COLLECTION_ID)),
            lambda r, s, f: _check_collection(r, s, "getByocCollectionById"),
        )
    },
    "updateByocCollectionById": {
        "collections.update": ClientCall(
            lambda c, f: call(c.collections.update(EXISTING)),
            lambda r, s, f: _check_collection(r, s, "getByocCollectionById"),
        )
    },
    "getByocGlobalCollections": {
        "collections.locate": ClientCall(lambda c, f: _locate(c), lambda r, s, f: _check_located(r, s))
    },
    "getServiceLocations": {
        # Asked only for a location no preset names: one the generated lookup answer rarely gives.
        "collections.locate": ClientCall(lambda c, f: _locate(c), lambda r, s, f: _check_located(r, s))
    },
    "deleteByocCollectionById": {
        "collections.delete": ClientCall(
            lambda c, f: call(c.collections.delete(COLLECTION_ID)), _check_nothing
        )
    },
    "copyByocCollectionTiles": {
        "collections.copy_tiles": ClientCall(
            lambda c, f: call(c.collections.copy_tiles(COLLECTION_ID, OTHER_COLLECTION_ID)), _check_nothing
        )
    },
    "getByocCollectionTiles": {
        "tiles.list": ClientCall(
            lambda c, f: collect(c.tiles.list(COLLECTION_ID)),
            lambda r, s, f: _check_items(r, s, "getByocCollectionTiles", Tile, "path", "path"),
        ),
        "tiles.pages": ClientCall(
            lambda c, f: collect(c.tiles.pages(COLLECTION_ID, page_size=10, status="INGESTED")),
            lambda r, s, f: _check_pages(r, s, "getByocCollectionTiles", Tile, "path", "path"),
        ),
        "tiles.find": ClientCall(
            lambda c, f: call(c.tiles.find(COLLECTION_ID, "2024/(BAND).tif")),
            lambda r, s, f: _check_found(r, s),
        ),
    },
    "createByocCollectionTile": {
        "tiles.create": ClientCall(
            lambda c, f: call(c.tiles.create(COLLECTION_ID, "2024/(BAND).tif")),
            lambda r, s, f: _check_tile(r, s, "createByocCollectionTile"),
        )
    },
    "getByocCollectionTileById": {
        "tiles.get": ClientCall(
            lambda c, f: call(c.tiles.get(COLLECTION_ID, TILE_ID)),
            lambda r, s, f: _check_tile(r, s, "getByocCollectionTileById"),
        )
    },
    "updateByocCollectionTileById": {
        "tiles.update": ClientCall(
            lambda c, f: call(c.tiles.update(COLLECTION_ID, TILE_ID, sensing_time="2024-05-01T10:00:00Z")),
            _check_nothing,
        )
    },
    "deleteByocCollectionTileById": {
        "tiles.delete": ClientCall(lambda c, f: call(c.tiles.delete(COLLECTION_ID, TILE_ID)), _check_nothing)
    },
    "reingestByocCollectionTileById": {
        "tiles.reingest": ClientCall(
            lambda c, f: call(c.tiles.reingest(COLLECTION_ID, TILE_ID)), _check_nothing
        )
    },
    "listByocTileFiles": {
        "files.list": ClientCall(
            lambda c, f: call(c.files.list(COLLECTION_ID, TILE_ID)),
            lambda r, s, f: _check_names(r, s),
        )
    },
    "headByocTileFile": {
        "files.size": ClientCall(
            lambda c, f: call(c.files.size(COLLECTION_ID, TILE_ID, FILE_NAME)),
            lambda r, s, f: _check_size(r, s),
        )
    },
    "getByocTileFile": {
        "files.read": ClientCall(
            lambda c, f: call(c.files.read(COLLECTION_ID, TILE_ID, FILE_NAME)),
            lambda r, s, f: _check_read(r, s, 0),
        ),
        "files.read(start)": ClientCall(
            lambda c, f: call(c.files.read(COLLECTION_ID, TILE_ID, FILE_NAME, start=len(PART))),
            lambda r, s, f: _check_read(r, s, len(PART)),
            ranged=True,
        ),
        "files.download": ClientCall(
            lambda c, f: _download(c, f, resume_from=b""),
            lambda r, s, f: _check_download(r, s, f, resumed_from=b""),
        ),
        "files.download(resume)": ClientCall(
            lambda c, f: _download(c, f, resume_from=PART),
            lambda r, s, f: _check_download(r, s, f, resumed_from=PART),
            ranged=True,
        ),
    },
}

#: The error each status must raise (the status's class).
ERROR_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def expected_error(status: int) -> type[APIError]:
    return ServerError if status >= 500 else ERROR_CLASSES.get(status, APIError)


def _cases() -> list[Any]:
    cases = []
    for response in RESPONSES:
        for name, client_call in CALLS.get(response.operation_id, {}).items():
            if response.code == 206 and not client_call.ranged:
                continue  # a 206 answers only a Range request
            case_id = f"{response.operation_id}-{response.status}-{name}"
            cases.append(pytest.param(response.operation_id, response.status, name, id=case_id))
    return cases


CASES = _cases()


def run_without_loop(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine that never suspends (one driving the sync client) to its end."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    coroutine.close()
    raise AssertionError("a call of the sync client suspended")


def run_call(mode: str, run: Run, server: Callable[[httpx.Request], httpx.Response], folder: Path) -> Any:
    transport = httpx.MockTransport(server)
    if mode == "sync":
        with BYOCClient(
            access_token="t", deployment=DEPLOYMENT, retry=RetryPolicy.disabled(), transport=transport
        ) as client:
            return run_without_loop(run(client, folder))

    async def main() -> Any:
        async with AsyncBYOCClient(
            access_token="t", deployment=DEPLOYMENT, retry=RetryPolicy.disabled(), transport=transport
        ) as client:
            return await run(client, folder)

    return asyncio.run(main())


# ---------------------------------------------------------------------------------------------
# The table and the document agree


def test_every_operation_in_openapi_yaml_has_client_calls() -> None:
    missing = [operation_id for operation_id in OPERATION_IDS if not CALLS.get(operation_id)]
    assert not missing, f"operations in openapi.yaml without client calls in CALLS: {missing}"


def test_every_operation_in_the_table_is_in_openapi_yaml() -> None:
    stale = sorted(set(CALLS) - set(OPERATION_IDS))
    assert not stale, f"CALLS names operations openapi.yaml no longer has: {stale}"


def test_every_documented_response_is_resolved_and_has_bodies() -> None:
    unresolved = [f"{r.operation_id} {r.status}: {r.problem}" for r in RESPONSES if r.problem]
    nothing = [
        f"{r.operation_id} {r.status}: {body_source(r.operation_id, r.status).why}"
        for r in RESPONSES
        if body_source(r.operation_id, r.status).strategy is None
    ]
    assert not nothing, f"documented responses without any body to serve: {nothing}"
    if unresolved:
        warnings.warn(f"served from documented examples, schema unresolvable: {unresolved}", stacklevel=1)


def test_every_body_comes_from_its_schema() -> None:
    """Every documented body is generated from its schema, not served from a fixed example."""
    elsewhere = sorted(
        {
            f"{r.operation_id} {r.status}: {source.origin} ({source.why})"
            for r in RESPONSES
            if (source := body_source(r.operation_id, r.status)).origin
            not in ("schema", "no content", "binary")
        }
    )
    assert not elsewhere, "extend own_strategy to these schemas:\n" + "\n".join(elsewhere)


def test_the_readings_name_schemas_of_the_document() -> None:
    for name, _change, _reason in READINGS:
        assert name in SPEC["components"]["schemas"], (
            f"READINGS names {name}, which openapi.yaml no longer has"
        )


def test_routes_follow_the_document_and_ignore_the_prefix() -> None:
    for prefix in ("/api/v1/byoc", "/byoc/v1"):
        url = f"{BASE_URL}{prefix}/collections/{COLLECTION_ID}/tiles/{TILE_ID}/files/a/b.tif"
        assert operation_of(httpx.Request("HEAD", url)) == "headByocTileFile"
        assert operation_of(httpx.Request("GET", f"{BASE_URL}{prefix}/collections")) == "getByocCollections"
        copy_url = f"{BASE_URL}{prefix}/collections/{COLLECTION_ID}/copyTiles"
        assert operation_of(httpx.Request("POST", copy_url)) == "copyByocCollectionTiles"


# ---------------------------------------------------------------------------------------------
# Happy path: documented-style answers reach the client and come back as values


def _example_server(answers: dict[str, Any]) -> Callable[[httpx.Request], httpx.Response]:
    def respond(request: httpx.Request) -> httpx.Response:
        status, value = answers[operation_of(request)]
        body = b"" if value is None else json.dumps(value).encode()
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body))} if body else {}
        return httpx.Response(status, headers=headers, stream=RawBody(body), request=request)

    return respond


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_happy_path_spec_examples_are_read(mode: str, tmp_path: Path) -> None:
    geometry = SPEC["components"]["schemas"]["Geometry"]["example"]
    tile = {"id": TILE_ID, "path": "folder/prefix_(BAND)", "status": "INGESTED", "coverGeometry": geometry}
    files = next(r for r in RESPONSES if r.operation_id == "listByocTileFiles" and r.status == "200").example
    server = _example_server(
        {
            "getByocCollectionTileById": (200, {"data": tile}),
            "getByocCollectionTiles": (200, {"data": [tile], "links": {}}),
            "listByocTileFiles": (200, files),
        }
    )

    async def run(client: Client, folder: Path) -> Any:
        return (
            await call(client.tiles.get(COLLECTION_ID, TILE_ID)),
            await collect(client.tiles.list(COLLECTION_ID)),
            await call(client.files.list(COLLECTION_ID, TILE_ID)),
        )

    got, listed, names = run_call(mode, run, server, tmp_path)
    assert got.path == "folder/prefix_(BAND)"
    assert got.cover_geometry is not None
    assert [t.path for t in listed] == ["folder/prefix_(BAND)"]
    assert names == files


# ---------------------------------------------------------------------------------------------
# The property


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(("operation_id", "status", "name"), CASES)
@PROFILE
@given(data=st.data())
def test_spec_conformant_answers_give_values_or_typed_errors(
    mode: str, operation_id: str, status: str, name: str, data: st.DataObject, tmp_path_factory: Any
) -> None:
    client_call = CALLS[operation_id][name]
    server = Server(data, operation_id, status)
    folder = tmp_path_factory.mktemp("download")
    code = int(status)
    if 200 <= code < 300:
        result = run_call(mode, client_call.run, server, folder)
        client_call.check(result, server, folder)
    else:
        with pytest.raises(BYOCError) as caught:
            run_call(mode, client_call.run, server, folder)
        expected = expected_error(code)
        assert isinstance(caught.value, expected), (
            f"{code} raised {type(caught.value).__name__}, not {expected.__name__}"
        )
        assert caught.value.status == code
