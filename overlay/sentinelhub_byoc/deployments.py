"""Where the BYOC API lives: the Sentinel Hub deployments and their URLs.

Each preset's base URL, token URL, path prefix and location id come from these public
sources (read on the dates or commits given):

- sentinelhub-js, ``src/layer/const.ts`` at 5e8ea6a (2026-04-13): ``LocationIdSHv3`` lists the
  location ids ``aws-eu-central-1``, ``aws-us-west-2``, ``creo``, ``gcp-us-central1``, ``cdse``
  and ``cdse-otc``, and ``SHV3_LOCATIONS_ROOT_URL`` maps them to ``services.sentinel-hub.com``,
  ``services-uswest2.sentinel-hub.com``, ``creodias.sentinel-hub.com``,
  ``services-gcp.sentinel-hub.com``, ``sh.dataspace.copernicus.eu`` and
  ``sh-otc.dataspace.copernicus.eu``. Its commit 1c90f79 (2025-07-16, "Enable new GCP location
  (existing one was already obsolete)") moved ``gcp-us-central1`` from
  ``services-gcp-us-central1.sentinel-hub.com`` to ``services-gcp.sentinel-hub.com``; commit
  0dd99c4 (2024-12-16, "add otc deployment") added ``cdse-otc``. The same file points at
  ``/api/v1/metadata/location/`` for the service's own list of location ids and URLs.
- sentinelhub-js, ``src/auth.ts`` at 5e8ea6a: the one token URL it uses,
  ``https://services.sentinel-hub.com/auth/realms/main/protocol/openid-connect/token``; and
  ``src/layer/BYOCLayer.ts`` (2025-08-05): BYOC under ``api/v1/byoc``.
- sentinelhub-py, ``sentinelhub/config.py`` and ``sentinelhub/constants.py`` (``ServiceUrl``:
  ``MAIN``, ``USWEST``, ``CREODIAS``) at 1bfc194 (release 3.11.5, 2026-03-10): the default
  ``sh_token_url`` is the one above for every Sentinel Hub host; ``sentinelhub/api/byoc.py``
  puts BYOC at ``{base_url}/api/v1/byoc``; ``docs/source/configure.rst`` gives CDSE's
  ``sh_base_url`` and ``sh_token_url``.
- Sentinel Hub docs, "Bring Your Own COG / Batch" (docs.sentinel-hub.com/api/latest/data/byoc):
  BYOC endpoints ``services.sentinel-hub.com/api/``, ``services-uswest2.sentinel-hub.com/api/``
  and ``creodias.sentinel-hub.com/api/`` for data in CREODIAS buckets.
- CDSE docs (eu-cdse/documentation at f65bac2, 2025-03-21): ``APIs/SentinelHub/Overview/Authentication.qmd``
  gives the token URL
  ``https://identity.dataspace.copernicus.eu/auth/realms/CDSE/protocol/openid-connect/token``,
  ``APIs/SentinelHub/Byoc/Examples.qmd`` BYOC at ``https://sh.dataspace.copernicus.eu/api/v1/byoc``.

Not confirmed by any source read: the CDSE-OTC token URL. No public source names one for
``sh-otc.dataspace.copernicus.eu``; the preset uses CDSE's identity service, as the two share
CDSE's accounts. Pass ``Deployment.custom(..., token_url=...)`` if that ever differs.

>>> Deployment.EU.collections_url
'https://services.sentinel-hub.com/api/v1/byoc/collections'
>>> get_deployment("cdse").base_url
'https://sh.dataspace.copernicus.eu'
>>> Deployment.custom("http://127.0.0.1:8080").token_url
'http://127.0.0.1:8080/auth/realms/main/protocol/openid-connect/token'
"""

from __future__ import annotations

import warnings
from typing import ClassVar
from urllib.parse import urlsplit

import attrs

from sentinelhub_byoc._deprecation import deprecated_name, removal_message
from sentinelhub_byoc.errors import ValidationError

__all__ = [
    "CDSE",
    "CDSE_OTC",
    "CDSE_TOKEN_URL",
    "CREODIAS",
    "DEFAULT_PATH_PREFIX",
    "DEPLOYMENTS",
    "EU",
    "GCP",
    "OPENAPI_PATH_PREFIX",
    "SENTINEL_HUB_TOKEN_URL",
    "TOKEN_PATH",
    "US_WEST",
    "Deployment",
    "deployment_from_location_list",
    "deployment_from_urls",
    "get_deployment",
    "is_public_service",
    "preset_at_location",
]

DEFAULT_PATH_PREFIX = "/api/v1/byoc"
"""The prefix every documented example and official client uses, on every deployment."""

OPENAPI_PATH_PREFIX = "/byoc/v1"
"""The prefix the published OpenAPI document uses."""

TOKEN_PATH = "/auth/realms/main/protocol/openid-connect/token"
"""Where the Sentinel Hub deployments serve their OAuth2 token endpoint."""

SENTINEL_HUB_TOKEN_URL = "https://services.sentinel-hub.com" + TOKEN_PATH
"""The token endpoint every Sentinel Hub deployment (EU, US West, GCP, CREODIAS) shares."""

CDSE_TOKEN_URL = "https://identity.dataspace.copernicus.eu/auth/realms/CDSE/protocol/openid-connect/token"
"""The Copernicus Data Space Ecosystem's token endpoint, for its deployments."""


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
        location: the service's id of this deployment's location, e.g. ``"aws-eu-central-1"``
            (what ``/api/v1/metadata/location/`` lists); ``None`` for a custom deployment.

    The presets are ``Deployment.EU`` (the default), ``Deployment.US_WEST``,
    ``Deployment.GCP``, ``Deployment.CREODIAS``, ``Deployment.CDSE`` and
    ``Deployment.CDSE_OTC``. ``Deployment.GCP_US_CENTRAL`` (the obsolete GCP host) is deprecated.
    """

    EU: ClassVar[Deployment]
    """Sentinel Hub's EU deployment (AWS eu-central-1), the default: the same value as
    :data:`~sentinelhub_byoc.deployments.EU`."""
    US_WEST: ClassVar[Deployment]
    """Sentinel Hub's US West deployment (AWS us-west-2): the same value as
    :data:`~sentinelhub_byoc.deployments.US_WEST`."""
    GCP: ClassVar[Deployment]
    """Sentinel Hub's Google Cloud us-central1 deployment: the same value as
    :data:`~sentinelhub_byoc.deployments.GCP`."""
    GCP_US_CENTRAL: ClassVar[Deployment]
    """Deprecated: the obsolete host of the Google Cloud deployment; use :attr:`GCP` instead."""
    CREODIAS: ClassVar[Deployment]
    """Sentinel Hub's CREODIAS deployment: the same value as
    :data:`~sentinelhub_byoc.deployments.CREODIAS`."""
    CDSE: ClassVar[Deployment]
    """The Copernicus Data Space Ecosystem deployment: the same value as
    :data:`~sentinelhub_byoc.deployments.CDSE`."""
    CDSE_OTC: ClassVar[Deployment]
    """The Copernicus Data Space Ecosystem's Open Telekom Cloud deployment: the same value as
    :data:`~sentinelhub_byoc.deployments.CDSE_OTC`."""

    name: str
    base_url: str = attrs.field(converter=_normalise_url, validator=_check_url)
    token_url: str = attrs.field(converter=_normalise_url, validator=_check_url)
    path_prefix: str = attrs.field(
        default=DEFAULT_PATH_PREFIX, converter=_normalise_prefix, validator=_check_prefix
    )
    cdse: bool = attrs.field(default=False, kw_only=True, validator=attrs.validators.instance_of(bool))
    location: str | None = attrs.field(
        default=None, kw_only=True, validator=attrs.validators.optional(attrs.validators.instance_of(str))
    )

    @classmethod
    def custom(
        cls,
        base_url: str,
        *,
        token_url: str | None = None,
        path_prefix: str = DEFAULT_PATH_PREFIX,
        name: str = "custom",
        cdse: bool = False,
        location: str | None = None,
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
            location=location,
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


# Base URLs and location ids: sentinelhub-js src/layer/const.ts (see the module docstring).
EU = Deployment(
    name="eu",
    base_url="https://services.sentinel-hub.com",
    token_url=SENTINEL_HUB_TOKEN_URL,
    location="aws-eu-central-1",
)
"""Sentinel Hub's EU deployment (AWS eu-central-1), the default: ``https://services.sentinel-hub.com``."""
US_WEST = Deployment(
    name="us-west",
    base_url="https://services-uswest2.sentinel-hub.com",
    token_url=SENTINEL_HUB_TOKEN_URL,
    location="aws-us-west-2",
)
"""Sentinel Hub's US West deployment (AWS us-west-2); it shares the EU deployment's token endpoint."""
GCP = Deployment(
    name="gcp",
    base_url="https://services-gcp.sentinel-hub.com",
    token_url=SENTINEL_HUB_TOKEN_URL,
    location="gcp-us-central1",
)
"""Sentinel Hub's Google Cloud us-central1 deployment; it shares the EU deployment's token endpoint."""
CREODIAS = Deployment(
    name="creodias",
    base_url="https://creodias.sentinel-hub.com",
    token_url=SENTINEL_HUB_TOKEN_URL,
    location="creo",
)
"""Sentinel Hub's CREODIAS deployment, for data in CREODIAS buckets; it shares the EU token endpoint."""
CDSE = Deployment(
    name="cdse",
    base_url="https://sh.dataspace.copernicus.eu",
    token_url=CDSE_TOKEN_URL,
    cdse=True,
    location="cdse",
)
"""The Copernicus Data Space Ecosystem deployment, with its own token endpoint and rules (``cdse``)."""
CDSE_OTC = Deployment(
    name="cdse-otc",
    base_url="https://sh-otc.dataspace.copernicus.eu",
    # No public source names this deployment's token URL: CDSE's, as it shares CDSE's accounts.
    token_url=CDSE_TOKEN_URL,
    cdse=True,
    location="cdse-otc",
)
"""The Copernicus Data Space Ecosystem's Open Telekom Cloud deployment, with CDSE's token endpoint."""
Deployment.EU = EU
Deployment.US_WEST = US_WEST
Deployment.GCP = GCP
Deployment.CREODIAS = CREODIAS
Deployment.CDSE = CDSE
Deployment.CDSE_OTC = CDSE_OTC

DEPLOYMENTS: dict[str, Deployment] = {d.name: d for d in (EU, US_WEST, GCP, CREODIAS, CDSE, CDSE_OTC)}
"""The presets by name."""

# The host sentinelhub-js used for gcp-us-central1 until its commit 1c90f79 (2025-07-16) called it
# obsolete. It stays reachable, with a warning, until the name goes.
_GCP_US_CENTRAL = Deployment(
    name="gcp-us-central",
    base_url="https://services-gcp-us-central1.sentinel-hub.com",
    token_url=SENTINEL_HUB_TOKEN_URL,
    location="gcp-us-central1",
)
_GCP_INSTEAD = (
    f"use the 'gcp' deployment ({GCP.base_url}) instead; this one still points at the obsolete "
    f"host {_GCP_US_CENTRAL.base_url}"
)
_DEPRECATION = {"since": "0.1", "remove_in": "0.2"}


class _DeprecatedPreset:
    """A class attribute that warns on every read, for a preset on its way out."""

    def __init__(self, value: Deployment, message: str) -> None:
        self._value = value
        self._message = message

    def __get__(self, instance: object, owner: type | None = None) -> Deployment:
        # Level 2 is the line that reads the attribute.
        warnings.warn(self._message, DeprecationWarning, stacklevel=2)
        return self._value


deprecated_name(globals(), "GCP_US_CENTRAL", _GCP_US_CENTRAL, instead=_GCP_INSTEAD, **_DEPRECATION)
# Through setattr: the class declares the attribute as a Deployment for type checkers.
setattr(  # noqa: B010
    Deployment,
    "GCP_US_CENTRAL",
    _DeprecatedPreset(
        _GCP_US_CENTRAL, removal_message("Deployment.GCP_US_CENTRAL", _GCP_INSTEAD, **_DEPRECATION)
    ),
)

_ALIASES = {
    "default": "eu",
    "aws-eu-central-1": "eu",
    "eu-central-1": "eu",
    "uswest": "us-west",
    "us-west-2": "us-west",
    "uswest2": "us-west",
    "aws-us-west-2": "us-west",
    # The service's location id: sentinelhub-js maps it to services-gcp.sentinel-hub.com.
    "gcp-us-central1": "gcp",
    "creo": "creodias",
    "copernicus": "cdse",
    "dataspace": "cdse",
}

_DEPRECATED_NAMES = {"gcp-us-central": _GCP_US_CENTRAL}


def get_deployment(name: str | Deployment) -> Deployment:
    """Return the preset called ``name`` (case and ``-``/``_`` insensitive), or ``name`` itself.

    A preset's location id (``"aws-us-west-2"``, ``"creo"``...) names it too. The deprecated name
    ``"gcp-us-central"`` still returns the obsolete GCP host, with a ``DeprecationWarning``.

    >>> get_deployment("US_WEST") is Deployment.US_WEST
    True
    >>> get_deployment("creo") is Deployment.CREODIAS
    True
    """
    if isinstance(name, Deployment):
        return name
    if not isinstance(name, str):
        raise ValidationError(
            f"deployment must be a name such as 'eu' or 'cdse', or a Deployment, got {type(name).__name__}"
        )
    key = name.strip().lower().replace("_", "-")
    deprecated = _DEPRECATED_NAMES.get(key)
    if deprecated is not None:
        _warn_obsolete_gcp(f"the deployment name {name.strip()!r}")
        return deprecated
    key = _ALIASES.get(key, key)
    try:
        return DEPLOYMENTS[key]
    except KeyError:
        known = ", ".join(sorted(DEPLOYMENTS))
        raise ValidationError(
            f"unknown deployment {name!r}; use one of {known}, or Deployment.custom(base_url) "
            "for any other address"
        ) from None


def _warn_obsolete_gcp(what: str) -> None:
    # Level 3 is the line that called the public function.
    warnings.warn(removal_message(what, _GCP_INSTEAD, **_DEPRECATION), DeprecationWarning, stacklevel=3)


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
    if base == _GCP_US_CENTRAL.base_url and token in (None, _GCP_US_CENTRAL.token_url):
        _warn_obsolete_gcp(f"the base URL {base} (the obsolete GCP host)")
    for preset in (*DEPLOYMENTS.values(), _GCP_US_CENTRAL):
        if preset.base_url == base and token in (None, preset.token_url):
            found = preset
            break
    else:
        found = Deployment(name="custom", base_url=base, token_url=token or SENTINEL_HUB_TOKEN_URL)
    return found if path_prefix is None else found.with_path_prefix(path_prefix)


_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def is_public_service(deployment: Deployment) -> bool:
    """Whether *deployment* is one of the presets' hosts (whatever its path prefix)."""
    return any(preset.base_url == deployment.base_url for preset in DEPLOYMENTS.values())


def preset_at_location(location: str, asked: Deployment) -> Deployment | None:
    """The deployment a global lookup's *location* id names, from the presets, for a client of *asked*.

    *asked* itself when it is at that location. The presets answer only for a client of the public
    service: the location ids of a private installation or an emulator name its own deployments,
    and a preset's public host is not one of them (``None`` then: ask the service's location list,
    :func:`deployment_from_location_list`). The path prefix stays the one *asked* uses.

    >>> preset_at_location("aws-us-west-2", Deployment.EU) is Deployment.US_WEST
    True
    """
    if asked.location == location:
        return asked
    if not is_public_service(asked):
        return None
    for preset in DEPLOYMENTS.values():
        if preset.location == location:
            return (
                preset
                if preset.path_prefix == asked.path_prefix
                else preset.with_path_prefix(asked.path_prefix)
            )
    return None


def deployment_from_location_list(location: str, url: str, asked: Deployment) -> Deployment:
    """The deployment at *url*, which the service's location list gives for *location*.

    A preset's URL is that preset. Any other URL keeps *asked*'s token URL and path prefix (one
    account, one identity service) and must be ``https://``, or ``http://`` on this machine's
    loopback (an emulator): the client's token goes there, so an answer cannot send it anywhere
    in clear text. Raises :class:`ValidationError` for a URL that is not one.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.username or parts.password or parts.query or parts.fragment or not host:
        raise ValidationError(
            f"the location list gives {location!r} the URL {url!r}, which is not a base URL"
        )
    if parts.scheme != "https" and not (
        parts.scheme == "http" and (host in _LOOPBACK_HOSTS or host.startswith("127."))
    ):
        raise ValidationError(
            f"the location list gives {location!r} the URL {url!r}; only https:// (or http:// on "
            "loopback) is followed, since the access token goes there"
        )
    found = deployment_from_urls(url, asked.token_url, path_prefix=asked.path_prefix)
    if found.name != "custom":
        return found
    return attrs.evolve(found, name=location, location=location)
