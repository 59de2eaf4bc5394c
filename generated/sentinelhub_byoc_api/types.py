# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
"""Contains some shared types for properties"""

from collections.abc import Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, NotRequired, TypedDict, TypeVar

from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


class RequestArgs(TypedDict):
    """The arguments of `httpx.Client.request()` for one operation, as `build_request()` returns them.

    `url` is relative to the API's base URL and starts with the path prefix of the OpenAPI document.
    """

    method: str
    url: str
    params: NotRequired[dict[str, Any]]
    json: NotRequired[Any]
    content: NotRequired[bytes]
    data: NotRequired[dict[str, Any]]
    files: NotRequired[Any]
    headers: NotRequired[dict[str, Any]]
    cookies: NotRequired[dict[str, Any]]


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


__all__ = [
    "UNSET",
    "File",
    "FileTypes",
    "RequestArgs",
    "RequestFiles",
    "Response",
    "Unset",
]
