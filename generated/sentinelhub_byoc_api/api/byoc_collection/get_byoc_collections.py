# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.byoc_collections_response import BYOCCollectionsResponse
from ...types import UNSET, RequestArgs, Response, Unset


def build_request(
    *,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    search: str | Unset = UNSET,
) -> RequestArgs:
    """Build the request of `get_byoc_collections`: the arguments of `httpx.Client.request()`.

    The URL is relative to the API's base URL; send it with any httpx client and read the answer.
    """
    headers: dict[str, Any] = {}

    headers["Accept"] = "application/json"

    params: dict[str, Any] = {}

    params["count"] = count

    params["viewtoken"] = viewtoken

    params["search"] = search

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: RequestArgs = {
        "method": "get",
        "url": "/byoc/v1/collections",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BYOCCollectionsResponse | None:
    if response.status_code == 200:
        response_200 = BYOCCollectionsResponse.from_dict(response.json())

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
) -> Response[BYOCCollectionsResponse | None]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    search: str | Unset = UNSET,
) -> Response[BYOCCollectionsResponse | None]:
    """Query collections

    Args:
        count (int | Unset):
        viewtoken (str | Unset):
        search (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BYOCCollectionsResponse | None]
    """

    kwargs = build_request(
        count=count,
        viewtoken=viewtoken,
        search=search,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    search: str | Unset = UNSET,
) -> BYOCCollectionsResponse | None:
    """Query collections

    Args:
        count (int | Unset):
        viewtoken (str | Unset):
        search (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BYOCCollectionsResponse | None
    """

    return sync_detailed(
        client=client,
        count=count,
        viewtoken=viewtoken,
        search=search,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    search: str | Unset = UNSET,
) -> Response[BYOCCollectionsResponse | None]:
    """Query collections

    Args:
        count (int | Unset):
        viewtoken (str | Unset):
        search (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BYOCCollectionsResponse | None]
    """

    kwargs = build_request(
        count=count,
        viewtoken=viewtoken,
        search=search,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    count: int | Unset = UNSET,
    viewtoken: str | Unset = UNSET,
    search: str | Unset = UNSET,
) -> BYOCCollectionsResponse | None:
    """Query collections

    Args:
        count (int | Unset):
        viewtoken (str | Unset):
        search (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BYOCCollectionsResponse | None
    """

    return (
        await asyncio_detailed(
            client=client,
            count=count,
            viewtoken=viewtoken,
            search=search,
        )
    ).parsed
