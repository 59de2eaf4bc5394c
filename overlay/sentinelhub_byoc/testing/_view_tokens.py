"""Pages of items with the service's ``links`` object and opaque view tokens."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence
from typing import TypeVar

import httpx

from ._answers import Json, bad_payload

_T = TypeVar("_T")
_PREFIX = "after:"


def encode_token(seq: int) -> str:
    """Return the view token that continues after the item numbered ``seq``."""
    return base64.urlsafe_b64encode(f"{_PREFIX}{seq}".encode()).decode().rstrip("=")


def decode_token(token: str | None) -> int | None:
    """Return the item number a view token continues after, or a 400 for a foreign token."""
    if token is None or token == "":
        return None
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        if text.startswith(_PREFIX):
            return int(text.removeprefix(_PREFIX))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise bad_payload(f"Invalid viewtoken {token!r}: pass back the nextToken of a previous page unchanged")


def take(items: Iterable[_T], count: int) -> tuple[list[_T], bool]:
    """Return up to ``count`` items and whether more follow."""
    page: list[_T] = []
    for item in items:
        if len(page) == count:
            return page, True
        page.append(item)
    return page, False


def links(url: httpx.URL, current: str | None, last_seq: int | None, more: bool) -> Json:
    """Return the ``links`` object of a page served at ``url``."""
    result: Json = {"@id": str(url)}
    if current:
        result["currentToken"] = current
    if more and last_seq is not None:
        token = encode_token(last_seq)
        result["nextToken"] = token
        result["next"] = str(url.copy_set_param("viewtoken", token))
    return result


def page_body(data: Sequence[Json], page_links: Json) -> Json:
    """Return ``{"data": [...], "links": {...}}``."""
    return {"data": list(data), "links": page_links}
