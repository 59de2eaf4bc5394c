"""Checking COGs in S3 (moto on loopback) and behind HTTP URLs (a loopback server with Range)."""

from __future__ import annotations

import http.server
import re
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from sentinelhub_byoc.cog import check_cog, check_prefix, check_tile
from sentinelhub_byoc.errors import StorageAccessError
from sentinelhub_byoc.testing.cogs import write_cog_bytes

from tests.s3_fixtures import new_bucket, s3_client

BOUNDS = (500000.0, 5000000.0, 510240.0, 5010240.0)


def _noise(size: int = 1024) -> Any:
    # Random values do not compress, so the file is much larger than its header.
    return np.random.default_rng(0).integers(0, 65535, (size, size), dtype=np.uint16)


class _Counting:
    """A boto3 S3 client whose ranged GETs are counted."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.bytes_read = 0

    def get_object(self, **kwargs: Any) -> Any:
        assert "Range" in kwargs
        response = self.inner.get_object(**kwargs)
        self.bytes_read += int(response["ContentLength"])
        return response

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture
def bucket(moto_endpoint: str) -> tuple[Any, str]:
    client = s3_client(moto_endpoint)
    return client, new_bucket(client, "remote-cogs")


def test_a_cog_in_s3_is_checked_from_its_header(bucket: tuple[Any, str]) -> None:
    client, name = bucket
    content = write_cog_bytes(_noise(), epsg=32633, bounds=BOUNDS)
    client.put_object(Bucket=name, Key="scene/B04.tif", Body=content)
    counting = _Counting(client)
    report = check_cog(f"s3://{name}/scene/B04.tif", s3_client=counting)
    assert report.ok, report.format()
    assert report.source == f"s3://{name}/scene/B04.tif"
    assert len(content) > 2_000_000
    assert counting.bytes_read < 300_000


def _count_calls(client: Any) -> dict[str, int]:
    """Count the S3 operations ``client`` sends, by name, through botocore's event hooks."""
    calls: dict[str, int] = {}

    def count(model: Any, **_: Any) -> None:
        calls[model.name] = calls.get(model.name, 0) + 1

    client.meta.events.register("before-call.s3.*", count)
    return calls


def test_checking_a_prefix_costs_one_ranged_get_per_file(moto_endpoint: str) -> None:
    client = s3_client(moto_endpoint)
    name = new_bucket(client, "counted")
    small = write_cog_bytes(np.ones((300, 300), np.uint16), epsg=32633, bounds=BOUNDS)
    big = write_cog_bytes(_noise(), epsg=32633, bounds=BOUNDS)
    keys = [f"scenes/t{i}/B0{j}.tif" for i in range(6) for j in (4, 8)]
    for key in keys:
        client.put_object(Bucket=name, Key=key, Body=big if key.startswith("scenes/t0/") else small)
    calls = _count_calls(client)
    checks = check_prefix(f"s3://{name}/scenes/", s3_client=client, concurrency=4)
    assert [c.path for c in checks] == [f"s3://{name}/scenes/t{i}/(BAND).tif" for i in range(6)]
    assert all(c.ok for c in checks), [c.format() for c in checks if not c.ok]
    # No HEAD: the first ranged GET also gives the object's size (Content-Range).
    assert calls == {"ListObjectsV2": 1, "GetObject": len(keys)}


def test_a_header_beyond_the_first_read_costs_more_gets(bucket: tuple[Any, str]) -> None:
    client, name = bucket
    content = write_cog_bytes(
        np.ones((300, 300), np.uint16),
        epsg=32633,
        bounds=BOUNDS,
        extra_tags=[(65000, "B", 300_000, bytes(300_000), True)],
    )
    client.put_object(Bucket=name, Key="B04.tif", Body=content)
    calls = _count_calls(client)
    report = check_cog(f"s3://{name}/B04.tif", s3_client=client)
    assert report.ok, report.format()
    assert calls.get("HeadObject", 0) == 0
    assert calls["GetObject"] >= 2


def test_an_empty_object_is_unreadable_not_an_error(bucket: tuple[Any, str]) -> None:
    client, name = bucket
    client.put_object(Bucket=name, Key="empty.tif", Body=b"")
    report = check_cog(f"s3://{name}/empty.tif", s3_client=client)
    assert [p.rule for p in report.errors] == ["unreadable"]


def test_problems_in_s3_name_the_url(bucket: tuple[Any, str]) -> None:
    client, name = bucket
    content = write_cog_bytes(np.ones((300, 300), np.uint16), epsg=None, bounds=BOUNDS, tiled=False)
    client.put_object(Bucket=name, Key="B04.tif", Body=content)
    report = check_cog(f"s3://{name}/B04.tif", s3_client=client)
    assert [p.rule for p in report.errors] == ["not-tiled", "crs"]
    assert report.errors[0].message.startswith(f"s3://{name}/B04.tif is not tiled")


def test_missing_objects_and_buckets_raise_storage_access_errors(bucket: tuple[Any, str]) -> None:
    client, name = bucket
    with pytest.raises(StorageAccessError, match=f"s3://{name}/nope.tif") as raised:
        check_cog(f"s3://{name}/nope.tif", s3_client=client)
    assert "no object with key" in str(raised.value)
    with pytest.raises(StorageAccessError, match="does not exist"):
        check_cog("s3://never-made/B04.tif", s3_client=client)
    with pytest.raises(StorageAccessError, match="does not exist"):
        check_prefix("s3://never-made/scenes/", s3_client=client)


def test_the_default_client_honours_aws_endpoint_url(
    bucket: tuple[Any, str], moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, name = bucket
    client.put_object(
        Bucket=name,
        Key="B04.tif",
        Body=write_cog_bytes(np.ones((300, 300), np.uint8), epsg=32633, bounds=BOUNDS),
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    assert check_cog(f"s3://{name}/B04.tif").ok


def test_without_boto3_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(StorageAccessError, match=r"sentinelhub-byoc\[s3\]"):
        check_cog("s3://some-bucket/B04.tif")


def test_check_prefix_in_s3(bucket: tuple[Any, str]) -> None:
    client, name = bucket
    good = write_cog_bytes(np.ones((300, 300), np.uint16), epsg=32633, bounds=BOUNDS)
    strips = write_cog_bytes(np.ones((300, 300), np.uint16), epsg=32633, bounds=BOUNDS, tiled=False)
    for key, body in [
        ("s/a/B04.tif", good),
        ("s/a/B08.tif", good),
        ("s/b/B04.tif", strips),
        ("other/B04.tif", good),
    ]:
        client.put_object(Bucket=name, Key=key, Body=body)
    checks = check_prefix(f"s3://{name}/s/", s3_client=client)
    assert [c.path for c in checks] == [f"s3://{name}/s/a/(BAND).tif", f"s3://{name}/s/b/(BAND).tif"]
    assert checks[0].ok
    assert [p.rule for p in checks[1].errors] == ["not-tiled"]
    assert check_tile([f"s3://{name}/s/a/B04.tif", f"s3://{name}/s/a/B08.tif"], s3_client=client).ok


class _RangeHandler(http.server.BaseHTTPRequestHandler):
    """Serves the server's files by path, honouring single Range headers, counting bytes sent."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _content(self) -> bytes | None:
        return self.server.files.get(self.path)  # type: ignore[attr-defined]

    def do_HEAD(self) -> None:
        self.server.requests.append("HEAD")  # type: ignore[attr-defined]
        if not self.server.head_allowed:  # type: ignore[attr-defined]
            self.send_error(403)
            return
        content = self._content()
        if content is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()

    def do_GET(self) -> None:
        self.server.requests.append("GET")  # type: ignore[attr-defined]
        content = self._content()
        if content is None:
            self.send_error(404)
            return
        wanted = self.headers.get("Range", "") if self.server.ranges else ""  # type: ignore[attr-defined]
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", wanted)
        if match is None:
            body, status = content, 200
        else:
            start = int(match.group(1))
            end = min(int(match.group(2)) + 1 if match.group(2) else len(content), len(content))
            if start >= len(content):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(content)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body, status = content[start:end], 206
        self.send_response(status)
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{start + len(body) - 1}/{len(content)}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # Counted before sending: the client may read the answer before this thread goes on.
        self.server.sent += len(body)  # type: ignore[attr-defined]
        self.wfile.write(body)


@pytest.fixture
def http_server() -> Iterator[Any]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RangeHandler)
    server.files = {}  # type: ignore[attr-defined]
    server.requests = []  # type: ignore[attr-defined]
    server.sent = 0  # type: ignore[attr-defined]
    server.head_allowed = True  # type: ignore[attr-defined]
    server.ranges = True  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _url(server: Any, path: str) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}{path}"


def test_a_cog_behind_http_is_checked_from_ranges(http_server: Any) -> None:
    content = write_cog_bytes(_noise(), epsg=32633, bounds=BOUNDS)
    http_server.files["/cogs/B04.tif"] = content
    report = check_cog(_url(http_server, "/cogs/B04.tif"))
    assert report.ok, report.format()
    assert report.epsg == 32633
    assert len(content) > 2_000_000
    assert http_server.sent < 300_000
    assert http_server.requests == ["GET"]


def test_http_problems_and_a_given_client(http_server: Any) -> None:
    http_server.files["/B04.tif"] = write_cog_bytes(
        np.ones((300, 300), np.float64), epsg=32633, bounds=BOUNDS
    )
    with httpx.Client() as client:
        report = check_cog(_url(http_server, "/B04.tif"), http_client=client)
        assert not client.is_closed
    assert [p.rule for p in report.errors] == ["data-type"]


def test_http_failures_raise_storage_access_errors(http_server: Any) -> None:
    with pytest.raises(StorageAccessError, match="does not exist"):
        check_cog(_url(http_server, "/missing.tif"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(StorageAccessError, match="could not reach"):
        check_cog(f"http://127.0.0.1:{port}/B04.tif")


def test_a_tile_of_http_files(http_server: Any, tmp_path: Path) -> None:
    content = write_cog_bytes(np.ones((300, 300), np.uint16), epsg=32633, bounds=BOUNDS)
    http_server.files["/t/B04.tif"] = content
    check = check_tile({"B04": _url(http_server, "/t/B04.tif"), "B08": _url(http_server, "/t/B08.tif")})
    assert [p.rule for p in check.errors] == ["missing-band"]


def test_servers_refusing_head_or_ignoring_ranges_still_work(http_server: Any) -> None:
    content = write_cog_bytes(np.ones((300, 300), np.uint16), epsg=32633, bounds=BOUNDS)
    http_server.files["/B04.tif"] = content
    http_server.head_allowed = False
    assert check_cog(_url(http_server, "/B04.tif")).ok
    http_server.ranges = False
    http_server.sent = 0
    assert check_cog(_url(http_server, "/B04.tif")).ok
    # The whole file, once: later reads are served from it.
    assert http_server.sent == len(content)


def test_a_bad_default_s3_endpoint_is_a_storage_access_error(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("boto3")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "not a url")
    with pytest.raises(StorageAccessError, match="could not make an S3 client"):
        check_cog("s3://some-bucket/B04.tif")
