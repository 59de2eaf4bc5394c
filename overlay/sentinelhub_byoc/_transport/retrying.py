"""The retry transports, blocking and asyncio (the blocking one is generated from the other)."""

from sentinelhub_byoc._transport._async.retrying import AsyncRetryTransport
from sentinelhub_byoc._transport._sync.retrying import RetryTransport

__all__ = ["AsyncRetryTransport", "RetryTransport"]
