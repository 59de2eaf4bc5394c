"""What the emulator gives back for a request: an answer, or a connection to drop."""

from __future__ import annotations

from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Dropped:
    """The emulator's signal to drop the connection instead of answering.

    ``response`` is the answer that was lost when the request had already been processed
    (send part of it, then close); ``None`` means close before sending anything.
    """

    response: httpx.Response | None = None
    """The answer the client loses (part of it is sent, then the connection closes); None closes it
    before anything is sent."""


Reply = httpx.Response | Dropped
"""An answer to send, or a connection to drop."""
