"""A scripted Planet file server for the download attacks: listing, HEAD and GET, each overridable.

``FileScript(files)`` answers like an honest server for *files* (name -> bytes): the listing,
``HEAD`` with ``Content-Length``, ``GET`` with ``200`` or, for a ``Range``, a correct ``206``.
``bodies`` replaces a file's ``GET`` answer with any :class:`Reply` (a function of the request),
``sizes`` the size ``HEAD`` announces, ``listing`` the names the listing gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from tests.scripted_server import Reply, Request

COLLECTION = "0b2c3d4e-0000-4000-8000-000000000001"
TILE = "0b2c3d4e-0000-4000-8000-0000000000a1"
FILES_PATH = f"/collections/{COLLECTION}/tiles/{TILE}/files"


@dataclass
class FileScript:
    """The script of a Planet tile's files; call it with a request (see the module docstring)."""

    files: dict[str, bytes]
    bodies: dict[str, Callable[[Request], Reply]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    listing: list[str] | None = None

    def __call__(self, request: Request) -> Reply:
        path = request.api_path
        if path == FILES_PATH:
            names = list(self.files) if self.listing is None else self.listing
            return Reply.json(200, names)
        if not path.startswith(FILES_PATH + "/"):
            return Reply.json(404, {"error": {"status": 404, "message": "no such thing"}})
        name = unquote(path[len(FILES_PATH) + 1 :])
        if name not in self.files:
            return Reply.json(404, {"error": {"status": 404, "message": f"no file {name}"}})
        content = self.files[name]
        if request.method == "HEAD":
            return Reply(200, {"Content-Length": str(self.sizes.get(name, len(content)))})
        if name in self.bodies:
            return self.bodies[name](request)
        return honest(content, request)


def honest(content: bytes, request: Request) -> Reply:
    """What a correct server answers to a GET of *content*."""
    wanted = request.headers.get("range")
    if wanted is None:
        return Reply(200, {"Content-Length": str(len(content))}, content)
    start = int(wanted.removeprefix("bytes=").rstrip("-"))
    if start >= len(content):
        return Reply(416, {"Content-Range": f"bytes */{len(content)}", "Content-Length": "0"})
    part = content[start:]
    headers = {
        "Content-Length": str(len(part)),
        "Content-Range": f"bytes {start}-{len(content) - 1}/{len(content)}",
    }
    return Reply(206, headers, part)


def gets(requests: list[Request]) -> list[Request]:
    """The file GETs among *requests*."""
    return [r for r in requests if r.method == "GET" and r.api_path.startswith(FILES_PATH + "/")]


#: What the file in the ``outside`` folder holds, and must still hold after any attack.
VICTIM = b"keep me"


def make_outside(tmp_path: Path) -> Path:
    """A folder beside the destination holding ``victim.txt``, a file that must never change."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "victim.txt").write_bytes(VICTIM)
    return folder
