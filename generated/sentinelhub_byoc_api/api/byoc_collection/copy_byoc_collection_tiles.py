# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.rest_error_wrapper import RestErrorWrapper
from ...types import UNSET, RequestArgs, Response


def build_request(
    collection_id: UUID,
    *,
    to_collection: UUID,
) -> RequestArgs:
    """Build the request of `copy_byoc_collection_tiles`: the arguments of `httpx.Client.request()`.

    The URL is relative to the API's base URL; send it with any httpx client and read the answer.
    """
    headers: dict[str, Any] = {}

    headers["Accept"] = "application/json"

    params: dict[str, Any] = {}

    json_to_collection = str(to_collection)
    params["toCollection"] = json_to_collection

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: RequestArgs = {
        "method": "post",
        "url": "/byoc/v1/collections/{collection_id}/copyTiles".format(
            collection_id=quote(str(collection_id), safe=""),
        ),
        "params": params,
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
    *,
    client: AuthenticatedClient,
    to_collection: UUID,
) -> Response[RestErrorWrapper | None]:
    """Copy collection tiles

     Copies ingested tiles from one collection to another, but only those whose path isn't present in the
    target collection.

    You need to have access to both source and target collections, and target collection needs to have
    either the same band names and types, or it should have no bands.

    Args:
        collection_id (UUID):
        to_collection (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[RestErrorWrapper | None]
    """

    kwargs = build_request(
        collection_id=collection_id,
        to_collection=to_collection,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    collection_id: UUID,
    *,
    client: AuthenticatedClient,
    to_collection: UUID,
) -> RestErrorWrapper | None:
    """Copy collection tiles

     Copies ingested tiles from one collection to another, but only those whose path isn't present in the
    target collection.

    You need to have access to both source and target collections, and target collection needs to have
    either the same band names and types, or it should have no bands.

    Args:
        collection_id (UUID):
        to_collection (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        RestErrorWrapper | None
    """

    return sync_detailed(
        collection_id=collection_id,
        client=client,
        to_collection=to_collection,
    ).parsed


async def asyncio_detailed(
    collection_id: UUID,
    *,
    client: AuthenticatedClient,
    to_collection: UUID,
) -> Response[RestErrorWrapper | None]:
    """Copy collection tiles

     Copies ingested tiles from one collection to another, but only those whose path isn't present in the
    target collection.

    You need to have access to both source and target collections, and target collection needs to have
    either the same band names and types, or it should have no bands.

    Args:
        collection_id (UUID):
        to_collection (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[RestErrorWrapper | None]
    """

    kwargs = build_request(
        collection_id=collection_id,
        to_collection=to_collection,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    collection_id: UUID,
    *,
    client: AuthenticatedClient,
    to_collection: UUID,
) -> RestErrorWrapper | None:
    """Copy collection tiles

     Copies ingested tiles from one collection to another, but only those whose path isn't present in the
    target collection.

    You need to have access to both source and target collections, and target collection needs to have
    either the same band names and types, or it should have no bands.

    Args:
        collection_id (UUID):
        to_collection (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        RestErrorWrapper | None
    """

    return (
        await asyncio_detailed(
            collection_id=collection_id,
            client=client,
            to_collection=to_collection,
        )
    ).parsed
