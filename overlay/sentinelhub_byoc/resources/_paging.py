"""Lazy iteration over pages and items, following next-page tokens with loop detection."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TypeVar

from sentinelhub_byoc._operations import MAX_PAGE_SIZE, check_page_size
from sentinelhub_byoc._pagination import PageTokenTracker
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.models import Page

T = TypeVar("T")


def first_page_size(page_size: int | None, limit: int | None) -> int | None:
    """Ask for no more than *limit* items in a page when that is smaller than the page size.

    Both are checked first, so a bad value is refused even when *limit* would hide it.
    """
    check_page_size(page_size)
    if limit is not None and (type(limit) is not int or limit < 0):
        raise ValidationError(f"limit must be an integer >= 0, got {limit!r}")
    if limit is None or limit == 0:
        return page_size
    return min(page_size or MAX_PAGE_SIZE, limit)


def pages(fetch: Callable[[str | None], Page[T]], start_token: str | None, what: str) -> Iterator[Page[T]]:
    """Pages from *start_token* on, fetched one at a time as the caller advances."""
    tracker = PageTokenTracker(what)
    token = start_token
    while True:
        page = fetch(token)
        yield page
        token = tracker.advance(page.links, empty=not page.items)
        if token is None:
            return


def items(page_iterator: Iterator[Page[T]], limit: int | None) -> Iterator[T]:
    """The items of the pages, stopping after *limit* of them."""
    if limit == 0:
        return
    count = 0
    for page in page_iterator:
        for item in page.items:
            yield item
            count += 1
            if limit is not None and count >= limit:
                return


async def async_pages(
    fetch: Callable[[str | None], Awaitable[Page[T]]], start_token: str | None, what: str
) -> AsyncIterator[Page[T]]:
    """The async twin of :func:`pages`."""
    tracker = PageTokenTracker(what)
    token = start_token
    while True:
        page = await fetch(token)
        yield page
        token = tracker.advance(page.links, empty=not page.items)
        if token is None:
            return


async def async_items(page_iterator: AsyncIterator[Page[T]], limit: int | None) -> AsyncIterator[T]:
    """The async twin of :func:`items`."""
    if limit == 0:
        return
    count = 0
    async for page in page_iterator:
        for item in page.items:
            yield item
            count += 1
            if limit is not None and count >= limit:
                return
