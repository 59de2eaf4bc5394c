"""OAuth2 token endpoint and bearer-token checks on every BYOC route."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from sentinelhub_byoc.testing import Emulator, ManualClock

from tests.emulator._emulator_helpers import PREFIXES, TOKEN_PATH, error_code, get_token, new_collection

CID = "008faeb6-011f-4d55-87f4-918feb8d1733"  # fixed: test ids must not differ between processes
TID = "0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"
ROUTES = [
    ("GET", "/collections"),
    ("POST", "/collections"),
    ("GET", f"/collections/{CID}"),
    ("PUT", f"/collections/{CID}"),
    ("DELETE", f"/collections/{CID}"),
    ("POST", f"/collections/{CID}/copyTiles?toCollection={CID}"),
    ("GET", f"/collections/{CID}/tiles"),
    ("POST", f"/collections/{CID}/tiles"),
    ("GET", f"/collections/{CID}/tiles/{TID}"),
    ("PUT", f"/collections/{CID}/tiles/{TID}"),
    ("DELETE", f"/collections/{CID}/tiles/{TID}"),
    ("POST", f"/collections/{CID}/tiles/{TID}/reingest"),
    ("GET", f"/collections/{CID}/tiles/{TID}/files"),
    ("GET", f"/collections/{CID}/tiles/{TID}/files/a.tif"),
    ("HEAD", f"/collections/{CID}/tiles/{TID}/files/a.tif"),
]


def test_form_credentials_give_a_bearer_token(http: httpx.Client, emu: Emulator) -> None:
    response = http.post(
        TOKEN_PATH,
        data={
            "grant_type": "client_credentials",
            "client_id": "demo-client-id",
            "client_secret": "demo-client-secret",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    payload = body["access_token"].split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["exp"] - claims["iat"] == 3600
    assert emu.token_requests == 1


def test_basic_credentials_and_the_oauth_token_alias(http: httpx.Client) -> None:
    response = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("demo-client-id", "demo-client-secret"),
    )
    assert response.status_code == 200
    token = response.json()["access_token"]
    listed = http.get("/byoc/v1/collections", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200


@pytest.mark.parametrize(
    ("data", "auth", "status", "error"),
    [
        (
            {"grant_type": "client_credentials", "client_id": "demo-client-id", "client_secret": "wrong"},
            None,
            401,
            "invalid_client",
        ),
        (
            {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"},
            None,
            401,
            "invalid_client",
        ),
        ({"grant_type": "client_credentials"}, ("demo-client-id", "wrong"), 401, "invalid_client"),
        ({"grant_type": "client_credentials"}, None, 401, "invalid_client"),
        (
            {"grant_type": "password", "client_id": "demo-client-id", "client_secret": "demo-client-secret"},
            None,
            400,
            "unsupported_grant_type",
        ),
        (
            {"client_id": "demo-client-id", "client_secret": "demo-client-secret"},
            None,
            400,
            "invalid_request",
        ),
    ],
)
def test_token_errors_are_oauth2_json(
    http: httpx.Client,
    data: dict[str, str],
    auth: tuple[str, str] | None,
    status: int,
    error: str,
) -> None:
    if auth is None:
        response = http.post(TOKEN_PATH, data=data)
    else:
        response = http.post(TOKEN_PATH, data=data, auth=auth)
    assert response.status_code == status
    assert response.json()["error"] == error
    assert response.json()["error_description"]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_every_route_needs_a_token(http: httpx.Client, prefix: str, method: str, route: str) -> None:
    response = http.request(method, prefix + route)
    assert response.status_code == 401
    if method != "HEAD":
        assert error_code(response) == "COMMON_UNAUTHORIZED"


def test_bad_token_is_refused(http: httpx.Client) -> None:
    response = http.get("/byoc/v1/collections", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401


def test_expired_token_is_refused(http: httpx.Client, clock: ManualClock) -> None:
    headers = {"Authorization": f"Bearer {get_token(http)}"}
    clock.advance(3599)
    assert http.get("/byoc/v1/collections", headers=headers).status_code == 200
    clock.advance(2)
    assert http.get("/byoc/v1/collections", headers=headers).status_code == 401


def test_revoked_token_is_refused(http: httpx.Client, emu: Emulator) -> None:
    headers = {"Authorization": f"Bearer {get_token(http)}"}
    assert emu.revoke_tokens() == 1
    assert http.get("/byoc/v1/collections", headers=headers).status_code == 401


def test_token_lifetime_is_configurable(tmp_path: object) -> None:
    with (
        Emulator(clock=ManualClock(), token_lifetime=60) as emulator,
        httpx.Client(transport=emulator.transport(), base_url="http://e") as client,
    ):
        response = client.post(
            TOKEN_PATH,
            data={"grant_type": "client_credentials"},
            auth=("demo-client-id", "demo-client-secret"),
        )
        assert response.json()["expires_in"] == 60


def test_accounts_do_not_see_each_others_collections(api: httpx.Client, emu: Emulator) -> None:
    emu.add_client("other", "other-secret")
    mine = new_collection(api)
    other = {"Authorization": f"Bearer {get_token(api, 'other', 'other-secret')}"}
    assert api.get("/byoc/v1/collections", headers=other).json()["data"] == []
    response = api.get(f"/byoc/v1/collections/{mine['id']}", headers=other)
    assert response.status_code == 404
    assert error_code(response) == "COMMON_NOT_FOUND"
    assert api.delete(f"/byoc/v1/collections/{mine['id']}", headers=other).status_code == 404
    assert mine["accountId"] == emu.account_id()
    assert emu.account_id("other") != emu.account_id()
