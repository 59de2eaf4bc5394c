"""Two emulators as two deployments of one service: the global lookup and the location list.

An EU and a US-West emulator share one :class:`~sentinelhub_byoc.testing.Directory`: one
identity service, one global lookup, one location list, each answering with the other's URL.
A client configured for EU finds and reads a collection the US-West one holds, through the
library (``collections.locate``, ``BYOCClient.for_collection``) and through ``byoc --deployment
auto`` run as a user runs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs
import httpx
import pytest
from sentinelhub_byoc import AsyncBYOCClient, BYOCClient, Deployment
from sentinelhub_byoc.errors import NotFoundError
from sentinelhub_byoc.testing import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    Directory,
    Emulator,
    EmulatorServer,
    client_for,
    serve,
)

EU, US_WEST = "aws-eu-central-1", "aws-us-west-2"


@attrs.frozen
class Pair:
    eu: EmulatorServer
    us: EmulatorServer
    directory: Directory

    def eu_deployment(self) -> Deployment:
        return Deployment.custom(self.eu.base_url)


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    directory = Directory()
    with (
        Emulator(location=EU, directory=directory, data_dir=tmp_path / "eu") as eu,
        Emulator(location=US_WEST, directory=directory, data_dir=tmp_path / "us") as us,
        serve(eu) as eu_server,
        serve(us) as us_server,
    ):
        assert directory.urls() == {EU: eu_server.base_url, US_WEST: us_server.base_url}
        yield Pair(eu_server, us_server, directory)


def _far_collection(pair: Pair) -> str:
    with client_for(pair.us) as us:
        return str(us.collections.create(name="far-away", s3_bucket="bucket-us").id)


def test_each_deployment_answers_the_lookup_and_the_list_with_the_other(pair: Pair) -> None:
    far = _far_collection(pair)
    with client_for(pair.eu) as eu:
        near = str(eu.collections.create(name="near", s3_bucket="bucket-eu").id)
    for server in (pair.eu, pair.us):
        token = httpx.post(
            server.token_url,
            data={"grant_type": "client_credentials"},
            auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
        ).json()["access_token"]
        found = httpx.get(
            f"{server.base_url}/api/v1/byoc/global/",
            params={"ids": f"{far},{near}"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert found.status_code == 200
        assert [(item["id"], item["location"]) for item in found.json()["data"]] == [
            (far, US_WEST),
            (near, EU),
        ]
        # Without ids: every collection of the account, everywhere.
        everything = httpx.get(
            f"{server.base_url}/api/v1/byoc/global", headers={"Authorization": f"Bearer {token}"}
        )
        assert sorted(item["id"] for item in everything.json()["data"]) == sorted([far, near])
        refused = httpx.get(
            f"{server.base_url}/api/v1/byoc/global",
            params={"ids": f"{far},,"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert refused.status_code == 400
        # Public, as the service's: no token needed.
        listed = httpx.get(f"{server.base_url}/api/v1/metadata/location/").json()
        assert {item["id"]: item["url"] for item in listed} == {
            EU: pair.eu.base_url,
            US_WEST: pair.us.base_url,
        }


def test_a_client_for_eu_locates_and_reads_a_us_west_collection(pair: Pair) -> None:
    far = _far_collection(pair)
    with BYOCClient(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, deployment=pair.eu_deployment()) as eu:
        located = eu.collections.locate(far)
        with pytest.raises(NotFoundError):
            eu.collections.get(far)  # not held here
    assert (located.location, located.base_url) == (US_WEST, pair.us.base_url)
    # The account's identity service is the one the client was given.
    assert located.token_url == pair.eu_deployment().token_url
    with BYOCClient.for_collection(
        far, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, deployment=pair.eu_deployment()
    ) as client:
        assert client.deployment == located
        assert client.collections.get(far).name == "far-away"


def test_for_collection_keeps_the_client_when_the_collection_is_here(pair: Pair) -> None:
    with client_for(pair.eu) as eu:
        near = str(eu.collections.create(name="near", s3_bucket="bucket-eu").id)
    with BYOCClient.for_collection(
        near, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, deployment=pair.eu_deployment()
    ) as client:
        assert client.deployment.base_url == pair.eu.base_url
        assert client.collections.get(near).name == "near"


@pytest.mark.anyio
async def test_the_async_client_finds_it_too(pair: Pair) -> None:
    far = _far_collection(pair)
    async with await AsyncBYOCClient.for_collection(
        far, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, deployment=pair.eu_deployment()
    ) as client:
        assert client.deployment.location == US_WEST
        assert (await client.collections.get(far)).name == "far-away"


def test_another_accounts_collection_is_not_found_anywhere(pair: Pair) -> None:
    far = _far_collection(pair)
    # A client id of its own: another account, which the shared identity service knows everywhere.
    pair.directory.accounts.add("other-client", "other-secret")
    with (
        BYOCClient("other-client", "other-secret", deployment=pair.eu_deployment()) as other,
        pytest.raises(NotFoundError, match="no deployment holds"),
    ):
        other.collections.locate(far)


def _byoc(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sentinelhub_byoc", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)


def test_deployment_auto_on_the_command_line(pair: Pair, tmp_path: Path) -> None:
    far = _far_collection(pair)
    env = {
        **os.environ,
        "SH_CLIENT_ID": DEMO_CLIENT_ID,
        "SH_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "XDG_CONFIG_HOME": str(tmp_path),  # no profile of the user's
        "COLUMNS": "80",
    }
    asked_at = ("--base-url", pair.eu.base_url)
    got = _byoc(*asked_at, "--deployment", "auto", "-o", "json", "collections", "get", far, env=env)
    assert got.returncode == 0, got.stderr
    assert '"name": "far-away"' in got.stdout
    listed = _byoc(*asked_at, "--deployment", "auto", "tiles", "list", far, env=env)
    assert listed.returncode == 0, listed.stderr
    # Without auto, the EU deployment does not have it.
    missing = _byoc(*asked_at, "collections", "get", far, env=env)
    assert missing.returncode != 0
    # auto needs an id: a name is looked up within one deployment.
    named = _byoc(*asked_at, "--deployment", "auto", "collections", "get", "far-away", env=env)
    assert named.returncode == 2
    assert "needs the collection's id" in named.stderr
    # A command without a collection cannot be located.
    bare = _byoc(*asked_at, "--deployment", "auto", "collections", "list", env=env)
    assert bare.returncode == 2
    assert "names none" in bare.stderr
