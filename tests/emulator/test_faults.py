"""Injected latency, throttling, server errors and dropped connections, in-process."""

from __future__ import annotations

import anyio
import httpx
import pytest
from sentinelhub_byoc.testing import Emulator, Faults, ManualClock

from tests.emulator._emulator_helpers import TOKEN_PATH, get_token, new_collection

FLAT_429 = {
    "status": 429,
    "reason": "Too Many Requests",
    "message": "You have exceeded your rate limit",
    "code": "RATE_LIMIT_EXCEEDED",
}


def _outcomes(api: httpx.Client, n: int) -> list[str]:
    result = []
    for _ in range(n):
        try:
            result.append(str(api.get("/byoc/v1/collections").status_code))
        except httpx.RemoteProtocolError:
            result.append("drop")
    return result


def test_scripted_sequence(api: httpx.Client, emu: Emulator) -> None:
    emu.script_faults(["503", "drop", None, "429", "500", "502", "504", "ok"])
    assert _outcomes(api, 9) == ["503", "drop", "200", "429", "500", "502", "504", "200", "200"]
    assert emu.scripted_faults_remaining == 0
    statuses = [r.status for r in emu.requests[-9:]]
    assert statuses[1] is None
    assert emu.requests[-8].fault == "drop"


def test_429_is_flat_with_retry_after_in_milliseconds(api: httpx.Client, emu: Emulator) -> None:
    emu.script_faults(["429"])
    response = api.get("/byoc/v1/collections")
    assert response.status_code == 429
    assert response.json() == FLAT_429
    assert response.headers["Retry-After"] == "1000"


def test_server_errors_use_the_error_envelope(api: httpx.Client, emu: Emulator) -> None:
    emu.script_faults(["500"])
    response = api.get("/byoc/v1/collections")
    assert response.json()["error"]["status"] == 500


def test_drop_before_processing_changes_nothing(api: httpx.Client, emu: Emulator) -> None:
    emu.script_faults(["drop"])
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/byoc/v1/collections", json={"name": "n", "s3Bucket": "test-bucket"})
    assert api.get("/byoc/v1/collections").json()["data"] == []


def test_lost_response_was_processed(api: httpx.Client, emu: Emulator) -> None:
    emu.script_faults(["lost"])
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/byoc/v1/collections", json={"name": "n", "s3Bucket": "test-bucket"})
    assert len(api.get("/byoc/v1/collections").json()["data"]) == 1
    assert emu.requests[-2].fault == "lost"


def test_random_faults_are_reproducible_with_a_seed(api: httpx.Client, emu: Emulator) -> None:
    faults = Faults(seed=7, error_rate=0.2, throttle_rate=0.1, drop_rate=0.05, lost_response_rate=0.05)
    emu.set_faults(faults)
    first = _outcomes(api, 60)
    emu.set_faults(faults)
    second = _outcomes(api, 60)
    assert first == second
    assert {"200", "429", "drop"} <= set(first)
    assert any(s in first for s in ("500", "502", "503", "504"))
    emu.set_faults(None)
    assert set(_outcomes(api, 10)) == {"200"}


def test_faults_spare_the_token_route_unless_asked(http: httpx.Client, emu: Emulator) -> None:
    emu.set_faults(Faults(seed=1, error_rate=1.0))
    get_token(http)
    emu.set_faults(Faults(seed=1, error_rate=1.0, include_token_route=True))
    response = http.post(
        TOKEN_PATH, data={"grant_type": "client_credentials"}, auth=("demo-client-id", "demo-client-secret")
    )
    assert response.status_code >= 500
    emu.set_faults(None)
    emu.script_faults(["429"], include_token_route=True)
    response = http.post(
        TOKEN_PATH, data={"grant_type": "client_credentials"}, auth=("demo-client-id", "demo-client-secret")
    )
    assert response.status_code == 429
    assert response.json() == FLAT_429


def test_latency_uses_the_clock(api: httpx.Client, emu: Emulator, clock: ManualClock) -> None:
    before = clock.now()
    emu.set_faults(Faults(latency=2.5))
    api.get("/byoc/v1/collections")
    assert clock.now() - before == pytest.approx(2.5)
    emu.set_faults(None)
    emu.script_faults(["delay:4"])
    api.get("/byoc/v1/collections")
    assert clock.now() - before == pytest.approx(6.5)


def test_rate_limit_per_client(api: httpx.Client, emu: Emulator, clock: ManualClock) -> None:
    emu.add_client("other", "secret")
    other = {"Authorization": f"Bearer {get_token(api, 'other', 'secret')}"}
    emu.set_rate_limit(3, client_id="demo-client-id")
    assert _outcomes(api, 3) == ["200"] * 3
    clock.advance(10)
    limited = api.get("/byoc/v1/collections")
    assert limited.status_code == 429
    assert limited.json() == FLAT_429
    assert int(limited.headers["Retry-After"]) == 50_000
    assert api.get("/byoc/v1/collections", headers=other).status_code == 200
    clock.advance(50)
    assert api.get("/byoc/v1/collections").status_code == 200


def test_rate_limit_for_every_client_via_faults(api: httpx.Client, emu: Emulator) -> None:
    emu.set_faults(Faults(rate_limit_per_minute=2))
    assert _outcomes(api, 3) == ["200", "200", "429"]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"error_rate": 1.5}, "probability"),
        ({"error_statuses": (404,)}, "error_statuses"),
        ({"latency": (2.0, 1.0)}, "latency"),
        ({"rate_limit_per_minute": 0}, "rate_limit_per_minute"),
    ],
)
def test_bad_fault_settings_are_explained(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        Faults(**kwargs)  # type: ignore[arg-type]


def test_bad_script_entry_is_explained(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="unknown scripted fault '418'"):
        emu.script_faults(["418"])


def test_async_client_with_faults(emu: Emulator) -> None:
    async def main() -> list[str]:
        async with httpx.AsyncClient(transport=emu.transport(), base_url="http://e") as client:
            token = (
                await client.post(
                    TOKEN_PATH,
                    data={"grant_type": "client_credentials"},
                    auth=("demo-client-id", "demo-client-secret"),
                )
            ).json()["access_token"]
            client.headers["Authorization"] = f"Bearer {token}"
            emu.script_faults(["delay:1", "drop", "lost", "503"])
            outcomes = []
            for _ in range(5):
                try:
                    outcomes.append(str((await client.get("/byoc/v1/collections")).status_code))
                except httpx.RemoteProtocolError:
                    outcomes.append("drop")
            return outcomes

    assert anyio.run(main) == ["200", "drop", "drop", "503", "200"]


def test_nothing_reached_the_emulator(emu: Emulator) -> None:
    assert emu.requests == []


def test_request_log(api: httpx.Client, emu: Emulator) -> None:
    new_collection(api)
    records = [(r.method, r.path, r.status) for r in emu.requests]
    assert records == [("POST", TOKEN_PATH, 200), ("POST", "/api/v1/byoc/collections", 201)]
    emu.clear_requests()
    assert emu.requests == []
