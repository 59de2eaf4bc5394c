"""One page of a list answer."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs

__all__ = ["Page"]

T = TypeVar("T")


@attrs.frozen
class Page(Generic[T]):
    """A page of items and the token of the next page (``None`` on the last page).

    Pass ``next_token`` as ``start_token=`` to resume listing later.
    """

    items: Sequence[T]
    """The items of this page, in the order the service sent them."""
    next_token: str | None
    """The token of the next page, or ``None`` on the last page."""
    links: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    """The page's ``links`` member as the service sent it (``next``, ``nextToken``...)."""

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
