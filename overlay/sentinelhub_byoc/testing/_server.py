"""Serving an emulator over real HTTP/1.1 on loopback, from a background thread.

Other programs lean on it as on the service, many connections at once, so it never drops a
kept-alive connection on its own: the listen backlog is sized for bursts of new connections,
an idle connection is kept until the client closes it, and a body it cannot read (a bad
``Content-Length``, a broken chunked body, one too large) is answered with 400 or 413 and the
connection closed. A client that hangs up at any point, even in the middle of its body, ends
only its own connection, quietly (a debug log line), and nothing it half-sent is acted on.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from ._answers import Dropped, FileBody, error_response
from ._emulator import TOKEN_PATHS, Emulator, Flavour
from ._handlers import PREFIXES

_log = logging.getLogger(__name__)
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})
# Far above any BYOC request (a tile's cover geometry is the largest part); a larger body is
# refused with 413 instead of being read into memory.
_MAX_BODY = 64 * 1024 * 1024
# What a client hanging up, at any point of an exchange, looks like to the server's threads.
_HANG_UPS = (ConnectionError, TimeoutError)


class _BadRequest(Exception):
    """A request whose body cannot be read: answered with ``status`` and the connection closed."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    # Lets a restarted server take the port of one that just stopped.
    allow_reuse_address = True
    # socketserver's default backlog of 5 overflows when a client opens a pool of connections
    # at once while the handlers hold the GIL; Linux then resets some of them (a ReadError in
    # the client). The kernel caps it at net.core.somaxconn.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        super().__init__(address, _Handler)
        self.emulator = emulator

    def handle_error(self, request: object, client_address: object) -> None:
        """Log a failed connection: a client hanging up quietly, anything else with its traceback.

        socketserver would print the traceback on stderr; a client going away is not an error.
        """
        error = sys.exc_info()[1]
        if isinstance(error, _HANG_UPS):
            _log.debug("client %s went away: %r", client_address, error)
        else:
            _log.error("emulator connection from %s failed", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm the body would wait for
    # the client's delayed ACK, adding about 40 ms to every request on loopback.
    disable_nagle_algorithm = True
    # No idle timeout: a server closing an idle kept-alive connection races the client reusing
    # it, and the client sees its request fail. The client closes connections it no longer wants.
    timeout = None
    server: _HttpServer

    def log_message(self, format: str, *args: object) -> None:
        _log.debug("%s - " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._serve()

    def __getattr__(self, name: str) -> Callable[[], None]:
        # http.server answers methods without a do_* handler (TRACE, QUERY, ...) with its own
        # HTML 501 page; the service refuses them with a JSON 405 and an Allow header, so
        # every method goes to the emulator.
        if name.startswith("do_"):
            return self.do_GET
        raise AttributeError(name)

    def _read_body(self) -> bytes:
        """The body; :class:`_BadRequest` when it cannot be read, ``ConnectionError`` when cut off."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        text = (self.headers.get("Content-Length") or "0").strip()
        if not (text.isascii() and text.isdigit()):
            raise _BadRequest(400, f"Content-Length must be a number of bytes, got {text[:40]!r}")
        return self._read_exactly(int(text))

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            if not line.endswith(b"\n"):
                raise ConnectionResetError("the body ended inside a chunk header")
            size_text = line.split(b";")[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise _BadRequest(400, "a chunk of the body has no valid size") from None
            if size < 0:
                raise _BadRequest(400, "a chunk of the body has a negative size")
            if size == 0:
                # Trailers end with an empty line.
                while (trailer := self.rfile.readline(65537)) not in (b"\r\n", b"\n"):
                    if not trailer:
                        raise ConnectionResetError("the body ended inside its trailers")
                return b"".join(chunks)
            total += size
            chunks.append(self._read_exactly(size, total))
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise _BadRequest(400, "a chunk of the body is longer than its size")

    def _read_exactly(self, length: int, total: int | None = None) -> bytes:
        if (length if total is None else total) > _MAX_BODY:
            raise _BadRequest(413, f"The request body is larger than {_MAX_BODY} bytes")
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            # The client hung up before sending the whole body: nothing to answer.
            raise ConnectionResetError(f"the body ended after {len(body)} of {length} bytes")
        return body

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except _BadRequest as error:
            # What follows on the connection cannot be trusted to start a request.
            self.close_connection = True
            refusal = error_response(error.status, "COMMON_BAD_PAYLOAD", str(error))
            self._send(refusal, refusal.content)
            return
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        headers = [(k, v) for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP]
        request = httpx.Request(self.command, f"http://{host}{self.path}", headers=headers, content=body)
        try:
            reply = self.server.emulator.handle(request)
        except Exception as error:
            _log.exception("emulator failed on %s %s", self.command, self.path)
            reply = error_response(500, "COMMON_EXCEPTION", f"Emulator error: {error}")
        if isinstance(reply, Dropped):
            self._drop(reply.response)
        elif isinstance(reply.stream, FileBody):
            self._send_file(reply, reply.stream)
        else:
            self._send(reply, reply.content)

    def _send_file(self, response: httpx.Response, body: FileBody) -> None:
        # Written chunk by chunk as it is read: a large file never sits in memory.
        length = int(response.headers["content-length"])
        self._send(response, b"", length=length)
        if self.command != "HEAD":
            sent = 0
            try:
                for chunk in body:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except _HANG_UPS:
                raise
            except OSError as error:
                _log.debug("could not read %s to the end: %r", self.path, error)
            self.wfile.flush()
            if sent != length:
                # The file changed under the answer: the client must see the body end early,
                # not read the next answer as the rest of this one.
                self.close_connection = True

    def _send(self, response: httpx.Response, body: bytes, length: int | None = None) -> None:
        self.send_response(response.status_code, response.reason_phrase)
        for key, value in response.headers.multi_items():
            if key.lower() not in _HOP_BY_HOP:
                self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        if self.command == "HEAD" and "content-length" in response.headers:
            self.send_header("Content-Length", response.headers["content-length"])
        else:
            self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def _drop(self, lost: httpx.Response | None) -> None:
        if lost is not None:
            # Announce the whole body, send half of it, then hang up.
            body = lost.read()
            self._send(lost, body[: len(body) // 2], length=len(body))
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class EmulatorServer:
    """An emulator listening on HTTP/1.1 in a background thread; a context manager."""

    def __init__(
        self,
        emulator: Emulator | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        flavour: Flavour | None = None,
    ) -> None:
        """Prepare to serve ``emulator`` (a new one of ``flavour`` when ``None``) on ``host:port``."""
        if emulator is not None and flavour is not None and flavour != emulator.flavour:
            raise ValueError(
                f"the emulator given has flavour {emulator.flavour!r}, not {flavour!r}; "
                "create it with Emulator(flavour=...) or leave flavour= out"
            )
        self._owns_emulator = emulator is None
        self.emulator = emulator if emulator is not None else Emulator(flavour=flavour or "sentinel-hub")
        """The emulator served (created, and closed by :meth:`stop`, when none was given)."""
        self._address = (host, port)
        self._server: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        client_id, client_secret = self.emulator.credentials
        self.client_id = client_id
        """The client id to connect with: the emulator's first client (the demo client by default)."""
        self.client_secret = client_secret
        """The secret of ``client_id``."""

    def start(self) -> EmulatorServer:
        """Bind the socket and start answering; returns ``self``."""
        if self._server is not None:
            raise RuntimeError("this emulator server is already running")
        server = _HttpServer(self._address, self.emulator)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name=f"byoc-emulator-{self.port}",
        )
        self._thread.start()
        # The first server of a directory's member is where its location list sends clients.
        self.emulator.served_at(self.base_url)
        return self

    def stop(self) -> None:
        """Stop answering and release the port."""
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        if self._owns_emulator:
            self.emulator.close()

    @property
    def host(self) -> str:
        """The address the server listens on."""
        return self._address[0]

    @property
    def port(self) -> int:
        """The port the server listens on (the real one when 0 was asked for)."""
        if self._server is None:
            raise RuntimeError("the emulator server is not running: call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://host:port`` without a trailing slash."""
        return f"http://{self.host}:{self.port}"

    @property
    def token_url(self) -> str:
        """Full URL of the OAuth2 token endpoint."""
        return self.base_url + TOKEN_PATHS[0]

    @property
    def api_urls(self) -> tuple[str, str]:
        """Full URLs of the two BYOC prefixes: ``/api/v1/byoc`` and ``/byoc/v1``."""
        return (self.base_url + PREFIXES[0], self.base_url + PREFIXES[1])

    def __enter__(self) -> EmulatorServer:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def serve(
    emulator: Emulator | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    flavour: Flavour | None = None,
) -> EmulatorServer:
    """Start serving ``emulator`` on loopback and return the running server.

    Without an ``emulator`` a new one is served, of ``flavour`` (``"sentinel-hub"`` by default,
    or ``"cdse"``). Use it as a context manager:
    ``with serve(port=0, flavour="cdse") as server: server.base_url``.
    """
    return EmulatorServer(emulator, host=host, port=port, flavour=flavour).start()
