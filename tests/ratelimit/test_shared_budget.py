"""The file-backed budget: processes share it, and it trusts its files as the token cache does."""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import stat
import struct
from pathlib import Path

import pytest
from sentinelhub_byoc.errors import ConfigurationError, ValidationError
from sentinelhub_byoc.ratelimit import RateLimiter, RequestLimiter
from sentinelhub_byoc.shared_ratelimit import SharedRateLimiter, default_budget_directory

from tests.fake_clock import FakeClock
from tests.ratelimit._workers import CLIENT_ID, RATE_PER_MINUTE, TOKEN_URL, reserve_many

POSIX_ROOT = os.name == "posix" and os.geteuid() == 0


def budget(
    directory: Path, clock: FakeClock | None = None, *, rpm: float = 60, burst: int = 1
) -> SharedRateLimiter:
    clock = clock or FakeClock(1_700_000_000.0)
    return SharedRateLimiter(
        rpm,
        client_id=CLIENT_ID,
        token_url=TOKEN_URL,
        burst=burst,
        directory=directory,
        clock=clock,
        sleep=clock.sleep,
    )


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    path = tmp_path / "budgets"
    path.mkdir(mode=0o700)
    os.chmod(path, 0o700)
    return path


def test_processes_sharing_a_file_reserve_slots_one_interval_apart(directory: Path) -> None:
    # Three processes reserve at once; the slots they were given, together, are never closer
    # than the rate allows (burst 1: one every 10 ms), and none is lost.
    context = multiprocessing.get_context("spawn")
    with context.Pool(3) as pool:
        results = pool.starmap(reserve_many, [(str(directory), 40)] * 3)
    starts = sorted(start for result in results for start in result)
    assert len(starts) == 120
    interval = 60.0 / RATE_PER_MINUTE
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert min(gaps) >= interval - 1e-5, min(gaps)
    # Each process alone would have started its own first slot at once: shared, the last slot
    # is at least 119 intervals after the first.
    assert starts[-1] - starts[0] >= 119 * interval - 1e-4


def test_two_limiters_on_one_file_queue_behind_each_other(directory: Path) -> None:
    clock = FakeClock(1_700_000_000.0)
    first, second = budget(directory, clock), budget(directory, clock)
    assert [first.reserve(), second.reserve(), first.reserve()] == pytest.approx([0.0, 1.0, 2.0])
    clock.now += 10  # a quiet spell refills the bucket, up to its burst
    assert second.reserve() == 0.0
    assert first.reserve() == pytest.approx(1.0)


def test_both_limiters_are_request_limiters(directory: Path) -> None:
    assert isinstance(budget(directory), RequestLimiter)
    assert isinstance(RateLimiter(60), RequestLimiter)


def test_the_file_is_named_by_a_hash_and_holds_no_credentials(directory: Path) -> None:
    limiter = budget(directory)
    limiter.reserve()
    assert limiter.path.parent == directory.resolve()
    assert len(limiter.path.stem) == 64
    assert CLIENT_ID not in limiter.path.name
    content = limiter.path.read_bytes()
    assert len(content) == 24
    assert CLIENT_ID.encode() not in content
    assert stat.S_IMODE(limiter.path.stat().st_mode) == 0o600


def test_another_account_has_another_file(directory: Path) -> None:
    other = SharedRateLimiter(60, client_id="other", token_url=TOKEN_URL, directory=directory)
    assert other.path != budget(directory).path


def test_a_pause_holds_every_limiter_of_the_file(directory: Path) -> None:
    clock = FakeClock(1_700_000_000.0)
    first, second = budget(directory, clock, rpm=600, burst=5), budget(directory, clock, rpm=600, burst=5)
    first.pause(7.0)
    assert second.reserve() == pytest.approx(7.0)
    assert first.reserve() == pytest.approx(7.1)


def test_a_pause_is_capped_and_a_nonsense_pause_ignored(directory: Path) -> None:
    clock = FakeClock(1_700_000_000.0)
    limiter = budget(directory, clock, rpm=600, burst=5)
    limiter.pause(float("nan"))
    limiter.pause(-5.0)
    assert limiter.reserve() == 0.0
    limiter.pause(1e9)
    assert limiter.reserve() == pytest.approx(60.0)


def test_a_clock_going_backwards_refills_nothing_and_fails_nothing(directory: Path) -> None:
    clock = FakeClock(1_700_000_000.0)
    limiter = budget(directory, clock)
    assert limiter.reserve() == 0.0
    clock.now -= 3600  # set back an hour
    assert limiter.reserve() == pytest.approx(1.0)
    clock.now += 1.0  # and from there on, time counts again
    assert limiter.reserve() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"garbage",
        b"\x00" * 24,
        b"x" * 4096,
        struct.pack("<8sdd", b"BYOCRL1\n", float("nan"), 0.0),
        struct.pack("<8sdd", b"BYOCRL1\n", -1e12, 1_700_000_000.0),  # a queue of 30,000 years
        struct.pack("<8sdd", b"BYOCRL1\n", 0.0, float("inf")),
    ],
    ids=["empty", "text", "zeros", "large", "nan", "endless-queue", "infinite-time"],
)
def test_content_that_is_not_a_level_means_a_full_bucket(directory: Path, content: bytes) -> None:
    limiter = budget(directory)
    limiter.path.write_bytes(content)
    os.chmod(limiter.path, 0o600)
    assert limiter.reserve() == 0.0
    assert len(limiter.path.read_bytes()) == 24  # rewritten whole


def test_a_level_above_the_burst_is_held_to_it(directory: Path) -> None:
    clock = FakeClock(1_700_000_000.0)
    limiter = budget(directory, clock)
    limiter.path.write_bytes(struct.pack("<8sdd", b"BYOCRL1\n", 1e300, clock.now))
    os.chmod(limiter.path, 0o600)
    assert [limiter.reserve(), limiter.reserve()] == pytest.approx([0.0, 1.0])


def test_a_late_wake_up_is_charged_to_the_budget(directory: Path) -> None:
    clock = FakeClock(1_700_000_000.0)
    limiter = budget(directory, clock)
    late = 0.3

    def oversleep(seconds: float) -> None:
        clock.now += seconds + late

    limiter._sleep = oversleep
    limiter.acquire()
    limiter.acquire()  # slot at +1 s, woken at +1.3 s
    # The next slot is one interval after the late request was really sent (at +2.3 s), not
    # one after its slot (at +2 s, 0.7 s from now).
    assert limiter.reserve() == pytest.approx(1.0)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def _falls_back(limiter: SharedRateLimiter) -> None:
    # A process-local bucket of the same rate: the first slot at once, the next a second later.
    assert [limiter.reserve(), limiter.reserve()] == pytest.approx([0.0, 1.0], abs=0.05)


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_a_directory_others_may_write_is_refused_with_a_warning(
    directory: Path, caplog: pytest.LogCaptureFixture
) -> None:
    os.chmod(directory, 0o770)
    limiter = budget(directory)
    with caplog.at_level(logging.WARNING, logger="sentinelhub_byoc"):
        _falls_back(limiter)
    (message,) = [m for m in _warnings(caplog) if "request budget directory" in m]
    assert "writable by its group" in message
    assert "without the shared budget" in message
    assert not limiter.path.exists()


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_symbolic_link_is_never_followed(
    directory: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    target = tmp_path / "target"
    target.write_bytes(b"precious")
    limiter = budget(directory)
    limiter.path.symlink_to(target)
    with caplog.at_level(logging.WARNING, logger="sentinelhub_byoc"):
        _falls_back(limiter)
    assert any("symbolic link" in m and "request budget file" in m for m in _warnings(caplog))
    assert target.read_bytes() == b"precious"
    assert limiter.path.is_symlink()


@pytest.mark.skipif(not POSIX_ROOT, reason="giving a file to another user needs root")
def test_someone_elses_file_is_left_alone(directory: Path, caplog: pytest.LogCaptureFixture) -> None:
    limiter = budget(directory)
    limiter.path.write_bytes(b"theirs")
    os.chmod(limiter.path, 0o600)
    os.chown(limiter.path, 54321, -1)
    with caplog.at_level(logging.WARNING, logger="sentinelhub_byoc"):
        _falls_back(limiter)
    assert any("owned by user id 54321" in m for m in _warnings(caplog))
    assert limiter.path.read_bytes() == b"theirs"


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_a_file_others_may_write_is_left_alone(directory: Path, caplog: pytest.LogCaptureFixture) -> None:
    limiter = budget(directory)
    limiter.path.write_bytes(b"")
    os.chmod(limiter.path, 0o666)
    with caplog.at_level(logging.WARNING, logger="sentinelhub_byoc"):
        _falls_back(limiter)
    assert any("writable by group and others" in m for m in _warnings(caplog))
    assert limiter.path.read_bytes() == b""


def test_a_directory_given_that_cannot_be_created_is_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ConfigurationError, match="request budget directory"):
        SharedRateLimiter(60, client_id=CLIENT_ID, token_url=TOKEN_URL, directory=blocker / "budgets")


def test_the_default_directory_that_cannot_be_created_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr("sys.platform", "linux")
    with caplog.at_level(logging.WARNING, logger="sentinelhub_byoc"):
        limiter = SharedRateLimiter(60, client_id=CLIENT_ID, token_url=TOKEN_URL, burst=1)
        _falls_back(limiter)
    assert any("each process keeps its own budget" in m for m in _warnings(caplog))


def test_the_default_directory_is_beside_the_tokens(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr("sys.platform", "linux")
    assert default_budget_directory() == tmp_path / "sentinelhub-byoc" / "budgets"


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"requests_per_minute": 0}, "requests_per_minute"),
        ({"requests_per_minute": float("inf")}, "requests_per_minute"),
        ({"burst": 0}, "burst"),
        ({"client_id": ""}, "client_id"),
        ({"token_url": None}, "token_url"),
        ({"directory": 5}, "directory"),
    ],
)
def test_arguments_that_are_not_what_they_say_are_refused(
    directory: Path, arguments: dict[str, object], words: str
) -> None:
    given: dict[str, object] = {
        "requests_per_minute": 60,
        "client_id": CLIENT_ID,
        "token_url": TOKEN_URL,
        "directory": directory,
        **arguments,
    }
    rate = given.pop("requests_per_minute")
    with pytest.raises(ValidationError, match=words):
        SharedRateLimiter(rate, **given)  # type: ignore[arg-type]
