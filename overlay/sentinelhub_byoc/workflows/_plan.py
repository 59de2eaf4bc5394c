"""A sync's plan: what to do with each tile, decided before any change is made (no I/O here)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

import attrs

from sentinelhub_byoc.cog._layout import TileFiles
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.models import Tile, TileStatus
from sentinelhub_byoc.storage._stat import StoredFile
from sentinelhub_byoc.workflows._estimate import RequestEstimate

__all__ = [
    "Action",
    "KnownTile",
    "PlannedTile",
    "Planner",
    "SensingTime",
    "SyncPlan",
    "hold_refused",
    "known_tile",
    "make_plan",
    "sensing_time_reader",
]

Action = Literal["create", "skip", "reingest", "delete"]
"""What a sync does with a tile."""

SensingTime = str | Callable[[str], datetime | None] | None
"""How a tile's sensing time is found: a ``strptime`` format searched for in the tile path
(``"%Y%m%dT%H%M%S"``, ``"%Y/%m/%d"``), a function of the tile path, or ``None`` for none."""

_DIRECTIVES = {
    "Y": r"\d{4}",
    "y": r"\d{2}",
    "m": r"\d{2}",
    "d": r"\d{2}",
    "H": r"\d{2}",
    "M": r"\d{2}",
    "S": r"\d{2}",
    "j": r"\d{3}",
    "f": r"\d{1,6}",
    "b": r"[A-Za-z]{3}",
    "%": "%",
}


@attrs.frozen
class KnownTile:
    """What a plan needs of a tile already in the collection (not the whole tile)."""

    id: UUID | None
    status: str | None
    since: datetime | None
    failure_cause: str | None = None


def known_tile(tile: Tile, *, since: bool = True) -> KnownTile:
    """What a plan needs of *tile*: its id, status, when its ingestion began, why it failed.

    Without *since* the time is not read (a plan of files without times has no use for it).
    """
    status = tile.status
    failed = status is TileStatus.FAILED
    return KnownTile(
        tile.id,
        None if status is None else status.value,
        (tile.ingestion_start or tile.created) if since else None,
        tile.failure_cause if failed else None,
    )


@attrs.frozen
class PlannedTile:
    """One tile of a plan: the ``action``, the tile's ``path`` and why (``reason``)."""

    action: Action
    """What the sync does with the tile: ``"create"``, ``"reingest"``, ``"skip"`` or ``"delete"``."""
    path: str
    """The tile's path as the service takes it, with ``(BAND)`` where each file's band name stands."""
    reason: str
    """Why, in words: ``"new"``, ``"unchanged"``, ``"its files are gone"``, which file changed and when."""
    files: tuple[str, ...] = ()
    """The tile's file keys, in band order; empty for a tile to delete."""
    tile_id: UUID | None = None
    """The id of the tile already in the collection; None for a tile to create."""
    sensing_time: datetime | None = None
    """The sensing time read from the path for a tile to create; None without ``sensing_time``."""
    pending: bool = False
    """For a skipped tile: it is still waiting or ingesting (an earlier run registered it)."""


@attrs.frozen
class SyncPlan:
    """What a sync will do, tile by tile, and which files it uploads first.

    ``print(plan)`` shows it as a dry run: every upload and every tile to create, reingest or
    delete, with the reason. Build one with :func:`~sentinelhub_byoc.workflows.plan_sync`;
    :func:`~sentinelhub_byoc.workflows.sync` makes and carries out one.
    """

    collection: str
    """The id of the collection synced, as text."""
    source: str
    """Where the files are, in words: the folder, the ``s3://`` prefix, or how many paths were listed."""
    tiles: tuple[PlannedTile, ...]
    """Each tile the sync considers, with its action: the source's tiles and, with ``delete_missing``,
    those to delete."""
    uploads: tuple[str, ...] = ()
    """The keys of the files the sync puts in the bucket before it registers any tile, sorted."""
    unmatched: tuple[str, ...] = ()
    """The keys of files that do not follow the layout: no tile is registered for them (``uploads`` may
    still hold them)."""
    failed_before: Mapping[str, str] = attrs.field(factory=dict)
    """Unchanged tiles left alone that were FAILED from an earlier run: by path, with the failure cause."""
    refused: Mapping[str, str] = attrs.field(factory=dict)
    """Inputs refused, by key, with the reason: links out of the folder or to nothing, keys
    holding ``(BAND)`` or empty, ``.`` or ``..`` segments... (a folder's key ends in '/')."""
    refused_tiles: Mapping[str, str] = attrs.field(factory=dict)
    """Tiles left alone because a file of theirs is refused: by path, with the reason."""
    upload_reasons: Mapping[str, str] = attrs.field(factory=dict)
    """Why each file of ``uploads`` is uploaded, by key (not in the bucket yet, another size...)."""
    excluded: tuple[str, ...] = ()
    """Keys left out by the sync's ``include`` and ``exclude`` patterns (their tiles are left alone)."""
    max_delete: int | None = None
    """The most tiles the sync may delete; a plan deleting more is refused before any change."""
    estimate: RequestEstimate | None = None
    """The API requests the sync makes, how long they take at the client's rate and, on CDSE, what
    they cost; None for a plan made without a client."""

    def of(self, action: Action) -> list[PlannedTile]:
        """The planned tiles with *action*."""
        return [tile for tile in self.tiles if tile.action == action]

    @property
    def counts(self) -> dict[str, int]:
        """How many tiles each action has, and how many files are uploaded."""
        counts = Counter(tile.action for tile in self.tiles)
        result = {action: counts.get(action, 0) for action in ("create", "reingest", "delete", "skip")}
        result["upload"] = len(self.uploads)
        return result

    @property
    def changes(self) -> int:
        """How many tiles the plan creates, reingests or deletes."""
        return sum(1 for tile in self.tiles if tile.action != "skip")

    @property
    def too_many_deletions(self) -> bool:
        """Whether the plan deletes more tiles than ``max_delete`` allows (a sync then refuses it)."""
        return self.max_delete is not None and len(self.of("delete")) > self.max_delete

    def format(self, limit: int | None = None) -> str:
        """The plan as text: a summary line, then every upload and tile to change, with reasons.

        *limit* shows at most that many of each kind, and how many more there are.
        """
        counts = self.counts
        lines = [
            f"sync {self.source} -> collection {self.collection}: "
            + ", ".join(f"{counts[a]} to {a}" for a in ("upload", "create", "reingest", "delete"))
            + f", {counts['skip']} unchanged"
        ]
        if self.estimate is not None:
            # A summary line, not an item: it wraps at a terminal's edge rather than being cut.
            lines.append(f"requests: {self.estimate}")

        def listed(entries: list[str], kind: str) -> None:
            shown = entries if limit is None else entries[:limit]
            lines.extend(shown)
            if len(entries) > len(shown):
                lines.append(f"  ... and {len(entries) - len(shown)} more {kind}")

        listed(
            [f"  upload   {key}  ({self.upload_reasons.get(key, 'changed')})" for key in self.uploads],
            "to upload",
        )
        actions: tuple[Action, ...] = ("create", "reingest", "delete")
        for action in actions:
            tiles = self.of(action)
            listed([f"  {action:<8} {tile.path}  ({tile.reason})" for tile in tiles], f"to {action}")
        listed([f"  refused  {key!r}  ({reason})" for key, reason in self.refused.items()], "refused")
        if self.refused_tiles:
            lines.append(f"  {len(self.refused_tiles)} tile(s) are left alone: a file of theirs is refused")
        if self.excluded:
            lines.append(f"  {len(self.excluded)} file(s) are left out by the include/exclude patterns")
        if self.unmatched:
            lines.append(f"  {len(self.unmatched)} file(s) do not follow the layout and are left out")
        pending = sum(1 for tile in self.of("skip") if tile.pending)
        if pending:
            lines.append(f"  {pending} unchanged tile(s) are still being ingested from an earlier run")
        if self.failed_before:
            lines.append(
                f"  {len(self.failed_before)} unchanged tile(s) are FAILED from before: fix their files, "
                "or reingest them (force); a fix copied in with its old time (cp -p) is seen by checksum"
            )
        if self.too_many_deletions:
            lines.append(
                f"  refused: {counts['delete']} tile(s) to delete, more than max_delete={self.max_delete}; "
                "a sync changes nothing"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()


def sensing_time_reader(sensing_time: SensingTime) -> Callable[[str], datetime | None]:
    """A function giving a tile path's sensing time by *sensing_time* (see :data:`SensingTime`).

    A format that does not match a path raises :class:`~sentinelhub_byoc.errors.ValidationError`
    when the path is read: a sync stops before it makes any change.
    """
    if sensing_time is None:
        return lambda path: None
    if callable(sensing_time):
        return sensing_time
    if not isinstance(sensing_time, str) or "%" not in sensing_time:
        raise ValidationError(
            f"sensing_time must be a strptime format such as '%Y%m%dT%H%M%S' or a function of the "
            f"tile path, got {sensing_time!r}"
        )
    pattern = re.compile(_format_regex(sensing_time))

    def read(path: str) -> datetime:
        match = pattern.search(path)
        if match is None:
            raise ValidationError(
                f"tile path {path!r} holds no date and time in the format {sensing_time!r}; fix the "
                "format, or pass a function that reads the sensing time from a path"
            )
        try:
            value = datetime.strptime(match.group(0), sensing_time)
        except ValueError as error:
            raise ValidationError(
                f"tile path {path!r}: {match.group(0)!r} is not a valid time ({error})"
            ) from None
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    return read


def _format_regex(format_: str) -> str:
    parts = []
    index = 0
    while index < len(format_):
        if format_[index] == "%" and index + 1 < len(format_):
            directive = format_[index + 1]
            if directive not in _DIRECTIVES:
                raise ValidationError(
                    f"sensing_time format {format_!r} uses %{directive}; use %Y %y %m %d %H %M %S %j %f %b"
                )
            parts.append(_DIRECTIVES[directive])
            index += 2
        else:
            parts.append(re.escape(format_[index]))
            index += 1
    return "".join(parts)


def _changed(
    keys: tuple[str, ...], files: Mapping[str, StoredFile], known: KnownTile, changed_keys: Mapping[str, str]
) -> str | None:
    # A file counts as changed when it was modified after the tile's ingestion began. S3 keeps
    # whole seconds, so an object replaced within the second its ingestion began is not seen;
    # files this run uploads are in changed_keys and need no time at all.
    for key in keys:
        if key in changed_keys:
            return f"{key} is uploaded again: {changed_keys[key]}"
    if known.since is None:
        return None
    for key in keys:
        # Keys a caller listed have no file here: no time, so they never count as changed.
        file = files.get(key)
        modified = None if file is None else file.modified
        if modified is not None and modified > known.since:
            return f"{key} changed after ingestion ({modified:%Y-%m-%d %H:%M:%S} UTC)"
    return None


def hold_refused(tiles: dict[str, tuple[str, ...]], refused: Mapping[str, str]) -> dict[str, str]:
    """Take the tiles with a *refused* file out of *tiles*; return them by path, with the reason.

    *tiles* are file keys by tile path; a tile's reason names one refused file of it.
    A listed tile path (a tile without files) is held back when the path itself is refused.
    A tile is never registered without one of its files: the service would ingest the rest,
    and the first tile of a collection defines its bands.
    """
    held: dict[str, str] = {}
    if not refused:
        return held
    for path, keys in tiles.items():
        bad = [key for key in (keys or (path,)) if key in refused]
        if bad:
            held[path] = f"refused {bad[0]!r}: {refused[bad[0]]}"
    for path in held:
        del tiles[path]
    return held


class Planner:
    """A sync's plan, drawn while the collection's tiles are listed: :meth:`add` each, then :meth:`plan`.

    Each tile already in the collection is decided as it comes, so none is held whole: what
    stays is the source's tiles by path (each replaced by its decision) and, with
    *delete_missing*, the id of each tile that may be deleted. *tiles* are the source's tiles:
    their file keys in band order, by path (see :func:`~sentinelhub_byoc.cog._layout.tile_keys`);
    *files* what is known of the files (keys a caller listed have no entry). The other
    arguments are :func:`make_plan`'s.
    """

    def __init__(
        self,
        collection: str,
        source: str,
        tiles: Mapping[str, Sequence[str]],
        files: Mapping[str, StoredFile],
        *,
        scope: str = "",
        delete_missing: bool = False,
        changed_keys: Iterable[str] | Mapping[str, str] = (),
        sensing_time: Callable[[str], datetime | None] = lambda path: None,
        uploads: Iterable[str] = (),
        unmatched: Iterable[str] = (),
        refused: Mapping[str, str] | None = None,
        held: Mapping[str, str] | None = None,
        force: bool = False,
        excluded: Iterable[str] = (),
        left_out: Iterable[str] = (),
        selects: Callable[[str], bool] = lambda path: True,
        max_delete: int | None = None,
    ) -> None:
        self._collection = collection
        self._source = source
        # In the source's order, with the source's path string (which the plan keeps: the
        # listing's copy is let go); a tile's keys are replaced by its decision once it is known.
        self._tiles: dict[str, _Open | _Decided | PlannedTile] = {
            path: (path, keys if type(keys) is tuple else tuple(keys)) for path, keys in tiles.items()
        }
        self._files = files
        changed = dict(changed_keys) if isinstance(changed_keys, Mapping) else dict.fromkeys(changed_keys, "")
        self._changed = {key: reason or "changed" for key, reason in changed.items()}
        self._sensing_time = sensing_time
        self._uploads = tuple(uploads)
        self._unmatched = tuple(unmatched)
        self._refused = dict(refused or {})
        self._held = dict(held or {})
        self._force = force
        self._excluded = tuple(excluded)
        self._max_delete = max_delete
        self._failed: dict[str, str] = {}
        # Tiles of the collection no source tile has: deleted (with delete_missing) unless
        # held back, left out by the patterns, outside the scope or under a refused folder.
        self._missing: dict[str, int | None] | None = {} if delete_missing else None
        self._kept = set(self._held) | set(left_out)
        self._scope = scope
        self._unread = tuple(key for key in self._refused if key.endswith("/"))
        self._selects = selects

    @property
    def reads_times(self) -> bool:
        """Whether a tile's ingestion time can matter: the source's files have times to compare."""
        return bool(self._files)

    def add(self, path: str, known: KnownTile) -> None:
        """Decide the tile at *path* already in the collection (a later one at the same path wins)."""
        tile = self._tiles.get(path)
        tile_id = None if known.id is None else known.id.int
        if tile is None:
            if self._missing is not None and self._may_delete(path):
                self._missing[path] = tile_id
            return
        if isinstance(tile, PlannedTile):
            path, keys = tile.path, tile.files
        elif len(tile) == 2:
            path, keys = tile
        else:
            path, keys = tile[1], tile[3]
        if self._failed:
            self._failed.pop(path, None)
        reason = _changed(keys, self._files, known, self._changed)
        if reason is None and self._force:
            reason = "forced: reingested whether or not its files changed"
        if reason is not None:
            self._tiles[path] = ("reingest", path, reason, keys, tile_id, False)
            return
        pending = known.status not in ("INGESTED", "FAILED", None)
        self._tiles[path] = (_SKIP, path, _UNCHANGED, keys, tile_id, pending)
        if known.status == "FAILED":
            self._failed[path] = known.failure_cause or "ingestion failed"

    def _may_delete(self, path: str) -> bool:
        return (
            path not in self._kept
            and path.startswith(self._scope)
            and not path.startswith(self._unread)
            and self._selects(path[len(self._scope) :])
        )

    def plan(self) -> SyncPlan:
        """The plan: source tiles not in the collection are created, in the source's order."""
        failed_before: dict[str, str] = {}
        tiles = self._tiles
        # Each decision becomes its record in place, so no tile is held twice.
        for path, tile in tiles.items():
            if isinstance(tile, PlannedTile):
                pass
            elif len(tile) == 2:
                when = self._sensing_time(path)
                tiles[path] = PlannedTile("create", tile[0], "new", tile[1], None, when)
            else:
                action, source_path, reason, keys, tile_id, pending = tile
                tiles[path] = PlannedTile(action, source_path, reason, keys, _uuid(tile_id), pending=pending)
            if path in self._failed:
                failed_before[path] = self._failed[path]
        deletions = [
            PlannedTile("delete", path, "its files are gone", (), _uuid(tile_id))
            for path, tile_id in sorted((self._missing or {}).items())
        ]
        # From the values directly: no list of every tile beside the tuple.
        planned: tuple[PlannedTile, ...] = tuple(tiles.values())  # type: ignore[arg-type]
        if deletions:
            planned += tuple(deletions)
        return SyncPlan(
            collection=self._collection,
            source=self._source,
            tiles=planned,
            uploads=self._uploads,
            unmatched=self._unmatched,
            failed_before=failed_before,
            refused=self._refused,
            refused_tiles=self._held,
            upload_reasons={key: self._changed[key] for key in self._uploads if key in self._changed},
            excluded=self._excluded,
            max_delete=self._max_delete,
        )


_SKIP: Action = "skip"
_UNCHANGED = "unchanged"

# A source tile while the collection is listed: its path and file keys until it is decided, then
# (action, path, reason, keys, the existing tile's id as a number, pending). Tuples of text and
# numbers, which the garbage collector stops following: a record and a UUID a tile would be
# walked by every full collection for as long as the listing goes on.
_Open = tuple[str, tuple[str, ...]]
_Decided = tuple[Action, str, str, tuple[str, ...], int | None, bool]


def _uuid(number: int | None) -> UUID | None:
    return None if number is None else UUID(int=number)


def make_plan(
    collection: str,
    source: str,
    groups: Iterable[TileFiles],
    files: Mapping[str, StoredFile],
    existing: Mapping[str, KnownTile],
    **options: Any,
) -> SyncPlan:
    """Decide each tile's action.

    A tile of *groups* not in *existing* (by path) is created; one whose files changed after
    its ingestion began (by their times in *files*), or that are in *changed_keys* (uploaded
    by this run; a mapping gives the reason), is reingested, as is every existing one with
    *force*; others are skipped. With *delete_missing*, tiles of the collection under *scope*
    that no group has any more are deleted, but not those *held* back (by path, see
    :func:`hold_refused`), those under a *refused* folder (a key ending in '/'): their files
    are there, only not usable, nor those *left_out* (tile paths whose files the include and
    exclude patterns left out) or whose path after *scope* is not one *selects* takes.
    The *options* are :class:`Planner`'s keyword arguments.
    """
    tiles = {tile.path: tuple(tile.keys) for tile in groups}
    planner = Planner(collection, source, tiles, files, **options)
    for path, known in existing.items():
        planner.add(path, known)
    return planner.plan()
