"""Sync's staging: converted copies of the files that break the rules, uploaded in their place.

:func:`stage_file` runs on any worker (see :mod:`._executors`); :func:`staged_files` puts the
copies in place of their originals for the upload comparison. Blocking (GDAL, disk).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sentinelhub_byoc.cog._problems import RuleSet
from sentinelhub_byoc.errors import BYOCError
from sentinelhub_byoc.token_cache import default_token_cache_directory
from sentinelhub_byoc.workflows._convert_jobs import failure_reason
from sentinelhub_byoc.workflows._sources import (
    Files,
    StoredFile,
)

if TYPE_CHECKING:
    from sentinelhub_byoc.cog._convert_options import ConvertOptions

__all__ = [
    "StageJob",
    "Staged",
    "default_staging",
    "stage_file",
    "staged_files",
]


def default_staging(folder: Path) -> Path:
    """Where sync converts a folder's files by default: a folder of its own in the user's cache."""
    digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    return default_token_cache_directory().parent / "staging" / digest


@dataclass(frozen=True)
class StageJob:
    """One file of a sync to check and, when it breaks the rules, convert to *staged*."""

    key: str
    source: str
    staged: str
    rules: RuleSet
    options: ConvertOptions | None


@dataclass(frozen=True)
class Staged:
    """What sync uploads for one key: the file itself (``staged is None``) or its converted copy."""

    key: str
    staged: str | None = None
    converted: bool = False
    reason: str | None = None


def stage_file(job: StageJob) -> Staged:
    """Check *job*'s file; convert it into its staging path when it breaks the rules.

    The converted copy is checked again: a file the conversion could not make right fails with
    the problems left. A file that passes has any stale converted copy removed.
    """
    from sentinelhub_byoc.cog._check import check_cog
    from sentinelhub_byoc.cog._convert import convert

    try:
        if check_cog(job.source, rules=job.rules).ok:
            Path(job.staged).unlink(missing_ok=True)
            return Staged(job.key)
        conversion = convert(job.source, job.staged, rules=job.rules, options=job.options)
        after = check_cog(job.staged, rules=job.rules)
    except (BYOCError, OSError) as error:
        return Staged(job.key, reason=f"conversion failed: {failure_reason(error)}")
    if not after.ok:
        left = "; ".join(problem.message for problem in after.errors)
        return Staged(job.key, reason=f"still breaks the rules after conversion: {left}")
    return Staged(job.key, job.staged, converted=not conversion.up_to_date)


def staged_files(
    files: Files, jobs: Sequence[StageJob], results: Sequence[Staged | Exception]
) -> tuple[Files, dict[str, str], set[str]]:
    """*files* with converted copies in place of originals, the keys that failed, those converted.

    The converted copy keeps its original's key; its size and time are its own, so the bucket
    is compared with what was uploaded.
    """
    staged = dict(files)
    refused: dict[str, str] = {}
    written: set[str] = set()
    for job, result in zip(jobs, results, strict=True):
        if isinstance(result, Exception):
            refused[job.key] = f"conversion failed: {failure_reason(result)}"
        elif result.reason is not None:
            refused[job.key] = result.reason
        elif result.staged is not None:
            path = Path(result.staged)
            try:
                stat = path.stat()
            except OSError as error:
                refused[job.key] = f"the converted copy {path} cannot be read: {error.strerror}"
                continue
            modified = datetime.fromtimestamp(stat.st_mtime, UTC)
            staged[job.key] = StoredFile(job.key, stat.st_size, modified, path)
            if result.converted:
                written.add(job.key)
    return staged, refused, written
