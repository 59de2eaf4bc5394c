"""Several emulators as the deployments of one service: one identity, one global lookup, one location list.

The live service's deployments share their accounts and token endpoint, and any of them answers
the global lookup (``/api/v1/byoc/global``: which deployment holds a collection) and the location
list (``/api/v1/metadata/location/``: each location id's URL). Emulators made with the same
:class:`Directory` do the same, so a client's way from one deployment to another can be tested
on loopback.

Each emulator publishes a light entry per collection (id, name, bucket, owner, location) after
every request it answers; the directory's lock is a leaf lock (it never calls an emulator), so
an emulator holding its own lock can read and write here without any risk of deadlock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ._auth import Accounts
from ._collections import State

Json = dict[str, Any]


@attrs.frozen
class Listed:
    """What the global lookup says of one collection: its owner and its entry."""

    account_id: str
    entry: Mapping[str, Any]


class Directory:
    """The deployments one service has: emulators made with ``Emulator(location=..., directory=...)``.

    They share one identity service (a token from any of them is good at all of them, as
    Sentinel Hub's deployments share a token endpoint), answer the global lookup for every
    member's collections, and list every member's URL at ``/api/v1/metadata/location/``.

    >>> directory = Directory()
    >>> eu = Emulator(location="aws-eu-central-1", directory=directory)  # doctest: +SKIP
    >>> us = Emulator(location="aws-us-west-2", directory=directory)  # doctest: +SKIP
    >>> with serve(eu) as eu_server, serve(us) as us_server:  # doctest: +SKIP
    ...     directory.urls()  # serve() told it where each is
    {'aws-eu-central-1': 'http://127.0.0.1:...', 'aws-us-west-2': 'http://127.0.0.1:...'}

    :meth:`set_url` says where one is served otherwise (behind a proxy, say).
    """

    def __init__(self, *, token_lifetime: float = 3600.0) -> None:
        self.accounts = Accounts(token_lifetime)
        """The identity service the members share."""
        self._lock = threading.Lock()
        self._members: set[str] = set()
        self._urls: dict[str, str] = {}
        self._listed: dict[str, dict[str, Listed]] = {}

    def join(self, location: str) -> None:
        """Admit the emulator of *location*; two members at one location are an error."""
        with self._lock:
            if location in self._members:
                raise ValueError(f"the directory already has an emulator at location {location!r}")
            self._members.add(location)
            self._listed[location] = {}

    def set_url(self, location: str, url: str) -> None:
        """Say where the deployment of *location* is served (its base URL), for the location list."""
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"url must be an http(s) base URL, got {url!r}")
        with self._lock:
            self._urls[location] = url.rstrip("/")

    def urls(self) -> dict[str, str]:
        """Every location's URL that is known, by location id."""
        with self._lock:
            return dict(self._urls)

    def publish(self, location: str, listed: dict[str, Listed]) -> None:
        """Replace what the global lookup says of *location*'s collections (by collection id)."""
        with self._lock:
            self._listed[location] = listed

    def find(self, ids: Iterable[str] | None, account_id: str) -> list[Mapping[str, Any]]:
        """The entries of *account_id*'s collections among *ids* (all: ``None``), in the order asked."""
        with self._lock:
            if ids is None:
                return [
                    hit.entry
                    for listed in self._listed.values()
                    for hit in listed.values()
                    if hit.account_id == account_id
                ]
            found = []
            for wanted in ids:
                for listed in self._listed.values():
                    hit = listed.get(wanted)
                    if hit is not None and hit.account_id == account_id:
                        found.append(hit.entry)
            return found


def listed_collections(state: State, location: str) -> dict[str, Listed]:
    """What the global lookup says of each of *state*'s collections, at *location*."""
    return {
        collection.id: Listed(
            collection.account_id,
            lookup_entry(collection.id, collection.name, collection.s3_bucket, location),
        )
        for collection in state.collections.values()
    }


def lookup_entry(collection_id: str, name: str, s3_bucket: str, location: str) -> Json:
    """One collection as the global lookup answers it."""
    return {"id": collection_id, "name": name, "s3Bucket": s3_bucket, "location": location}
