"""Where the next page is, and a guard against a service that repeats itself. Pure, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from sentinelhub_byoc.errors import PaginationError

__all__ = ["MAX_EMPTY_PAGES", "PageTokenTracker", "next_page_token"]

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
