r"""Files only their owner may touch: where they go, what is trusted, how they are opened.

The token cache and the shared request budget keep small files that other processes of the same
user read and write. Both trust them by the same rules, as OpenSSH's ``StrictModes`` does (on
POSIX systems): the directory is a real directory owned by you and writable by nobody else, and
so is every directory above it unless it is sticky (as ``/tmp`` is); a file is a regular file
owned by you and writable by nobody else, opened without following links (:data:`OPEN_FLAGS`).
What fails a rule is told once per process (:func:`warn_once`) and left as it is.

The default place is the user's cache directory (:func:`cache_directory`): ``$XDG_CACHE_HOME``
(or ``~/.cache``) on Linux and other POSIX systems, ``~/Library/Caches`` on macOS and
``%LOCALAPPDATA%`` on Windows, each followed by ``sentinelhub-byoc`` and the kind of file.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

import attrs

from sentinelhub_byoc._logging import logger
from sentinelhub_byoc._paths import GUARDED
from sentinelhub_byoc.errors import ConfigurationError

_APP = "sentinelhub-byoc"
# Ownership and modes are POSIX notions; Windows profiles carry access rights of their own.
STRICT: Final = os.name == "posix"
# Guarded as every planted-on file is, and never making a terminal ours.
OPEN_FLAGS: Final = GUARDED | getattr(os, "O_NOCTTY", 0)
_LINK = "is a symbolic link (never followed)"


def cache_directory(
    kind: str,
    *,
    platform: str = sys.platform,
    environ: Mapping[str, str] = os.environ,
    home: Path | None = None,
) -> Path:
    """The default directory of the package's files of *kind* (``"tokens"``, ``"budgets"``...)."""
    home = home if home is not None else Path.home()
    if platform == "win32":
        local = environ.get("LOCALAPPDATA")
        base = Path(local) if local else home / "AppData" / "Local"
    elif platform == "darwin":
        base = home / "Library" / "Caches"
    else:
        xdg = environ.get("XDG_CACHE_HOME")
        # The XDG spec says relative values are invalid and must be ignored.
        base = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".cache"
    return base / _APP / kind


def account_key(client_id: str, token_url: str) -> str:
    """The name (without extension) of an account's files: a SHA-256 of ``(client_id, token_url)``.

    Neither the client id nor anything else of the account can be read back from it.
    """
    # Length-prefixed, so that no two different pairs hash the same input.
    return hashlib.sha256(f"{len(client_id)}:{client_id}\n{token_url}".encode()).hexdigest()


def create_private_directory(directory: Path) -> None:
    """Create *directory* and its missing parents, each ``0700``; :class:`OSError` when that fails."""
    missing = [path for path in (directory, *directory.parents) if not os.path.lexists(path)]
    for path in reversed(missing):  # the outermost first
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)
            if STRICT:
                os.chmod(path, 0o700)  # mkdir's mode is reduced by the umask
    if not directory.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a directory")


def made_directory(
    directory: Path, *, explicit: bool, what: str, owner: str, without: str, warn: Callable[[str], None]
) -> bool:
    """Create *directory* (:func:`create_private_directory`); whether it is there now.

    A directory the user named (*explicit*) that cannot be created is their mistake: a
    :class:`ConfigurationError` saying so, naming *owner*'s ``directory=``. A default one that
    cannot be is *warn*-ed about, saying what happens *without* it, and never fails the client.
    """
    try:
        create_private_directory(directory)
    except OSError as error:
        message = f"cannot create the {what} directory {directory}: {error.strerror or error}"
        if explicit:
            raise ConfigurationError(
                f"{message}; create it yourself, or pass {owner}(directory=...) a writable directory"
            ) from error
        warn(f"{message}; {without}")
        return False
    return True


def _writers(mode: int) -> str:
    group, others = bool(mode & stat.S_IWGRP), bool(mode & stat.S_IWOTH)
    return "group and others" if group and others else "its group" if group else "others"


def file_problem(info: os.stat_result) -> str | None:
    """Why a file with status ``info`` (from ``lstat`` or ``fstat``) is not trusted, or ``None``."""
    if stat.S_ISLNK(info.st_mode):
        return _LINK
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    if STRICT:
        uid = os.geteuid()
        if info.st_uid != uid:
            return f"is owned by user id {info.st_uid}, not by you (user id {uid})"
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return f"is writable by {_writers(info.st_mode)} (mode {stat.S_IMODE(info.st_mode):04o})"
    return None


def directory_problem(directory: Path) -> str | None:
    """Why ``directory`` (a path without symbolic links) is not trusted to hold private files, or ``None``."""
    try:
        info = os.lstat(directory)
    except OSError as error:
        return f"cannot be used: {error.strerror or error}"
    if stat.S_ISLNK(info.st_mode):
        return "is now a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a directory"
    if not STRICT:
        return None
    uid = os.geteuid()
    if info.st_uid != uid:
        return f"is owned by user id {info.st_uid}, not by you (user id {uid})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        mode = stat.S_IMODE(info.st_mode)
        return f"is writable by {_writers(info.st_mode)} (mode {mode:04o}; chmod go-w fixes it)"
    for parent in directory.parents:
        try:
            info = os.lstat(parent)
        except OSError as error:
            return f"cannot be used: its parent {parent} cannot be examined: {error.strerror or error}"
        if stat.S_ISLNK(info.st_mode):
            return f"cannot be used: its parent {parent} is now a symbolic link"
        if info.st_uid not in (0, uid):
            return f"is inside {parent}, which is owned by user id {info.st_uid}, not by you or root"
        # A sticky directory (/tmp) lets others add entries but not rename or remove yours.
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not info.st_mode & stat.S_ISVTX:
            mode = stat.S_IMODE(info.st_mode)
            return f"is inside {parent}, which is writable by {_writers(info.st_mode)} (mode {mode:04o})"
    return None


def link_problem(path: Path, error: OSError) -> str | None:
    """The problem to report when opening ``path`` without following links failed, if a link did it."""
    # O_NOFOLLOW fails with ELOOP on Linux, EMLINK on FreeBSD, EFTYPE on NetBSD.
    if error.errno in (errno.ELOOP, errno.EMLINK, getattr(errno, "EFTYPE", -1)):
        return _LINK
    with contextlib.suppress(OSError):
        if stat.S_ISLNK(os.lstat(path).st_mode):
            return _LINK
    return None


def open_private_file(path: Path, refuse: Callable[[Path, str], None]) -> int | None:
    """*path* opened for reading and writing (created ``0600`` if missing) and checked.

    ``None`` when it is not trusted: *refuse* is told the path and the problem, and nothing is
    left open. The directory is the caller's to check first.
    """
    # Where O_NOFOLLOW does not exist (Windows), this is what keeps a link from being opened.
    try:
        planted_link = stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:  # missing (created below), or failing the open below too
        planted_link = False
    if planted_link:
        refuse(path, _LINK)
        return None
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | OPEN_FLAGS, 0o600)
    except OSError as error:
        refuse(path, link_problem(path, error) or f"cannot be opened: {error.strerror or error}")
        return None
    problem: str | None
    try:
        problem = file_problem(os.fstat(fd))
    except OSError as error:
        problem = f"cannot be examined: {error.strerror or error}"
    if problem is not None:
        os.close(fd)
        refuse(path, problem)
        return None
    return fd


# The warnings already given: each problem is told once per process, however many clients and
# requests meet it.
_warned: set[str] = set()
_warned_lock = threading.Lock()


def warn_once(message: str) -> None:
    """Log *message* as a ``WARNING`` unless this process has already logged it."""
    with _warned_lock:
        if message in _warned:
            return
        _warned.add(message)
    logger.warning("%s", message)


@attrs.frozen
class Guard:
    """The trust checks of one directory of private files, told in its user's words."""

    directory: Path
    what: str
    """What the files are, e.g. ``"token cache"``."""
    noun: str
    """What the client goes without when they are refused, e.g. ``"the cache"``."""
    fix: str
    """How to choose another directory, e.g. ``"pass FileTokenCache(directory=...) one of your own"``."""

    def directory_trusted(self) -> bool:
        """Whether the directory may be used now; warns (once) when it may not."""
        problem = directory_problem(self.directory)
        if problem is None:
            return True
        warn_once(
            f"not using the {self.what} directory {self.directory}: it {problem}; the client works "
            f"without {self.noun}. Fix the directory, or {self.fix}"
        )
        return False

    def refuse_file(self, path: Path, problem: str) -> None:
        """Warn (once) that the file at *path* is not used, and why."""
        warn_once(
            f"not using the {self.what} file {path}: it {problem}; it is left as it is. "
            f"Remove it to use {self.noun} again"
        )
