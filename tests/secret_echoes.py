"""Echoes of a secret: every encoding a server may repeat it in, and scripted servers that do.

Shared by the client and command-line tests of redaction. :func:`assert_hidden` fails when a
text shows the secret in any of :data:`ENCODINGS`, or most of it inside a longer base64 text.
"""

from __future__ import annotations

import base64
import html
import json
import pickle
import re
import traceback
import unicodedata
import uuid
from collections.abc import Callable
from urllib.parse import parse_qs, quote, quote_plus

import httpx

from tests.scripted_server import Reply, Request

CLIENT_ID = "echo-client"
# Characters that every scheme encodes differently: '+', '/', '=', '&', '%', a quote, a
# backslash, a space, Latin-1, the BMP beyond it, and a character outside the BMP.
MARK = uuid.uuid4().hex[:12]
SECRET = f's3cr3t+/=&%é"\\ {MARK}€😀'
TOKEN = f"eyJ-token-{uuid.uuid4().hex}"


def b64(text: str | bytes) -> str:
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


def _lower_escapes(text: str) -> str:
    return re.sub("%[0-9A-F]{2}", lambda match: match.group().lower(), text)


#: Every encoding a server plausibly echoes a value in, by name.
ENCODINGS: dict[str, Callable[[str], str]] = {
    "raw": lambda s: s,
    "quote_plus": quote_plus,
    "quote": quote,
    "quote_safe_none": lambda s: quote(s, safe=""),
    "lower_case_escapes": lambda s: _lower_escapes(quote_plus(s)),
    "percent_every_byte": lambda s: "".join(f"%{b:02x}" for b in s.encode()),
    "form_encoded_twice": lambda s: quote_plus(quote_plus(s)),
    "json": json.dumps,
    "json_not_ascii": lambda s: json.dumps(s, ensure_ascii=False),
    "json_slash_escaped": lambda s: json.dumps(s).replace("/", "\\/"),
    "json_upper_hex": lambda s: json.dumps(s).replace("\\u00e9", "\\u00E9").replace("\\ud83d", "\\uD83D"),
    "json_twice": lambda s: json.dumps(json.dumps(s)),
    "json_of_form": lambda s: json.dumps(f"client_secret={quote_plus(s)}"),
    "python_repr": repr,
    "python_ascii": ascii,
    "python_bytes": lambda s: repr(s.encode()),
    "html": html.escape,
    "html_numeric": lambda s: "".join(f"&#{ord(c)};" for c in s),
    "html_hex": lambda s: "".join(f"&#x{ord(c):X};" for c in s),
    "latin1_mojibake": lambda s: s.encode().decode("latin-1"),
    "nfd": lambda s: unicodedata.normalize("NFD", s),
    "base64": b64,
    "base64_urlsafe": lambda s: base64.urlsafe_b64encode(s.encode()).decode(),
    "base64_basic": lambda s: b64(f"{CLIENT_ID}:{s}"),
    "base64_basic_form_encoded": lambda s: b64(f"{quote_plus(CLIENT_ID)}:{quote_plus(s)}"),
    "base64_of_form_body": lambda s: b64(f"grant_type=client_credentials&client_secret={quote_plus(s)}&x=1"),
    "base64_offset_1": lambda s: b64("x" + s + "y"),
    "base64_offset_2": lambda s: b64("xy" + s + "yz"),
}


def fingerprints(secret: str) -> list[str]:
    """Strings any of which in a text shows (most of) ``secret``: its encodings and their parts."""
    found = {encode(secret) for encode in ENCODINGS.values()}
    # The random part in plain and base64 at each offset: a base64 blob containing the secret
    # contains one of these.
    if MARK in secret:
        found.add(MARK)
    for shift in range(3):
        text = b64(b"\0" * shift + secret.encode())
        found.add(text[4:-4][:12])
    return [f for f in found if len(f) >= 6]


def assert_hidden(text: str, secret: str = SECRET) -> None:
    for fingerprint in fingerprints(secret):
        assert fingerprint not in text, f"{fingerprint!r} shows in {text[:300]!r}"


def everything_said(error: BaseException) -> str:
    """Every string a user can get from an error: message, fields, the exchange, a pickled copy."""
    parts = [str(error), repr(error), *traceback.format_exception(error)]
    parts += [
        repr(value) for value in vars(error).values() if not isinstance(value, httpx.Request | httpx.Response)
    ]
    request = getattr(error, "request", None)
    response = getattr(error, "response", None)
    if request is not None:
        parts += [
            request.method,
            str(request.url),
            repr(request.headers.raw),
            request.content.decode("latin-1"),
        ]
    if response is not None:
        parts += [
            repr(response.headers.raw),
            response.content.decode("latin-1"),
            response.text,
            response.reason_phrase,
            str(response.request.url),
            repr(response.request.headers.raw),
            response.request.content.decode("latin-1"),
        ]
    pickled = pickle.dumps(error)
    parts += [pickled.decode("latin-1"), str(pickle.loads(pickled))]
    return "\n".join(parts)


# -- token endpoints that echo what they received ------------------------------------------------


def form_of(request: Request) -> str:
    return request.body.decode("latin-1")


def received_secret(request: Request) -> str:
    return parse_qs(request.body.decode())["client_secret"][0]


def _latin1(text: str) -> str:
    """Text whose Latin-1 bytes are the UTF-8 of ``text``: how a header carries it."""
    return text.encode().decode("latin-1")


def echo_everything(status: int) -> Callable[[Request], Reply]:
    def script(request: Request) -> Reply:
        form, secret = form_of(request), received_secret(request)
        body = {
            "error": "invalid_client",
            "error_description": f"bad form {form}",
            "received": {"client_secret": secret, "form": form, "as_basic": b64(f"{CLIENT_ID}:{secret}")},
            "escaped": json.dumps(secret).replace("/", "\\/"),
            "encodings": {name: encode(secret) for name, encode in ENCODINGS.items()},
        }
        data = json.dumps(body, ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Content-Length": str(len(data)),
            "X-Echo": _latin1(form),
            "X-Request-Id": _latin1(quote_plus(secret)),
            "WWW-Authenticate": f'Basic realm="{b64(f"{CLIENT_ID}:{secret}")}"',
            "Set-Cookie": f"seen={quote(secret)}",
            f"X-Seen-{quote(secret, safe='')}": "1",  # in a header name
        }
        return Reply(status, headers, data, reason=_latin1(f"Bad {secret}"))

    return script


def _plain_text_echo(request: Request) -> Reply:
    form = form_of(request)
    data = f"<html><body>bad request: {html.escape(form)} {html.escape(received_secret(request))}".encode()
    return Reply(400, {"Content-Type": "text/html", "Content-Length": str(len(data))}, data)


def _latin1_echo(request: Request) -> Reply:
    data = f"bad secret {received_secret(request)}".encode("latin-1", "replace")
    return Reply(
        401, {"Content-Type": "text/plain; charset=iso-8859-1", "Content-Length": str(len(data))}, data
    )


def _no_token_but_echo(request: Request) -> Reply:
    return Reply.json(
        200, {"token_type": "Bearer", "form": form_of(request), "secret": received_secret(request)}
    )


def _odd_token_type(request: Request) -> Reply:
    return Reply.json(200, {"access_token": "x" * 20, "token_type": quote_plus(received_secret(request))})


def _redirect_with_it(request: Request) -> Reply:
    location = f"https://elsewhere.example/login?next={quote(quote_plus(received_secret(request)))}"
    return Reply(302, {"Location": location, "Content-Length": "0"})


SCRIPTS: dict[str, Callable[[Request], Reply]] = {
    "json_401": echo_everything(401),
    "json_400": echo_everything(400),
    "json_500": echo_everything(500),
    "html_400": _plain_text_echo,
    "latin1_401": _latin1_echo,
    "200_without_token": _no_token_but_echo,
    "200_odd_token_type": _odd_token_type,
    "302_with_it": _redirect_with_it,
}
