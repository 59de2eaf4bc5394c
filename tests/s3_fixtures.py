"""An S3 store on loopback (moto's server) for the tests that read buckets.

Every moto server of one test process shares one store, so each test makes buckets with names of
their own (:func:`new_bucket`) rather than fixed ones, which another module may have made already.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """The URL of a moto S3 server on 127.0.0.1, for the tests of one module."""
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_client(endpoint: str) -> Any:
    """Return a boto3 S3 client of the store at ``endpoint``."""
    boto3 = pytest.importorskip("boto3")
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-central-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


_numbers = itertools.count()


def new_bucket(client: Any, stem: str = "bucket") -> str:
    """Create a bucket named ``stem`` plus a number no other bucket of this test run has; return it."""
    name = f"{stem}-{next(_numbers)}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    return name
