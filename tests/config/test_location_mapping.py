"""Location ids of the global lookup → deployments: presets for the public service, the list otherwise."""

from __future__ import annotations

import json

import httpx
import pytest
from sentinelhub_byoc import BYOCClient, Deployment
from sentinelhub_byoc.deployments import deployment_from_location_list, preset_at_location
from sentinelhub_byoc.errors import APIResponseValidationError, ValidationError

from tests.samples import COLLECTION_ID

LOCATED = {"data": [{"id": str(COLLECTION_ID), "location": "aws-us-west-2", "s3Bucket": "b"}]}


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("aws-eu-central-1", Deployment.EU),
        ("aws-us-west-2", Deployment.US_WEST),
        ("gcp-us-central1", Deployment.GCP),
        ("creo", Deployment.CREODIAS),
        ("cdse", Deployment.CDSE),
        ("cdse-otc", Deployment.CDSE_OTC),
    ],
)
def test_a_client_of_the_public_service_maps_location_ids_to_presets(
    location: str, expected: Deployment
) -> None:
    assert preset_at_location(location, Deployment.EU) == expected


def test_the_path_prefix_of_the_asking_client_is_kept() -> None:
    found = preset_at_location("aws-us-west-2", Deployment.EU.with_path_prefix("/byoc/v1"))
    assert found is not None
    assert found.api_url == "https://services-uswest2.sentinel-hub.com/byoc/v1"


def test_another_installation_never_maps_to_the_public_hosts() -> None:
    private = Deployment.custom("https://byoc.example.com")
    assert preset_at_location("aws-us-west-2", private) is None
    assert preset_at_location("mundi", Deployment.EU) is None


def test_the_location_list_gives_a_deployment_with_the_same_identity_service() -> None:
    private = Deployment.custom("https://byoc.example.com")
    found = deployment_from_location_list("far", "https://far.example.com/", private)
    assert (found.name, found.location, found.base_url) == ("far", "far", "https://far.example.com")
    assert (found.token_url, found.path_prefix) == (private.token_url, private.path_prefix)
    # A preset's URL is that preset.
    assert (
        deployment_from_location_list("x", "https://creodias.sentinel-hub.com", Deployment.EU)
        == Deployment.CREODIAS
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://far.example.com",  # the token would travel in clear text
        "https://user:secret@far.example.com",
        "https://far.example.com/?next=evil",
        "ftp://far.example.com",
        "https://",
        "javascript:alert(1)",
    ],
)
def test_urls_the_token_must_not_follow_are_refused(url: str) -> None:
    with pytest.raises(ValidationError, match="location list"):
        deployment_from_location_list("far", url, Deployment.EU)


def test_loopback_http_is_followed_for_emulators() -> None:
    assert deployment_from_location_list("x", "http://127.0.0.1:8080", Deployment.EU).base_url == (
        "http://127.0.0.1:8080"
    )


def _client(answers: dict[str, object], seen: list[str]) -> BYOCClient:
    def respond(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, content=json.dumps(answers[request.url.path]).encode())

    return BYOCClient(access_token="t", transport=httpx.MockTransport(respond))


def test_a_preset_client_asks_only_the_lookup() -> None:
    seen: list[str] = []
    with _client({"/api/v1/byoc/global": LOCATED}, seen) as client:
        assert client.collections.locate(COLLECTION_ID) == Deployment.US_WEST
    assert seen == ["/api/v1/byoc/global"]


@pytest.mark.parametrize(
    "listed",
    [
        [{"id": "far", "url": "https://far.example.com"}, {"id": 3}, "junk"],
        {"far": "https://far.example.com", "other": None},
        {"data": [{"id": "far", "url": "https://far.example.com"}]},
    ],
)
def test_an_unknown_location_is_looked_up_in_the_list_of_either_shape(listed: object) -> None:
    seen: list[str] = []
    located = {"data": [{"id": str(COLLECTION_ID), "location": "far"}]}
    answers = {"/api/v1/byoc/global": located, "/api/v1/metadata/location/": listed}
    with _client(answers, seen) as client:
        assert client.collections.locate(COLLECTION_ID).base_url == "https://far.example.com"
    assert seen == ["/api/v1/byoc/global", "/api/v1/metadata/location/"]


@pytest.mark.parametrize(
    ("listed", "why"),
    [
        ([{"id": "elsewhere", "url": "https://x.example.com"}], "does not name"),
        ([{"id": "far", "url": "http://evil.example.com"}], "only https"),
        (42, "expected a list of locations"),
    ],
)
def test_a_location_nothing_maps_is_a_typed_error(listed: object, why: str) -> None:
    located = {"data": [{"id": str(COLLECTION_ID), "location": "far"}]}
    answers = {"/api/v1/byoc/global": located, "/api/v1/metadata/location/": listed}
    with _client(answers, []) as client, pytest.raises(APIResponseValidationError, match=why):
        client.collections.locate(COLLECTION_ID)
