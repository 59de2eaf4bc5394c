"""A scripted raw HTTP server on loopback, for tests that play a hostile or odd server.

Each request is handed to a script: a function of the parsed :class:`Request` returning a
:class:`Reply`. A reply is written to the socket byte for byte as scripted, so it may lie: a
``Content-Length`` the body does not match, a ``Content-Range`` that starts elsewhere, a body
that never ends or trickles. The token endpoint (``POST /oauth/token``) answers a token unless
the script takes that path too.

>>> def script(request: Request) -> Reply:
...     return Reply(200, {"Content-Type": "application/json"}, b'{"data": []}')
>>> with ScriptedServer(script) as server:
...     client = server.client()
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from sentinelhub_byoc import AsyncBYOCClient, BYOCClient, Deployment, RetryPolicy

TOKEN_PATH = "/oauth/token"
API_PREFIX = "/api/v1/byoc"
#: Retries that cost no time: a scripted answer is what the test wants to see, once.
NO_RETRY = RetryPolicy(max_attempts=1)


@dataclass(frozen=True)
class Request:
    """One request as the server read it: method, path with query, headers (lower-case names), body."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def api_path(self) -> str:
        """The path below the BYOC API prefix (``/collections/...``), without the query."""
        path = self.path.partition("?")[0]
        return path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path


@dataclass
class Reply:
    """What to write back: a status, headers as given (no Content-Length is added), a body.

    *body* is bytes or an iterable of chunks; each chunk is sent and flushed, after *delay*
    seconds when one is set (a trickling server). An endless generator makes an endless body:
    the server stops when the client hangs up.
    """

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""
    delay: float = 0.0
    #: The status line's reason phrase, written as Latin-1 like the headers.
    reason: str = "Scripted"

    @classmethod
    def json(cls, status: int, value: Any, headers: dict[str, str] | None = None) -> Reply:
        """A JSON answer with a correct Content-Length."""
        data = json.dumps(value).encode()
        all_headers = {"Content-Type": "application/json", "Content-Length": str(len(data))}
        return cls(status, {**all_headers, **(headers or {})}, data)


Script = Callable[[Request], Reply]


def token_reply() -> Reply:
    """A token endpoint's answer: a bearer token valid for an hour."""
    return Reply.json(200, {"access_token": "scripted-token", "token_type": "Bearer", "expires_in": 3600})


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        try:
            while self._one():
                pass
        except (ConnectionError, TimeoutError, OSError):
            pass

    def _one(self) -> bool:
        line = self.rfile.readline(65537)
        if not line.strip():
            return False
        method, path, _version = line.decode("latin-1").split(" ", 2)
        headers: dict[str, str] = {}
        while (header := self.rfile.readline(65537)) not in (b"\r\n", b"\n", b""):
            name, _, value = header.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = self.rfile.read(int(headers.get("content-length", "0") or 0))
        request = Request(method, path, headers, body)
        self.server.requests.append(request)
        take_token = path.partition("?")[0] == TOKEN_PATH and not self.server.script_token
        reply = token_reply() if take_token else self.server.script(request)
        self._write(reply, head=method == "HEAD")
        return reply.headers.get("Connection", "").lower() != "close" and not self.server.close_each

    def _write(self, reply: Reply, *, head: bool) -> None:
        lines = [f"HTTP/1.1 {reply.status} {reply.reason}"]
        lines += [f"{name}: {value}" for name, value in reply.headers.items()]
        if self.server.close_each:
            lines.append("Connection: close")
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        self.wfile.flush()
        if head:
            return
        chunks = [reply.body] if isinstance(reply.body, bytes) else reply.body
        for chunk in chunks:
            if reply.delay:
                time.sleep(reply.delay)
            self.wfile.write(chunk)
            self.wfile.flush()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, script: Script, *, script_token: bool, close_each: bool) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = script
        self.script_token = script_token
        self.close_each = close_each
        self.requests: list[Request] = []


class ScriptedServer:
    """A loopback HTTP server answering every request with *script* (see the module docstring).

    ``script_token=True`` hands token requests to the script as well. ``close_each=True`` (the
    default) closes the connection after every answer, so a lying ``Content-Length`` cannot
    confuse the next request on the same connection.
    """

    def __init__(self, script: Script, *, script_token: bool = False, close_each: bool = True) -> None:
        self._server = _Server(script, script_token=script_token, close_each=close_each)
        # A short poll interval: shutting down waits for the loop to notice, once per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def requests(self) -> list[Request]:
        """Every request read so far, token requests included, in order."""
        return self._server.requests

    @property
    def api_requests(self) -> list[Request]:
        """The requests other than the token endpoint's."""
        return [r for r in self.requests if r.path.partition("?")[0] != TOKEN_PATH]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def deployment(self) -> Deployment:
        """A custom deployment pointing at this server."""
        return Deployment.custom(self.base_url, token_url=self.base_url + TOKEN_PATH)

    def client(self, **options: Any) -> BYOCClient:
        """A :class:`BYOCClient` talking to this server (any client argument may be overridden)."""
        return BYOCClient(**self._arguments(options))

    def async_client(self, **options: Any) -> AsyncBYOCClient:
        """The :class:`AsyncBYOCClient` twin of :meth:`client`."""
        return AsyncBYOCClient(**self._arguments(options))

    def _arguments(self, options: dict[str, Any]) -> dict[str, Any]:
        defaults = {
            "client_id": "scripted-id",
            "client_secret": "scripted-secret",
            "deployment": self.deployment,
            "retry": NO_RETRY,
            "token_cache": False,
        }
        return {**defaults, **options}


def endless(chunk: bytes = b"x" * 65536) -> Iterator[bytes]:
    """A body that never ends."""
    while True:
        yield chunk


def raw_exchange(base_url: str, data: bytes, *, timeout: float = 5.0) -> bytes:
    """Send *data* as is over a fresh connection to *base_url* and return everything read back."""
    host, _, port = base_url.removeprefix("http://").partition(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(data)
        connection.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received
