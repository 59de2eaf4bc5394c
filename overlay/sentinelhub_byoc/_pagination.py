"""Everything about pages that needs no I/O: sizes, tokens, loop guards, items of pages.

Where the next page is, a guard against a service that repeats itself, and the items of pages up
to a limit. Walking the pages is the sender's (it fetches each as the caller advances).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import parse_qs, urlsplit

from sentinelhub_byoc.errors import PaginationError, ValidationError

if TYPE_CHECKING:
    from sentinelhub_byoc.models import Page

T = TypeVar("T")

__all__ = [
    "MAX_EMPTY_PAGES",
    "MAX_PAGE_SIZE",
    "PageTokenTracker",
    "async_items",
    "check_page_size",
    "first_page_size",
    "items",
    "next_page_token",
]

#: The largest page the service serves (its ``count`` is 1 to 100).
MAX_PAGE_SIZE = 100

#: How many empty pages in a row, each with a fresh next-page token, a listing accepts before it
#: gives up with :class:`PaginationError`: a service that keeps doing that would never end.
MAX_EMPTY_PAGES = 20


def next_page_token(links: Mapping[str, object] | None) -> str | None:
    """Return the token for the next page from a page's ``links``, or ``None`` on the last page.

    Uses ``links["nextToken"]``, falling back to the ``viewtoken`` query parameter of
    ``links["next"]``.

    >>> next_page_token({"nextToken": "abc", "next": "https://x/collections?viewtoken=abc"})
    'abc'
    >>> next_page_token({"next": "https://x/collections?count=10&viewtoken=def"})
    'def'
    >>> next_page_token({}) is None
    True
    """
    if not links:
        return None
    token = links.get("nextToken")
    if isinstance(token, str) and token:
        return token
    next_url = links.get("next")
    if isinstance(next_url, str) and next_url:
        values = parse_qs(urlsplit(next_url).query).get("viewtoken")
        if values and values[0]:
            return values[0]
    return None


class PageTokenTracker:
    """Remembers the page tokens seen while walking one listing and refuses a repeated one.

    A service that hands back a token it already gave, or keeps sending empty pages with new
    tokens (more than :data:`MAX_EMPTY_PAGES` in a row), would make iteration loop forever; this
    turns that into a :class:`PaginationError`.

    >>> tracker = PageTokenTracker("tiles of collection abc")
    >>> tracker.advance({"nextToken": "t1"})
    't1'
    >>> tracker.advance({}) is None
    True
    """

    def __init__(self, what: str = "the listing") -> None:
        self._what = what
        self._seen: set[str] = set()
        self._empty_in_a_row = 0

    @property
    def pages(self) -> int:
        """How many next-page tokens have been accepted so far."""
        return len(self._seen)

    def advance(self, links: Mapping[str, object] | None, *, empty: bool = False) -> str | None:
        """Return the next page's token from ``links`` (``None`` when done), checking it is new.

        ``empty`` says the page that carried ``links`` had no items.
        """
        token = next_page_token(links)
        if token is None:
            return None
        self._empty_in_a_row = self._empty_in_a_row + 1 if empty else 0
        if self._empty_in_a_row > MAX_EMPTY_PAGES:
            raise PaginationError(
                f"the service sent {self._empty_in_a_row} empty pages in a row, each with a new page "
                f"token, while listing {self._what}; stopping instead of asking forever. "
                "Retry the listing later; if it persists, report it to Sentinel Hub support"
            )
        if token in self._seen:
            raise PaginationError(
                f"the service repeated a page token while listing {self._what} after "
                f"{len(self._seen)} pages; stopping instead of looping forever. "
                "Retry the listing; if it persists, report it to Sentinel Hub support"
            )
        self._seen.add(token)
        return token


def check_page_size(count: int | None) -> int | None:
    """Refuse a page size the service would reject (it takes 1 to 100)."""
    if count is not None and not (type(count) is int and 1 <= count <= MAX_PAGE_SIZE):
        raise ValidationError(f"page_size must be an integer from 1 to {MAX_PAGE_SIZE}, got {count!r}")
    return count


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


def items(page_iterator: Iterator[Page[T]], limit: int | None) -> Iterator[T]:
    """The items of the pages, stopping after *limit* of them."""
    if limit == 0:
        return
    count = 0
    for page in page_iterator:
        listed = page.items
        # Nothing of a page is kept while the next one is fetched: over a long listing, pages
        # kept alive across a fetch are promoted by the garbage collector and make it slower.
        del page
        if limit is None:
            yield from listed
        else:
            for item in listed:
                yield item
                count += 1
                if count >= limit:
                    return
        del listed


async def async_items(page_iterator: AsyncIterator[Page[T]], limit: int | None) -> AsyncIterator[T]:
    """The async twin of :func:`items`."""
    if limit == 0:
        return
    count = 0
    async for page in page_iterator:
        listed = page.items
        del page  # as in items()
        for item in listed:
            yield item
            count += 1
            if limit is not None and count >= limit:
                return
        del listed
