"""Reading the service's successful answers into models.

Every decoder takes the response (its body already read) and returns the operation's result, or
raises :class:`~sentinelhub_byoc.errors.APIResponseValidationError` saying what could not be read
and where (``data[3].id: expected a UUID string, got a number (12)``). Decoders are tolerant
where the service may grow (unknown members and enum values are kept, geometries are read
without the checks user input gets) and strict only where an answer would be meaningless.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import httpx

from sentinelhub_byoc._pagination import next_page_token
from sentinelhub_byoc._transport.error_mapping import invalid_answer
from sentinelhub_byoc.models import Page
from sentinelhub_byoc.models._codec import DecodeError, decode, describe

T = TypeVar("T")
Decoder = Callable[[httpx.Response], T]


def json_body(response: httpx.Response) -> Any:
    """The JSON value of the body."""
    try:
        return json.loads(response.content)
    except UnicodeDecodeError as error:
        reason = f"the body is not valid UTF-8 ({error.reason} at byte {error.start})"
        raise invalid_answer(response, reason) from None
    except ValueError as error:
        raise invalid_answer(response, f"the body is not JSON ({error})") from None
    except RecursionError:
        raise invalid_answer(response, "the body is JSON nested too deeply to read") from None


def _object(response: httpx.Response) -> Mapping[str, Any]:
    body = json_body(response)
    if not isinstance(body, Mapping):
        raise invalid_answer(response, f"expected a JSON object, got {describe(body)}")
    return body


def nothing(response: httpx.Response) -> None:
    """For operations whose answer carries nothing to read (the body is ignored)."""


def data_of(model: type[T]) -> Decoder[T]:
    """A decoder for ``{"data": {...}}`` answers holding one *model*."""

    def read(response: httpx.Response) -> T:
        body = _object(response)
        if "data" not in body:
            raise invalid_answer(response, "the answer has no 'data' member")
        try:
            return decode(model, body["data"])
        except DecodeError as error:
            raise invalid_answer(response, str(error.under("data"))) from None

    return read


def page_of(model: type[T]) -> Decoder[Page[T]]:
    """A decoder for list answers: ``{"data": [...], "links": {...}}`` (both members optional)."""

    def read(response: httpx.Response) -> Page[T]:
        body = _object(response)
        items = body.get("data")
        links = body.get("links")
        if links is None:
            links = {}
        elif not isinstance(links, Mapping):
            raise invalid_answer(response, f"links: expected a JSON object, got {describe(links)}")
        if items is None:
            return Page([], next_page_token(links), links)
        if not isinstance(items, list):
            raise invalid_answer(response, f"data: expected an array, got {describe(items)}")
        decoded: list[T] = []
        for index, item in enumerate(items):
            try:
                decoded.append(decode(model, item))
            except DecodeError as error:
                raise invalid_answer(response, str(error.under(f"data[{index}]"))) from None
        return Page(decoded, next_page_token(links), links)

    return read


def service_locations(response: httpx.Response) -> dict[str, str]:
    """The location list as ``{location id: URL}``.

    Its shape is not published: a list of ``{"id": ..., "url": ...}`` objects and a map of ids to
    URLs are both read. Entries without a string id and URL are left out, not fatal: the lookup
    that needs one of them says it is missing.
    """
    body = json_body(response)
    if isinstance(body, Mapping) and isinstance(body.get("data"), list):
        body = body["data"]
    if isinstance(body, Mapping):
        pairs = list(body.items())
    elif isinstance(body, list):
        pairs = [(item.get("id"), item.get("url")) for item in body if isinstance(item, Mapping)]
    else:
        raise invalid_answer(response, f"expected a list of locations, got {describe(body)}")
    return {key: url for key, url in pairs if isinstance(key, str) and isinstance(url, str)}


def file_names(response: httpx.Response) -> list[str]:
    """The names in a file list: an array of strings (or, as documented once, an object of them)."""
    body = json_body(response)
    values = list(body.values()) if isinstance(body, Mapping) else body
    if not isinstance(values, list):
        raise invalid_answer(response, f"expected an array of file names, got {describe(body)}")
    for index, name in enumerate(values):
        if not isinstance(name, str):
            raise invalid_answer(response, f"[{index}]: expected a file name string, got {describe(name)}")
    return values


def content_length(response: httpx.Response) -> int:
    """The size a HEAD answer gives in ``Content-Length``."""
    value = response.headers.get("content-length")
    if value is None:
        raise invalid_answer(
            response, "the answer has no Content-Length header, so the file's size is unknown"
        )
    count = byte_count(value)
    if count is None:
        raise invalid_answer(response, f"Content-Length {value[:40]!r} is not a byte count")
    return count


#: More digits than any real file's size has; longer numbers are refused unread (and ``int`` of
#: thousands of digits would raise ValueError).
_MAX_DIGITS = 18


def byte_count(value: str | None) -> int | None:
    """A header's byte count (``Content-Length``, a ``Content-Range`` bound): ``None`` unless readable.

    Only ASCII digits count: ``int()`` would take ``"+5"``, ``" 5_0"`` or Unicode digits.
    """
    if value is None:
        return None
    text = value.strip()
    if not text or len(text) > _MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


@attrs.frozen
class ContentRange:
    """A ``Content-Range: bytes START-END/TOTAL`` header.

    ``start`` and ``end`` are ``None`` for ``bytes */TOTAL`` (a 416's), ``total`` is ``None`` for
    an unknown total (``/*``).
    """

    start: int | None
    end: int | None
    total: int | None


def content_range(response: httpx.Response) -> ContentRange | None:
    """The answer's ``Content-Range``, or ``None`` when it has none or it cannot be read.

    A range whose end comes before its start, or not before the total, is unreadable too.
    """
    value = response.headers.get("content-range")
    if value is None:
        return None
    unit, _, spec = value.strip().partition(" ")
    span, slash, total_text = spec.strip().partition("/")
    if unit.lower() != "bytes" or not slash:
        return None
    total = None if total_text.strip() == "*" else byte_count(total_text)
    if total is None and total_text.strip() != "*":
        return None
    if span.strip() == "*":
        return None if total is None else ContentRange(None, None, total)
    first, dash, last = span.partition("-")
    start, end = byte_count(first), byte_count(last)
    if not dash or start is None or end is None or end < start or (total is not None and end >= total):
        return None
    return ContentRange(start, end, total)
