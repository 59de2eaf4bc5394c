"""``byoc tiles sync`` as rclone and ``aws s3 sync`` users know it: a folder that is not the bucket
refused, --bucket-dir, --include/--exclude, --max-delete, --force and a dry run listing every action."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.cli._cli_helpers import BUCKET, Byoc, write_scene
from tests.cli._terminal import byoc_script, cli_environment, in_terminal, lines

STRIPS = "2024/05/02/strips/(BAND).tif"
GOOD = ["2024/05/01/a/(BAND).tif", "2024/05/01/b/(BAND).tif"]


def _one_line_error(result: Any, code: int) -> str:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("byoc: error:"), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    return str(result.stderr)


def _paths(run: Byoc, collection: str) -> list[str]:
    result = run("-o", "json", "tiles", "list", collection)
    assert result.exit_code == 0, result.stderr
    return sorted(tile["path"] for tile in json.loads(result.stdout))


def test_a_folder_that_is_not_the_bucket_is_refused_before_any_request(run: Byoc, tmp_path: Path) -> None:
    scenes = tmp_path / "scenes"
    write_scene(scenes, "2024/05/01/a")
    collection = run.collection()
    run.emulator.clear_requests()
    for output in ("table", "json"):
        message = _one_line_error(run("-o", output, "tiles", "sync", collection, str(scenes)), 2)
        assert "--upload-to s3://" in message or "--upload-to" in message
        assert "--bucket-dir" in message
        assert str(scenes) in message
    assert run.emulator.requests == []
    assert _paths(run, collection) == []


def test_options_that_do_not_fit_are_usage_errors(run: Byoc, scenes: Path) -> None:
    collection = run.collection()
    run.emulator.clear_requests()
    cases = [
        (["--bucket-dir", "--max-delete", "1"], "--max-delete"),
        (["--bucket-dir", "--checksum"], "--checksum"),
        (["--checksum"], "--checksum"),
        (["--bucket-dir", "--upload-to", "s3://b/p"], "--bucket-dir"),
        (["--bucket-dir", "--delete-missing", "--max-delete", "-1"], "--max-delete"),
    ]
    for options, words in cases:
        result = run("tiles", "sync", collection, str(scenes), *options)
        assert result.exit_code == 2, (options, result.stderr)
        assert words in result.stderr
        assert "Traceback" not in result.stderr
    from_s3 = run("tiles", "sync", collection, f"s3://{BUCKET}/x", "--bucket-dir")
    assert from_s3.exit_code == 2
    assert "--bucket-dir" in from_s3.stderr
    assert run.emulator.requests == []


def test_include_exclude_and_max_delete(run: Byoc, scenes: Path) -> None:
    collection = run.collection()
    (scenes / "2024/05/01/a/notes.xml").write_text("<notes/>", encoding="utf-8")
    args = ["tiles", "sync", collection, str(scenes), "--bucket-dir", "--timeout", "30"]
    chosen = run("-o", "json", *args, "--include", "/2024/05/01/**", "--exclude", "*.xml")
    assert chosen.exit_code == 0, chosen.stderr
    report = json.loads(chosen.stdout)
    assert report["created"] == GOOD
    assert report["plan"]["excluded"] == [
        "2024/05/01/a/notes.xml",
        "2024/05/02/strips/B04.tif",
        "2024/05/02/strips/B08.tif",
    ]
    assert report["plan"]["unmatched"] == []
    # Both good tiles' files gone: two deletions, one allowed. Nothing is changed, and the
    # strips tile, out of view of --include, is neither created nor counted as gone.
    for folder in ("a", "b"):
        shutil.rmtree(scenes / "2024/05/01" / folder)
    refused = run(*args, "--include", "/2024/05/01/**", "--delete-missing", "--max-delete", "1")
    message = _one_line_error(refused, 2)
    assert "would delete 2 tile(s)" in message
    assert "--max-delete" in message
    assert _paths(run, collection) == GOOD
    dry = run(*args, "--include", "/2024/05/01/**", "--delete-missing", "--max-delete", "1", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert f"  delete   {GOOD[0]}  (its files are gone)" in dry.stdout
    assert "refused: 2 tile(s) to delete, more than max_delete=1" in dry.stdout
    pruned = run("-o", "json", *args, "--include", "/2024/05/01/**", "--delete-missing", "--max-delete", "2")
    assert pruned.exit_code == 0, pruned.stderr
    assert json.loads(pruned.stdout)["deleted"] == GOOD
    assert _paths(run, collection) == []


def test_force_reingests_the_chosen_tiles(run: Byoc, scenes: Path) -> None:
    collection = run.collection()
    args = ["tiles", "sync", collection, str(scenes), "--bucket-dir", "--timeout", "30"]
    assert run(*args).exit_code == 4
    forced = run("-o", "json", *args, "--force", "--include", "/2024/05/01/")
    assert forced.exit_code == 0, forced.stderr
    report = json.loads(forced.stdout)
    assert report["reingested"] == GOOD
    assert report["skipped"] == []
    assert all(tile["reason"].startswith("forced") for tile in report["plan"]["tiles"])


def test_the_dry_run_lists_every_action_for_people_and_in_json(run: Byoc, scenes: Path) -> None:
    collection = run.collection()
    args = ["tiles", "sync", collection, str(scenes), "--bucket-dir", "--timeout", "30"]
    assert run(*args).exit_code == 4
    # 25 new tiles (more than a page of twenty), one changed, one gone.
    for index in range(25):
        write_scene(scenes, f"2024/06/{index:02d}", west=520_000.0 + index * 5_120.0)
    os.utime(scenes / "2024/05/01/a/B04.tif")
    shutil.rmtree(scenes / "2024/05/01/b")
    dry = run(*args, "--delete-missing", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0] == "dry run, nothing changed:"
    assert lines[1].endswith("0 to upload, 25 to create, 1 to reingest, 1 to delete, 1 unchanged")
    created = [line for line in lines if line.startswith("  create   ")]
    assert created == [f"  create   2024/06/{index:02d}/(BAND).tif  (new)" for index in range(25)]
    [reingest] = [line for line in lines if line.startswith("  reingest ")]
    assert reingest.startswith(f"  reingest {GOOD[0]}  (2024/05/01/a/B04.tif changed after ingestion (")
    assert f"  delete   {GOOD[1]}  (its files are gone)" in lines
    assert any("1 unchanged tile(s) are FAILED from before" in line for line in lines)
    planned = json.loads(run("-o", "json", *args, "--delete-missing", "--dry-run").stdout)
    assert planned["dryRun"] is True
    assert planned["plan"]["counts"] == {"create": 25, "reingest": 1, "delete": 1, "skip": 1, "upload": 0}
    actions = {tile["path"]: tile["action"] for tile in planned["plan"]["tiles"]}
    assert len(actions) == 27
    assert actions[GOOD[1]] == "delete"
    assert planned["plan"]["tiles"][0]["files"] == ["2024/05/01/a/B04.tif", "2024/05/01/a/B08.tif"]
    assert len(_paths(run, collection)) == 3


# --- the emulator's own bucket folder, in a terminal ---------------------------------------------


def test_the_emulator_state_bucket_needs_no_bucket_dir_and_reads_whole_at_any_width(tmp_path: Path) -> None:
    state = tmp_path / "emu"
    bucket = state / "buckets" / "my-bucket"
    long_name = "S2B_MSIL2A_20240501T101559_N0510_R065_T33TWM_20240501T130233"
    write_scene(bucket, f"2024/05/01/{long_name}")
    write_scene(bucket, "2024/05/02/strips", west=510_240.0, tiled=False)
    other = tmp_path / "elsewhere"
    shutil.copytree(bucket, other)
    env = cli_environment(tmp_path / "config")
    byoc = [byoc_script(), "--emulator-state", str(state)]
    created = subprocess.run(
        [*byoc, "-o", "json", "collections", "create", "--name", "t", "--bucket", "my-bucket"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    collection = json.loads(created.stdout)["id"]
    dry = [*byoc, "tiles", "sync", collection, str(bucket), "--dry-run"]
    piped = subprocess.run(dry, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert piped.returncode == 0, piped.stderr
    expected = [
        f"  create   2024/05/01/{long_name}/(BAND).tif  (new)",
        "  create   2024/05/02/strips/(BAND).tif  (new)",
    ]
    # The summary, the requests the sync makes, then each change.
    assert piped.stdout.splitlines()[2].startswith("requests: ")
    assert piped.stdout.splitlines()[3:] == expected
    for columns in (80, 100, 120):
        screen, status = in_terminal(dry, tmp_path, env, columns)
        assert status == 0, screen
        # Every action has its line, fitted to the terminal: what does not fit ends in "…".
        drawn = [line for line in lines(screen) if line.startswith("  create ")]
        assert len(drawn) == 2, screen
        assert all(len(line) <= columns for line in drawn)
        assert drawn[1] == expected[1]
        assert drawn[0] == expected[0] if len(expected[0]) <= columns else drawn[0].endswith("…")
        # The estimate is a summary line: wrapped at the edge, never cut short.
        assert "no rate limit set" in " ".join(line.strip() for line in lines(screen))
        # --wide shows each line whole, however narrow the terminal.
        wide, status = in_terminal([*dry, "--wide"], tmp_path, env, columns)
        assert status == 0, wide
        assert [
            line for line in wide.replace("\r\n", "\n").splitlines() if line.startswith("  create ")
        ] == expected
    # A copy of the bucket elsewhere is not the bucket: refused, as any folder.
    refused = subprocess.run(
        [*byoc, "tiles", "sync", collection, str(other), "--dry-run"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 2
    assert "--bucket-dir" in refused.stderr
    # Run twice: the first registers, the second finds nothing to do.
    sync = [*byoc, "-o", "json", "tiles", "sync", collection, str(bucket), "--timeout", "60"]
    first = subprocess.run(sync, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert first.returncode == 4, first.stderr
    again = subprocess.run(sync, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["plan"]["counts"]["create"] == 0
