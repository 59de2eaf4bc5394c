"""The ``sentinelhub_byoc`` logger and the redaction helpers every log line and error message goes through.

A server may echo a credential back in any encoding: the form body of a token request repeated
URL-encoded, a JSON error that escapes it, an HTML page, a header with the ``Basic`` value of
``id:secret``. :func:`redact_text` hides each secret in every such form; the forms are derived
once per set of secrets (one compiled pattern, cached).

Nothing here imports httpx, so error messages can be built cheaply at import time of any module.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

logger = logging.getLogger("sentinelhub_byoc")
# A library leaves output to the application: without this, logging's last-resort handler would
# print the package's warnings to stderr whenever the application configured no logging.
logger.addHandler(logging.NullHandler())

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
    query = redact_form(parts.query) if parts.query else parts.query
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_form(form: str) -> str:
    """Return a URL-encoded form (or query string) with the values of credential fields replaced.

    The fields are those :func:`redact_url` hides (``client_secret``, ``access_token``,
    ``X-Amz-Signature``...); a form without any is returned unchanged.

    >>> redact_form("grant_type=client_credentials&client_id=me&client_secret=s%2B3")
    'grant_type=client_credentials&client_id=me&client_secret=***'
    """
    pairs = parse_qsl(form, keep_blank_values=True)
    if not any(key.lower() in _SENSITIVE_QUERY_KEYS for key, _ in pairs):
        return form
    return urlencode(
        [(key, REDACTED if key.lower() in _SENSITIVE_QUERY_KEYS else value) for key, value in pairs],
        safe="*",
    )


def form_secrets(form: str) -> list[str]:
    """The values of the credential fields of a URL-encoded form or query string, decoded.

    >>> form_secrets("client_id=me&client_secret=s%2B3")
    ['s+3']
    """
    return [
        value
        for key, value in parse_qsl(form, keep_blank_values=True)
        if key.lower() in _SENSITIVE_QUERY_KEYS and value
    ]


def is_sensitive_header(name: str) -> bool:
    """Whether a header's whole value is a credential (``Authorization``, ``Cookie``...)."""
    return name.lower() in _SENSITIVE_HEADERS


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """Return a plain dict of ``headers`` with authorization and cookie values replaced by ``***``.

    >>> redact_headers({"Authorization": "Bearer abc", "Accept": "application/json"})
    {'Authorization': '***', 'Accept': 'application/json'}
    """
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name: (REDACTED if name.lower() in _SENSITIVE_HEADERS else value) for name, value in items}


def redact_text(text: str, secrets: Iterable[str | None]) -> str:
    r"""Return ``text`` with each non-empty string of ``secrets`` replaced, in any form a server may echo.

    Used on server-provided text (error bodies, headers) that could repeat a credential back.
    Every one of these forms of a secret is replaced by ``***``, and mixtures of them:

    * as it is, in NFC or NFD, or with its non-ASCII characters read in Latin-1 or Windows-1252
      (mojibake), as bytes that were not UTF-8, lost to ``?`` or U+FFFD, or dropped (when at
      least 8 of its characters are ASCII);
    * URL-encoded (form bodies and query strings: ``quote_plus`` or ``quote``, any safe
      characters, upper- or lower-case escapes, ``+`` or ``%20`` for a space), once or twice;
    * escaped in a JSON, JavaScript or Python string (``\uXXXX`` in either case, surrogate pairs,
      ``\"``, ``\/``, ``\xHH``), also escaped again once or twice;
    * as HTML or XML character references (``&amp;``, ``&quot;``, ``&#233;``, ``&#xE9;``);
    * base64, standard or URL-safe, of the secret or of any of the encodings above, on its own or
      inside a longer base64 text (the ``Basic`` value of ``id:secret``), with the characters
      that carry part of its first or last byte.

    >>> redact_text("bad client secret s3cr3t", ["s3cr3t"])
    'bad client secret ***'
    >>> redact_text("client_secret=s3%2Bcr3t&x=1", ["s3+cr3t"])
    'client_secret=***&x=1'
    """
    patterns = _patterns_for(frozenset(secret for secret in secrets if secret))
    if patterns is None:
        return text
    encoded, base64_runs = patterns
    return encoded.sub(REDACTED, _redact_base64(base64_runs, text))


def redact_bytes(data: bytes, secrets: Iterable[str | None]) -> bytes:
    r"""Return ``data`` with each secret replaced as by :func:`redact_text`; other bytes are kept.

    The bytes are read as UTF-8, any byte that is not UTF-8 kept as it is: a binary body comes
    back unchanged, and a secret echoed in Latin-1 is still found.

    >>> redact_bytes(b"secret=s3cr\xe9t\xff", ["s3cré"])
    b'secret=***t\xff'
    """
    text = data.decode("utf-8", "surrogateescape")
    redacted = redact_text(text, secrets)
    return data if redacted == text else redacted.encode("utf-8", "surrogateescape")


# -- the forms of a secret -----------------------------------------------------------------------

# A base64 run shorter than this (6 bytes' worth) is too likely to occur by chance.
_MIN_BASE64_CORE = 8
_MIN_ASCII_TO_DROP = 8
_BASE64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-")
_SHORT_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "'": "'",
    "\b": "b",
    "\f": "f",
    "\n": "n",
    "\r": "r",
    "\t": "t",
}
_HTML_NAMES = {"&": "amp", '"': "quot", "'": "apos", "<": "lt", ">": "gt"}
# An escape's backslash, escaped again once or twice (a JSON string inside a JSON string): 2 and
# 4 backslashes (\\u00e9), or 3 and 7 where the escaped character needs escaping too (\\\"). Bounded
# counts: "one or more" would take quadratic time on a long run of backslashes.
_ESCAPE = r"(?:\\{1,4}|\\{7,8})"


@functools.lru_cache(maxsize=32)
def _patterns_for(secrets: frozenset[str]) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """Two patterns for every form of every secret: the text encodings, and the base64 runs.

    The base64 runs are plain strings, kept apart so that the search for them stays fast; the
    characters around one are taken along by :func:`_redact_base64`.
    """
    if not secrets:
        return None
    encoded: dict[str, int] = {}
    runs: set[str] = set()
    for secret in secrets:
        for variant in {secret, unicodedata.normalize("NFC", secret), unicodedata.normalize("NFD", secret)}:
            # With enough ASCII left to be sure of it, a secret whose other characters were
            # dropped (decoded as ASCII, ignoring errors) is still the secret.
            droppable = sum(char.isascii() for char in variant) >= _MIN_ASCII_TO_DROP
            pattern = "".join(
                _char_pattern(char) + ("?" if droppable and not char.isascii() else "") for char in variant
            )
            encoded.setdefault(pattern, len(variant))
            for data in _encoded_bytes(variant):
                runs.update(_base64_runs(data))
    # The longest first: a secret that contains another is replaced whole.
    ordered = sorted(encoded, key=lambda pattern: -encoded[pattern])
    longest_runs = sorted(runs, key=len, reverse=True)
    return (
        re.compile("|".join(f"(?:{pattern})" for pattern in ordered)),
        re.compile("|".join(re.escape(run) for run in longest_runs) or "(?!)"),
    )


def _redact_base64(runs: re.Pattern[str], text: str) -> str:
    """Replace each base64 run of a secret, with the character on each side and any padding."""
    pieces: list[str] = []
    done = 0
    for match in runs.finditer(text):
        start, end = match.span()
        if start > done and text[start - 1] in _BASE64_CHARS:
            start -= 1  # carries part of the secret's first byte
        if end < len(text) and text[end] in _BASE64_CHARS:
            end += 1  # ... or of its last
        while end < len(text) and text[end] == "=":
            end += 1
        pieces += (text[done:start], REDACTED)
        done = end
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def _hex(number: int, width: int = 2) -> str:
    """A pattern for ``number`` in hexadecimal, in either case."""
    digits = f"{number:0{width}x}"
    return "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in digits)


def _char_pattern(char: str) -> str:
    """A pattern matching one character of a secret in any of the encodings :func:`redact_text` lists."""
    code = ord(char)
    forms = _escaped(char)
    if code >= 0x80:
        utf8 = char.encode("utf-8", "surrogatepass")
        if code < 0x100:  # its Latin-1 byte, as redact_bytes keeps a byte that is not UTF-8
            forms.append(re.escape(chr(code).encode("latin-1").decode("utf-8", "surrogateescape")))
        for codec in ("latin-1", "cp1252"):
            # Mojibake: the UTF-8 bytes read in a single-byte charset, and escaped like any text.
            with contextlib.suppress(UnicodeDecodeError):
                forms.append("".join(f"(?:{'|'.join(_escaped(c))})" for c in utf8.decode(codec)))
        forms.append("\ufffd{1,4}+|\\?")  # possessive: no backtracking into a long run
    return "(?:" + "|".join(dict.fromkeys(forms)) + ")"


def _escaped(char: str) -> list[str]:
    """Patterns for ``char`` as it is, URL-encoded, escaped in a string literal, or in HTML."""
    code = ord(char)
    utf8 = char.encode("utf-8", "surrogatepass")
    slashes = _ESCAPE
    forms = [
        re.escape(char),
        "".join(f"%(?:25)?{_hex(byte)}" for byte in utf8),
        "".join(rf"{slashes}x{_hex(byte)}" for byte in utf8),
        f"&#0*{code};",
        f"&#[xX]0*{_hex(code, 1)};",
        # Python's \U0001F600 and ES2015's \u{1F600}.
        rf"{slashes}U{_hex(code, 8)}",
        rf"{slashes}u\{{0*{_hex(code, 1)}\}}",
    ]
    if code < 0x10000:
        forms.append(rf"{slashes}u{_hex(code, 4)}")
    else:
        high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
        forms.append(rf"{slashes}u{_hex(high, 4)}{slashes}u{_hex(low, 4)}")
    if 0x80 <= code < 0x100:
        forms.append(rf"{slashes}x{_hex(code)}")
    if char == " ":
        forms += [r"\+", "%(?:25)?2[bB]"]  # in a form: "+", and that "+" encoded again
    if char in _SHORT_ESCAPES:
        forms.append(slashes + re.escape(_SHORT_ESCAPES[char]))
    if char in _HTML_NAMES:
        forms.append(f"&{_HTML_NAMES[char]};")
    return forms


def _encoded_bytes(secret: str) -> set[bytes]:
    """The byte strings a server may base64-encode: the secret and its URL and JSON encodings."""
    texts = {
        secret,
        quote_plus(secret),
        quote(secret, safe=""),
        quote(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }
    texts |= {re.sub("%[0-9A-F]{2}", lambda match: match.group().lower(), text) for text in texts}
    found = {text.encode("utf-8", "surrogatepass") for text in texts}
    with contextlib.suppress(UnicodeEncodeError):
        found.add(secret.encode("latin-1"))
    return found


def _base64_runs(data: bytes) -> list[str]:
    """``data`` in base64, whole and as it shows at each of the three offsets in a longer text.

    A byte's bits are spread over two base64 characters, which also carry bits of the bytes
    around it: the runs here are the characters that carry only bits of ``data``.
    """
    runs = []
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(data).decode("ascii")
        if len(whole.rstrip("=")) >= _MIN_BASE64_CORE // 2:
            runs.append(whole)
        for shift in range(3):
            text = encode(b"\0" * shift + data).decode("ascii")
            start = -(-8 * shift // 6)  # the first character whose bits all come from data
            core = text[start : 8 * (shift + len(data)) // 6]
            if len(core) >= _MIN_BASE64_CORE:
                runs.append(core)
    return runs
