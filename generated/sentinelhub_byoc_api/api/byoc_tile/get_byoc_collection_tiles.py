# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.byoc_tile_status import BYOCTileStatus
from ...models.byoc_tiles_response import BYOCTilesResponse
from ...models.get_byoc_collection_tiles_sort import GetByocCollectionTilesSort
from ...types import UNSET, RequestArgs, Response, Unset


def build_request(
    collection_id: UUID,
    *,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    sort: GetByocCollectionTilesSort | Unset = UNSET,
    path: str | Unset = UNSET,
    status: BYOCTileStatus | Unset = UNSET,
) -> RequestArgs:
    """Build the request of `get_byoc_collection_tiles`: the arguments of `httpx.Client.request()`.

    The URL is relative to the API's base URL; send it with any httpx client and read the answer.
    """
    headers: dict[str, Any] = {}

    headers["Accept"] = "application/json"

    params: dict[str, Any] = {}

    params["count"] = count

    params["viewtoken"] = viewtoken

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

    params["path"] = path

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: RequestArgs = {
        "method": "get",
        "url": "/byoc/v1/collections/{collection_id}/tiles".format(
            collection_id=quote(str(collection_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BYOCTilesResponse | None:
    if response.status_code == 200:
        response_200 = BYOCTilesResponse.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        return None

    if response.status_code == 403:
        return None

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BYOCTilesResponse | None]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    collection_id: UUID,
    *,
    client: AuthenticatedClient,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    sort: GetByocCollectionTilesSort | Unset = UNSET,
    path: str | Unset = UNSET,
    status: BYOCTileStatus | Unset = UNSET,
) -> Response[BYOCTilesResponse | None]:
    """Get collection tiles

    Args:
        collection_id (UUID):
        count (int | Unset):
        viewtoken (str | Unset):
        sort (GetByocCollectionTilesSort | Unset):
        path (str | Unset):
        status (BYOCTileStatus | Unset): The status of the tile.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BYOCTilesResponse | None]
    """

    kwargs = build_request(
        collection_id=collection_id,
        count=count,
        viewtoken=viewtoken,
        sort=sort,
        path=path,
        status=status,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    collection_id: UUID,
    *,
    client: AuthenticatedClient,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    sort: GetByocCollectionTilesSort | Unset = UNSET,
    path: str | Unset = UNSET,
    status: BYOCTileStatus | Unset = UNSET,
) -> BYOCTilesResponse | None:
    """Get collection tiles

    Args:
        collection_id (UUID):
        count (int | Unset):
        viewtoken (str | Unset):
        sort (GetByocCollectionTilesSort | Unset):
        path (str | Unset):
        status (BYOCTileStatus | Unset): The status of the tile.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BYOCTilesResponse | None
    """

    return sync_detailed(
        collection_id=collection_id,
        client=client,
        count=count,
        viewtoken=viewtoken,
        sort=sort,
        path=path,
        status=status,
    ).parsed


async def asyncio_detailed(
    collection_id: UUID,
    *,
    client: AuthenticatedClient,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    sort: GetByocCollectionTilesSort | Unset = UNSET,
    path: str | Unset = UNSET,
    status: BYOCTileStatus | Unset = UNSET,
) -> Response[BYOCTilesResponse | None]:
    """Get collection tiles

    Args:
        collection_id (UUID):
        count (int | Unset):
        viewtoken (str | Unset):
        sort (GetByocCollectionTilesSort | Unset):
        path (str | Unset):
        status (BYOCTileStatus | Unset): The status of the tile.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BYOCTilesResponse | None]
    """

    kwargs = build_request(
        collection_id=collection_id,
        count=count,
        viewtoken=viewtoken,
        sort=sort,
        path=path,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    collection_id: UUID,
    *,
    client: AuthenticatedClient,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    sort: GetByocCollectionTilesSort | Unset = UNSET,
    path: str | Unset = UNSET,
    status: BYOCTileStatus | Unset = UNSET,
) -> BYOCTilesResponse | None:
    """Get collection tiles

    Args:
        collection_id (UUID):
        count (int | Unset):
        viewtoken (str | Unset):
        sort (GetByocCollectionTilesSort | Unset):
        path (str | Unset):
        status (BYOCTileStatus | Unset): The status of the tile.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BYOCTilesResponse | None
    """

    return (
        await asyncio_detailed(
            collection_id=collection_id,
            client=client,
            count=count,
            viewtoken=viewtoken,
            sort=sort,
            path=path,
            status=status,
        )
    ).parsed
