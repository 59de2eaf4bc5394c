# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.byoc_global_collections_response import BYOCGlobalCollectionsResponse
from ...models.rest_error_wrapper import RestErrorWrapper
from ...types import UNSET, RequestArgs, Response, Unset


def build_request(
    *,
    ids: str | Unset = UNSET,
) -> RequestArgs:
    """Build the request of `get_byoc_global_collections`: the arguments of `httpx.Client.request()`.

    The URL is relative to the API's base URL; send it with any httpx client and read the answer.
    """
    headers: dict[str, Any] = {}

    headers["Accept"] = "application/json"

    params: dict[str, Any] = {}

    params["ids"] = ids

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: RequestArgs = {
        "method": "get",
        "url": "/byoc/v1/global",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BYOCGlobalCollectionsResponse | RestErrorWrapper | None:
    if response.status_code == 200:
        response_200 = BYOCGlobalCollectionsResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = RestErrorWrapper.from_dict(response.json())

        return response_400

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
) -> Response[BYOCGlobalCollectionsResponse | RestErrorWrapper | None]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    ids: str | Unset = UNSET,
) -> Response[BYOCGlobalCollectionsResponse | RestErrorWrapper | None]:
    """Find collections on every deployment

     Which deployment holds each of the given collections: any deployment answers for all of
    them. Each entry's `location` is a location id such as `aws-eu-central-1`.

    Args:
        ids (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BYOCGlobalCollectionsResponse | RestErrorWrapper | None]
    """

    kwargs = build_request(
        ids=ids,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    ids: str | Unset = UNSET,
) -> BYOCGlobalCollectionsResponse | RestErrorWrapper | None:
    """Find collections on every deployment

     Which deployment holds each of the given collections: any deployment answers for all of
    them. Each entry's `location` is a location id such as `aws-eu-central-1`.

    Args:
        ids (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BYOCGlobalCollectionsResponse | RestErrorWrapper | None
    """

    return sync_detailed(
        client=client,
        ids=ids,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    ids: str | Unset = UNSET,
) -> Response[BYOCGlobalCollectionsResponse | RestErrorWrapper | None]:
    """Find collections on every deployment

     Which deployment holds each of the given collections: any deployment answers for all of
    them. Each entry's `location` is a location id such as `aws-eu-central-1`.

    Args:
        ids (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BYOCGlobalCollectionsResponse | RestErrorWrapper | None]
    """

    kwargs = build_request(
        ids=ids,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    ids: str | Unset = UNSET,
) -> BYOCGlobalCollectionsResponse | RestErrorWrapper | None:
    """Find collections on every deployment

     Which deployment holds each of the given collections: any deployment answers for all of
    them. Each entry's `location` is a location id such as `aws-eu-central-1`.

    Args:
        ids (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BYOCGlobalCollectionsResponse | RestErrorWrapper | None
    """

    return (
        await asyncio_detailed(
            client=client,
            ids=ids,
        )
    ).parsed
