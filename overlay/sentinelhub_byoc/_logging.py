"""The ``sentinelhub_byoc`` logger and the redaction helpers every log line and error message goes through.

Nothing here imports httpx, so error messages can be built cheaply at import time of any module.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

logger = logging.getLogger("sentinelhub_byoc")

REDACTED = "***"

# Lower-cased query parameter names whose values are credentials. Pre-signed S3 URLs
# (tile file downloads) carry their signature and session token in the query string.
_SENSITIVE_QUERY_KEYS = frozenset(
    {
        "access_token",
        "api_key",
        "apikey",
        "client_secret",
        "code",
        "id_token",
        "key",
        "password",
        "refresh_token",
        "secret",
        "sig",
        "signature",
        "token",
        "x-amz-credential",
        "x-amz-security-token",
        "x-amz-signature",
        "x-goog-credential",
        "x-goog-signature",
    }
)

_SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-amz-security-token"}
)


def redact_url(url: object) -> str:
    """Return ``url`` as text with credentials in its query string and userinfo replaced by ``***``.

    Accepts a ``str`` or anything whose ``str()`` is a URL (such as ``httpx.URL``).

    >>> redact_url("https://example.com/token?client_secret=abc&count=5")
    'https://example.com/token?client_secret=***&count=5'
    """
    text = str(url)
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{REDACTED}@{hostport}" if ":" in userinfo else f"{user}@{hostport}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(key.lower() in _SENSITIVE_QUERY_KEYS for key, _ in pairs):
            query = urlencode(
                [(key, REDACTED if key.lower() in _SENSITIVE_QUERY_KEYS else value) for key, value in pairs],
                safe="*",
            )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """Return a plain dict of ``headers`` with authorization and cookie values replaced by ``***``.

    >>> redact_headers({"Authorization": "Bearer abc", "Accept": "application/json"})
    {'Authorization': '***', 'Accept': 'application/json'}
    """
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name: (REDACTED if name.lower() in _SENSITIVE_HEADERS else value) for name, value in items}


def redact_text(text: str, secrets: Iterable[str | None]) -> str:
    """Return ``text`` with every occurrence of each non-empty string in ``secrets`` replaced.

    Used on server-provided text (error bodies) that could echo a credential back.

    >>> redact_text("bad client secret s3cr3t", ["s3cr3t"])
    'bad client secret ***'
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text
