# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.byoc_collection import BYOCCollection
from ...models.byoc_collection_response import BYOCCollectionResponse
from ...models.rest_error_wrapper import RestErrorWrapper
from ...types import RequestArgs, Response


def build_request(
    *,
    body: BYOCCollection,
) -> RequestArgs:
    """Build the request of `create_byoc_collection`: the arguments of `httpx.Client.request()`.

    The URL is relative to the API's base URL; send it with any httpx client and read the answer.
    """
    headers: dict[str, Any] = {}

    headers["Accept"] = "application/json"

    _kwargs: RequestArgs = {
        "method": "post",
        "url": "/byoc/v1/collections",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BYOCCollectionResponse | RestErrorWrapper | None:
    if response.status_code == 201:
        response_201 = BYOCCollectionResponse.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = RestErrorWrapper.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        return None

    if response.status_code == 403:
        return None

    if response.status_code == 409:
        response_409 = RestErrorWrapper.from_dict(response.json())

        return response_409

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BYOCCollectionResponse | RestErrorWrapper | None]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BYOCCollection,
) -> Response[BYOCCollectionResponse | RestErrorWrapper | None]:
    """Create a collection

    Args:
        body (BYOCCollection):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BYOCCollectionResponse | RestErrorWrapper | None]
    """

    kwargs = build_request(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: BYOCCollection,
) -> BYOCCollectionResponse | RestErrorWrapper | None:
    """Create a collection

    Args:
        body (BYOCCollection):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BYOCCollectionResponse | RestErrorWrapper | None
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: BYOCCollection,
) -> Response[BYOCCollectionResponse | RestErrorWrapper | None]:
    """Create a collection

    Args:
        body (BYOCCollection):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BYOCCollectionResponse | RestErrorWrapper | None]
    """

    kwargs = build_request(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: BYOCCollection,
) -> BYOCCollectionResponse | RestErrorWrapper | None:
    """Create a collection

    Args:
        body (BYOCCollection):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BYOCCollectionResponse | RestErrorWrapper | None
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
