"""A sync plan's requests, their time at the client's rate and, on CDSE, their processing units."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
from sentinelhub_byoc import workflows
from sentinelhub_byoc.testing import Emulator, EmulatorServer, client_for, serve
from sentinelhub_byoc.testing._clients import emulator_deployment
from sentinelhub_byoc.workflows._estimate import estimate
from sentinelhub_byoc.workflows._plan import PlannedTile, SyncPlan
from sentinelhub_byoc.workflows.reports import RequestEstimate

from tests.workflows._workflow_helpers import BANDS, FAST, write_scene


def counted(**changes: object) -> RequestEstimate:
    arguments: dict[str, object] = {
        "writes": 10,
        "listed": 250,
        "reads_collection": True,
        "waited_for": 8,
        "requests_per_minute": 600.0,
        "burst": 1,
        "location": "aws-eu-central-1",
        **changes,
    }
    return estimate(**arguments)  # type: ignore[arg-type]


def test_the_requests_are_the_collection_its_pages_the_changes_and_the_wait() -> None:
    result = counted()
    # The collection read, three pages of 100 tiles, ten changes; the wait's three statuses
    # listed once, then each of its eight tiles read.
    assert (result.requests, result.writes, result.wait_requests, result.total) == (14, 10, 11, 25)
    assert result.seconds == pytest.approx(24 * 0.1)  # the first goes at once
    assert result.processing_units is None


@pytest.mark.parametrize(("location", "units"), [("cdse", 10), ("cdse-otc", 10), ("aws-us-west-2", None)])
def test_cdse_charges_a_unit_per_change(location: str, units: int | None) -> None:
    assert counted(location=location).processing_units == units


def test_many_tiles_waited_for_are_listed_not_read_one_by_one() -> None:
    assert counted(waited_for=250).wait_requests == 3 + 3


def test_without_a_wait_or_a_rate_nothing_is_guessed() -> None:
    result = counted(waited_for=0, requests_per_minute=None, burst=None, reads_collection=False, listed=0)
    assert (result.requests, result.wait_requests, result.seconds) == (11, 0, None)
    assert str(result) == "11 API requests (10 of them changes), no rate limit set"


def test_a_burst_goes_at_once() -> None:
    assert counted(burst=600).seconds == 0.0


def test_one_line_says_it_all() -> None:
    assert str(counted(location="cdse")) == (
        "25 API requests (10 of them changes; at least 11 of them while waiting for ingestion), "
        "at least 2.4 s at 600 requests/min, 10 processing units"
    )


def test_the_plan_shows_its_estimate_below_its_summary() -> None:
    tiles = (PlannedTile("create", "a/(BAND).tif", "new", ("a/B04.tif",)),)
    plan = SyncPlan("c", "folder", tiles, estimate=counted())
    lines = str(plan).splitlines()
    assert lines[1] == f"requests: {counted()}"
    assert "requests:" not in str(SyncPlan("c", "folder", tiles))


@pytest.mark.parametrize(("flavour", "units"), [("sentinel-hub", None), ("cdse", 3)])
def test_a_plan_against_the_emulator_counts_what_its_sync_sends(
    tmp_path: Path, flavour: str, units: int | None
) -> None:
    emulator = Emulator(data_dir=tmp_path / "buckets", delays=FAST, flavour=flavour)  # type: ignore[arg-type]
    with emulator, serve(emulator) as server:
        bucket = emulator.bucket_dir("plans")
        for index in range(3):
            write_scene(bucket / f"s{index}", index=index)
        collection = emulator.create_collection("plans", "plans", bands=BANDS)
        # The emulator's own deployment, at the location of the flavour it plays.
        location = "cdse" if flavour == "cdse" else "aws-eu-central-1"
        deployment = attrs.evolve(emulator_deployment(server), location=location)
        plan = _plan(server, collection, bucket, requests_per_minute=120, deployment=deployment)
        assert plan.estimate is not None
        assert plan.estimate.writes == 3
        assert plan.estimate.requests == 1 + 3  # one page of an empty collection, three creations
        assert plan.estimate.wait_requests == 3 + 3
        assert plan.estimate.requests_per_minute == 120
        assert plan.estimate.processing_units == units
        emulator.clear_requests()
        with client_for(server) as client:
            report = workflows.sync(client, collection, bucket, bucket_dir=True, timeout=30)
        assert report.ok, str(report)
        sent = [r for r in emulator.requests if "/byoc/" in r.path]
        # What the plan counts is what the sync sent, but for the wait's polls (at least).
        assert len([r for r in sent if r.method != "GET"]) == plan.estimate.writes
        assert len(sent) >= plan.estimate.total


def _plan(server: EmulatorServer, collection: str, bucket: Path, **options: object) -> SyncPlan:
    with client_for(server, **options) as client:
        server.emulator.clear_requests()
        return workflows.plan_sync(client, collection, bucket, bucket_dir=True)


def test_a_plan_without_a_rate_says_so(tmp_path: Path) -> None:
    emulator = Emulator(data_dir=tmp_path / "buckets", delays=FAST)
    with emulator, serve(emulator) as server:
        bucket = emulator.bucket_dir("plans")
        write_scene(bucket / "s0", index=0)
        collection = emulator.create_collection("plans", "plans", bands=BANDS)
        plan = _plan(server, collection, bucket)
    assert "no rate limit set" in str(plan).splitlines()[1]


def test_the_cli_dry_run_prints_the_requests_at_the_rate_of_the_environment(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from sentinelhub_byoc.cli._app import byoc

    state = tmp_path / "state"
    bucket = state / "buckets" / "my-bucket"
    write_scene(bucket / "s0", index=0)
    write_scene(bucket / "s1", index=1)
    env = {"BYOC_REQUESTS_PER_MINUTE": "60", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "c")}
    runner = CliRunner()
    created = runner.invoke(
        byoc,
        [
            "--emulator-state",
            str(state),
            "-o",
            "json",
            "collections",
            "create",
            "--name",
            "t",
            "--bucket",
            "my-bucket",
        ],
        env=env,
    )
    assert created.exit_code == 0, created.output
    collection = json.loads(created.output)["id"]
    dry = runner.invoke(
        byoc, ["--emulator-state", str(state), "tiles", "sync", collection, str(bucket), "--dry-run"], env=env
    )
    assert dry.exit_code == 0, dry.output
    (line,) = [line for line in dry.output.splitlines() if line.startswith("requests: ")]
    # One page, two creations; the wait's three listings and two reads: within a minute's burst.
    assert line == (
        "requests: 8 API requests (2 of them changes; at least 5 of them while waiting for ingestion), "
        "no waiting at 60 requests/min (within the burst)"
    )
