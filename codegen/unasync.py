"""The blocking half of the client, generated from its asyncio half.

Every ``_async`` folder under ``overlay/sentinelhub_byoc`` is the source of its sibling ``_sync``
folder. Each module is rewritten with :data:`SUBSTITUTIONS` (whole words only), given a header
line and passed through ruff (import order, then formatting), so the output is lint-clean and the
same on every run. Where the two halves differ beyond a word, the difference is a pair in the
table: nothing is edited by hand in ``_sync``.

- ``python -m codegen.unasync``: rewrite the ``_sync`` folders (``nox -s unasync``).
- ``python -m codegen.unasync --check``: fail, naming each ``_sync`` file that a rewrite would
  change, add or remove (``nox -s check_unasync``).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from codegen._files import write_text_atomic
from codegen._ruff import run_ruff

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "overlay" / "sentinelhub_byoc"

#: Asyncio word → blocking word. Each pair names one difference between the halves.
SUBSTITUTIONS: dict[str, str] = {
    # Keywords.
    "async def": "def",
    "async for": "for",
    "async with": "with",
    "await ": "",
    # The standard library and httpx.
    "AsyncIterator": "Iterator",
    "StopAsyncIteration": "StopIteration",
    "__anext__": "__next__",
    "asend": "send",
    "athrow": "throw",
    "AbstractAsyncContextManager": "AbstractContextManager",
    "asynccontextmanager": "contextmanager",
    "AsyncClient": "Client",
    "AsyncBaseTransport": "BaseTransport",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "aclose": "close",
    "aread": "read",
    "aiter_bytes": "iter_bytes",
    "handle_async_request": "handle_request",
    "AsyncHTTPTransport": "HTTPTransport",
    # This package.
    "_async": "_sync",
    "AsyncBYOCClient": "BYOCClient",
    "AsyncCollections": "Collections",
    "AsyncTiles": "Tiles",
    "AsyncTileFiles": "TileFiles",
    "AsyncSender": "Sender",
    "async_pool": "sync_pool",
    "async_pages": "pages",
    "async_items": "items",
    "acquire_async": "acquire",
    "AsyncSleep": "Sleep",
    "anyio_sleep": "time_sleep",
    "_adiscard": "_discard",
    "AsyncAuthFlow": "AuthFlow",
    "AsyncTokenLock": "TokenLock",
    "async_auth_flow": "sync_auth_flow",
    # Workflows: asyncio tasks become threads; each workflow's asyncio name loses its prefix.
    "_tasks": "_threads",
    "async_wait": "wait",
    "async_sync": "sync",
    "async_plan_sync": "plan_sync",
    "async_reingest": "reingest",
    "async_delete_collection": "delete_collection",
    "async_copy_tiles": "copy_tiles",
    "async_download_tile_files": "download_tile_files",
    "async_convert_files": "convert_files",
    "async_run_many": "run_many",
}


def _whole_word(word: str) -> str:
    # \b only where the word itself begins or ends with a word character: "await " ends in a space.
    start = r"\b" if re.match(r"\w", word) else ""
    end = r"\b" if re.search(r"\w$", word) else ""
    return start + re.escape(word) + end


# One pass over the text with the longest words tried first, so no replacement is rewritten again.
_PATTERN = re.compile("|".join(_whole_word(word) for word in sorted(SUBSTITUTIONS, key=len, reverse=True)))


def unasync_text(text: str) -> str:
    """*text* with every whole-word occurrence of an asyncio word replaced by its blocking word."""
    return _PATTERN.sub(lambda match: SUBSTITUTIONS[match.group(0)], text)


def header_line(source: Path) -> str:
    """The first line of the file generated from *source*."""
    return f"# Generated from {_shown(source)} by codegen/unasync.py; do not edit."


def _shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.as_posix()


def formatted(text: str, source: Path) -> str:
    """*text*, generated from *source*, with imports sorted and formatted as ``ruff format`` would.

    Renamed imports can change their sorted order, so the import fix runs before formatting.
    """
    # Told the text is *source*, ruff reads the project's settings and sorts first-party imports
    # the same whatever state the _sync folder is in.
    text = run_ruff(["check", "--select", "I", "--fix", "--exit-zero"], text, source)
    return run_ruff(["format"], text, source)


def sync_path(source: Path) -> Path:
    """Where the module generated from *source* (a file in an ``_async`` folder) goes."""
    return source.parent.parent / "_sync" / source.name


def generated_text(source: Path) -> str:
    """The whole blocking module generated from the asyncio module *source*."""
    text = header_line(source) + "\n" + unasync_text(source.read_text(encoding="utf-8"))
    return formatted(text, source)


def _async_folders(package: Path) -> Iterator[Path]:
    yield from sorted(path for path in package.rglob("_async") if path.is_dir())


def expected_files(package: Path = PACKAGE) -> dict[Path, str]:
    """Every file the ``_sync`` folders below *package* should hold, with its text."""
    return {
        sync_path(source): generated_text(source)
        for folder in _async_folders(package)
        for source in sorted(folder.glob("*.py"))
    }


def _orphans(package: Path, expected: dict[Path, str]) -> list[Path]:
    """Modules in a ``_sync`` folder that no asyncio module generates (left after a source was removed)."""
    folders = {source_folder.parent / "_sync" for source_folder in _async_folders(package)}
    return sorted(
        path for folder in folders if folder.is_dir() for path in folder.glob("*.py") if path not in expected
    )


def stale(package: Path = PACKAGE) -> list[str]:
    """One line per ``_sync`` file that differs from a fresh generation, saying how; empty when current."""
    expected = expected_files(package)
    found = []
    for path, text in expected.items():
        if not path.is_file():
            found.append(f"{_shown(path)}: missing")
        elif path.read_text(encoding="utf-8") != text:
            found.append(f"{_shown(path)}: differs")
    found.extend(
        f"{_shown(path)}: not generated from any _async module" for path in _orphans(package, expected)
    )
    return found


def write(package: Path = PACKAGE) -> list[Path]:
    """Regenerate the ``_sync`` folders below *package*, removing orphans; return the files written."""
    expected = expected_files(package)
    for path in _orphans(package, expected):
        path.unlink()
    for path, text in expected.items():
        write_text_atomic(path, text)
    return list(expected)


def main(argv: list[str] | None = None) -> int:
    """Regenerate the ``_sync`` folders, or with ``--check`` report stale ones and return 1."""
    parser = argparse.ArgumentParser(prog="python -m codegen.unasync", description=__doc__)
    parser.add_argument("--check", action="store_true", help="change nothing; fail if a _sync file is stale")
    arguments = parser.parse_args(argv)
    if arguments.check:
        found = stale()
        if found:
            print("the _sync code is out of date with its _async source:", file=sys.stderr)
            for line in found:
                print(f"  {line}", file=sys.stderr)
            print("run `nox -s unasync` and commit the result", file=sys.stderr)
            return 1
        print("the _sync code matches its _async source")
        return 0
    for path in write():
        print(f"generated {_shown(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
