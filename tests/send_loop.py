"""A sender driven one raw request at a time: the send loop as the tests of retries see it."""

from __future__ import annotations

from typing import Any

import httpx
from sentinelhub_byoc._transport._async.sending import AsyncSender
from sentinelhub_byoc._transport._sync.sending import Sender
from sentinelhub_byoc._transport.calls import RequestOptions
from sentinelhub_byoc.retries import RetryPolicy

URL = "https://api.example/api/v1/byoc/collections"
NO_JITTER = RetryPolicy(max_attempts=4, base_delay=1.0, max_delay=8.0, jitter="none")


class Loop:
    """A blocking sender over *transport*: each call sends one request through its loop.

    ``auth=`` (an ``httpx.Auth``) is driven by the sender, as the clients' is.
    """

    def __init__(
        self,
        transport: httpx.BaseTransport,
        sleeps: list[float],
        policy: RetryPolicy = NO_JITTER,
        **kwargs: Any,
    ) -> None:
        self.http = httpx.Client(transport=transport)
        self.policy = policy
        auth = kwargs.pop("auth", None)
        self.sender = Sender(self.http, URL, auth, retry=policy, sleep=sleeps.append, **kwargs)

    def __enter__(self) -> Loop:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.http.close()

    def request(
        self,
        method: str,
        url: str = URL,
        *,
        policy: RetryPolicy | None = None,
        retry_safe: bool = False,
        buffered: bool = False,
        rate_limited: bool = True,
        **kwargs: Any,
    ) -> httpx.Response:
        request = self.http.build_request(method, url, **kwargs)
        options = RequestOptions(policy or self.policy, retry_safe, buffered, rate_limited)
        response, _ = self.sender.send_request(request, options)
        return response

    def get(self, url: str = URL, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str = URL, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)


class AsyncLoop:
    """The asyncio twin of :class:`Loop`."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport,
        sleeps: list[float],
        policy: RetryPolicy = NO_JITTER,
        **kwargs: Any,
    ) -> None:
        async def sleep(seconds: float) -> None:
            sleeps.append(seconds)

        self.http = httpx.AsyncClient(transport=transport)
        self.policy = policy
        auth = kwargs.pop("auth", None)
        self.sender = AsyncSender(self.http, URL, auth, retry=policy, sleep=sleep, **kwargs)

    async def __aenter__(self) -> AsyncLoop:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.http.aclose()

    async def request(self, method: str, url: str = URL, **kwargs: Any) -> httpx.Response:
        request = self.http.build_request(method, url, **kwargs)
        response, _ = await self.sender.send_request(request, RequestOptions(self.policy, buffered=False))
        return response

    async def get(self, url: str = URL) -> httpx.Response:
        return await self.request("GET", url)

    async def post(self, url: str = URL, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", url, **kwargs)
