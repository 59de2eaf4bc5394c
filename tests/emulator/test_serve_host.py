"""``byoc emulator serve --host``: an address others can reach is said to be one."""

from __future__ import annotations

import pytest
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

from tests.emulator._serve_process import start


def test_a_host_reachable_from_the_network_is_warned_about_in_one_line() -> None:
    served = start("--host", "0.0.0.0")
    try:
        # Still served: the warning is not a refusal.
        assert served.token(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        assert DEMO_CLIENT_SECRET in served.banner
        errors = served.interrupt()
    finally:
        served.stop()
    assert errors.count("\n") == 1, errors
    assert errors.startswith("byoc: warning: --host 0.0.0.0 is not a loopback address")
    assert "client id and secret printed below can be reached from the network" in errors


@pytest.mark.parametrize("host", ["localhost", "127.0.0.2"])
def test_a_loopback_host_is_served_without_a_word(host: str) -> None:
    served = start("--host", host)
    try:
        assert served.token(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        assert served.interrupt() == ""
    finally:
        served.stop()
