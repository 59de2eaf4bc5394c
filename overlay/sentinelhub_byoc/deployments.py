"""Where the BYOC API lives: the Sentinel Hub deployments and their URLs.

>>> Deployment.EU.collections_url
'https://services.sentinel-hub.com/api/v1/byoc/collections'
>>> get_deployment("cdse").base_url
'https://sh.dataspace.copernicus.eu'
>>> Deployment.custom("http://127.0.0.1:8080").token_url
'http://127.0.0.1:8080/auth/realms/main/protocol/openid-connect/token'
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlsplit

import attrs

from sentinelhub_byoc.errors import ValidationError

__all__ = [
    "CDSE",
    "DEFAULT_PATH_PREFIX",
    "DEPLOYMENTS",
    "EU",
    "GCP_US_CENTRAL",
    "OPENAPI_PATH_PREFIX",
    "TOKEN_PATH",
    "US_WEST",
    "Deployment",
    "deployment_from_urls",
    "get_deployment",
]

DEFAULT_PATH_PREFIX = "/api/v1/byoc"
"""The prefix every documented example and official client uses, on every deployment."""

OPENAPI_PATH_PREFIX = "/byoc/v1"
"""The prefix the published OpenAPI document uses."""

TOKEN_PATH = "/auth/realms/main/protocol/openid-connect/token"
"""Where the Sentinel Hub deployments serve their OAuth2 token endpoint."""


def _normalise_url(value: str) -> str:
    return value.strip().rstrip("/")


def _check_url(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            f"Deployment {attribute.name} must be an absolute http(s) URL such as "
            f"'https://services.sentinel-hub.com', got {value!r}"
        )
    if parts.query or parts.fragment:
        raise ValidationError(f"Deployment {attribute.name} must not have a query or fragment, got {value!r}")


def _normalise_prefix(value: str) -> str:
    value = value.strip().rstrip("/")
    return value if value.startswith("/") else "/" + value


def _check_prefix(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value in ("", "/") or "?" in value or "#" in value:
        raise ValidationError(
            f"Deployment path_prefix must be a path such as {DEFAULT_PATH_PREFIX!r} or "
            f"{OPENAPI_PATH_PREFIX!r}, got {value!r}"
        )


@attrs.frozen
class Deployment:
    """One Sentinel Hub deployment: where the BYOC API and its token endpoint are.

    Attributes:
        name: a short name, e.g. ``"eu"``; ``"custom"`` for one built with :meth:`custom`.
        base_url: scheme and host (and optional path) without a trailing slash.
        token_url: the OAuth2 token endpoint.
        path_prefix: where BYOC lives under ``base_url``: ``"/api/v1/byoc"`` (documented
            examples, the default) or ``"/byoc/v1"`` (the OpenAPI document).
        cdse: whether this is (an emulation of) the Copernicus Data Space deployment, whose
            rules differ: it also takes EPSG:6933 geometries, ``PROJECT_ID:bucket`` bucket
            names and a ``storage_identifier`` on collections.

    The presets are ``Deployment.EU`` (the default), ``Deployment.US_WEST``,
    ``Deployment.GCP_US_CENTRAL`` and ``Deployment.CDSE``.
    """

    EU: ClassVar[Deployment]
    """Sentinel Hub's EU deployment (AWS eu-central-1), the default: the same value as
    :data:`~sentinelhub_byoc.deployments.EU`."""
    US_WEST: ClassVar[Deployment]
    """Sentinel Hub's US West deployment (AWS us-west-2): the same value as
    :data:`~sentinelhub_byoc.deployments.US_WEST`."""
    GCP_US_CENTRAL: ClassVar[Deployment]
    """Sentinel Hub's Google Cloud us-central1 deployment: the same value as
    :data:`~sentinelhub_byoc.deployments.GCP_US_CENTRAL`."""
    CDSE: ClassVar[Deployment]
    """The Copernicus Data Space Ecosystem deployment: the same value as
    :data:`~sentinelhub_byoc.deployments.CDSE`."""

    name: str
    base_url: str = attrs.field(converter=_normalise_url, validator=_check_url)
    token_url: str = attrs.field(converter=_normalise_url, validator=_check_url)
    path_prefix: str = attrs.field(
        default=DEFAULT_PATH_PREFIX, converter=_normalise_prefix, validator=_check_prefix
    )
    cdse: bool = attrs.field(default=False, kw_only=True, validator=attrs.validators.instance_of(bool))

    @classmethod
    def custom(
        cls,
        base_url: str,
        *,
        token_url: str | None = None,
        path_prefix: str = DEFAULT_PATH_PREFIX,
        name: str = "custom",
        cdse: bool = False,
    ) -> Deployment:
        """Return a deployment at ``base_url``, e.g. a local emulator or a private installation.

        ``token_url`` defaults to the Keycloak path under ``base_url``
        (``/auth/realms/main/protocol/openid-connect/token``).

        >>> Deployment.custom("https://byoc.example.com", path_prefix="/byoc/v1").api_url
        'https://byoc.example.com/byoc/v1'
        """
        base = _normalise_url(base_url)
        return cls(
            name=name,
            base_url=base,
            token_url=token_url if token_url is not None else base + TOKEN_PATH,
            path_prefix=path_prefix,
            cdse=cdse,
        )

    def with_path_prefix(self, path_prefix: str) -> Deployment:
        """Return this deployment with another path prefix.

        >>> Deployment.EU.with_path_prefix("/byoc/v1").api_url
        'https://services.sentinel-hub.com/byoc/v1'
        """
        return attrs.evolve(self, path_prefix=path_prefix)

    @property
    def api_url(self) -> str:
        """The root of the BYOC API: ``base_url`` followed by ``path_prefix``."""
        return self.base_url + self.path_prefix

    @property
    def collections_url(self) -> str:
        """The URL of the collections listing."""
        return self.api_url + "/collections"


EU = Deployment(
    name="eu",
    base_url="https://services.sentinel-hub.com",
    token_url="https://services.sentinel-hub.com" + TOKEN_PATH,
)
"""Sentinel Hub's EU deployment (AWS eu-central-1), the default: ``https://services.sentinel-hub.com``."""
US_WEST = Deployment(
    name="us-west",
    base_url="https://services-uswest2.sentinel-hub.com",
    token_url=EU.token_url,
)
"""Sentinel Hub's US West deployment (AWS us-west-2); it shares the EU deployment's token endpoint."""
GCP_US_CENTRAL = Deployment(
    name="gcp-us-central",
    base_url="https://services-gcp-us-central1.sentinel-hub.com",
    token_url=EU.token_url,
)
"""Sentinel Hub's Google Cloud us-central1 deployment; it shares the EU deployment's token endpoint."""
CDSE = Deployment(
    name="cdse",
    base_url="https://sh.dataspace.copernicus.eu",
    token_url="https://identity.dataspace.copernicus.eu/auth/realms/CDSE/protocol/openid-connect/token",
    cdse=True,
)
"""The Copernicus Data Space Ecosystem deployment, with its own token endpoint and rules (``cdse``)."""
Deployment.EU = EU
Deployment.US_WEST = US_WEST
Deployment.GCP_US_CENTRAL = GCP_US_CENTRAL
Deployment.CDSE = CDSE

DEPLOYMENTS: dict[str, Deployment] = {d.name: d for d in (EU, US_WEST, GCP_US_CENTRAL, CDSE)}
"""The presets by name."""

_ALIASES = {
    "default": "eu",
    "aws-eu-central-1": "eu",
    "eu-central-1": "eu",
    "uswest": "us-west",
    "us-west-2": "us-west",
    "uswest2": "us-west",
    "aws-us-west-2": "us-west",
    "gcp": "gcp-us-central",
    "gcp-us-central1": "gcp-us-central",
    "copernicus": "cdse",
    "dataspace": "cdse",
}


def get_deployment(name: str | Deployment) -> Deployment:
    """Return the preset called ``name`` (case and ``-``/``_`` insensitive), or ``name`` itself.

    >>> get_deployment("US_WEST") is Deployment.US_WEST
    True
    """
    if isinstance(name, Deployment):
        return name
    if not isinstance(name, str):
        raise ValidationError(
            f"deployment must be a name such as 'eu' or 'cdse', or a Deployment, got {type(name).__name__}"
        )
    key = name.strip().lower().replace("_", "-")
    key = _ALIASES.get(key, key)
    try:
        return DEPLOYMENTS[key]
    except KeyError:
        known = ", ".join(sorted(DEPLOYMENTS))
        raise ValidationError(
            f"unknown deployment {name!r}; use one of {known}, or Deployment.custom(base_url) "
            "for any other address"
        ) from None


def deployment_from_urls(
    base_url: str | None, token_url: str | None = None, *, path_prefix: str | None = None
) -> Deployment:
    """Return the preset matching ``base_url`` (and ``token_url`` if given), else a custom one.

    This is how ``sh_base_url``/``sh_token_url`` from a profile choose the deployment. A
    missing ``base_url`` means the EU deployment; a missing ``token_url`` the base URL's
    preset token URL (or, for an unknown base URL, the EU one, as Sentinel Hub's own
    deployments share it).

    >>> deployment_from_urls("https://services-uswest2.sentinel-hub.com/") is Deployment.US_WEST
    True
    """
    base = _normalise_url(base_url) if base_url else EU.base_url
    token = _normalise_url(token_url) if token_url else None
    for preset in DEPLOYMENTS.values():
        if preset.base_url == base and token in (None, preset.token_url):
            found = preset
            break
    else:
        found = Deployment(name="custom", base_url=base, token_url=token or EU.token_url)
    return found if path_prefix is None else found.with_path_prefix(path_prefix)
