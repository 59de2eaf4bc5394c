"""Request extension keys the library understands, and small facts about requests.

The public constants are re-exported where users meet them: :mod:`sentinelhub_byoc.retries`
and :mod:`sentinelhub_byoc.auth`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

RETRY_POLICY_EXTENSION = "sentinelhub_byoc.retry"
RETRY_SAFE_EXTENSION = "sentinelhub_byoc.retry_safe"
TOKEN_REQUEST_EXTENSION = "sentinelhub_byoc.token_request"
BUFFER_RESPONSE_EXTENSION = "sentinelhub_byoc.buffer_response"
#: Set by the retry transports on the response they return: whether an earlier attempt of the
#: request may have been acted on by the service (its answer was a retried 5xx, or the connection
#: failed after the request was sent). A 429 or a connection never opened proves it was not.
EARLIER_ATTEMPT_MAY_HAVE_ACTED_EXTENSION = "sentinelhub_byoc.earlier_attempt_may_have_acted"


def wants_buffered_response(request: httpx.Request) -> bool:
    """Return whether the retry transport should read the whole body before handing it back."""
    return bool(request.extensions.get(BUFFER_RESPONSE_EXTENSION))


def is_token_request(request: httpx.Request) -> bool:
    """Return whether ``request`` fetches an access token (marked by the auth flow)."""
    return bool(request.extensions.get(TOKEN_REQUEST_EXTENSION))


def body_replayable(request: httpx.Request) -> bool:
    """Return whether ``request`` can be sent again: its body is in memory, not a one-shot stream."""
    import httpx

    try:
        request.content  # noqa: B018 - the property raises for a body that is not in memory
    except httpx.RequestNotRead:
        return False
    return True
