"""``byoc emulator serve``: run the local BYOC emulator on loopback until interrupted."""

from __future__ import annotations

import ipaddress
import signal
import socket
import stat
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Literal, cast

import attrs
import click

from sentinelhub_byoc.cli import _dump

_Flavour = Literal["sentinel-hub", "cdse"]


@click.group("emulator")
def group() -> None:
    """Run a local emulator of the BYOC service (no account needed), or dump an account to seed one."""


group.add_command(_dump.command)


@group.command("serve")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="port to listen on; 0 picks one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="address to bind; any other than a loopback address makes the emulator and its printed "
    "credentials reachable from the network.",
)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="folder holding one sub-folder per bucket "
    "(default: STATE/buckets with --state, else a temporary folder).",
)
@click.option(
    "--seed",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="YAML or JSON file of clients, bucket folders, collections and tiles to start with.",
)
@click.option(
    "--state",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="keep collections and tiles in DIR (SQLite, readable by you only) so that a restarted "
    "emulator still has them.",
)
@click.option(
    "--flavour",
    type=click.Choice(["sentinel-hub", "cdse"]),
    default="sentinel-hub",
    show_default=True,
    help="which deployment's rules to follow: cdse adds storageIdentifier, PROJECT_ID:bucket bucket "
    "names and EPSG:6933.",
)
@click.pass_context
def serve_command(
    ctx: click.Context,
    port: int,
    host: str,
    data_dir: Path | None,
    seed: Path | None,
    state: Path | None,
    flavour: str,
) -> None:
    """Serve the emulator over HTTP until Ctrl-C, printing how to connect to it."""
    arguments = _ServeArguments(
        port=port, host=host, data_dir=data_dir, seed=seed, state=state, flavour=cast(_Flavour, flavour)
    )
    ctx.exit(_serve(arguments))


@attrs.frozen
class _ServeArguments:
    port: int
    host: str
    data_dir: Path | None
    seed: Path | None
    state: Path | None
    flavour: _Flavour


def _serve(args: _ServeArguments) -> int:
    from sentinelhub_byoc.testing import Emulator, serve
    from sentinelhub_byoc.testing._database import StoreError, state_files
    from sentinelhub_byoc.testing._seed import Seed, SeedError, load_seed

    seed: Seed | None = None
    if args.seed is not None:
        try:
            seed = load_seed(args.seed)
        except SeedError as error:
            print(f"byoc: --seed: {error}", file=sys.stderr)
            return 2
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _on_signal)
    exposed = _readable_by_others(state_files(args.state)) if args.state is not None else []
    try:
        emulator = Emulator(
            data_dir=args.data_dir,
            state_dir=args.state,
            flavour=args.flavour,
            seed=seed,
        )
    except StoreError as error:
        print(f"byoc: --state: {error}", file=sys.stderr)
        return 2
    except SeedError as error:
        print(f"byoc: --seed: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        where = f"--data-dir {args.data_dir}" if args.data_dir is not None else "the bucket folder"
        print(f"byoc: cannot use {where}: {error}", file=sys.stderr)
        return 2
    with emulator:
        try:
            server = serve(emulator, host=args.host, port=args.port)
        except OSError as error:
            print(f"byoc: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
            return 1
        with server:
            if exposed:
                # Opening the state made them private; what others could read before, they may have.
                print(
                    f"byoc: warning: {', '.join(map(str, exposed))} could be read by other users "
                    "and now by you only; the client secrets kept there may have been seen",
                    file=sys.stderr,
                )
            if not _is_loopback(args.host):
                print(
                    f"byoc: warning: --host {args.host} is not a loopback address: the emulator and the "
                    "client id and secret printed below can be reached from the network",
                    file=sys.stderr,
                    flush=True,
                )
            api, legacy = server.api_urls
            print(f"BYOC emulator listening on {server.base_url}")
            print(f"  BYOC API:      {api}")
            print(f"                 {legacy}")
            print(f"  Token URL:     {server.token_url}")
            print(f"  Client ID:     {server.client_id}")
            print(f"  Client secret: {server.client_secret}")
            print(f"  Flavour:       {emulator.flavour}")
            if seed is not None and len(seed.clients) > 1:
                print(f"  Other clients: {', '.join(list(seed.clients)[1:])}")
            buckets = args.data_dir or (args.state / "buckets" if args.state is not None else None)
            if buckets is not None:
                print(f"  Buckets:       {buckets}/<bucket>/")
            for name, folder in (seed.buckets if seed else {}).items():
                print(f"  Bucket {name}: {folder}")
            if args.state is not None:
                print(f"  State:         {args.state} (kept across restarts)")
            for collection_id, name, created in emulator.seeded:
                kept = "" if created else " (kept from before)"
                print(f"  Collection:    {collection_id}  {name}{kept}")
            print()
            print(
                connection_help(
                    server.base_url,
                    server.token_url,
                    server.client_id,
                    server.client_secret,
                    cdse=emulator.flavour == "cdse",
                )
            )
            print("Press Ctrl-C to stop.", flush=True)
            while not stop.wait(0.2):
                pass
    print("Emulator stopped.", flush=True)
    return 0


def _readable_by_others(paths: list[Path]) -> list[Path]:
    """Which of ``paths`` exist as regular files with permissions for group or others."""
    found = []
    for path in paths:
        try:
            mode = path.lstat().st_mode
        except OSError:
            continue
        if stat.S_ISREG(mode) and stat.S_IMODE(mode) & 0o077:
            found.append(path)
    return found


def _is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server on this machine (a name counts as what it resolves to)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if not host:
        return False  # every interface
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None, socket.AF_INET)}
    except (OSError, UnicodeError):
        return False
    return bool(addresses) and all(ipaddress.ip_address(address).is_loopback for address in addresses)


def connection_help(
    base_url: str, token_url: str, client_id: str, client_secret: str, *, cdse: bool = False
) -> str:
    """How to point this package's client, curl and sentinelhub-py at an emulator."""
    cdse_argument = ", cdse=True" if cdse else ""
    return f"""Python (sentinelhub-byoc):
    from sentinelhub_byoc import BYOCClient, Deployment

    deployment = Deployment.custom("{base_url}", token_url="{token_url}"{cdse_argument})
    with BYOCClient("{client_id}", "{client_secret}", deployment=deployment) as client:
        print([collection.name for collection in client.collections.list()])

curl:
    TOKEN=$(curl -s -d grant_type=client_credentials -d client_id={client_id} \\
        -d client_secret={client_secret} {token_url} \\
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
    curl -s -H "Authorization: Bearer $TOKEN" {base_url}/api/v1/byoc/collections

sentinelhub-py:
    import os
    from sentinelhub import SentinelHubBYOC, SHConfig

    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"  # its token client refuses plain HTTP otherwise

    config = SHConfig(
        sh_base_url="{base_url}",
        sh_token_url="{token_url}",
        sh_client_id="{client_id}",
        sh_client_secret="{client_secret}",
    )
    print(list(SentinelHubBYOC(config=config).iter_collections()))
"""
