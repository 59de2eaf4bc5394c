"""Fixtures for the storage tests: S3 through moto's server on loopback."""

from __future__ import annotations

from typing import Any

import pytest

from tests.s3_fixtures import moto_endpoint
from tests.s3_fixtures import s3_client as make_s3_client

__all__ = ["moto_endpoint"]


@pytest.fixture
def s3_client(moto_endpoint: str) -> Any:
    """A boto3 S3 client of the module's moto server."""
    return make_s3_client(moto_endpoint)
