"""A Google Cloud Storage emulator on loopback (gcp-storage-emulator) for the tests that read gs:// buckets.

One emulator serves the whole test session, in this process, from memory; tests make buckets
with names of their own (:func:`new_gcs_bucket`). ``STORAGE_EMULATOR_HOST`` points a client made
from the environment (a CLI run, a worker) at it.

What the emulator does differently from Cloud Storage, and how the fixture copes (the product
code is never changed for it):

- a rewrite (server-side copy) keeps the source's custom metadata and ignores the metadata the
  request gives the copy: the fixture applies the request's ``metadata`` to the copy;
- preconditions (``ifGenerationMatch``, ``ifSourceGenerationMatch``) are ignored: no test here
  relies on one being refused;
- listings come in one page (no ``maxResults`` / ``nextPageToken``), so paging is the client
  library's, untested here;
- nothing is ever denied (no auth): a refusal (403) is tested with a scripted server;
- object names with a ``..`` segment are refused (500), and names with empty or ``.`` segments
  are stored under their normalised path: hostile names are tested with ``.`` segments, each in
  a folder of its own.
"""

from __future__ import annotations

import functools
import itertools
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _rewrite_with_metadata(rewrite: Callable[..., Any]) -> Callable[..., Any]:
    """The emulator's rewrite handler, made to give the copy the metadata the request asks for."""

    @functools.wraps(rewrite)
    def handler(request: Any, response: Any, storage: Any, *args: Any, **kwargs: Any) -> Any:
        result = rewrite(request, response, storage, *args, **kwargs)
        body = request.data if isinstance(request.data, dict) else {}
        metadata = body.get("metadata")
        if isinstance(metadata, dict):
            bucket, name = request.params["dest_bucket_name"], request.params["dest_object_id"]
            found = storage.objects.get(bucket, {}).get(name)
            if found is not None:
                found["metadata"] = dict(metadata)
        return result

    return handler


def _patch_rewrite(server_module: Any) -> None:
    for _, handlers in server_module.HANDLERS:
        for method, handler in list(handlers.items()):
            if getattr(handler, "__name__", "") == "rewrite" and not hasattr(handler, "__wrapped__"):
                handlers[method] = _rewrite_with_metadata(handler)


@pytest.fixture(scope="session")
def gcs_endpoint() -> Iterator[str]:
    """The URL of a Cloud Storage emulator on 127.0.0.1, for the whole test session."""
    server_module = pytest.importorskip("gcp_storage_emulator.server")
    _patch_rewrite(server_module)
    port = _free_port()
    server = server_module.create_server("127.0.0.1", port, in_memory=True)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def gcs_client_of(endpoint: str) -> Any:
    """A ``google.cloud.storage.Client`` of the emulator at *endpoint*, anonymous."""
    storage = pytest.importorskip("google.cloud.storage")
    credentials = pytest.importorskip("google.auth.credentials")
    return storage.Client(
        project="test",
        credentials=credentials.AnonymousCredentials(),
        client_options={"api_endpoint": endpoint},
    )


@pytest.fixture
def gcs_client(gcs_endpoint: str) -> Any:
    """A Cloud Storage client of the session's emulator."""
    return gcs_client_of(gcs_endpoint)


@pytest.fixture
def gcs_environment(gcs_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """``STORAGE_EMULATOR_HOST`` set to the emulator, for clients made from the environment."""
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_endpoint)
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "test")
    return gcs_endpoint


_numbers = itertools.count()


def new_gcs_bucket(client: Any, stem: str = "bucket") -> str:
    """Create a bucket named ``stem`` plus a number no other bucket of this test run has; return it."""
    name = f"{stem}-{next(_numbers)}"
    client.create_bucket(name)
    return name
