"""Every answer is decoded into a model or a typed error, one case per test.

The client talks to a scripted server through ``httpx.MockTransport``: each case says what the
server answers for which operation, and what the caller must get. Unreadable success answers
raise :class:`~sentinelhub_byoc.errors.APIResponseValidationError` with the exchange attached;
error statuses with bodies the client does not understand still map to the status's class;
geometries the server sends are read leniently; unknown enum values and members are kept.

Routing is on the path after ``/collections`` (see :func:`operation_of`), so the tests do not
depend on the path prefix the client sends.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import pytest
from sentinelhub_byoc import (
    APIError,
    AsyncBYOCClient,
    BadRequestError,
    BYOCClient,
    Collection,
    NotFoundError,
    RetryPolicy,
    ServerError,
    Tile,
)
from sentinelhub_byoc.errors import (
    APIResponseValidationError,
    AuthenticationError,
    ConflictError,
    PermissionDeniedError,
    RateLimitError,
)

from tests.decoding._wire import RawBody
from tests.samples import (
    BASE_URL,
    COLLECTION_ID,
    DEPLOYMENT,
    OPEN_RING,
    OTHER_TILE_ID,
    SHORT_RING,
    THIRD_TILE_ID,
    TILE_ID,
    collection_json,
    tile_json,
)

PROXY_404 = (
    "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
    "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n"
)

# ---------------------------------------------------------------------------------------------
# The scripted server

#: (method, path after the prefix, operationId of openapi.yaml)
ROUTES: tuple[tuple[str, str, str], ...] = (
    ("GET", r"/collections", "getByocCollections"),
    ("POST", r"/collections", "createByocCollection"),
    ("GET", r"/collections/[^/]+", "getByocCollectionById"),
    ("PUT", r"/collections/[^/]+", "updateByocCollectionById"),
    ("DELETE", r"/collections/[^/]+", "deleteByocCollectionById"),
    ("POST", r"/collections/[^/]+/copyTiles", "copyByocCollectionTiles"),
    ("GET", r"/collections/[^/]+/tiles", "getByocCollectionTiles"),
    ("POST", r"/collections/[^/]+/tiles", "createByocCollectionTile"),
    ("GET", r"/collections/[^/]+/tiles/[^/]+", "getByocCollectionTileById"),
    ("PUT", r"/collections/[^/]+/tiles/[^/]+", "updateByocCollectionTileById"),
    ("DELETE", r"/collections/[^/]+/tiles/[^/]+", "deleteByocCollectionTileById"),
    ("POST", r"/collections/[^/]+/tiles/[^/]+/reingest", "reingestByocCollectionTileById"),
    ("GET", r"/collections/[^/]+/tiles/[^/]+/files", "listByocTileFiles"),
    ("GET", r"/collections/[^/]+/tiles/[^/]+/files/.+", "getByocTileFile"),
    ("HEAD", r"/collections/[^/]+/tiles/[^/]+/files/.+", "headByocTileFile"),
)


def operation_of(request: httpx.Request) -> str:
    """The operationId a request is for, judged on the path from ``/collections`` on."""
    path = request.url.path
    start = path.find("/collections")
    assert start >= 0, f"not a BYOC request: {request.method} {request.url}"
    rest = path[start:]
    for method, pattern, operation in ROUTES:
        if request.method == method and re.fullmatch(pattern, rest):
            return operation
    raise AssertionError(f"no route for {request.method} {request.url}")


Answer = Callable[[httpx.Request], httpx.Response]


def answer(
    status: int,
    body: bytes = b"",
    *,
    content_type: str | None = None,
    headers: Mapping[str, str] | None = None,
    content_length: bool = True,
) -> Answer:
    """An answer with exactly these bytes (Content-Length added unless told otherwise)."""

    def respond(request: httpx.Request) -> httpx.Response:
        all_headers = dict(headers or {})
        if content_type is not None:
            all_headers["Content-Type"] = content_type
        if content_length and body:
            all_headers.setdefault("Content-Length", str(len(body)))
        return httpx.Response(status, headers=all_headers, stream=RawBody(body), request=request)

    return respond


def json_answer(status: int, value: Any, **options: Any) -> Answer:
    options.setdefault("content_type", "application/json")
    return answer(status, json.dumps(value).encode(), **options)


def text_answer(status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> Answer:
    return answer(status, text.encode(), content_type=content_type)


class Server:
    """Answers each operation with its scripted answer (a list is served in order, last repeated)."""

    def __init__(self, answers: Mapping[str, Answer | list[Answer]]) -> None:
        self._answers = {op: list(a) if isinstance(a, list) else [a] for op, a in answers.items()}
        self.requests: list[tuple[str, httpx.Request]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        operation = operation_of(request)
        assert operation in self._answers, f"unexpected {operation}: {request.method} {request.url}"
        served = sum(1 for op, _ in self.requests if op == operation)
        self.requests.append((operation, request))
        queue = self._answers[operation]
        return queue[min(served, len(queue) - 1)](request)

    def operations(self) -> list[str]:
        return [op for op, _ in self.requests]


def sync_client(server: Server) -> BYOCClient:
    return BYOCClient(
        access_token="t",
        deployment=DEPLOYMENT,
        retry=RetryPolicy.disabled(),
        transport=httpx.MockTransport(server),
    )


def async_client(server: Server) -> AsyncBYOCClient:
    return AsyncBYOCClient(
        access_token="t",
        deployment=DEPLOYMENT,
        retry=RetryPolicy.disabled(),
        transport=httpx.MockTransport(server),
    )


def assert_unreadable_answer(error: APIResponseValidationError, method: str, status: int = 200) -> None:
    """The error carries the exchange and says what was wrong."""
    assert isinstance(error, APIError)
    assert error.status == status
    assert isinstance(error.request, httpx.Request)
    assert error.request.method == method
    assert error.request.url.host == "byoc.test"
    assert isinstance(error.response, httpx.Response)
    assert error.response.status_code == status
    assert isinstance(error.message, str)
    assert error.message.strip()
    assert str(status) in str(error)


# ---------------------------------------------------------------------------------------------
# Happy path: the scripted server and its routing work (passes before the rewrite too)


def test_happy_path_the_scripted_server_serves_a_correct_answer() -> None:
    server = Server(
        {
            "getByocCollectionTileById": json_answer(200, {"data": tile_json()}),
            "getByocCollectionById": json_answer(200, {"data": collection_json()}),
            "getByocCollectionTiles": json_answer(200, {"data": [tile_json()], "links": {}}),
        }
    )
    with sync_client(server) as client:
        tile = client.tiles.get(COLLECTION_ID, TILE_ID)
        collection = client.collections.get(COLLECTION_ID)
        tiles = list(client.tiles.list(COLLECTION_ID))
    assert isinstance(tile, Tile)
    assert tile.id == TILE_ID
    assert tile.cover_geometry is not None
    assert isinstance(collection, Collection)
    assert collection.name == "my-cogs"
    assert [t.id for t in tiles] == [TILE_ID]
    assert server.operations() == [
        "getByocCollectionTileById",
        "getByocCollectionById",
        "getByocCollectionTiles",
    ]
    assert all(request.headers["Authorization"] == "Bearer t" for _, request in server.requests)


def test_routing_ignores_the_path_prefix() -> None:
    for prefix in ("/api/v1/byoc", "/byoc/v1", "/somewhere/else"):
        url = f"{BASE_URL}{prefix}/collections/{COLLECTION_ID}/tiles/{TILE_ID}/files/a/b.tif"
        assert operation_of(httpx.Request("HEAD", url)) == "headByocTileFile"
        assert operation_of(httpx.Request("GET", url)) == "getByocTileFile"


# ---------------------------------------------------------------------------------------------
# Error statuses with bodies that are not the service's JSON


def test_html_404_from_a_proxy_is_not_found_with_an_excerpt() -> None:
    server = Server({"getByocCollectionTileById": text_answer(404, PROXY_404, "text/html")})
    with sync_client(server) as client, pytest.raises(NotFoundError) as caught:
        client.tiles.get(COLLECTION_ID, TILE_ID)
    error = caught.value
    assert error.status == 404
    assert "nginx" in error.message
    assert error.response is not None
    assert error.response.status_code == 404
    assert error.request is not None
    assert error.request.method == "GET"


def test_a_long_html_error_page_gives_a_short_excerpt() -> None:
    page = "<html><body>" + "<p>Service temporarily unavailable, please retry.</p>" * 400 + "</body></html>"
    server = Server({"getByocCollectionById": text_answer(502, page, "text/html")})
    with sync_client(server) as client, pytest.raises(ServerError) as caught:
        client.collections.get(COLLECTION_ID)
    assert caught.value.status == 502
    assert "temporarily unavailable" in caught.value.message
    assert len(caught.value.message) <= 1000
    assert len(str(caught.value)) <= 1500


def test_empty_500_body_is_a_server_error() -> None:
    server = Server({"getByocCollectionById": answer(500)})
    with sync_client(server) as client, pytest.raises(ServerError) as caught:
        client.collections.get(COLLECTION_ID)
    assert caught.value.status == 500
    assert caught.value.response is not None


def test_text_plain_400_is_a_bad_request_with_the_text() -> None:
    server = Server({"createByocCollectionTile": text_answer(400, "Bad Request: path is malformed")})
    with sync_client(server) as client, pytest.raises(BadRequestError) as caught:
        client.tiles.create(COLLECTION_ID, "2024/(BAND).tif")
    assert caught.value.status == 400
    assert "path is malformed" in caught.value.message


def test_error_string_member_with_404_is_not_found() -> None:
    server = Server({"getByocCollectionTileById": json_answer(404, {"error": "not_found"})})
    with sync_client(server) as client, pytest.raises(NotFoundError) as caught:
        client.tiles.get(COLLECTION_ID, TILE_ID)
    assert caught.value.status == 404


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (599, ServerError),
        (418, APIError),
        (302, APIError),
    ],
)
@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"<html><body>upstream says no</body></html>", id="html"),
        pytest.param(b"[1, 2, 3]", id="json-array"),
        pytest.param(b'"just a string"', id="json-string"),
        pytest.param(b'{"error": {"message": 12, "code": ["x"]}}', id="json-odd-members"),
        pytest.param(b"\xff\xfe\x00garbage\x80", id="not-utf8"),
    ],
)
def test_error_status_with_an_unexpected_body_maps_to_the_status_class(
    status: int, expected: type[APIError], body: bytes
) -> None:
    server = Server({"getByocCollectionById": answer(status, body, content_type="text/html")})
    with sync_client(server) as client, pytest.raises(expected) as caught:
        client.collections.get(COLLECTION_ID)
    assert type(caught.value) is expected
    assert caught.value.status == status
    assert caught.value.response is not None


def test_corrupt_gzip_on_an_error_status_still_maps_to_the_status_class() -> None:
    server = Server(
        {
            "getByocCollectionById": answer(
                503,
                b"\x1f\x8b\x08\x00\x00\x00\x00\x00this is not deflate data",
                content_type="text/html",
                headers={"Content-Encoding": "gzip"},
            )
        }
    )
    with sync_client(server) as client, pytest.raises(ServerError) as caught:
        client.collections.get(COLLECTION_ID)
    assert caught.value.status == 503
    assert "the body could not be read (" in str(caught.value)
    # Why the body was unreadable went to the error mapping as an argument, not on the response.
    assert caught.value.response is not None
    assert not [key for key in caught.value.response.extensions if key.startswith("sentinelhub_byoc")]


# ---------------------------------------------------------------------------------------------
# Success statuses whose answer cannot be read


def test_invalid_json_for_get_tile_is_a_response_validation_error() -> None:
    server = Server(
        {"getByocCollectionTileById": answer(200, b'{"data": {"id": ', content_type="application/json")}
    )
    with sync_client(server) as client, pytest.raises(APIResponseValidationError) as caught:
        client.tiles.get(COLLECTION_ID, TILE_ID)
    assert_unreadable_answer(caught.value, "GET")
    assert "json" in caught.value.message.lower()


def test_html_with_200_for_get_collection_is_a_response_validation_error() -> None:
    server = Server(
        {"getByocCollectionById": text_answer(200, "<html><body>Login</body></html>", "text/html")}
    )
    with sync_client(server) as client, pytest.raises(APIResponseValidationError) as caught:
        client.collections.get(COLLECTION_ID)
    assert_unreadable_answer(caught.value, "GET")


def test_invalid_utf8_in_a_200_is_a_response_validation_error() -> None:
    body = b'{"data": {"id": "' + str(TILE_ID).encode() + b'", "path": "caf\xe9\xff/(BAND).tif"}}'
    server = Server({"getByocCollectionTileById": answer(200, body, content_type="application/json")})
    with sync_client(server) as client, pytest.raises(APIResponseValidationError) as caught:
        client.tiles.get(COLLECTION_ID, TILE_ID)
    assert_unreadable_answer(caught.value, "GET")


def test_a_200_body_without_data_is_a_response_validation_error() -> None:
    server = Server(
        {"getByocCollectionTileById": json_answer(200, {"id": str(TILE_ID), "path": "a/(BAND).tif"})}
    )
    with sync_client(server) as client, pytest.raises(APIResponseValidationError) as caught:
        client.tiles.get(COLLECTION_ID, TILE_ID)
    assert_unreadable_answer(caught.value, "GET")
    assert "data" in caught.value.message


def test_a_created_collection_answer_without_data_is_a_response_validation_error() -> None:
    server = Server({"createByocCollection": json_answer(201, {"result": "ok"})})
    with sync_client(server) as client, pytest.raises(APIResponseValidationError) as caught:
        client.collections.create(name="c", s3_bucket="a-bucket")
    assert_unreadable_answer(caught.value, "POST", 201)
    assert "data" in caught.value.message


def test_data_that_is_not_an_object_is_a_response_validation_error() -> None:
    server = Server({"getByocCollectionTileById": json_answer(200, {"data": ["not", "a", "tile"]})})
    with sync_client(server) as client, pytest.raises(APIResponseValidationError) as caught:
        client.tiles.get(COLLECTION_ID, TILE_ID)
    assert_unreadable_answer(caught.value, "GET")


def test_a_numeric_id_is_a_response_validation_error() -> None:
    server = Server({"getByocCollectionTileById": json_answer(200, {"data": tile_json(id=12)})})
    with sync_client(server) as client, pytest.raises(APIResponseValidationError) as caught:
        client.tiles.get(COLLECTION_ID, TILE_ID)
    assert_unreadable_answer(caught.value, "GET")
    assert "id" in caught.value.message


def test_a_collection_id_that_is_not_a_uuid_is_a_response_validation_error() -> None:
    server = Server({"getByocCollectionById": json_answer(200, {"data": collection_json(id="not-a-uuid")})})
    with sync_client(server) as client, pytest.raises(APIResponseValidationError) as caught:
        client.collections.get(COLLECTION_ID)
    assert_unreadable_answer(caught.value, "GET")
    assert "id" in caught.value.message


def test_a_string_cover_geometry_is_rejected_or_kept_raw() -> None:
    """Either an APIResponseValidationError, or a tile with the geometry kept (marked invalid)."""
    server = Server(
        {"getByocCollectionTileById": json_answer(200, {"data": tile_json(coverGeometry="POLYGON")})}
    )

    def tile_or_error(client: BYOCClient) -> Tile | APIResponseValidationError:
        try:
            return client.tiles.get(COLLECTION_ID, TILE_ID)
        except APIResponseValidationError as error:
            return error

    with sync_client(server) as client:
        outcome = tile_or_error(client)
    if isinstance(outcome, APIResponseValidationError):
        assert_unreadable_answer(outcome, "GET")
        assert "coverGeometry" in outcome.message
    else:
        assert isinstance(outcome, Tile)
        assert outcome.id == TILE_ID
        assert outcome.cover_geometry is not None or outcome.to_dict().get("coverGeometry") == "POLYGON"


def test_a_wrongly_typed_created_is_a_response_validation_error() -> None:
    server = Server(
        {"getByocCollectionTileById": json_answer(200, {"data": tile_json(created=[2024, 5, 1])})}
    )
    with sync_client(server) as client, pytest.raises(APIResponseValidationError) as caught:
        client.tiles.get(COLLECTION_ID, TILE_ID)
    assert_unreadable_answer(caught.value, "GET")
    assert "created" in caught.value.message


def test_corrupt_gzip_body_is_a_response_validation_error() -> None:
    server = Server(
        {
            "getByocCollectionTileById": answer(
                200,
                b"\x1f\x8b\x08\x00\x00\x00\x00\x00this is not deflate data",
                content_type="application/json",
                headers={"Content-Encoding": "gzip"},
            )
        }
    )
    with sync_client(server) as client, pytest.raises(APIError) as caught:
        client.tiles.get(COLLECTION_ID, TILE_ID)
    # APIResponseValidationError is preferred; any APIError subclass carrying the exchange will do.
    assert_unreadable_answer(caught.value, "GET")
    assert "could not be decoded (" in str(caught.value)
    assert caught.value.response is not None
    assert not [key for key in caught.value.response.extensions if key.startswith("sentinelhub_byoc")]


def test_gzip_that_is_valid_is_read() -> None:
    body = gzip.compress(json.dumps({"data": tile_json()}).encode())
    server = Server(
        {
            "getByocCollectionTileById": answer(
                200, body, content_type="application/json", headers={"Content-Encoding": "gzip"}
            )
        }
    )
    with sync_client(server) as client:
        assert client.tiles.get(COLLECTION_ID, TILE_ID).id == TILE_ID


def test_head_without_content_length_is_a_response_validation_error() -> None:
    server = Server({"headByocTileFile": answer(200)})
    with sync_client(server) as client, pytest.raises(APIResponseValidationError) as caught:
        client.files.size(COLLECTION_ID, TILE_ID, "scene.tif")
    assert_unreadable_answer(caught.value, "HEAD")
    assert "content-length" in caught.value.message.lower()


def test_head_with_a_garbage_content_length_is_a_response_validation_error() -> None:
    server = Server({"headByocTileFile": answer(200, headers={"Content-Length": "lots"})})
    with sync_client(server) as client, pytest.raises(APIResponseValidationError) as caught:
        client.files.size(COLLECTION_ID, TILE_ID, "scene.tif")
    assert_unreadable_answer(caught.value, "HEAD")


def test_head_with_a_content_length_is_the_size() -> None:
    server = Server({"headByocTileFile": answer(200, headers={"Content-Length": "123456"})})
    with sync_client(server) as client:
        assert client.files.size(COLLECTION_ID, TILE_ID, "scene.tif") == 123456


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(42, id="number"),
        pytest.param("x", id="string"),
        pytest.param([1, 2], id="list-of-numbers"),
        pytest.param([["a.tif"]], id="list-of-lists"),
        pytest.param(None, id="null"),
        pytest.param(True, id="true"),
    ],
)
def test_a_file_list_that_is_not_a_list_of_names_is_a_response_validation_error(body: Any) -> None:
    server = Server({"listByocTileFiles": json_answer(200, body)})
    with sync_client(server) as client, pytest.raises(APIResponseValidationError) as caught:
        client.files.list(COLLECTION_ID, TILE_ID)
    assert_unreadable_answer(caught.value, "GET")


def test_a_file_list_is_read() -> None:
    names = ["20241230_100706_56_24fd.json", "20241230_100706_56_24fd_ortho_udm2.tif"]
    server = Server({"listByocTileFiles": json_answer(200, names)})
    with sync_client(server) as client:
        assert client.files.list(COLLECTION_ID, TILE_ID) == names


def test_a_page_whose_data_is_not_a_list_is_a_response_validation_error() -> None:
    server = Server({"getByocCollectionTiles": json_answer(200, {"data": {"id": str(TILE_ID)}, "links": {}})})
    with sync_client(server) as client, pytest.raises(APIResponseValidationError) as caught:
        list(client.tiles.list(COLLECTION_ID))
    assert_unreadable_answer(caught.value, "GET")


def test_a_page_item_that_is_not_an_object_is_a_response_validation_error() -> None:
    server = Server({"getByocCollections": json_answer(200, {"data": [collection_json(), 7], "links": {}})})
    with sync_client(server) as client, pytest.raises(APIResponseValidationError) as caught:
        list(client.collections.list())
    assert_unreadable_answer(caught.value, "GET")


def test_links_that_are_not_an_object_is_a_response_validation_error() -> None:
    server = Server({"getByocCollectionTiles": json_answer(200, {"data": [tile_json()], "links": "next"})})
    with sync_client(server) as client, pytest.raises(APIResponseValidationError) as caught:
        list(client.tiles.list(COLLECTION_ID))
    assert_unreadable_answer(caught.value, "GET")


# ---------------------------------------------------------------------------------------------
# Server geometries are read leniently


def test_a_page_with_one_open_ring_tile_keeps_all_its_tiles() -> None:
    page = {
        "data": [
            tile_json(TILE_ID),
            tile_json(OTHER_TILE_ID, coverGeometry=OPEN_RING),
            tile_json(THIRD_TILE_ID),
        ],
        "links": {},
    }
    server = Server({"getByocCollectionTiles": json_answer(200, page)})
    with sync_client(server) as client:
        tiles = list(client.tiles.list(COLLECTION_ID))
    assert [tile.id for tile in tiles] == [TILE_ID, OTHER_TILE_ID, THIRD_TILE_ID]
    bad = tiles[1]
    assert bad.cover_geometry is not None or bad.to_dict().get("coverGeometry") == OPEN_RING
    assert tiles[0].cover_geometry is not None


def test_a_tile_with_a_ring_of_three_positions_is_read() -> None:
    server = Server(
        {"getByocCollectionTileById": json_answer(200, {"data": tile_json(coverGeometry=SHORT_RING)})}
    )
    with sync_client(server) as client:
        tile = client.tiles.get(COLLECTION_ID, TILE_ID)
    assert tile.id == TILE_ID
    assert tile.cover_geometry is not None or tile.to_dict().get("coverGeometry") == SHORT_RING


def test_a_tile_geometry_with_an_open_ring_is_read() -> None:
    server = Server(
        {"getByocCollectionTileById": json_answer(200, {"data": tile_json(tileGeometry=OPEN_RING)})}
    )
    with sync_client(server) as client:
        tile = client.tiles.get(COLLECTION_ID, TILE_ID)
    assert tile.id == TILE_ID
    assert tile.tile_geometry is not None or tile.to_dict().get("tileGeometry") == OPEN_RING


def test_a_collection_extent_with_an_open_ring_is_read() -> None:
    data = collection_json()
    data["additionalData"]["extent"] = OPEN_RING
    server = Server({"getByocCollectionById": json_answer(200, {"data": data})})
    with sync_client(server) as client:
        collection = client.collections.get(COLLECTION_ID)
    assert collection.id == COLLECTION_ID
    assert collection.bands["B01"].bit_depth == 16


def test_a_created_tile_with_an_open_ring_is_returned() -> None:
    server = Server(
        {"createByocCollectionTile": json_answer(201, {"data": tile_json(coverGeometry=OPEN_RING)})}
    )
    with sync_client(server) as client:
        tile = client.tiles.create(COLLECTION_ID, "2024/a1/(BAND).tif")
    assert tile.id == TILE_ID


@pytest.mark.parametrize(
    "put_answer",
    [
        pytest.param(answer(204), id="204-empty"),
        pytest.param(text_answer(200, "<html>OK</html>", "text/html"), id="200-html"),
        pytest.param(json_answer(200, {"data": "updated"}), id="200-unexpected-json"),
        pytest.param(answer(200, b'{"data": ', content_type="application/json"), id="200-broken-json"),
        pytest.param(
            answer(204, b"garbage", headers={"Content-Encoding": "gzip"}, content_type="application/json"),
            id="204-corrupt-gzip",
        ),
    ],
)
def test_collection_update_after_a_successful_put_never_fails_because_of_the_answer(
    put_answer: Answer,
) -> None:
    server = Server(
        {
            "updateByocCollectionById": put_answer,
            "getByocCollectionById": json_answer(200, {"data": collection_json(name="renamed")}),
        }
    )
    with sync_client(server) as client:
        updated = client.collections.update(Collection.from_dict(collection_json(name="renamed")))
    assert updated.id == COLLECTION_ID
    assert updated.name == "renamed"
    assert server.operations() == ["updateByocCollectionById", "getByocCollectionById"]


def test_collection_update_whose_re_read_has_an_open_ring_extent_returns_it() -> None:
    data = collection_json()
    data["additionalData"]["extent"] = OPEN_RING
    server = Server(
        {
            "updateByocCollectionById": answer(204),
            "getByocCollectionById": json_answer(200, {"data": data}),
        }
    )
    with sync_client(server) as client:
        updated = client.collections.update(Collection.from_dict(collection_json()))
    assert updated.id == COLLECTION_ID
    assert server.operations() == ["updateByocCollectionById", "getByocCollectionById"]


# ---------------------------------------------------------------------------------------------
# Unknown values and members are kept


def test_an_unknown_tile_status_is_kept() -> None:
    server = Server({"getByocCollectionTileById": json_answer(200, {"data": tile_json(status="ARCHIVED")})})
    with sync_client(server) as client:
        tile = client.tiles.get(COLLECTION_ID, TILE_ID)
    assert tile.status == "ARCHIVED"
    assert str(tile.status) == "ARCHIVED"
    assert not tile.is_final


def test_unknown_members_are_kept_in_extra() -> None:
    data = tile_json(futureMember={"nested": [1, 2]}, anotherOne="x")
    data["additionalData"] = {"warnings": None, "newDetail": 3}
    server = Server({"getByocCollectionTileById": json_answer(200, {"data": data, "meta": {"v": 2}})})
    with sync_client(server) as client:
        tile = client.tiles.get(COLLECTION_ID, TILE_ID)
    assert tile.extra["futureMember"] == {"nested": [1, 2]}
    assert tile.extra["anotherOne"] == "x"
    assert tile.additional_data is not None
    assert tile.additional_data.extra["newDetail"] == 3
    assert tile.to_dict()["futureMember"] == {"nested": [1, 2]}


def test_an_unknown_band_sample_format_is_kept() -> None:
    data = collection_json()
    data["additionalData"]["bands"]["B01"]["sampleFormat"] = "COMPLEX"
    data["additionalData"]["hasSensingTimes"] = "SOMETIMES"
    server = Server({"getByocCollectionById": json_answer(200, {"data": data})})
    with sync_client(server) as client:
        collection = client.collections.get(COLLECTION_ID)
    assert collection.bands["B01"].sample_format == "COMPLEX"
    assert collection.additional_data is not None
    assert collection.additional_data.has_sensing_times == "SOMETIMES"


# ---------------------------------------------------------------------------------------------
# The async client, a few of the same cases


@pytest.mark.anyio
async def test_async_happy_path() -> None:
    server = Server({"getByocCollectionTileById": json_answer(200, {"data": tile_json()})})
    async with async_client(server) as client:
        tile = await client.tiles.get(COLLECTION_ID, TILE_ID)
    assert tile.id == TILE_ID


@pytest.mark.anyio
async def test_async_html_404_from_a_proxy_is_not_found_with_an_excerpt() -> None:
    server = Server({"getByocCollectionTileById": text_answer(404, PROXY_404, "text/html")})
    async with async_client(server) as client:
        with pytest.raises(NotFoundError) as caught:
            await client.tiles.get(COLLECTION_ID, TILE_ID)
    assert "nginx" in caught.value.message


@pytest.mark.anyio
async def test_async_invalid_json_for_get_tile_is_a_response_validation_error() -> None:
    server = Server({"getByocCollectionTileById": answer(200, b"{not json", content_type="application/json")})
    async with async_client(server) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            await client.tiles.get(COLLECTION_ID, TILE_ID)
    assert_unreadable_answer(caught.value, "GET")


@pytest.mark.anyio
async def test_async_corrupt_gzip_body_is_a_response_validation_error() -> None:
    server = Server(
        {
            "getByocCollectionTileById": answer(
                200, b"garbage", content_type="application/json", headers={"Content-Encoding": "gzip"}
            )
        }
    )
    async with async_client(server) as client:
        with pytest.raises(APIError) as caught:
            await client.tiles.get(COLLECTION_ID, TILE_ID)
    assert_unreadable_answer(caught.value, "GET")


@pytest.mark.anyio
async def test_async_head_without_content_length_is_a_response_validation_error() -> None:
    server = Server({"headByocTileFile": answer(200)})
    async with async_client(server) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            await client.files.size(COLLECTION_ID, TILE_ID, "scene.tif")
    assert_unreadable_answer(caught.value, "HEAD")


@pytest.mark.anyio
async def test_async_a_file_list_that_is_not_a_list_is_a_response_validation_error() -> None:
    server = Server({"listByocTileFiles": json_answer(200, 42)})
    async with async_client(server) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            await client.files.list(COLLECTION_ID, TILE_ID)
    assert_unreadable_answer(caught.value, "GET")


@pytest.mark.anyio
async def test_async_a_page_with_one_open_ring_tile_keeps_all_its_tiles() -> None:
    page = {"data": [tile_json(TILE_ID), tile_json(OTHER_TILE_ID, coverGeometry=OPEN_RING)], "links": {}}
    server = Server({"getByocCollectionTiles": json_answer(200, page)})
    async with async_client(server) as client:
        tiles = [tile async for tile in client.tiles.list(COLLECTION_ID)]
    assert [tile.id for tile in tiles] == [TILE_ID, OTHER_TILE_ID]
    assert tiles[1].cover_geometry is not None or tiles[1].to_dict().get("coverGeometry") == OPEN_RING


@pytest.mark.anyio
async def test_async_an_unknown_tile_status_is_kept() -> None:
    server = Server({"getByocCollectionTileById": json_answer(200, {"data": tile_json(status="ARCHIVED")})})
    async with async_client(server) as client:
        tile = await client.tiles.get(COLLECTION_ID, TILE_ID)
    assert tile.status == "ARCHIVED"
