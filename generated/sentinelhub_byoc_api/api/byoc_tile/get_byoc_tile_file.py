# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...types import UNSET, File, RequestArgs, Response, Unset


def build_request(
    collection_id: UUID,
    tile_id: UUID,
    path: str,
    *,
    range_: str | Unset = UNSET,
) -> RequestArgs:
    """Build the request of `get_byoc_tile_file`: the arguments of `httpx.Client.request()`.

    The URL is relative to the API's base URL; send it with any httpx client and read the answer.
    """
    headers: dict[str, Any] = {}
    if not isinstance(range_, Unset):
        headers["Range"] = range_

    headers["Accept"] = "application/octet-stream"

    _kwargs: RequestArgs = {
        "method": "get",
        "url": "/byoc/v1/collections/{collection_id}/tiles/{tile_id}/files/{path}".format(
            collection_id=quote(str(collection_id), safe=""),
            tile_id=quote(str(tile_id), safe=""),
            path=quote(str(path), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> File | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

        return response_200

    if response.status_code == 206:
        response_206 = File(payload=BytesIO(response.content))

        return response_206

    if response.status_code == 401:
        return None

    if response.status_code == 403:
        return None

    if response.status_code == 404:
        return None

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[File | None]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    collection_id: UUID,
    tile_id: UUID,
    path: str,
    *,
    client: AuthenticatedClient,
    range_: str | Unset = UNSET,
) -> Response[File | None]:
    """Retrieve a file from your Planet collection tile

    Args:
        collection_id (UUID):
        tile_id (UUID):
        path (str):
        range_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[File | None]
    """

    kwargs = build_request(
        collection_id=collection_id,
        tile_id=tile_id,
        path=path,
        range_=range_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    collection_id: UUID,
    tile_id: UUID,
    path: str,
    *,
    client: AuthenticatedClient,
    range_: str | Unset = UNSET,
) -> File | None:
    """Retrieve a file from your Planet collection tile

    Args:
        collection_id (UUID):
        tile_id (UUID):
        path (str):
        range_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        File | None
    """

    return sync_detailed(
        collection_id=collection_id,
        tile_id=tile_id,
        path=path,
        client=client,
        range_=range_,
    ).parsed


async def asyncio_detailed(
    collection_id: UUID,
    tile_id: UUID,
    path: str,
    *,
    client: AuthenticatedClient,
    range_: str | Unset = UNSET,
) -> Response[File | None]:
    """Retrieve a file from your Planet collection tile

    Args:
        collection_id (UUID):
        tile_id (UUID):
        path (str):
        range_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[File | None]
    """

    kwargs = build_request(
        collection_id=collection_id,
        tile_id=tile_id,
        path=path,
        range_=range_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    collection_id: UUID,
    tile_id: UUID,
    path: str,
    *,
    client: AuthenticatedClient,
    range_: str | Unset = UNSET,
) -> File | None:
    """Retrieve a file from your Planet collection tile

    Args:
        collection_id (UUID):
        tile_id (UUID):
        path (str):
        range_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        File | None
    """

    return (
        await asyncio_detailed(
            collection_id=collection_id,
            tile_id=tile_id,
            path=path,
            client=client,
            range_=range_,
        )
    ).parsed
