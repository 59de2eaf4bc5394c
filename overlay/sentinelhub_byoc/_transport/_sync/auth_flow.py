# Generated from overlay/sentinelhub_byoc/_transport/_async/auth_flow.py by codegen/unasync.py; do not edit.
"""Driving :class:`~sentinelhub_byoc.auth.ClientCredentialsAuth`'s token flow.

The flow itself (:meth:`~sentinelhub_byoc.auth.ClientCredentialsAuth.auth_flow`) decides
nothing that needs I/O; this driver adds what does: the lock that lets one caller at a time
decide about tokens, the token cache's cross-process lock, and reading token answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from sentinelhub_byoc._transport import extensions
from sentinelhub_byoc._transport.attempts import undecodable

if TYPE_CHECKING:
    from collections.abc import Generator

    from sentinelhub_byoc._transport.auth_flows import AuthFlow, TokenLock
    from sentinelhub_byoc.auth import ClientCredentialsAuth
    from sentinelhub_byoc.token_cache import TokenCacheLock

__all__ = ["drive_auth_flow"]


def drive_auth_flow(auth: ClientCredentialsAuth, request: httpx.Request, lock: TokenLock) -> AuthFlow:
    """Drive *auth*'s flow for *request*, one caller (thread or task) deciding about tokens at a time.

    *lock* is held while a token is chosen or fetched and released before the request itself
    goes out. With a token cache, the cache's file lock is taken too whenever a token may be
    fetched, and held until the token is in: other processes wait for it.
    """
    # The driver is part of the auth implementation: it reads the auth object's private state.
    cache = auth._cache
    cache_lock: TokenCacheLock | None = None
    flow: Generator[httpx.Request, httpx.Response, None] | None = None
    locked = False
    try:
        lock.acquire()
        locked = True
        token = auth._fresh_token()
        if token is None and cache is not None:
            cache_lock = cache.lock()
            cache_lock.acquire()
            # The cache file is a few hundred bytes: it is read in place, without a worker thread.
            token = auth._adopt_cached(cache)
        flow = auth._flow(request, token, cache)
        outgoing = next(flow)
        while True:
            is_token_request = extensions.is_token_request(outgoing)
            if not is_token_request:
                if cache_lock is not None:
                    cache_lock.release()
                    cache_lock = None
                lock.release()
                locked = False
            response = yield outgoing
            if is_token_request:
                try:
                    response.read()
                except httpx.DecodingError as error:
                    # An undecodable or endless token answer is the token endpoint's failure,
                    # for the flow to report as such, not a lost connection to the API.
                    response.close()
                    response = undecodable(response, error)
            elif response.status_code == 401:
                lock.acquire()
                locked = True
                if cache is not None and extensions.body_replayable(request):
                    cache_lock = cache.lock()
                    cache_lock.acquire()
            try:
                outgoing = flow.send(response)
            except StopIteration:
                return
    finally:
        if cache_lock is not None:
            cache_lock.release()
        if locked:
            lock.release()
        if flow is not None:
            flow.close()
