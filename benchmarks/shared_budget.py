"""Client benchmark: 8 processes sharing one request budget, against 8 with a budget each.

The emulator runs in a child process (``python shared_budget.py serve``) and notes when each
BYOC request arrives. Eight worker processes (``python shared_budget.py work ...``) each call
``client.collections.get`` in a loop for 20 s (5 s with ``--quick``), starting together, with
``requests_per_minute=1200`` (20 a second) and a burst of 1:

- shared: a :class:`~sentinelhub_byoc.shared_ratelimit.SharedRateLimiter` each, over the same
  file: together they may send 20 a second, so at most 21 requests arrive in any one second (a
  sliding window over the arrival times);
- separate (the baseline): a process-local ``RateLimiter`` each, as before: about 8 x 20 = 160.

A third run without any limit shows what the emulator serves at most, so that the separate run
measures the limiters, not the emulator.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

from _common import CLIENT, Result, progress

WORKERS = 8
PER_SECOND = 20
MAX_IN_ONE_SECOND = PER_SECOND + 1
_SETTLE = 0.5  # seconds from telling the ready workers the start time to the start


# The server side, in its own process ---------------------------------------------------------


def serve() -> None:
    """Serve an emulator with one collection; print where; answer ``times SINCE`` lines; stop at EOF."""
    from sentinelhub_byoc.testing import Emulator, client_for
    from sentinelhub_byoc.testing import serve as serve_emulator

    arrivals: list[float] = []
    lock = threading.Lock()
    with Emulator() as emulator, serve_emulator(emulator) as server:
        with client_for(server) as client:
            collection = client.collections.create(name="budget", s3_bucket="budget-bucket").id
        handle = emulator.handle

        def noted(request: Any) -> Any:
            if "/api/v1/byoc/" in request.url.path:
                with lock:
                    arrivals.append(time.time())
            return handle(request)

        emulator.handle = noted  # type: ignore[method-assign]
        where = {
            "base_url": server.base_url,
            "token_url": server.token_url,
            "client_id": server.client_id,
            "client_secret": server.client_secret,
            "collection": str(collection),
        }
        print(json.dumps(where), flush=True)
        for line in sys.stdin:
            since = float(line.split()[1])
            with lock:
                seen = [when for when in arrivals if when >= since]
                arrivals.clear()
            print(json.dumps(seen), flush=True)


# The workers --------------------------------------------------------------------------------


def work(where_json: str, mode: str, seconds: float, budgets: str) -> None:
    """Call ``collections.get`` for *seconds* with the *mode*'s limiter from the start; print the count.

    The worker says ``ready`` once its token and connection are there, then reads the start time
    (the same for every worker) from its standard input.
    """
    from sentinelhub_byoc import BYOCClient, RateLimiter
    from sentinelhub_byoc.deployments import Deployment
    from sentinelhub_byoc.shared_ratelimit import SharedRateLimiter

    where = json.loads(where_json)
    deployment = Deployment.custom(where["base_url"], token_url=where["token_url"], name="emulator")
    per_minute = PER_SECOND * 60
    limiter: Any = None
    if mode == "shared":
        limiter = SharedRateLimiter(
            per_minute,
            client_id=where["client_id"],
            token_url=where["token_url"],
            burst=1,
            directory=budgets,
        )
    elif mode == "separate":
        limiter = RateLimiter(per_minute, burst=1)
    with BYOCClient(
        where["client_id"], where["client_secret"], deployment=deployment, rate_limit=limiter
    ) as client:
        client.collections.get(where["collection"])  # the token and the connection, before the start
        print("ready", flush=True)
        start = float(sys.stdin.readline())
        time.sleep(max(0.0, start - time.time()))
        late = time.time() - start
        end = start + seconds
        calls = 0
        while time.time() < end:
            client.collections.get(where["collection"])
            calls += 1
    print(json.dumps({"calls": calls, "late": late}), flush=True)


# The measurement ----------------------------------------------------------------------------


def most_in_one_second(arrivals: list[float]) -> int:
    """The most arrivals in any window ``[t, t + 1 s)`` (a sliding window over sorted times)."""
    times = sorted(arrivals)
    most = first = 0
    for last, when in enumerate(times):
        while times[first] <= when - 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def _round(server: subprocess.Popen[str], where: str, mode: str, seconds: float, budgets: str) -> list[float]:
    """Run the workers once in *mode*; the arrival times of their requests after the start."""
    assert server.stdin is not None
    assert server.stdout is not None
    workers = [
        subprocess.Popen(
            [sys.executable, __file__, "work", where, mode, repr(seconds), budgets],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    for worker in workers:
        assert worker.stdout is not None
        if worker.stdout.readline().strip() != "ready":
            raise RuntimeError(f"a {mode} worker failed:\n{worker.communicate()[1]}")
    start = time.time() + _SETTLE
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write(f"{start!r}\n")
        worker.stdin.flush()
    for worker in workers:
        out, err = worker.communicate(timeout=_SETTLE + seconds + 120)
        if worker.returncode != 0:
            raise RuntimeError(f"a {mode} worker failed:\n{err}")
        if json.loads(out.strip().splitlines()[-1])["late"] > 0.5:
            raise RuntimeError(f"a {mode} worker started more than 0.5 s late; the machine is too busy")
    server.stdin.write(f"times {start!r}\n")
    server.stdin.flush()
    return [when for when in json.loads(server.stdout.readline()) if when < start + seconds]


def run(quick: bool) -> list[Result]:
    """The most requests in one second with a shared budget, against separate budgets."""
    seconds = 5.0 if quick else 20.0
    server = subprocess.Popen(
        [sys.executable, __file__, "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        where = server.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as budgets:
            progress(f"shared budget: {WORKERS} processes sharing {PER_SECOND} requests/s for {seconds:g} s")
            shared = _round(server, where, "shared", seconds, budgets)
            progress(f"shared budget: {WORKERS} processes with {PER_SECOND} requests/s each")
            separate = _round(server, where, "separate", seconds, budgets)
            progress(f"shared budget: {WORKERS} processes without a limit (what the emulator serves)")
            unlimited = _round(server, where, "none", min(seconds, 5.0), budgets)
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(timeout=30)
    shared_most, separate_most = most_in_one_second(shared), most_in_one_second(separate)
    capacity = len(unlimited) / min(seconds, 5.0)
    violation = None
    if capacity < 2 * WORKERS * PER_SECOND:
        violation = (
            f"the emulator served only {capacity:.0f} requests/s without limits: it, not the "
            f"limiters, may bound the separate run's {separate_most}"
        )
    note = (
        f"{WORKERS} processes, collections.get for {seconds:g} s, {PER_SECOND} requests/s and burst 1 each; "
        f"sliding 1 s windows over the emulator's arrival times\n"
        f"shared: {len(shared)} requests in all ({len(shared) / seconds:.1f}/s); separate: "
        f"{len(separate)} ({len(separate) / seconds:.1f}/s); the emulator serves {capacity:.0f}/s "
        "to the same 8 processes without a limit"
    )
    return [
        Result(
            CLIENT,
            f"shared budget: most requests in 1 s, {WORKERS} processes",
            float(shared_most),
            float(separate_most),
            "requests",
            None,
            baseline_name="separate budgets",
            max_value=MAX_IN_ONE_SECOND + 1,
            note=note,
            violation=violation,
        )
    ]


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve()
    elif sys.argv[1:2] == ["work"]:
        where_json, mode, seconds, budgets = sys.argv[2:6]
        work(where_json, mode, float(seconds), budgets)
    else:
        for result in run("--quick" in sys.argv):
            print("\n".join(result.lines()))
