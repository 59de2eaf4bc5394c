"""Which store a bucket URL's scheme names, and the clients the workflows read and write stores with.

Users hand in their own clients (``s3_client=``, ``gcs_client=``); :class:`StoreClients` holds
them, and :meth:`StoreClients.store` gives the :class:`~sentinelhub_byoc.storage._protocol.ObjectStore`
of a scheme, the one place where a scheme picks its backend: another scheme is one more backend
module and one more line in :func:`object_store`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from typing import Any

import attrs

from sentinelhub_byoc.storage._gcs import GCSObjects, default_gcs_client
from sentinelhub_byoc.storage._protocol import ObjectStore
from sentinelhub_byoc.storage._s3 import S3Objects, default_s3_client
from sentinelhub_byoc.storage._urls import url_scheme

__all__ = ["StoreClients", "default_client", "object_store", "schemes_of", "worker_store"]


def default_client(scheme: str, client: Any, purpose: str) -> Any:
    """*client*, or one made from the environment for *scheme*'s store (raising what its maker raises)."""
    if scheme == "gs":
        return default_gcs_client(client, purpose)
    return default_s3_client(client, purpose)


def object_store(scheme: str, client: Any) -> ObjectStore:
    """The :class:`ObjectStore` of *scheme* (``"s3"`` or ``"gs"``) working through *client*."""
    if scheme == "gs":
        return GCSObjects(client)
    return S3Objects(client)


def schemes_of(items: Iterable[object]) -> set[str]:
    """The schemes of the bucket URLs among *items* (anything else is left out)."""
    return {scheme for item in items if (scheme := url_scheme(item)) is not None}


@attrs.frozen
class StoreClients:
    """The clients of the stores a workflow uses: a boto3 S3 client, a Cloud Storage client.

    A missing one is ``None``: :meth:`resolved` makes those a run needs from the environment,
    once, in the caller's process; a worker process makes its own (:func:`worker_store`).
    """

    s3: Any = None
    gcs: Any = None

    def client(self, scheme: str) -> Any:
        """The client of *scheme*'s store, or ``None``."""
        return self.gcs if scheme == "gs" else self.s3

    def resolved(self, schemes: Iterable[str], purpose: str | None = None) -> StoreClients:
        """These clients, with one made from the environment for each of *schemes* that has none."""
        made = {
            scheme: default_client(
                scheme, self.client(scheme), purpose or f"reading or writing {scheme}:// URLs"
            )
            for scheme in set(schemes)
        }
        return StoreClients(made.get("s3", self.s3), made.get("gs", self.gcs))

    def store(self, scheme: str) -> ObjectStore:
        """The :class:`ObjectStore` of *scheme*, through this record's client (made if missing)."""
        client = self.client(scheme)
        if client is None:
            client = default_client(scheme, None, f"reading or writing {scheme}:// URLs")
        return object_store(scheme, client)

    @property
    def empty(self) -> bool:
        """Whether no client is held."""
        return self.s3 is None and self.gcs is None


_workers: dict[tuple[int, str], Any] = {}
_workers_lock = threading.Lock()


def worker_store(clients: StoreClients | None, scheme: str) -> ObjectStore:
    """The store of *scheme* through *clients*' client, or this process's own, made from the environment.

    A job on another process or a Dask worker is handed no client (clients do not travel): it
    makes one per process and store, kept for the process's next jobs.
    """
    given = None if clients is None else clients.client(scheme)
    if given is not None:
        return object_store(scheme, given)
    with _workers_lock:
        # Keyed by process: a forked worker must not reuse its parent's connections.
        slot = (os.getpid(), scheme)
        if slot not in _workers:
            _workers[slot] = default_client(
                scheme, None, f"reading and writing {scheme}:// files on a worker"
            )
        return object_store(scheme, _workers[slot])
