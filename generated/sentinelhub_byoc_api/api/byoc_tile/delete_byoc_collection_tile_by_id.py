# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.rest_error_wrapper import RestErrorWrapper
from ...types import RequestArgs, Response


def build_request(
    collection_id: UUID,
    tile_id: UUID,
) -> RequestArgs:
    """Build the request of `delete_byoc_collection_tile_by_id`: the arguments of `httpx.Client.request()`.

    The URL is relative to the API's base URL; send it with any httpx client and read the answer.
    """
    headers: dict[str, Any] = {}

    headers["Accept"] = "application/json"

    _kwargs: RequestArgs = {
        "method": "delete",
        "url": "/byoc/v1/collections/{collection_id}/tiles/{tile_id}".format(
            collection_id=quote(str(collection_id), safe=""),
            tile_id=quote(str(tile_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> RestErrorWrapper | None:
    if response.status_code == 204:
        return None

    if response.status_code == 401:
        return None

    if response.status_code == 403:
        return None

    if response.status_code == 404:
        response_404 = RestErrorWrapper.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[RestErrorWrapper | None]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    collection_id: UUID,
    tile_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[RestErrorWrapper | None]:
    """Delete a tile

    Args:
        collection_id (UUID):
        tile_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[RestErrorWrapper | None]
    """

    kwargs = build_request(
        collection_id=collection_id,
        tile_id=tile_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    collection_id: UUID,
    tile_id: UUID,
    *,
    client: AuthenticatedClient,
) -> RestErrorWrapper | None:
    """Delete a tile

    Args:
        collection_id (UUID):
        tile_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        RestErrorWrapper | None
    """

    return sync_detailed(
        collection_id=collection_id,
        tile_id=tile_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    collection_id: UUID,
    tile_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[RestErrorWrapper | None]:
    """Delete a tile

    Args:
        collection_id (UUID):
        tile_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[RestErrorWrapper | None]
    """

    kwargs = build_request(
        collection_id=collection_id,
        tile_id=tile_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    collection_id: UUID,
    tile_id: UUID,
    *,
    client: AuthenticatedClient,
) -> RestErrorWrapper | None:
    """Delete a tile

    Args:
        collection_id (UUID):
        tile_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        RestErrorWrapper | None
    """

    return (
        await asyncio_detailed(
            collection_id=collection_id,
            tile_id=tile_id,
            client=client,
        )
    ).parsed
