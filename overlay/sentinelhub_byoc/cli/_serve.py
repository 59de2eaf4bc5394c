"""``byoc emulator serve``: run the local BYOC emulator on loopback until interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType


def register(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``emulator`` command group."""
    group = groups.add_parser("emulator", help="run a local emulator of the BYOC service")
    commands = group.add_subparsers(dest="command", metavar="COMMAND", required=True)
    serve = commands.add_parser("serve", help="serve the emulator over HTTP until Ctrl-C")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on; 0 picks one")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder holding one sub-folder per bucket (default: a temporary folder)",
    )
    serve.set_defaults(run=_serve)


def _serve(args: argparse.Namespace) -> int:
    from sentinelhub_byoc.testing import Emulator, serve

    if not 0 <= args.port <= 65535:
        print(f"byoc: --port must be 0..65535, got {args.port}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _on_signal)
    try:
        emulator = Emulator(data_dir=args.data_dir)
    except OSError as error:
        print(f"byoc: cannot use --data-dir {args.data_dir}: {error}", file=sys.stderr)
        return 2
    with emulator:
        try:
            server = serve(emulator, host=args.host, port=args.port)
        except OSError as error:
            print(f"byoc: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
            return 1
        with server:
            api, legacy = server.api_urls
            print(f"BYOC emulator listening on {server.base_url}")
            print(f"  BYOC API:      {api}")
            print(f"                 {legacy}")
            print(f"  Token URL:     {server.token_url}")
            print(f"  Client ID:     {server.client_id}")
            print(f"  Client secret: {server.client_secret}")
            if args.data_dir is not None:
                print(f"  Buckets:       {args.data_dir}/<bucket>/")
            print("Press Ctrl-C to stop.", flush=True)
            while not stop.wait(0.2):
                pass
    print("Emulator stopped.", flush=True)
    return 0
