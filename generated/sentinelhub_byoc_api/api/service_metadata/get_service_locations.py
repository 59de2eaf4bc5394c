# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.service_location import ServiceLocation
from ...models.service_locations_type_1 import ServiceLocationsType1
from ...types import RequestArgs, Response


def build_request() -> RequestArgs:
    """Build the request of `get_service_locations`: the arguments of `httpx.Client.request()`.

    The URL is relative to the API's base URL; send it with any httpx client and read the answer.
    """
    headers: dict[str, Any] = {}

    headers["Accept"] = "application/json"

    _kwargs: RequestArgs = {
        "method": "get",
        "url": "/api/v1/metadata/location/",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> list[ServiceLocation] | ServiceLocationsType1 | None:
    if response.status_code == 200:

        def _parse_response_200(
            data: object,
        ) -> list[ServiceLocation] | ServiceLocationsType1:
            try:
                if not isinstance(data, list):
                    raise TypeError()
                componentsschemas_service_locations_type_0 = []
                _componentsschemas_service_locations_type_0 = data
                for (
                    componentsschemas_service_locations_type_0_item_data
                ) in _componentsschemas_service_locations_type_0:
                    componentsschemas_service_locations_type_0_item = (
                        ServiceLocation.from_dict(
                            componentsschemas_service_locations_type_0_item_data
                        )
                    )

                    componentsschemas_service_locations_type_0.append(
                        componentsschemas_service_locations_type_0_item
                    )

                return componentsschemas_service_locations_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_service_locations_type_1 = (
                ServiceLocationsType1.from_dict(data)
            )

            return componentsschemas_service_locations_type_1

        response_200 = _parse_response_200(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[list[ServiceLocation] | ServiceLocationsType1]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[list[ServiceLocation] | ServiceLocationsType1]:
    """List the service's locations

     The location ids the service uses and the URL of each deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[list[ServiceLocation] | ServiceLocationsType1]
    """

    kwargs = build_request()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> list[ServiceLocation] | ServiceLocationsType1 | None:
    """List the service's locations

     The location ids the service uses and the URL of each deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        list[ServiceLocation] | ServiceLocationsType1
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[list[ServiceLocation] | ServiceLocationsType1]:
    """List the service's locations

     The location ids the service uses and the URL of each deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[list[ServiceLocation] | ServiceLocationsType1]
    """

    kwargs = build_request()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> list[ServiceLocation] | ServiceLocationsType1 | None:
    """List the service's locations

     The location ids the service uses and the URL of each deployment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        list[ServiceLocation] | ServiceLocationsType1
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
