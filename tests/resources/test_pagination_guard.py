"""A listing the service never ends stops with PaginationError instead of looping forever."""

from __future__ import annotations

import itertools
import json

import httpx
import pytest
from sentinelhub_byoc import BYOCClient, Deployment, PaginationError
from sentinelhub_byoc._pagination import MAX_EMPTY_PAGES, PageTokenTracker

COLLECTION = "0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"
DEPLOYMENT = Deployment.custom("https://byoc.test", token_url="https://byoc.test/token")


def _client(pages: list[httpx.Request], answer: object) -> BYOCClient:
    counter = itertools.count()

    def handle(request: httpx.Request) -> httpx.Response:
        pages.append(request)
        body = answer if not callable(answer) else answer(next(counter))
        return httpx.Response(200, content=json.dumps(body).encode())

    return BYOCClient(access_token="t", deployment=DEPLOYMENT, transport=httpx.MockTransport(handle))


def test_empty_pages_with_fresh_tokens_stop_after_the_documented_bound() -> None:
    sent: list[httpx.Request] = []
    client = _client(sent, lambda n: {"data": [], "links": {"nextToken": f"t{n}"}})
    with pytest.raises(PaginationError, match="empty pages in a row"):
        list(client.tiles.list(COLLECTION))
    assert len(sent) == MAX_EMPTY_PAGES + 1


def test_a_repeated_token_stops_at_once() -> None:
    sent: list[httpx.Request] = []
    client = _client(sent, {"data": [], "links": {"nextToken": "same"}})
    with pytest.raises(PaginationError, match="repeated a page token"):
        list(client.collections.list())
    assert len(sent) == 2


def test_items_reset_the_count_of_empty_pages() -> None:
    tracker = PageTokenTracker("tiles")
    for number in range(5 * MAX_EMPTY_PAGES):
        # Every tenth page has items: never more than nine empty ones in a row.
        assert tracker.advance({"nextToken": f"t{number}"}, empty=number % 10 != 0) == f"t{number}"
