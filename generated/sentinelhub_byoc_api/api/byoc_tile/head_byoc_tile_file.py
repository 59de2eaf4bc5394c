# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from http import HTTPStatus
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...types import RequestArgs, Response


def build_request(
    collection_id: UUID,
    tile_id: UUID,
    path: str,
) -> RequestArgs:
    """Build the request of `head_byoc_tile_file`: the arguments of `httpx.Client.request()`.

    The URL is relative to the API's base URL; send it with any httpx client and read the answer.
    """

    _kwargs: RequestArgs = {
        "method": "head",
        "url": "/byoc/v1/collections/{collection_id}/tiles/{tile_id}/files/{path}".format(
            collection_id=quote(str(collection_id), safe=""),
            tile_id=quote(str(tile_id), safe=""),
            path=quote(str(path), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> None:
    if response.status_code == 200:
        return

    if response.status_code == 401:
        return

    if response.status_code == 403:
        return

    if response.status_code == 404:
        return

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[None]:
    _parse_response(client=client, response=response)
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=None,
    )


def sync_detailed(
    collection_id: UUID,
    tile_id: UUID,
    path: str,
    *,
    client: AuthenticatedClient,
) -> Response[None]:
    """Get size of a file from your Planet collection tile

    Args:
        collection_id (UUID):
        tile_id (UUID):
        path (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[None]
    """

    kwargs = build_request(
        collection_id=collection_id,
        tile_id=tile_id,
        path=path,
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
) -> None:
    """Get size of a file from your Planet collection tile

    Args:
        collection_id (UUID):
        tile_id (UUID):
        path (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None
    """

    return sync_detailed(
        collection_id=collection_id,
        tile_id=tile_id,
        path=path,
        client=client,
    ).parsed


async def asyncio_detailed(
    collection_id: UUID,
    tile_id: UUID,
    path: str,
    *,
    client: AuthenticatedClient,
) -> Response[None]:
    """Get size of a file from your Planet collection tile

    Args:
        collection_id (UUID):
        tile_id (UUID):
        path (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[None]
    """

    kwargs = build_request(
        collection_id=collection_id,
        tile_id=tile_id,
        path=path,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    collection_id: UUID,
    tile_id: UUID,
    path: str,
    *,
    client: AuthenticatedClient,
) -> None:
    """Get size of a file from your Planet collection tile

    Args:
        collection_id (UUID):
        tile_id (UUID):
        path (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        None
    """

    return (
        await asyncio_detailed(
            collection_id=collection_id,
            tile_id=tile_id,
            path=path,
            client=client,
        )
    ).parsed
