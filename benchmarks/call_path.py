"""Which overlay modules one call runs through: the "hops" of ``tiles.get`` and of one page.

``python benchmarks/call_path.py`` sends each call through ``BYOCClient`` to an
``httpx.MockTransport`` answering prebuilt bytes (after a warm-up call, so imports and the
token are not counted) and prints, in order of first entry, the overlay modules whose Python
functions ran during the call. Modules of the generated package are counted apart.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import client_cpu

OVERLAY = "sentinelhub_byoc"
GENERATED = "sentinelhub_byoc_api"


def modules_entered(call: Callable[[], Any]) -> list[str]:
    """The modules of the client packages whose functions run during *call*, in order of entry."""
    seen: dict[str, None] = {}

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call":
            name = frame.f_globals.get("__name__", "")
            if name == OVERLAY or name.startswith((OVERLAY + ".", GENERATED)):
                seen.setdefault(name, None)

    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
    return list(seen)


def _with_token_endpoint(answers: client_cpu.Answers) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "t", "token_type": "Bearer", "expires_in": 3600})
        return answers(request)

    return handle


def main() -> int:
    from sentinelhub_byoc import BYOCClient

    answers = client_cpu.Answers()
    with BYOCClient(
        client_id="id",
        client_secret="secret",
        deployment=client_cpu._deployment(),
        transport=httpx.MockTransport(_with_token_endpoint(answers)),
    ) as client:
        calls: dict[str, Callable[[], Any]] = {
            "tiles.get": lambda: client.tiles.get(client_cpu.COLLECTION_ID, client_cpu.TILE_ID),
            "one page of tiles.list": lambda: next(
                iter(client.tiles.pages(client_cpu.COLLECTION_ID, page_size=100))
            ),
        }
        for title, call in calls.items():
            call()
            entered = modules_entered(call)
            overlay = [name for name in entered if not name.startswith(GENERATED)]
            print(f"{title}: {len(overlay)} overlay modules, {len(entered) - len(overlay)} generated")
            for name in entered:
                print(f"  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
