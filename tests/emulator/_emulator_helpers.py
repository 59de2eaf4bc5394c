"""Helpers shared by the emulator tests."""

from __future__ import annotations

from typing import Any

import httpx
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

TOKEN_PATH = "/auth/realms/main/protocol/openid-connect/token"
PREFIXES = ["/api/v1/byoc", "/byoc/v1"]


def get_token(client: httpx.Client, client_id: str = DEMO_CLIENT_ID, secret: str = DEMO_CLIENT_SECRET) -> str:
    response = client.post(
        TOKEN_PATH,
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def new_collection(api: httpx.Client, prefix: str = "/api/v1/byoc", **extra: Any) -> dict[str, Any]:
    body = {"name": "test collection", "s3Bucket": "test-bucket", **extra}
    response = api.post(f"{prefix}/collections", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def new_tile(
    api: httpx.Client, collection_id: str, prefix: str = "/api/v1/byoc", **body: Any
) -> dict[str, Any]:
    response = api.post(f"{prefix}/collections/{collection_id}/tiles", json=body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def error_code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])
