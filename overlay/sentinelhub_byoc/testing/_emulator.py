"""The I/O-free emulator: one lock, one entry point from ``httpx.Request`` to an answer."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
import httpx

from sentinelhub_byoc.deployments import TOKEN_PATH

from ._answers import (
    UNAUTHORIZED_MESSAGE,
    ApiError,
    Dropped,
    Json,
    Reply,
    error_response,
    not_found,
    rate_limited_response,
    server_error_response,
    to_response,
    with_headers,
)
from ._auth import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Accounts
from ._clock import Clock, SystemClock
from ._collections import State
from ._database import Store
from ._directory import Directory, listed_collections
from ._faults import Decision, FaultInjector, Faults
from ._handlers import Api, Place, is_byoc_path, is_locations_path
from ._lifecycle import IngestionDelays
from ._recorded import copy_record
from ._records import collection_json
from ._seed import Seed, SeedError, load_seed, parse_seed
from ._validation import bands as _check_bands
from ._validation import bucket_name, parse_uuid, sensing_time, tile_path

if TYPE_CHECKING:
    from .ingestion import BucketResolver, Storage

TOKEN_PATHS = (TOKEN_PATH, "/oauth/token")
"""Paths of the OAuth2 token endpoint; the first is the one the live service uses."""

Flavour = Literal["sentinel-hub", "cdse"]
"""Which deployment's rules the emulator follows: Sentinel Hub's, or the Copernicus Data Space's."""
FLAVOURS: tuple[Flavour, ...] = ("sentinel-hub", "cdse")
# A long-running `byoc emulator serve` must not grow without end; tests see far fewer requests.
_REQUEST_LOG_SIZE = 100_000


@attrs.frozen
class RequestRecord:
    """One request the emulator saw.

    ``status`` is ``None`` when the connection was dropped before an answer; ``fault`` names
    the injected fault (``"drop"``, ``"lost"``, ``"throttle"``, ``"status"``) if any.
    """

    method: str
    """The request's HTTP method, e.g. ``"GET"``."""
    path: str
    """The request's URL path, without the query string."""
    status: int | None
    """The status answered; None when the connection was dropped instead."""
    client_id: str | None = None
    """The client that made it (from its token, or the token request's credentials); None when unknown."""
    fault: str | None = None
    """The injected fault: ``"drop"``, ``"lost"``, ``"throttle"`` or ``"status"``; None for none."""


class Emulator:
    """A faithful in-memory BYOC service with its OAuth2 token endpoint.

    All state sits behind one lock; :meth:`handle` is the only way requests get in. Run it
    in-process with :meth:`transport` or on loopback with :func:`sentinelhub_byoc.testing.serve`.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        delays: IngestionDelays | None = None,
        buckets: BucketResolver | None = None,
        data_dir: Path | str | None = None,
        clients: Mapping[str, str] | None = None,
        token_lifetime: float = 3600.0,
        faults: Faults | None = None,
        flavour: Flavour = "sentinel-hub",
        state_dir: Path | str | None = None,
        bucket_folders: Mapping[str, Path | str] | None = None,
        location: str | None = None,
        directory: Directory | None = None,
        seed: Seed | Mapping[str, Any] | Path | str | None = None,
    ) -> None:
        """Create an emulator.

        ``buckets`` maps a bucket name to its storage; by default bucket ``b`` is the folder
        ``data_dir / b`` (a fresh temporary folder when ``data_dir`` is not given), unless
        ``bucket_folders`` maps ``b`` to a folder of its own. ``ingestion.s3_buckets(url)``
        reads them from an S3 store, ``ingestion.gcs_buckets(client)`` from Google Cloud
        Storage (or its emulator), as the GCP deployment's collections do.
        ``clients`` maps client ids to secrets (default: the demo client).
        ``flavour="cdse"`` follows the Copernicus Data Space deployment: collections carry
        ``additionalData.storageIdentifier``, buckets may be named ``PROJECT_ID:bucket`` (stored
        as bucket ``bucket``) and EPSG:6933 is accepted for COGs and geometries.
        ``state_dir`` keeps accounts, collections and tiles in a SQLite database there: each
        change is committed before its answer is sent, and a new emulator on the same folder
        starts where the last one stopped (its buckets default to ``state_dir / "buckets"``).
        ``location`` is the service's id of the deployment it stands for (default
        ``"aws-eu-central-1"``, or ``"cdse"`` for that flavour), as the global lookup answers it.
        ``directory`` makes it one of several deployments of one service (see :class:`Directory`):
        they share accounts and tokens, and each answers the global lookup and the location list
        for all of them.
        ``seed`` starts it with a seed's clients, bucket folders, collections and tiles: a seed file
        (YAML or JSON; relative folders start at its folder), the same as a mapping (relative
        folders start at the working folder), or a loaded one. Collections it records as the
        service answered them (as ``byoc emulator dump`` writes them) are served back member for
        member. A collection the emulator already has (kept in ``state_dir``) is left as it is.
        A seed that cannot be used raises ``SeedError``, a ``ValueError`` naming the entry.
        """
        if flavour not in FLAVOURS:
            raise ValueError(f"flavour must be one of {', '.join(map(repr, FLAVOURS))}, got {flavour!r}")
        self.flavour: Flavour = flavour
        """Which deployment it follows: ``"sentinel-hub"`` or ``"cdse"``."""
        self._lock = threading.RLock()
        self.clock: Clock = clock if clock is not None else SystemClock()
        """Its time: token expiry, rate limits, ingestion steps and latency (the wall clock by default)."""
        self._store: Store | None = None
        self._owned_dir: Path | None = None
        self.location: str = location or ("cdse" if flavour == "cdse" else "aws-eu-central-1")
        """The service's id of the deployment it stands for, e.g. ``"aws-eu-central-1"``."""
        self._directory = directory
        self.seeded: list[tuple[str, str, bool]] = []
        """The seed's collections as ``(id, name, created)``; ``created`` is False for one kept before."""
        loaded = _loaded_seed(seed)
        if loaded is not None:
            clients = {**loaded.clients, **(clients or {})} or None
            bucket_folders = {**loaded.buckets, **(bucket_folders or {})}
        try:
            self._open(state_dir, data_dir, buckets, bucket_folders, clients, token_lifetime, delays, loaded)
        except BaseException:
            # Nothing half-made stays behind: the state folder's lock, a temporary folder.
            self.close()
            raise
        if directory is not None:
            directory.join(self.location)
        self._api = Api(self._state, place=Place(self.location, directory))
        self._faults = FaultInjector()
        self._faults.configure(faults or Faults())
        self._log: deque[RequestRecord] = deque(maxlen=_REQUEST_LOG_SIZE)

    def _open(
        self,
        state_dir: Path | str | None,
        data_dir: Path | str | None,
        buckets: BucketResolver | None,
        bucket_folders: Mapping[str, Path | str] | None,
        clients: Mapping[str, str] | None,
        token_lifetime: float,
        delays: IngestionDelays | None,
        seed: Seed | None,
    ) -> None:
        if state_dir is not None:
            # Opened first: a folder that cannot hold state is reported as such.
            self._store = Store(state_dir)
            if buckets is None and data_dir is None:
                data_dir = Path(state_dir) / "buckets"
        self._folders = {name: Path(folder) for name, folder in (bucket_folders or {}).items()}
        self._data_dir: Path | None = None
        if buckets is None:
            from .ingestion import local_buckets

            if data_dir is None:
                self._owned_dir = Path(tempfile.mkdtemp(prefix="byoc-emulator-"))
                data_dir = self._owned_dir
            self._data_dir = Path(data_dir)
            self._data_dir.mkdir(parents=True, exist_ok=True)
            buckets = local_buckets(self._data_dir)
        elif data_dir is not None:
            raise ValueError("pass either buckets= or data_dir=, not both")
        if self._folders:
            buckets = _with_folders(buckets, self._folders)
        self._accounts = self._directory.accounts if self._directory else Accounts(token_lifetime)
        if self._store is not None:
            for kept in self._store.accounts():
                self._accounts.add(kept.client_id, kept.client_secret, kept.account_id)
        accounts = seed.accounts if seed is not None else {}
        clients = clients or {DEMO_CLIENT_ID: DEMO_CLIENT_SECRET}
        self.credentials: tuple[str, str] = next(iter(clients.items()))
        """The first client it was given, as ``(client id, secret)``: the demo client by default."""
        for client_id, secret in clients.items():
            account = self._accounts.add(client_id, secret, accounts.get(client_id))
            if accounts.get(client_id, account.account_id) != account.account_id:
                raise SeedError(
                    f"clients: {client_id!r} has account {account.account_id} from before, but the seed "
                    f"gives it account {accounts[client_id]}: use another state folder or clientId"
                )
        self._state = State(self.clock, delays or IngestionDelays(), buckets)
        self._state.cdse = self.flavour == "cdse"
        if self._store is not None:
            self._store.save_accounts(self._accounts.all())
            self._state.restore(*self._store.load())
        if seed is not None:
            self.seeded = self._apply_seed(seed)
        if self._store is not None:
            self._store.sync(self._state)

    def _apply_seed(self, seed: Seed) -> list[tuple[str, str, bool]]:
        results: list[tuple[str, str, bool]] = []
        for entry in seed.collections:
            if entry.id in self._state.collections:
                results.append((entry.id, entry.name, False))
                continue
            try:
                bucket = bucket_name({"s3Bucket": entry.s3_bucket}, cdse=self._state.cdse)
            except ApiError as error:
                raise SeedError(f"collection {entry.id}: {error.message}") from None
            account = self._accounts.get(entry.client_id)
            collection = self._state.add_collection(
                account.account_id, entry.name, bucket, entry.id, entry.created_ms
            )
            collection.bands = {name: dict(band) for name, band in entry.bands.items()}
            collection.planet = entry.planet
            collection.no_data = entry.no_data
            collection.max_meters_per_pixel_override = entry.max_meters_per_pixel_override
            collection.storage_identifier = entry.storage_identifier
            collection.recorded = copy_record(entry.recorded)
            for tile in entry.tiles:
                if tile.recorded is not None:
                    self._state.add_recorded_tile(collection, tile.recorded)
                else:
                    sensing = sensing_time({"sensingTime": tile.sensing_time})
                    self._state.add_tile(collection, tile.path, None, sensing)
            results.append((entry.id, entry.name, True))
        return results

    # Context management ------------------------------------------------------------------

    def close(self) -> None:
        """Close the state database and remove the temporary bucket folder, if any."""
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
        if self._owned_dir is not None:
            shutil.rmtree(self._owned_dir, ignore_errors=True)
            self._owned_dir = None

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Adapters ----------------------------------------------------------------------------

    def transport(self) -> EmulatorTransport:
        """Return a transport for ``httpx.Client(transport=...)`` or ``httpx.AsyncClient``."""
        return EmulatorTransport(self)

    # Accounts ----------------------------------------------------------------------------

    def add_client(self, client_id: str, client_secret: str) -> str:
        """Register an OAuth2 client with its own account; return the account id."""
        with self._lock:
            account = self._accounts.add(client_id, client_secret)
            if self._store is not None:
                self._store.save_accounts([account])
            return account.account_id

    def account_id(self, client_id: str = DEMO_CLIENT_ID) -> str:
        """Return the account id of a registered client."""
        with self._lock:
            return self._accounts.get(client_id).account_id

    @property
    def token_requests(self) -> int:
        """How many requests reached the token endpoint (faulted ones excluded)."""
        with self._lock:
            return self._accounts.token_requests

    def revoke_tokens(self, client_id: str | None = None) -> int:
        """Invalidate the tokens of one client, or all tokens; return how many."""
        with self._lock:
            return self._accounts.revoke(client_id)

    def served_at(self, base_url: str) -> None:
        """Note that it is served at *base_url*: its directory's location list gives that URL.

        :func:`serve` calls it; a URL the directory already has for this location is kept.
        """
        if self._directory is not None and self.location not in self._directory.urls():
            self._directory.set_url(self.location, base_url)

    # Faults and the request log ----------------------------------------------------------

    def set_faults(self, faults: Faults | None) -> None:
        """Replace the random faults (``None`` turns them off); reseeds the generator."""
        with self._lock:
            self._faults.configure(faults or Faults())

    def script_faults(self, entries: Iterable[str | None], *, include_token_route: bool = False) -> None:
        """Inject these faults, one per request, before any random fault.

        Entries: ``None``/``"ok"``, ``"429"``, ``"500"``, ``"502"``, ``"503"``, ``"504"``,
        ``"drop"`` (closed before processing), ``"lost"`` (processed, answer cut off) and
        ``"delay:SECONDS"``.
        """
        with self._lock:
            self._faults.script(entries, include_token_route)

    @property
    def scripted_faults_remaining(self) -> int:
        """How many scripted faults have not been used yet."""
        with self._lock:
            return self._faults.scripted_remaining

    def set_rate_limit(self, per_minute: int | None, client_id: str | None = None) -> None:
        """Limit a client (or every client) to ``per_minute`` BYOC requests; ``None`` lifts it."""
        with self._lock:
            self._faults.set_rate_limit(per_minute, client_id)

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request seen so far (the last 100,000 of them), oldest first."""
        with self._lock:
            return list(self._log)

    def clear_requests(self) -> None:
        """Forget the request log."""
        with self._lock:
            self._log.clear()

    # Data --------------------------------------------------------------------------------

    def bucket_dir(self, name: str) -> Path:
        """Return (creating it) the folder that holds bucket ``name`` for local buckets."""
        if name in self._folders:
            return self._folders[name]
        if self._data_dir is None:
            raise RuntimeError(
                "bucket_dir() only works with the default local buckets; this emulator was "
                "given its own buckets= resolver"
            )
        from .ingestion import local_buckets

        local_buckets(self._data_dir)(name)  # validates the name before touching the disk
        folder = self._data_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def create_collection(
        self,
        name: str,
        s3_bucket: str,
        *,
        client_id: str = DEMO_CLIENT_ID,
        bands: Mapping[str, Mapping[str, Any]] | None = None,
        planet: bool = False,
        no_data: float | None = None,
        collection_id: str | None = None,
    ) -> str:
        """Create a collection directly (no HTTP) for ``client_id``; return its id.

        ``collection_id`` (a UUID) gives it a known id instead of a new one.
        """
        with self._lock:
            account = self._accounts.get(client_id)
            bucket = bucket_name({"s3Bucket": s3_bucket}, cdse=self._state.cdse)
            band_map = _check_bands({"bands": dict(bands or {})})
            if collection_id is not None:
                collection_id = parse_uuid(collection_id, "collection id")
                if collection_id in self._state.collections:
                    raise ValueError(f"this emulator already has a collection {collection_id}")
            collection = self._state.add_collection(account.account_id, name, bucket, collection_id)
            collection.bands = band_map
            collection.planet = planet
            collection.no_data = no_data
            self._persist()
            return collection.id

    def has_collection(self, collection_id: str) -> bool:
        """Return whether a collection with this id exists, whoever owns it."""
        with self._lock:
            return collection_id in self._state.collections

    def mark_planet(self, collection_id: str, planet: bool = True) -> None:
        """Mark a collection as delivered by a Planet order, enabling its file operations."""
        with self._lock:
            self._collection(collection_id).planet = planet
            self._persist()

    def add_tiles(
        self, collection_id: str, paths: Iterable[str], *, sensing_times: Iterable[str | None] = ()
    ) -> list[str]:
        """Create tiles directly (no HTTP), each starting ingestion; return their ids.

        ``sensing_times`` gives the tiles' ISO 8601 sensing times, in the order of ``paths``.
        """
        with self._lock:
            collection = self._collection(collection_id)
            times = list(sensing_times)
            ids = []
            for index, path in enumerate(paths):
                checked = tile_path({"path": path})
                if collection.tile_at(checked) is not None:
                    raise ValueError(f"collection {collection_id} already has a tile {path!r}")
                sensing = sensing_time({"sensingTime": times[index]}) if index < len(times) else None
                ids.append(self._state.add_tile(collection, checked, None, sensing).id)
            self._persist()
            return ids

    def collection_snapshot(self, collection_id: str) -> Json:
        """Return the collection as ``GET`` would, whoever owns it."""
        with self._lock:
            self._state.settle()
            collection = self._collection(collection_id)
            return collection_json(collection, self._state.metadata(collection))

    def _persist(self) -> None:
        if self._store is not None:
            self._store.sync(self._state)
        if self._directory is not None:
            self._directory.publish(self.location, listed_collections(self._state, self.location))

    def _collection(self, collection_id: str) -> Any:
        collection = self._state.collections.get(collection_id)
        if collection is None:
            raise KeyError(f"no collection {collection_id!r} in this emulator")
        return collection

    # Time --------------------------------------------------------------------------------

    def settle(self) -> None:
        """Apply every ingestion step that is due by the clock's current time."""
        with self._lock:
            self._state.settle()
            self._persist()

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Let time pass until no tile is waiting for ingestion.

        A manual clock is advanced (no real waiting); the system clock is slept on. Raises
        ``TimeoutError`` after ``timeout`` real seconds.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                self._state.settle()
                self._persist()
                due = self._state.scheduler.next_due()
                now = self.clock.now()
            if due is None:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"tiles were still being ingested after {timeout} s")
            self.clock.sleep(max(0.0, due - now) + 1e-6)

    # Requests ----------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> Reply:
        """Answer one request, waiting out any injected latency on the emulator's clock."""
        decision = self.plan(request)
        if decision.delay:
            self.clock.sleep(decision.delay)
        return self.execute(request, decision)

    def plan(self, request: httpx.Request) -> Decision:
        """Decide which fault, if any, this request meets (the first half of :meth:`handle`)."""
        path = request.url.path
        token_route = path in TOKEN_PATHS
        if not token_route and not is_byoc_path(path):
            return Decision()
        with self._lock:
            now = self.clock.now()
            if token_route:
                client_id = self._accounts.client_of_token_request(request)
            else:
                account = self._accounts.authenticate(request, now)
                client_id = account.client_id if account else None
            return self._faults.decide(token_route, client_id, now)

    def execute(self, request: httpx.Request, decision: Decision) -> Reply:
        """Apply a planned fault or process the request (the second half of :meth:`handle`)."""
        with self._lock:
            reply, client_id = self._process(request, decision)
            if isinstance(reply, httpx.Response):
                # The rate limit's X-RateLimit-* go on every answer, so clients slow down before a 429.
                with_headers(reply, decision.headers)
            # Kept before the answer leaves: an acknowledged change survives a killed process.
            self._persist()
            status = reply.status_code if isinstance(reply, httpx.Response) else None
            if isinstance(reply, Dropped) and reply.response is not None:
                status = None
            fault = decision.fault.kind if decision.fault else None
            self._log.append(RequestRecord(request.method, request.url.path, status, client_id, fault))
            return reply

    def _process(self, request: httpx.Request, decision: Decision) -> tuple[Reply, str | None]:
        fault = decision.fault
        if fault is not None and fault.kind == "drop":
            return Dropped(), None
        if fault is not None and fault.kind == "status":
            return server_error_response(fault.status), None
        if fault is not None and fault.kind == "throttle":
            return rate_limited_response(fault.retry_after_ms), None
        now = self.clock.now()
        path = request.url.path
        client_id: str | None = None
        if path in TOKEN_PATHS:
            client_id = self._accounts.client_of_token_request(request)
            if request.method != "POST":
                response = error_response(405, "COMMON_METHOD_NOT_ALLOWED", "Use POST to request a token")
            else:
                response = self._accounts.issue(request, now)
        elif is_byoc_path(path):
            self._state.settle()
            account = self._accounts.authenticate(request, now)
            if account is None:
                response = error_response(
                    401,
                    "COMMON_UNAUTHORIZED",
                    UNAUTHORIZED_MESSAGE,
                    headers={"WWW-Authenticate": 'Bearer realm="main"'},
                )
            else:
                client_id = account.client_id
                response = self._api.handle(request, account.account_id)
        elif is_locations_path(path):
            # Public, as the service's: the list of locations names no account's data.
            response = self._api.handle(request, "")
        else:
            response = not_found(f"Nothing is served at {path}").to_response()
        if fault is not None and fault.kind == "lost":
            return Dropped(response), client_id
        return response, client_id


def _loaded_seed(seed: Seed | Mapping[str, Any] | Path | str | None) -> Seed | None:
    if seed is None or isinstance(seed, Seed):
        return seed
    if isinstance(seed, Path | str):
        return load_seed(seed)
    return parse_seed(seed, Path.cwd())


def _with_folders(fallback: BucketResolver, folders: Mapping[str, Path]) -> BucketResolver:
    """Serve the named buckets from their own folders and every other one from ``fallback``."""
    from .ingestion import LocalStorage

    def resolve(bucket: str) -> Storage:
        folder = folders.get(bucket)
        return LocalStorage(folder) if folder is not None else fallback(bucket)

    return resolve


class EmulatorTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """An httpx transport that answers from an :class:`Emulator` without any sockets.

    Works as ``transport=`` for both ``httpx.Client`` and ``httpx.AsyncClient``. Dropped
    connections raise :class:`httpx.RemoteProtocolError`, as a real connection would.
    """

    def __init__(self, emulator: Emulator) -> None:
        """Serve requests from ``emulator``."""
        self.emulator = emulator
        """The emulator that answers every request."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer a request from a sync client."""
        request.read()
        return to_response(self.emulator.handle(request), request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer a request from an async client; injected latency does not block the loop."""
        await request.aread()
        decision = self.emulator.plan(request)
        if decision.delay:
            await self.emulator.clock.asleep(decision.delay)
        return to_response(self.emulator.execute(request, decision), request)
