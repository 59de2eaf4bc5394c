"""Exceptions raised by sentinelhub-byoc.

No public call raises anything but a :class:`BYOCError` (apart from ``KeyboardInterrupt``,
``SystemExit`` and other ``BaseException``-only signals, and cancellation of async tasks). Whatever
the service answers, whatever status, headers or body, the answer becomes a model or one of
these errors::

    BYOCError
    ├── ValidationError           bad input caught on the client, before any request is sent
    │   └── (testing.StoreError)  the emulator's state folder is damaged or unsafe
    ├── ConfigurationError        no credentials found, unreadable profiles file, unknown profile
    ├── PaginationError           the service sent a page token it had already sent
    ├── ConversionError           a raster could not be converted into a COG the service ingests
    ├── WorkflowError             a workflow (sync, wait, downloads...) could not finish its work
    │   ├── IngestionFailedError  tiles ended FAILED, or were still ingesting when time ran out
    │   ├── StorageAccessError    a folder, bucket or URL with COGs could not be read or written
    │   │   └── SourceChangedError  a local file changed, vanished or was replaced during a sync
    │   └── DownloadError         a download did not add up (size, range, deadline) or was refused on disk
    ├── APIConnectionError        no usable HTTP response: DNS, refused or dropped connection, TLS
    │   └── APITimeoutError       ... or the request timed out
    └── APIError                  the service answered, with an error status or unreadably
        ├── APIResponseValidationError  a success answer that cannot be read (not JSON, bad shape)
        ├── BadRequestError       400
        ├── AuthenticationError   401, and any failure of the OAuth2 token endpoint
        ├── PermissionDeniedError 403
        ├── NotFoundError         404
        ├── ConflictError         409 (e.g. a tile with that path already exists)
        ├── RateLimitError        429 (``retry_after`` says how long the service asked to wait)
        └── ServerError           5xx

:class:`APIError` carries what the service said (``status``, ``code``, ``message``, ``reason``,
``errors``, ``request_id``) and copies of the ``request`` and ``response``. No field shows a
credential: the client secret, tokens and any other credential the request carried are replaced
by ``***`` in the message, in every field, and in the copies' URLs, headers and bodies, in any
encoding the service may echo them in (URL-encoded, JSON-escaped, base64...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sentinelhub_byoc._logging import redact_url

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APITimeoutError",
    "AuthenticationError",
    "BYOCError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "ConversionError",
    "DownloadError",
    "IngestionFailedError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "SourceChangedError",
    "StorageAccessError",
    "ValidationError",
    "WorkflowError",
]


class BYOCError(Exception):
    """Base class of every error raised by sentinelhub-byoc."""


class ValidationError(BYOCError, ValueError):
    """Input rejected on the client side, before any request was sent.

    The message says what was wrong and how to fix it.
    """


class ConfigurationError(BYOCError):
    """The client could not be configured: missing credentials, a broken profiles file, ...

    The message lists every place that was looked at and how to fix it.
    """


class PaginationError(BYOCError):
    """The service's pagination misbehaved, e.g. it repeated a page token (which would loop forever)."""


class ConversionError(BYOCError):
    """A raster could not be converted into a COG the service ingests.

    ``source`` names the file and ``reason`` says what was wrong with it and what to do, e.g.
    ``"it is in EPSG:2154, which the service does not accept; pass reproject=True (the UTM zone
    of its centre) or reproject='EPSG:<code>'"``. Raised by :func:`sentinelhub_byoc.cog.convert`
    for a file GDAL cannot read, one without a CRS, one whose CRS the rules refuse when
    reprojecting was not asked for, or one whose converted output would not pass the rules.
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"cannot convert {source}: {reason}")
        self.source: str = source
        """The file that could not be converted: a path, or an ``s3://`` or ``http(s)://`` URL."""
        self.reason: str = reason
        """What was wrong with the file, and what to do about it."""

    def __reduce__(self) -> tuple[type[ConversionError], tuple[str, str]]:
        # Batches run on other processes (Dask workers): the error must come back intact.
        return (type(self), (self.source, self.reason))


class APIConnectionError(BYOCError):
    """No usable HTTP response was received (DNS failure, refused or dropped connection, TLS error).

    ``request`` is the request that failed, when known. The underlying httpx exception is chained
    as ``__cause__``.
    """

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message: str = message
        """What failed, naming the host or URL that could not be reached (secrets redacted)."""
        self.request: httpx.Request | None = request
        """The request that failed, when known: a redacted copy, as :attr:`APIError.request`."""


class APITimeoutError(APIConnectionError):
    """The request timed out (connecting, writing, reading or waiting for a pooled connection)."""


class APIError(BYOCError):
    """The service answered with an error status.

    Its attributes say what the service answered: ``status``, ``code``, ``message``, ``reason``,
    ``errors``, ``request_id``, and redacted copies of the ``request`` and ``response``. Every
    subclass has them.

    Example::

        try:
            client.collections.get("not-a-collection")
        except NotFoundError as error:
            print(error.status, error.code, error.message)
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str | None = None,
        reason: str | None = None,
        errors: Any = None,
        request_id: str | None = None,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.message: str = message
        """The service's human-readable message (or the body text, or the reason phrase)."""
        self.status: int = status
        """The HTTP status code, e.g. ``404``."""
        self.code: str | None = code
        """The service's machine-readable code, e.g. ``"COMMON_NOT_FOUND"``, or the OAuth2 ``error``.

        For example ``"invalid_client"`` from the token endpoint; ``None`` when the body had none.
        Codes are an open set: compare against strings you know and treat the rest as generic.
        """
        self.reason: str | None = reason
        """The reason phrase the service put in the body, or the HTTP one (``"Not Found"``)."""
        self.errors: Any = errors
        """Extra structured detail the service sent (e.g. per-field validation problems), or ``None``."""
        self.request_id: str | None = request_id
        """The request id from the response headers, worth quoting in support requests."""
        self.request: httpx.Request | None = request
        """The :class:`httpx.Request`, when known: a redacted copy.

        ``***`` stands for the ``Authorization`` header, credentials in the URL and the form's
        ``client_secret``.
        """
        self.response: httpx.Response | None = response
        """The :class:`httpx.Response`, when known: a redacted copy.

        Headers, reason phrase and decoded body are redacted; its ``request`` is the redacted request.
        """

    @property
    def status_code(self) -> int:
        """Alias of :attr:`status`, as httpx names it."""
        return self.status

    def __str__(self) -> str:
        head = f"{self.status}"
        if self.reason:
            head += f" {self.reason}"
        if self.code:
            head += f" [{self.code}]"
        # An empty body leaves only the reason phrase as message; saying it twice helps nobody.
        text = f"{head}: {self.message}" if self.message and self.message != self.reason else head
        if self.request is not None:
            text += f" ({self.request.method} {redact_url(self.request.url)})"
        if self.request_id:
            text += f" request id {self.request_id}"
        return text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (multiprocessing, Dask workers) and must come back
        # whole: the default would call __init__ without its keyword-only arguments.
        return (_rebuilt_error, (type(self), self.args), self.__dict__)


def _rebuilt_error(cls: type[BaseException], args: tuple[Any, ...]) -> BaseException:
    """An exception of ``cls`` with ``args``, its attributes set afterwards by unpickling."""
    return cls.__new__(cls, *args)


class APIResponseValidationError(APIError):
    """The service answered with a success status, but the answer cannot be read.

    The body is not JSON, not valid UTF-8, corrupt (e.g. a broken gzip stream), or lacks a member
    the answer must have, or has it with the wrong type. ``status``, ``request`` and ``response``
    are those of the answer; ``message`` says what was wrong and where, e.g.
    ``"data.id: expected a UUID string, got 12"``; ``body_excerpt`` is a short, redacted start of
    the body.
    """

    def __init__(self, message: str, *, body_excerpt: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.body_excerpt: str | None = body_excerpt
        """A short, redacted start of the body that could not be read, or ``None``."""


class BadRequestError(APIError):
    """400: the service rejected the request's content; ``message`` and ``errors`` say why."""


class AuthenticationError(APIError):
    """401 from the API, or any failure of the OAuth2 token endpoint.

    For token-endpoint failures ``status`` is that endpoint's status (often 400 or 401) and
    ``code`` the OAuth2 error such as ``"invalid_client"``: check the client id and secret.
    """


class PermissionDeniedError(APIError):
    """403: the credentials are valid but may not do this (account, collection or bucket access)."""


class NotFoundError(APIError):
    """404: the collection, tile or file does not exist (or is not visible to this account)."""


class ConflictError(APIError):
    """409: the request conflicts with existing state, e.g. ``COMMON_UNIQUE_KEY_VIOLATION``."""


class RateLimitError(APIError):
    """429: too many requests. ``retry_after`` is the wait the service asked for, in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after: float | None = retry_after
        """The wait the service asked for, in seconds (from ``Retry-After``), or ``None``."""

    def __str__(self) -> str:
        text = super().__str__()
        if self.retry_after is not None:
            text += f"; retry after {self.retry_after:g} s"
        return text


class ServerError(APIError):
    """5xx: the service failed. Usually transient; retried automatically for safe requests."""


class WorkflowError(BYOCError):
    """A workflow of :mod:`sentinelhub_byoc.workflows` could not finish what it was asked to do."""


class IngestionFailedError(WorkflowError):
    """Tiles ended FAILED, or were not final when the wait ran out (``raise_on_failure=True``).

    ``result`` is the :class:`~sentinelhub_byoc.workflows.WaitResult` with every tile's final
    state and each failure's cause.
    """

    def __init__(self, message: str, *, result: Any = None) -> None:
        super().__init__(message)
        self.result: Any = result
        """The :class:`~sentinelhub_byoc.workflows.WaitResult`: every tile's final state and failure cause."""


class StorageAccessError(WorkflowError):
    """A local folder, an S3 bucket or an HTTP(S) URL holding COGs could not be read or written.

    The message names the place and what failed (missing bucket, access denied, no connection).
    """


class SourceChangedError(StorageAccessError):
    """A local file of a sync changed, vanished or was replaced between its listing and its upload.

    Only that file's tile fails (nothing of it is registered, and a copy uploaded meanwhile is
    removed); run the sync again once the file is settled, and it is picked up as it is then.
    """


class DownloadError(WorkflowError):
    """A download could not be completed safely.

    The file ended with other than the size the service announced, the server sent more than
    it announced or another range than asked for, the download passed its deadline, a
    ``files.read`` body was larger than ``max_bytes``, or the place on disk was refused (a link,
    or not a regular file or folder, inside the destination). A short partial file is kept
    beside the destination (``.part``) so that the next call resumes; a long one is removed. From
    :func:`~sentinelhub_byoc.workflows.download_tile_files` with ``raise_on_failure=True``,
    ``report`` is the :class:`~sentinelhub_byoc.workflows.DownloadReport` naming every file
    that failed and why (``None`` otherwise).
    """

    def __init__(self, message: str, *, report: Any = None) -> None:
        super().__init__(message)
        self.report: Any = report
        """The :class:`~sentinelhub_byoc.workflows.DownloadReport` naming each failed file, or ``None``.

        Set by :func:`~sentinelhub_byoc.workflows.download_tile_files` with ``raise_on_failure=True``.
        """
