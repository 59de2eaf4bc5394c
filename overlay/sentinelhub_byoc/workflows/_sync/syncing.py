# Generated from overlay/sentinelhub_byoc/workflows/_async/syncing.py by codegen/unasync.py; do not edit.
"""Sync: register a folder, a bucket's prefix (S3, GCS) or a list of keys as tiles, plan first, then act."""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs

from sentinelhub_byoc._ids import as_uuid
from sentinelhub_byoc._sync.client import BYOCClient
from sentinelhub_byoc.cog import RuleSet
from sentinelhub_byoc.cog._layout import BAND, DEFAULT_LAYOUT, TileFiles, group_band_files, tile_keys
from sentinelhub_byoc.errors import BYOCError, IngestionFailedError, ValidationError
from sentinelhub_byoc.storage import _upload
from sentinelhub_byoc.storage._local import list_folder
from sentinelhub_byoc.storage._objects import StoreClients
from sentinelhub_byoc.storage._stat import Files
from sentinelhub_byoc.storage._urls import BucketLocation, is_bucket_url, parse_bucket_url, storage_bucket
from sentinelhub_byoc.workflows import (
    _checks,
    _convert_jobs,
    _converting,
    _filters,
    _sources,
    _threads,
)
from sentinelhub_byoc.workflows._estimate import estimate
from sentinelhub_byoc.workflows._executors import run_many
from sentinelhub_byoc.workflows._plan import (
    PlannedTile,
    Planner,
    SensingTime,
    SyncPlan,
    hold_refused,
    known_tile,
    sensing_time_reader,
)
from sentinelhub_byoc.workflows._sync import waiting
from sentinelhub_byoc.workflows._sync.staging import Staging, conversion_settings, stage_folder, stage_s3
from sentinelhub_byoc.workflows.events import Progress, ProgressCallback, Stage, Unit, report_progress
from sentinelhub_byoc.workflows.reports import SyncReport

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from distributed import Client

    from sentinelhub_byoc.cog._convert_options import ConvertOptions

__all__ = ["plan_sync", "sync"]

Source = str | os.PathLike[str] | Sequence[str]


@attrs.frozen
class _Target:
    """A sync's source, checked: where the files are listed and where the tiles point."""

    description: str
    folder: Path | None
    remote: BucketLocation | None
    keys: tuple[str, ...] | None
    upload_to: BucketLocation | None

    @property
    def scope(self) -> str:
        """The key prefix every tile of this source starts with."""
        location = self.upload_to or self.remote
        return location.prefix if location is not None else ""

    @property
    def location(self) -> BucketLocation | None:
        """Where the tiles' files are in a bucket, when the sync knows (not for a bucket_dir folder)."""
        return self.upload_to or self.remote

    @property
    def bucket(self) -> str | None:
        location = self.location
        return location.bucket if location is not None else None

    @property
    def schemes(self) -> set[str]:
        """The stores this sync reads or writes: ``"s3"``, ``"gs"``, or none."""
        return {location.scheme for location in (self.remote, self.upload_to) if location is not None}


def _target(source: Source, upload_to: str | None, bucket_dir: bool = False) -> _Target:
    if bucket_dir is not False and bucket_dir is not True:
        raise ValidationError(f"bucket_dir must be True or False, got {bucket_dir!r}")
    if _sources.is_key_list(source):
        if upload_to is not None:
            raise ValidationError("upload_to needs a local folder as source, not a list of keys")
        if bucket_dir:
            raise ValidationError(
                "bucket_dir=True says a local folder mirrors the bucket; the source is a list of keys"
            )
        keys = tuple(source)  # type: ignore[arg-type]
        _sources.check_keys(keys)
        return _Target(f"{len(keys)} listed path(s)", None, None, keys, None)
    if is_bucket_url(source):
        location = parse_bucket_url(source)
        store = "S3" if location.scheme == "s3" else "Cloud Storage"
        if upload_to is not None:
            raise ValidationError(
                f"upload_to needs a local folder as source; the source is already in {store}"
            )
        if bucket_dir:
            raise ValidationError(
                f"bucket_dir=True says a local folder mirrors the bucket; the source is already in {store}"
            )
        return _Target(str(location), None, location, None, None)
    if not isinstance(source, str | os.PathLike):
        raise ValidationError(
            "source must be a folder, an s3:// or gs://bucket/prefix URL or a list of keys, "
            f"got {type(source).__name__}"
        )
    folder = Path(source)
    if not folder.is_dir():
        raise ValidationError(
            f"source {str(folder)!r} is not a folder; give a folder of COGs, an s3:// or "
            "gs://bucket/prefix URL or a list of keys"
        )
    if upload_to is not None and bucket_dir:
        raise ValidationError(
            "give either upload_to (the folder's files are uploaded there) or bucket_dir=True (the "
            "folder is a mirror of the bucket), not both"
        )
    if upload_to is None and not bucket_dir:
        # Tiles registered from a folder the service cannot read would all fail, or worse,
        # point at other files of the bucket that happen to have the same keys.
        raise ValidationError(
            f"source {str(folder)!r} is a local folder, and the service reads only the collection's "
            "bucket: pass upload_to='s3://bucket/prefix' or 'gs://bucket/prefix' (--upload-to) to "
            "upload its files there "
            "first, or bucket_dir=True (--bucket-dir) if the folder is a mirror of the bucket (tile "
            "paths are then its files' paths relative to it)"
        )
    upload = None if upload_to is None else parse_bucket_url(upload_to, "upload_to")
    return _Target(str(folder), folder, None, None, upload)


def _check_choices(target: _Target, checksum: bool, max_delete: int | None, delete_missing: bool) -> None:
    """Refuse change-detection and deletion options that do not fit the source."""
    if checksum is not False and checksum is not True:
        raise ValidationError(f"checksum must be True or False, got {checksum!r}")
    if checksum and target.upload_to is None:
        raise ValidationError(
            "checksum=True (--checksum) compares a local folder's files with their copies in the "
            "bucket, so it needs upload_to (--upload-to): an s3:// or gs:// source's objects are "
            "compared by their LastModified, which every write sets (updated, in Cloud Storage), and "
            "a folder that mirrors the bucket has no other copy to compare with; to reingest tiles "
            "whatever their files' times, use "
            "force=True (--force), with include patterns (--include) to choose them"
        )
    if max_delete is None:
        return
    if isinstance(max_delete, bool) or not isinstance(max_delete, int) or max_delete < 0:
        raise ValidationError(f"max_delete must be a whole number >= 0, got {max_delete!r}")
    if not delete_missing:
        raise ValidationError(
            "max_delete (--max-delete) limits the deletions of delete_missing=True (--delete-missing); "
            "add it, or leave out max_delete"
        )


def _refuse_deletions(plan: SyncPlan) -> None:
    if plan.too_many_deletions:
        raise ValidationError(
            f"the sync would delete {len(plan.of('delete'))} tile(s) of collection {plan.collection}, "
            f"more than max_delete={plan.max_delete} (--max-delete) allows; nothing was changed. "
            "Check the source first (an empty or unmounted folder, or a wrong prefix, looks like every "
            "file is gone: see the plan with dry_run=True, --dry-run), then raise max_delete"
        )


def _list_files(target: _Target, clients: StoreClients) -> tuple[Files, dict[str, str]]:
    """The source's files, and the inputs refused with the reason, by key (see :func:`list_folder`).

    Keys a caller listed are not looked up: nothing is known of them, so no file is listed
    (their tiles are the keys', and none counts as changed).
    """
    if target.keys is not None:
        return {}, _sources.key_problems(target.keys, patterns=True)
    if target.remote is not None:
        files = clients.store(target.remote.scheme).list(target.remote)
        refused: dict[str, str] = {}
    else:
        assert target.folder is not None
        prefix = target.upload_to.prefix if target.upload_to is not None else ""
        files, refused = list_folder(target.folder, prefix)
    return files, {**refused, **_sources.key_problems(files)}


def _source_keys(target: _Target, files: Files, inputs: dict[str, str]) -> list[str]:
    """Every key of the source, sorted: its files' and the refused ones' (not folders)."""
    listed = files if target.keys is None else target.keys
    return sorted({*listed, *(key for key in inputs if not key.endswith("/"))})


def _groups(
    target: _Target, keys: Sequence[str], layout: str
) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """The source's tiles (their file keys in band order, by path) and the keys of no tile."""
    listed: dict[str, tuple[str, ...]] = {}
    if target.keys is not None:
        # Listed tile paths are taken as they are; listed files are grouped like any others.
        listed = {key: () for key in keys if BAND in key}
        if listed:
            keys = [key for key in keys if BAND not in key]
    tiles = tile_keys(keys, layout, prefix=target.scope)
    # Each key is in one tile at most: when the tiles hold as many files as there are keys, every
    # key is in one (no set of every key is needed to tell).
    unmatched: list[str] = []
    if sum(map(len, tiles.values())) != len(keys):
        grouped = {key for tile in tiles.values() for key in tile}
        unmatched = [key for key in keys if key not in grouped]
    if listed:
        tiles = dict(sorted({**listed, **tiles}.items()))
    return tiles, unmatched


def _tile_files(tiles: dict[str, tuple[str, ...]], layout: str, scope: str) -> list[TileFiles]:
    """The tiles with their files by band, for staging (a source of files: no listed tile paths)."""
    return group_band_files([key for keys in tiles.values() for key in keys], layout, prefix=scope)


def _kept_files(
    files: Files, tiles: dict[str, tuple[str, ...]], unmatched: list[str], held: dict[str, str]
) -> Files:
    """The files of the tiles kept and those of no tile that are not refused.

    Nothing of a tile held back is uploaded either: its sound files wait for the refused one.
    """
    if not held and len(files) == sum(map(len, tiles.values())) + len(unmatched):
        return files  # no tile is held back and no file refused: every file is kept
    kept = {key for path, keys in tiles.items() for key in (keys or (path,))} | set(unmatched)
    return {key: file for key, file in files.items() if key in kept}


def _check_bucket(client: BYOCClient, collection: UUID, target: _Target) -> None:
    if target.bucket is None:
        return
    bucket = (client.collections.get(collection)).s3_bucket
    # CDSE names buckets PROJECT_ID:bucket; the store knows them by the part after the colon.
    if storage_bucket(bucket) != target.bucket:
        raise ValidationError(
            f"collection {collection} reads bucket {bucket!r}, but the files are in {target.bucket!r}; "
            "sync into the collection's bucket"
        )


def _plan(
    client: BYOCClient,
    collection: UUID,
    target: _Target,
    choice: _Choice,
    *,
    clients: StoreClients,
    on_progress: ProgressCallback | None,
    staging: Staging | None = None,
    dry_run: bool = False,
    wait: bool = True,
) -> tuple[SyncPlan, Files, dict[str, str]]:
    read_time = sensing_time_reader(choice.sensing_time)
    _check_bucket(client, collection, target)
    files, inputs = _threads.in_thread(_list_files, target, clients)
    # Refused files are grouped too: their tile is held back whole, never registered without them.
    keys = _source_keys(target, files, inputs)
    excluded: list[str] = []
    left_out: set[str] = set()
    if choice.filter.active:
        every_path = set(_groups(target, keys, choice.layout)[0])
        excluded = [key for key in keys if not choice.filter.selects(key[len(target.scope) :])]
        dropped = set(excluded)
        keys = [key for key in keys if key not in dropped]
        files = {key: file for key, file in files.items() if key not in dropped}
        inputs = {key: reason for key, reason in inputs.items() if key not in dropped}
    tiles, unmatched = _groups(target, keys, choice.layout)
    del keys
    if choice.filter.active:
        # A tile whose files are all left out by the patterns is not gone: it is not deleted.
        left_out = every_path - tiles.keys()
    held = hold_refused(tiles, inputs)
    unmatched = [key for key in unmatched if key not in inputs]
    files = _kept_files(files, tiles, unmatched, held)
    refused: dict[str, str] = {}
    converted: set[str] = set()
    uploads: list[str] = []
    if staging is not None and staging.s3 is not None:
        # Staged tiles are planned at their staging paths, by their staged files' times; what
        # this run wrote there counts as changed even within the second of an ingestion.
        groups, files, refused, converted = stage_s3(
            staging, files, _tile_files(tiles, choice.layout, target.scope), clients, on_progress, dry_run
        )
        tiles = {tile.path: tuple(tile.keys) for tile in groups}
        del groups
        uploads = sorted(converted)
    elif staging is not None:
        # Converted copies replace their originals before the upload comparison, so a rerun
        # compares the bucket with what was uploaded: the converted file.
        assert target.folder is not None
        assert target.upload_to is not None
        files, refused, converted = stage_folder(
            staging,
            target.folder,
            target.upload_to.prefix,
            files,
            _tile_files(tiles, choice.layout, target.scope),
            on_progress,
        )
    reasons: dict[str, str] = {}
    times = files
    if target.upload_to is not None:
        remote = _threads.in_thread(clients.store(target.upload_to.scheme).list, target.upload_to)
        candidates = {key: file for key, file in files.items() if key not in refused}
        reasons = _threads.in_thread(_upload_reasons, candidates, remote, converted, choice)
        uploads = sorted(reasons)
        # What the service reads is the bucket's copy: a file uploaded after the tile's ingestion
        # began (by an earlier run stopped before its reingest) makes the tile changed.
        times = {key: remote.get(key, file) for key, file in files.items()}
    else:
        reasons = dict.fromkeys(uploads, "staged by this run")
    planner = Planner(
        str(collection),
        target.description,
        tiles,
        times,
        scope=target.scope,
        delete_missing=choice.delete_missing,
        changed_keys=reasons,
        sensing_time=read_time,
        uploads=uploads,
        unmatched=unmatched,
        refused=inputs,
        held=held,
        force=choice.force,
        excluded=excluded,
        left_out=left_out,
        selects=choice.filter.selects,
        max_delete=choice.max_delete,
    )
    # The planner holds the source's tiles now, each let go once its tile in the collection is
    # decided: the collection's tiles are decided page by page, none of them kept whole.
    del tiles
    since = planner.reads_times
    listed = 0
    for tile in client.tiles.list(collection):
        planner.add(tile.path, known_tile(tile, since=since))
        listed += 1
    plan = _with_estimate(client, planner.plan(), listed, target.bucket is not None, wait)
    report_progress(on_progress, Progress("plan", len(plan.tiles), len(plan.tiles)))
    return plan, files, refused


def _with_estimate(
    client: BYOCClient, plan: SyncPlan, listed: int, reads_collection: bool, wait: bool
) -> SyncPlan:
    """*plan* with the requests its sync makes in a collection of *listed* tiles, at *client*'s rate."""
    limiter = client.rate_limit
    counts = plan.counts
    # The wait follows what this run registers and what an interrupted run left on its way.
    pending = sum(1 for tile in plan.of("skip") if tile.pending)
    counted = estimate(
        writes=plan.changes,
        listed=listed,
        reads_collection=reads_collection,
        waited_for=counts["create"] + counts["reingest"] + pending if wait else 0,
        requests_per_minute=None if limiter is None else limiter.requests_per_minute,
        burst=None if limiter is None else limiter.burst,
        location=client.deployment.location,
    )
    return attrs.evolve(plan, estimate=counted)


@attrs.frozen
class _Choice:
    """How a sync reads its source and what it does: files taken, tiles made, changes told, deletions."""

    layout: str
    sensing_time: SensingTime
    filter: _filters.KeyFilter
    checksum: bool
    force: bool
    delete_missing: bool
    max_delete: int | None


def _choice(
    target: _Target,
    layout: str,
    sensing_time: SensingTime,
    include: str | Sequence[str] | None,
    exclude: str | Sequence[str] | None,
    checksum: bool,
    force: bool,
    delete_missing: bool,
    max_delete: int | None,
) -> _Choice:
    """The sync's options, checked against each other and the source."""
    _check_choices(target, checksum, max_delete, delete_missing)
    if force is not False and force is not True:
        raise ValidationError(f"force must be True or False, got {force!r}")
    chosen = _filters.key_filter(include, exclude)
    return _Choice(layout, sensing_time, chosen, checksum, force, delete_missing, max_delete)


def _upload_reasons(files: Files, remote: Files, converted: set[str], choice: _Choice) -> dict[str, str]:
    """The files to upload, with the reason; blocking (with checksum, files are read)."""
    reasons: dict[str, str] = {}
    for key, file in files.items():
        if choice.force:
            reason: str | None = "force uploads every file of the chosen tiles"
        elif key in converted:
            # A copy converted by this run is uploaded even when written within the second of
            # the bucket's older copy (stores keep whole seconds or milliseconds, and the sizes may agree).
            reason = "converted by this run"
        else:
            reason = _upload.upload_reason(file, remote.get(key), checksum=choice.checksum)
        if reason is not None:
            reasons[key] = reason
    return reasons


def _clients(target: _Target, s3_client: Any, gcs_client: Any) -> StoreClients:
    """The given clients, with one made from the environment for each store the sync needs."""
    return StoreClients(s3_client, gcs_client).resolved(target.schemes)


def plan_sync(
    client: BYOCClient,
    collection: Any,
    source: Source,
    *,
    layout: str = DEFAULT_LAYOUT,
    sensing_time: SensingTime = None,
    upload_to: str | None = None,
    bucket_dir: bool = False,
    delete_missing: bool = False,
    max_delete: int | None = None,
    include: str | Sequence[str] | None = None,
    exclude: str | Sequence[str] | None = None,
    checksum: bool = False,
    force: bool = False,
    s3_client: Any | None = None,
    gcs_client: Any | None = None,
) -> SyncPlan:
    """Plan a sync without changing anything: what :func:`sync` would do, tile by tile.

    ``print(plan)`` shows it as a dry run. The arguments are :func:`sync`'s. A plan that
    deletes more than *max_delete* tiles is returned (``plan.too_many_deletions``), not refused.
    """
    collection_id = as_uuid(collection, "collection")
    target = _target(source, upload_to, bucket_dir)
    choice = _choice(
        target, layout, sensing_time, include, exclude, checksum, force, delete_missing, max_delete
    )
    clients = _clients(target, s3_client, gcs_client)
    plan, _, _ = _plan(client, collection_id, target, choice, clients=clients, on_progress=None)
    return plan


class _Run:
    """The record of one sync run, turned into a :class:`SyncReport` at the end.

    The blocking sync updates it from worker threads, hence the lock around the counts.
    """

    def __init__(self, on_progress: ProgressCallback | None) -> None:
        self.on_progress = on_progress
        self.failed: dict[str, str] = {}
        self.done: dict[str, list[str]] = {"create": [], "reingest": [], "delete": [], "upload": []}
        self.ids: dict[str, UUID] = {}
        self._finished: Counter[str] = Counter()
        self._lock = threading.Lock()

    def progress(self, stage: Stage, total: int, item: str, message: str | None = None) -> None:
        with self._lock:
            self._finished[stage] += 1
            count = self._finished[stage]
        unit: Unit = "files" if stage == "upload" else "tiles"
        report_progress(self.on_progress, Progress(stage, count, total, item, unit, message))


def _upload_files(
    plan: SyncPlan,
    files: Files,
    target: _Target,
    clients: StoreClients,
    concurrency: int,
    run: _Run,
    executor: Any = None,
) -> None:
    """Upload the plan's files; the tiles of files that failed go into ``run.failed``, unregistered.

    With an *executor*, its workers upload (each with a client of its own).
    """
    location = target.upload_to
    if location is None or not plan.uploads:
        return
    failed: dict[str, str] = {}
    total = len(plan.uploads)
    if executor is not None:
        _upload_on(executor, plan, files, location, clients, concurrency, run, failed)
        _fail_tiles(plan, failed, run)
        return

    store = clients.store(location.scheme)

    def upload(key: str) -> None:
        try:
            _threads.in_thread(store.upload, location, files[key])
        except BYOCError as error:
            failed[key] = str(error)
            run.progress("upload", total, key, str(error))
            return
        run.done["upload"].append(key)
        run.progress("upload", total, key)

    _threads.run_bounded(plan.uploads, upload, concurrency=min(concurrency, 8))
    _fail_tiles(plan, failed, run)


def _fail_tiles(plan: SyncPlan, failed: dict[str, str], run: _Run) -> None:
    for tile in plan.tiles:
        broken = [failed[key] for key in tile.files if key in failed]
        if broken and tile.action in ("create", "reingest"):
            run.failed[tile.path] = f"upload failed: {broken[0]}"


def _upload_on(
    executor: Any,
    plan: SyncPlan,
    files: Files,
    location: BucketLocation,
    clients: StoreClients,
    concurrency: int,
    run: _Run,
    failed: dict[str, str],
) -> None:
    jobs = []
    for key in plan.uploads:
        local = files[key].local
        if local is not None:
            jobs.append(
                _convert_jobs.UploadJob(location.bucket, key, str(local), files[key], location.scheme)
            )
    total = len(jobs)

    def uploaded(job: _convert_jobs.UploadJob, result: str | Exception | None) -> None:
        reason = _convert_jobs.failure_reason(result) if isinstance(result, Exception) else result
        if reason is not None:
            failed[job.key] = reason
        else:
            run.done["upload"].append(job.key)
        run.progress("upload", total, job.key, reason)

    run_many(
        _converting.job_function(_convert_jobs.upload_job, executor, clients),
        jobs,
        concurrency=min(concurrency, 8),
        executor=executor,
        on_result=uploaded,
    )


def _register(
    client: BYOCClient,
    collection: UUID,
    tiles: list[PlannedTile],
    covers: dict[str, Any],
    concurrency: int,
    run: _Run,
) -> None:
    totals = {
        action: sum(1 for t in tiles if t.action == action) for action in ("create", "reingest", "delete")
    }

    def act(tile: PlannedTile) -> None:
        stage: Stage = "register" if tile.action == "create" else tile.action  # type: ignore[assignment]
        total = totals[tile.action]
        try:
            if tile.action == "create":
                created = _create(client, collection, tile, covers.get(tile.path))
                if created is not None:
                    run.ids[tile.path] = created
            elif tile.action == "reingest":
                client.tiles.reingest(collection, tile.tile_id)
                if tile.tile_id is not None:
                    run.ids[tile.path] = tile.tile_id
            else:
                client.tiles.delete(collection, tile.tile_id)
        except BYOCError as error:
            run.failed[tile.path] = str(error)
            run.progress(stage, total, tile.path, str(error))
            return
        run.done[tile.action].append(tile.path)
        run.progress(stage, total, tile.path)

    _threads.run_bounded(tiles, act, concurrency=concurrency)


def _create(client: BYOCClient, collection: UUID, tile: PlannedTile, cover: Any | None) -> UUID | None:
    sensing_time: datetime | None = tile.sensing_time
    # Another run may have made it since the plan was drawn: the path is what makes a tile the same.
    created = client.tiles.create(
        collection, tile.path, sensing_time=sensing_time, cover_geometry=cover, exist_ok=True
    )
    return created.id


def sync(
    client: BYOCClient,
    collection: Any,
    source: Source,
    *,
    layout: str = DEFAULT_LAYOUT,
    sensing_time: SensingTime = None,
    upload_to: str | None = None,
    bucket_dir: bool = False,
    check: bool = False,
    cover: bool = False,
    delete_missing: bool = False,
    max_delete: int | None = None,
    include: str | Sequence[str] | None = None,
    exclude: str | Sequence[str] | None = None,
    checksum: bool = False,
    force: bool = False,
    wait: bool = True,
    timeout: float | None = 600.0,
    concurrency: int = 16,
    dry_run: bool = False,
    raise_on_failure: bool = False,
    on_progress: ProgressCallback | None = None,
    s3_client: Any | None = None,
    gcs_client: Any | None = None,
    convert: bool = False,
    convert_options: ConvertOptions | None = None,
    staging: str | os.PathLike[str] | None = None,
    executor: Executor | Client | None = None,
) -> SyncReport:
    """Make *collection*'s tiles match the COGs in *source*; rerunning it is always safe.

    *source* is a local folder, an ``s3://bucket/prefix`` or ``gs://bucket/prefix`` URL (Google
    Cloud Storage, for collections of the GCP deployment) or a list of keys in the collection's
    bucket (file keys, or tile paths holding ``(BAND)``). Files are grouped into
    tiles by *layout* (:data:`~sentinelhub_byoc.cog.DEFAULT_LAYOUT`: the ``.tif`` files of a
    folder make a tile, each file a band). A local folder needs *upload_to*
    (``s3://bucket/prefix`` or ``gs://bucket/prefix``), where its files are uploaded first:
    only missing, resized or newer files (with *checksum*: missing, resized or with other
    content), large ones in parts, each verified by checksum. Or *bucket_dir* says that the
    folder is a mirror of the bucket (tile paths are relative to it, nothing is uploaded); a
    folder with neither is refused with a :class:`~sentinelhub_byoc.errors.ValidationError`
    before any request.

    *include* and *exclude* (a glob, or several) choose the files by their key relative to the
    source: ``*`` within a folder name, ``**`` across folders, a leading ``/`` anchors at the
    source's root (else the pattern matches the key's end, as in rclone). A file is taken when
    it matches an include (or none is given) and no exclude: an exclude always wins. Tiles
    whose files are all left out are left alone, never deleted.

    Inputs are checked before anything is read: a link out of the folder, a link to nothing
    or to a folder, anything but a regular file, and a key holding ``(BAND)``, an empty,
    ``.`` or ``..`` segment or a character the service cannot take are refused, named in
    ``report.refused``, and fail their tile whole (links to files inside the folder are
    followed). A file that changes, vanishes or is replaced between its listing and its
    upload or conversion, or during its upload, fails only its tile, with the message of a
    :class:`~sentinelhub_byoc.errors.SourceChangedError`; a rerun picks it up.

    First a plan is made (see :func:`plan_sync`): new tiles are created, tiles whose
    files changed are reingested, others are skipped, and with *delete_missing* tiles whose
    files are gone are deleted (more than *max_delete* of them: the sync raises a
    :class:`~sentinelhub_byoc.errors.ValidationError` before it uploads or changes anything).
    A tile has changed when this run uploads one of its files, or when one of them (the
    bucket's copy, for *upload_to*) was modified after the tile's ingestion began: every write
    of an object sets its time, so a replaced object is always seen, but a file copied into
    a *bucket_dir* folder with its old time (``cp -p``) is not: *force* reingests every chosen
    tile that exists whether or not its files changed (with *upload_to*, uploading every file
    again first). With *dry_run* nothing more happens.

    *sensing_time* reads each new tile's sensing time from its path (a ``strptime`` format
    such as ``"%Y%m%d"``, or a function). *check* checks the COGs against the ingestion rules
    first and leaves out tiles that break them; *cover* traces each new tile's cover geometry
    from its data (local folders only, needs the ``raster`` extra).
    Tiles are registered *concurrency* at a time under the client's rate limiter (a 429 is
    waited out as the service asks). With *wait*, it then waits up to *timeout* seconds for
    ingestion. Returns a :class:`~sentinelhub_byoc.workflows.SyncReport`; with
    *raise_on_failure*, any failed tile raises
    :class:`~sentinelhub_byoc.errors.IngestionFailedError` after the work is done.

    With *convert* (a local folder with *upload_to*), every file of a tile is checked first,
    and each one that breaks the ingestion rules is converted by
    :func:`sentinelhub_byoc.cog.convert` (with *convert_options*) into *staging*, a local
    folder (by default one of its own for this source folder, in the user's cache:
    ``~/.cache/sentinelhub-byoc/staging/...``). The converted file is what is uploaded and
    registered, under the original's key. A rerun converts nothing again (the converted copy
    records its source) and uploads nothing again (the bucket is compared with the converted
    copy); a source file that changed is converted, uploaded and reingested again. A file that
    cannot be converted fails only its tile, with the reason. With *dry_run*, the conversions
    are still made (in *staging* only) so that the plan's uploads are exact.

    With *convert* and an ``s3://bucket/prefix`` (or ``gs://``) source, *staging* is required:
    a prefix of the same bucket that neither holds the source prefix nor lies in it.
    Each file is checked; a tile whose files all pass is registered where it is. Every file of
    any other tile goes to *staging* under its path relative to the source prefix (failing
    files downloaded, converted, checked and uploaded; passing ones copied server-side), and
    the tile is registered at its staging path. The staged objects record their source's size
    and version (ETag, or generation) and the options in their metadata, so a rerun converts,
    uploads and copies nothing again; a source object replaced since is staged again and its
    tile reingested. A tile with a file that cannot be converted fails with the reason and
    nothing of it is staged.
    With *dry_run*, the files are checked but nothing is written.

    Checks and conversions run on up to *concurrency* threads, or on *executor* (a
    ``concurrent.futures`` executor or a ``distributed.Client``), whose workers then also
    upload, each with clients of its own made from the environment; local source and
    staging folders must be paths the workers see. Registration always stays in this
    process, behind the client's rate limiter.

    ``s3://`` buckets are read and written with *s3_client* (a boto3 S3 client, the ``s3``
    extra), ``gs://`` ones with *gcs_client* (a ``google.cloud.storage.Client``, the ``gcs``
    extra); either is made from the environment when not given (``AWS_ENDPOINT_URL``,
    ``STORAGE_EMULATOR_HOST``, credentials).

    A run that is stopped (even killed) can simply be run again: tiles are known by path, so
    the rerun creates only what is missing and never a duplicate.

    >>> report = sync(client, collection, "s3://my-bucket/scenes/")  # doctest: +SKIP
    >>> print(report)  # doctest: +SKIP
    0 file(s) uploaded; tiles: 48 created, 0 reingested, 0 deleted, 0 unchanged, 2 failed
    """
    collection_id = as_uuid(collection, "collection")
    if not isinstance(concurrency, int) or concurrency < 1:
        raise ValidationError(f"concurrency must be a whole number >= 1, got {concurrency!r}")
    target = _target(source, upload_to, bucket_dir)
    choice = _choice(
        target, layout, sensing_time, include, exclude, checksum, force, delete_missing, max_delete
    )
    if cover and target.folder is None:
        raise ValidationError("cover=True traces geometries from local files: give a local folder as source")
    if check and target.keys is not None:
        raise ValidationError(
            "check=True reads the files: give a local folder or an s3:// or gs:// URL as source"
        )
    places = (target.folder, target.remote, target.upload_to)
    converting = conversion_settings(
        *places, convert=convert, options=convert_options, staging=staging, executor=executor
    )
    clients = _clients(target, s3_client, gcs_client)
    rules: RuleSet = "cdse" if client.deployment.cdse else "sentinel-hub"
    staged = None
    if converting is not None:
        workers = min(concurrency, os.cpu_count() or 1)
        where, chosen = converting
        root, prefix = (where, None) if isinstance(where, Path) else (None, where)
        staged = Staging(root, prefix, rules, chosen, executor, workers)
    plan, files, refused = _plan(
        client,
        collection_id,
        target,
        choice,
        clients=clients,
        on_progress=on_progress,
        staging=staged,
        dry_run=dry_run,
        wait=wait,
    )
    if dry_run:
        return SyncReport(plan, dry_run=True, skipped=tuple(t.path for t in plan.of("skip")))
    _refuse_deletions(plan)
    run = _Run(on_progress)
    run.failed.update(plan.refused_tiles)
    if staged is not None and staged.s3 is not None:
        # Written into the staging prefix while the plan was made, by the workers.
        run.done["upload"].extend(plan.uploads)
    for tile in plan.tiles:
        unconverted = [refused[key] for key in tile.files if key in refused]
        if unconverted and tile.action != "delete":
            run.failed[tile.path] = unconverted[0]
    _upload_files(plan, files, target, clients, concurrency, run, executor)
    work = [t for t in plan.tiles if t.action != "skip" and t.path not in run.failed]
    if check:
        failures = _threads.in_thread(_checks.check_tiles, work, files, target.location, clients, rules)
        for path, cause in failures.items():
            run.failed[path] = cause
        work = [t for t in work if t.path not in run.failed]
    covers: dict[str, Any] = {}
    if cover:
        covers = _threads.in_thread(
            _checks.trace_covers, [t for t in work if t.action == "create"], files, run.failed
        )
        work = [t for t in work if t.path not in run.failed]
    _register(client, collection_id, work, covers, concurrency, run)
    ingestion = None
    if wait:
        # Tiles an interrupted run registered are still on their way: they are this run's too.
        unfinished = {t.tile_id for t in plan.of("skip") if t.pending and t.tile_id}
        ingestion = waiting.wait(
            client,
            collection_id,
            set(run.ids.values()) | unfinished,
            timeout=timeout,
            on_progress=on_progress,
        )
        for path, cause in ingestion.failed.items():
            run.failed[path] = cause
    report = SyncReport(
        plan,
        uploaded=tuple(sorted(run.done["upload"])),
        created=tuple(sorted(run.done["create"])),
        reingested=tuple(sorted(run.done["reingest"])),
        deleted=tuple(sorted(run.done["delete"])),
        skipped=tuple(t.path for t in plan.of("skip")),
        failed=dict(sorted(run.failed.items())),
        ingestion=ingestion,
    )
    if raise_on_failure and not report.ok:
        raise IngestionFailedError(f"the sync did not succeed for every tile: {report}", result=report)
    return report
