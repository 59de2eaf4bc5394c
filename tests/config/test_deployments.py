"""Deployments: presets, lookup by name, custom ones, and URLs chosen from a profile."""

from __future__ import annotations

import warnings

import pytest
import sentinelhub_byoc
from sentinelhub_byoc import deployments
from sentinelhub_byoc.deployments import (
    CDSE,
    CDSE_OTC,
    CREODIAS,
    DEPLOYMENTS,
    EU,
    GCP,
    OPENAPI_PATH_PREFIX,
    US_WEST,
    Deployment,
    deployment_from_urls,
    get_deployment,
)
from sentinelhub_byoc.errors import ValidationError

# The constants the public sources use, written out here so a changed preset fails.
# sentinelhub-js src/auth.ts; sentinelhub-py sentinelhub/config.py (`sh_token_url`).
SH_TOKEN = "https://services.sentinel-hub.com/auth/realms/main/protocol/openid-connect/token"
# CDSE docs APIs/SentinelHub/Overview/Authentication.qmd; sentinelhub-py docs/source/configure.rst.
CDSE_TOKEN = "https://identity.dataspace.copernicus.eu/auth/realms/CDSE/protocol/openid-connect/token"
# sentinelhub-py sentinelhub/api/byoc.py; CDSE docs APIs/SentinelHub/Byoc/Examples.qmd.
PREFIX = "/api/v1/byoc"
OBSOLETE_GCP = "https://services-gcp-us-central1.sentinel-hub.com"


@pytest.mark.parametrize(
    ("deployment", "base_url", "token_url", "location"),
    [
        # sentinelhub-js src/layer/const.ts SHV3_LOCATIONS_ROOT_URL (5e8ea6a, 2026-04-13);
        # sentinelhub-py constants.ServiceUrl.MAIN.
        (EU, "https://services.sentinel-hub.com", SH_TOKEN, "aws-eu-central-1"),
        # const.ts awsUsWest2; ServiceUrl.USWEST.
        (US_WEST, "https://services-uswest2.sentinel-hub.com", SH_TOKEN, "aws-us-west-2"),
        # const.ts gcpUsCentral1 since its commit 1c90f79 (2025-07-16).
        (GCP, "https://services-gcp.sentinel-hub.com", SH_TOKEN, "gcp-us-central1"),
        # const.ts creo; ServiceUrl.CREODIAS; Sentinel Hub docs, data/byoc "BYOC endpoints".
        (CREODIAS, "https://creodias.sentinel-hub.com", SH_TOKEN, "creo"),
        # const.ts cdse; sentinelhub-py docs/source/configure.rst.
        (CDSE, "https://sh.dataspace.copernicus.eu", CDSE_TOKEN, "cdse"),
        # const.ts cdseOtc (commit 0dd99c4, 2024-12-16); the token URL is CDSE's (no source names one).
        (CDSE_OTC, "https://sh-otc.dataspace.copernicus.eu", CDSE_TOKEN, "cdse-otc"),
    ],
    ids=lambda value: value.name if isinstance(value, Deployment) else None,
)
def test_presets(deployment: Deployment, base_url: str, token_url: str, location: str) -> None:
    assert deployment.base_url == base_url
    assert deployment.token_url == token_url
    assert deployment.path_prefix == PREFIX
    assert deployment.collections_url == base_url + PREFIX + "/collections"
    assert deployment.location == location
    assert deployment.cdse == (token_url == CDSE_TOKEN)


def test_presets_are_class_attributes() -> None:
    assert Deployment.EU is EU
    assert Deployment.US_WEST is US_WEST
    assert Deployment.GCP is GCP
    assert Deployment.CREODIAS is CREODIAS
    assert Deployment.CDSE is CDSE
    assert Deployment.CDSE_OTC is CDSE_OTC
    assert sentinelhub_byoc.GCP is GCP
    assert sentinelhub_byoc.CREODIAS is CREODIAS
    assert sentinelhub_byoc.CDSE_OTC is CDSE_OTC


def test_a_location_id_is_kept_and_defaults_to_none() -> None:
    assert Deployment.custom("http://127.0.0.1:8080").location is None
    assert Deployment.custom("http://127.0.0.1:8080", location="aws-eu-central-1").location == (
        "aws-eu-central-1"
    )
    assert Deployment("x", "https://x.example", "https://x.example/token").location is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("eu", EU),
        ("EU", EU),
        ("default", EU),
        ("us-west", US_WEST),
        ("US_WEST", US_WEST),
        ("us-west-2", US_WEST),
        ("gcp", GCP),
        ("creodias", CREODIAS),
        ("cdse", CDSE),
        (" CDSE ", CDSE),
        ("cdse-otc", CDSE_OTC),
        ("CDSE_OTC", CDSE_OTC),
        (CDSE, CDSE),
    ],
)
def test_lookup_by_name(name: str | Deployment, expected: Deployment) -> None:
    assert get_deployment(name) is expected


@pytest.mark.parametrize("preset", list(DEPLOYMENTS.values()), ids=lambda preset: preset.name)
def test_lookup_by_location_id(preset: Deployment) -> None:
    assert preset.location is not None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert get_deployment(preset.location) is preset
        assert get_deployment(preset.location.upper().replace("-", "_")) is preset


def test_the_gcp_location_id_is_the_current_host() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert get_deployment("gcp_us_central1") is GCP


DEPRECATION = (
    r"deprecated since 0\.1 and will be removed in 0\.2; use the 'gcp' deployment "
    r"\(https://services-gcp\.sentinel-hub\.com\) instead; this one still points at the obsolete "
    r"host https://services-gcp-us-central1\.sentinel-hub\.com"
)


def _obsolete(deployment: Deployment) -> None:
    assert deployment.base_url == OBSOLETE_GCP
    assert deployment.token_url == SH_TOKEN
    assert deployment.name == "gcp-us-central"
    assert deployment.location == "gcp-us-central1"


def test_the_old_gcp_constant_still_reaches_the_old_host_with_a_warning() -> None:
    with pytest.warns(
        DeprecationWarning, match=r"sentinelhub_byoc\.deployments\.GCP_US_CENTRAL is " + DEPRECATION
    ):
        _obsolete(deployments.GCP_US_CENTRAL)
    with pytest.warns(
        DeprecationWarning, match=r"^sentinelhub_byoc\.GCP_US_CENTRAL is " + DEPRECATION
    ) as caught:
        _obsolete(sentinelhub_byoc.GCP_US_CENTRAL)
    # One warning, attributed to the line that read the name.
    assert [warning.filename for warning in caught] == [__file__]
    with pytest.warns(DeprecationWarning, match=r"^Deployment\.GCP_US_CENTRAL is " + DEPRECATION) as caught:
        _obsolete(Deployment.GCP_US_CENTRAL)
    assert caught[0].filename == __file__
    with pytest.warns(DeprecationWarning, match="GCP_US_CENTRAL"):
        from sentinelhub_byoc.deployments import GCP_US_CENTRAL
    _obsolete(GCP_US_CENTRAL)
    assert "GCP_US_CENTRAL" not in deployments.__all__
    assert "GCP_US_CENTRAL" not in sentinelhub_byoc.__all__


@pytest.mark.parametrize("name", ["gcp-us-central", "GCP_US_CENTRAL"])
def test_the_old_gcp_name_still_reaches_the_old_host_with_a_warning(name: str) -> None:
    with pytest.warns(
        DeprecationWarning, match=r"^the deployment name '" + name + "' is " + DEPRECATION
    ) as caught:
        _obsolete(get_deployment(name))
    assert caught[0].filename == __file__


def test_a_profile_with_the_old_gcp_host_still_reaches_it_with_a_warning() -> None:
    with pytest.warns(
        DeprecationWarning, match=r"^the base URL .* \(the obsolete GCP host\) is " + DEPRECATION
    ):
        _obsolete(deployment_from_urls(OBSOLETE_GCP + "/"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert deployment_from_urls(GCP.base_url) is GCP


def test_unknown_name_lists_the_known_ones() -> None:
    known = "cdse, cdse-otc, creodias, eu, gcp, us-west, or "
    with pytest.raises(ValidationError, match=f"unknown deployment 'mars'; use one of {known}"):
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
        ("https://creodias.sentinel-hub.com", None, CREODIAS),
        ("https://sh-otc.dataspace.copernicus.eu", CDSE_TOKEN, CDSE_OTC),
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
    assert set(DEPLOYMENTS) == {"eu", "us-west", "gcp", "creodias", "cdse", "cdse-otc"}
    assert all(DEPLOYMENTS[name].name == name for name in DEPLOYMENTS)
