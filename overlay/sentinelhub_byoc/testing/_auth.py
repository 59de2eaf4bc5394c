"""OAuth2 client-credentials accounts and bearer tokens of the emulated identity service."""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import secrets
import threading
import uuid
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import parse_qs

import attrs
import httpx

from ._answers import json_response

DEMO_CLIENT_ID = "demo-client-id"
"""The client id every emulator accepts unless it is given other clients."""
DEMO_CLIENT_SECRET = "demo-client-secret"
"""The secret of :data:`DEMO_CLIENT_ID`: a well-known value, for emulators only."""


@attrs.frozen
class Account:
    """One OAuth2 client and the account that owns its collections."""

    client_id: str
    client_secret: str
    account_id: str


@attrs.frozen
class _Token:
    client_id: str
    expires_at: float


class TokenError(Exception):
    """A token request the identity service refuses, rendered as an OAuth2 error body."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def to_response(self) -> httpx.Response:
        """Render as ``{"error", "error_description"}`` the way Keycloak does."""
        return json_response(self.status, {"error": self.error, "error_description": self.description})


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _locked(method: Callable[Concatenate[Accounts, _P], _R]) -> Callable[Concatenate[Accounts, _P], _R]:
    """Run *method* holding the accounts' lock."""

    @functools.wraps(method)
    def run(self: Accounts, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._lock:
            return method(self, *args, **kwargs)

    return run


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Accounts:
    """Registered clients and the tokens issued to them.

    Each method holds the accounts' own lock, a leaf lock (nothing is called while it is held),
    so emulators of one :class:`~sentinelhub_byoc.testing.Directory` share one identity service.
    """

    def __init__(self, token_lifetime: float) -> None:
        if token_lifetime <= 0:
            raise ValueError(f"token_lifetime must be positive seconds, got {token_lifetime!r}")
        self.token_lifetime = token_lifetime
        self._accounts: dict[str, Account] = {}
        self._tokens: dict[str, _Token] = {}
        self._signing_key = secrets.token_bytes(32)
        self.token_requests = 0
        self._lock = threading.RLock()

    @_locked
    def add(self, client_id: str, client_secret: str, account_id: str | None = None) -> Account:
        """Register a client (replacing the secret of an existing one) and return its account.

        ``account_id`` gives a new client a known account (one kept from an earlier run).
        """
        if not client_id or not isinstance(client_id, str):
            raise ValueError("client_id must be a non-empty string")
        if not client_secret or not isinstance(client_secret, str):
            raise ValueError("client_secret must be a non-empty string")
        existing = self._accounts.get(client_id)
        account_id = existing.account_id if existing else account_id or str(uuid.uuid4())
        account = Account(client_id, client_secret, account_id)
        self._accounts[client_id] = account
        return account

    @_locked
    def get(self, client_id: str) -> Account:
        """Return the account of ``client_id`` or raise ``KeyError`` naming the known clients."""
        try:
            return self._accounts[client_id]
        except KeyError:
            known = ", ".join(sorted(self._accounts)) or "none"
            raise KeyError(f"no client {client_id!r} is registered (known: {known})") from None

    @_locked
    def all(self) -> list[Account]:
        """Every registered account."""
        return list(self._accounts.values())

    @_locked
    def revoke(self, client_id: str | None = None) -> int:
        """Invalidate the tokens of one client, or of all clients; return how many."""
        doomed = [t for t, v in self._tokens.items() if client_id in (None, v.client_id)]
        for token in doomed:
            del self._tokens[token]
        return len(doomed)

    @_locked
    def authenticate(self, request: httpx.Request, now: float) -> Account | None:
        """Return the account of a valid, unexpired bearer token on ``request``, else ``None``."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        issued = self._tokens.get(token.strip())
        if issued is None:
            return None
        if issued.expires_at <= now:
            del self._tokens[token.strip()]
            return None
        return self._accounts.get(issued.client_id)

    def client_of_token_request(self, request: httpx.Request) -> str | None:
        """Return the client id a token request claims to be, for per-client rate limiting."""
        try:
            client_id, _ = self._credentials(request, self._form(request))
        except TokenError:
            return None
        return client_id

    @_locked
    def issue(self, request: httpx.Request, now: float) -> httpx.Response:
        """Answer a token request: a bearer token for valid client credentials."""
        self.token_requests += 1
        try:
            form = self._form(request)
            grant_type = form.get("grant_type")
            if grant_type is None:
                raise TokenError(400, "invalid_request", "Missing form parameter: grant_type")
            if grant_type != "client_credentials":
                raise TokenError(
                    400,
                    "unsupported_grant_type",
                    f"Unsupported grant_type {grant_type!r}: use client_credentials",
                )
            client_id, secret = self._credentials(request, form)
            account = self._accounts.get(client_id)
            if account is None or not hmac.compare_digest(account.client_secret, secret):
                raise TokenError(401, "invalid_client", "Invalid client or Invalid client credentials")
        except TokenError as error:
            return error.to_response()
        token = self._mint(account, now)
        self._tokens[token] = _Token(account.client_id, now + self.token_lifetime)
        return json_response(
            200,
            {
                "access_token": token,
                "expires_in": int(self.token_lifetime),
                "refresh_expires_in": 0,
                "token_type": "Bearer",
                "not-before-policy": 0,
                "scope": "",
            },
            {"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    def _mint(self, account: Account, now: float) -> str:
        # JWT-shaped so that clients which decode the token to read "exp" keep working.
        header = {"alg": "HS256", "typ": "JWT"}
        claims: dict[str, Any] = {
            "exp": int(now + self.token_lifetime),
            "iat": int(now),
            "jti": str(uuid.uuid4()),
            "sub": account.account_id,
            "azp": account.client_id,
            "typ": "Bearer",
        }
        signing_input = ".".join(
            _b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
        )
        signature = hmac.new(self._signing_key, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64url(signature)}"

    @staticmethod
    def _form(request: httpx.Request) -> dict[str, str]:
        content_type = request.headers.get("content-type", "")
        if content_type and "application/x-www-form-urlencoded" not in content_type:
            raise TokenError(
                400,
                "invalid_request",
                "Token requests must be form-encoded (application/x-www-form-urlencoded)",
            )
        try:
            text = request.content.decode()
        except UnicodeDecodeError:
            raise TokenError(400, "invalid_request", "Token request body is not UTF-8") from None
        return {key: values[0] for key, values in parse_qs(text).items()}

    @staticmethod
    def _credentials(request: httpx.Request, form: dict[str, str]) -> tuple[str, str]:
        header = request.headers.get("authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(encoded.strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                raise TokenError(401, "invalid_client", "Malformed HTTP Basic credentials") from None
            client_id, sep, secret = decoded.partition(":")
            if not sep:
                raise TokenError(401, "invalid_client", "Malformed HTTP Basic credentials")
            return client_id, secret
        form_id = form.get("client_id")
        form_secret = form.get("client_secret")
        if not form_id or form_secret is None:
            raise TokenError(
                401,
                "invalid_client",
                "Missing client credentials: send client_id and client_secret as form fields "
                "or as HTTP Basic authentication",
            )
        return form_id, form_secret
