"""Deployments: presets, lookup by name, custom ones, and URLs chosen from a profile."""

from __future__ import annotations

import pytest
from sentinelhub_byoc.deployments import (
    CDSE,
    DEPLOYMENTS,
    EU,
    GCP_US_CENTRAL,
    OPENAPI_PATH_PREFIX,
    US_WEST,
    Deployment,
    deployment_from_urls,
    get_deployment,
)
from sentinelhub_byoc.errors import ValidationError

SH_TOKEN = "https://services.sentinel-hub.com/auth/realms/main/protocol/openid-connect/token"


@pytest.mark.parametrize(
    ("deployment", "base_url", "token_url"),
    [
        (EU, "https://services.sentinel-hub.com", SH_TOKEN),
        (US_WEST, "https://services-uswest2.sentinel-hub.com", SH_TOKEN),
        (GCP_US_CENTRAL, "https://services-gcp-us-central1.sentinel-hub.com", SH_TOKEN),
        (
            CDSE,
            "https://sh.dataspace.copernicus.eu",
            "https://identity.dataspace.copernicus.eu/auth/realms/CDSE/protocol/openid-connect/token",
        ),
    ],
)
def test_presets(deployment: Deployment, base_url: str, token_url: str) -> None:
    assert deployment.base_url == base_url
    assert deployment.token_url == token_url
    assert deployment.path_prefix == "/api/v1/byoc"
    assert deployment.collections_url == base_url + "/api/v1/byoc/collections"


def test_presets_are_class_attributes() -> None:
    assert Deployment.EU is EU
    assert Deployment.US_WEST is US_WEST
    assert Deployment.GCP_US_CENTRAL is GCP_US_CENTRAL
    assert Deployment.CDSE is CDSE


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("eu", EU),
        ("EU", EU),
        ("default", EU),
        ("us-west", US_WEST),
        ("US_WEST", US_WEST),
        ("us-west-2", US_WEST),
        ("gcp-us-central", GCP_US_CENTRAL),
        ("gcp_us_central1", GCP_US_CENTRAL),
        ("cdse", CDSE),
        (" CDSE ", CDSE),
        (CDSE, CDSE),
    ],
)
def test_lookup_by_name(name: str | Deployment, expected: Deployment) -> None:
    assert get_deployment(name) is expected


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(ValidationError, match=r"unknown deployment 'mars'; use one of cdse, eu"):
        get_deployment("mars")


def test_custom_deployment_defaults_its_token_url() -> None:
    deployment = Deployment.custom("http://127.0.0.1:8080/")
    assert deployment.name == "custom"
    assert deployment.base_url == "http://127.0.0.1:8080"
    assert deployment.token_url == ("http://127.0.0.1:8080/auth/realms/main/protocol/openid-connect/token")
    assert deployment.api_url == "http://127.0.0.1:8080/api/v1/byoc"


def test_openapi_path_prefix() -> None:
    deployment = EU.with_path_prefix(OPENAPI_PATH_PREFIX)
    assert deployment.collections_url == "https://services.sentinel-hub.com/byoc/v1/collections"
    assert EU.path_prefix == "/api/v1/byoc"  # presets are frozen values
    assert Deployment.custom("https://x.example", path_prefix="byoc/v1/").path_prefix == "/byoc/v1"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"base_url": "services.sentinel-hub.com"}, "base_url must be an absolute http"),
        ({"base_url": "ftp://x.example"}, "base_url must be an absolute http"),
        ({"base_url": "https://x.example?a=1"}, "must not have a query"),
        ({"base_url": "https://x.example", "token_url": "/token"}, "token_url must be"),
        ({"base_url": "https://x.example", "path_prefix": "/"}, "path_prefix must be a path"),
    ],
)
def test_custom_rejects_bad_urls(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Deployment.custom(**kwargs)


@pytest.mark.parametrize(
    ("base_url", "token_url", "expected"),
    [
        (None, None, EU),
        ("https://services.sentinel-hub.com", None, EU),
        ("https://services.sentinel-hub.com/", SH_TOKEN, EU),
        ("https://services-uswest2.sentinel-hub.com", None, US_WEST),
        ("https://sh.dataspace.copernicus.eu", None, CDSE),
        ("https://sh.dataspace.copernicus.eu", CDSE.token_url, CDSE),
    ],
)
def test_profile_urls_pick_a_preset(
    base_url: str | None, token_url: str | None, expected: Deployment
) -> None:
    assert deployment_from_urls(base_url, token_url) is expected


def test_profile_urls_build_a_custom_deployment() -> None:
    deployment = deployment_from_urls("http://localhost:9000", "http://localhost:9000/token")
    assert deployment == Deployment(
        name="custom", base_url="http://localhost:9000", token_url="http://localhost:9000/token"
    )
    unknown_token = deployment_from_urls(EU.base_url, "https://sso.example/token")
    assert unknown_token.name == "custom"
    assert unknown_token.token_url == "https://sso.example/token"
    assert deployment_from_urls("https://x.example").token_url == SH_TOKEN


def test_deployments_by_name() -> None:
    assert set(DEPLOYMENTS) == {"eu", "us-west", "gcp-us-central", "cdse"}
