"""Fixtures of the COG check tests: the S3 store on loopback."""

from __future__ import annotations

from tests.s3_fixtures import moto_endpoint

__all__ = ["moto_endpoint"]
