"""Finding credentials and the deployment: arguments, environment, then the profiles file.

Credentials are taken, as a pair, from the first of:

1. the ``client_id`` and ``client_secret`` arguments;
2. the ``SH_CLIENT_ID`` and ``SH_CLIENT_SECRET`` environment variables;
3. a profile of ``$XDG_CONFIG_HOME/sentinelhub/config.toml`` (default
   ``~/.config/sentinelhub/config.toml``), the same file sentinelhub-py uses. The profile is the
   ``profile`` argument, else ``SH_PROFILE``, else ``default-profile``::

       [default-profile]
       sh_client_id = "..."
       sh_client_secret = "..."
       sh_base_url = "https://sh.dataspace.copernicus.eu"      # optional
       sh_token_url = "https://identity.dataspace.copernicus.eu/auth/realms/CDSE/protocol/openid-connect/token"

The deployment is the ``deployment`` argument, else the one the profile's ``sh_base_url`` and
``sh_token_url`` name, else EU. The file is only read, never written.

>>> config = resolve_config(client_id="abc", client_secret="s3cr3t", env={})
>>> config.credentials
Credentials(client_id='abc', client_secret='***')
>>> config.deployment.name
'eu'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import attrs

from sentinelhub_byoc.deployments import Deployment, deployment_from_urls, get_deployment
from sentinelhub_byoc.errors import ConfigurationError, ValidationError

__all__ = [
    "DEFAULT_PROFILE",
    "ClientConfig",
    "Credentials",
    "config_file_path",
    "resolve_config",
    "resolve_credentials",
]

DEFAULT_PROFILE = "default-profile"
"""The profile read from the Sentinel Hub profiles file when neither ``profile=`` nor ``SH_PROFILE``
names one."""

_PROFILE_KEYS = ("sh_client_id", "sh_client_secret", "sh_base_url", "sh_token_url")


def _non_empty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"Credentials.{attribute.name} must be a non-empty string")


@attrs.frozen(repr=False)
class Credentials:
    """An OAuth2 client id and secret. The secret never appears in ``repr`` or ``str``.

    >>> Credentials("abc", "s3cr3t")
    Credentials(client_id='abc', client_secret='***')
    """

    client_id: str = attrs.field(validator=_non_empty)
    """The OAuth client's id, as Sentinel Hub's dashboard shows it; never empty."""
    client_secret: str = attrs.field(validator=_non_empty)
    """The OAuth client's secret; never empty, and shown as ``'***'`` by ``repr`` and ``str``."""

    def __repr__(self) -> str:
        return f"Credentials(client_id={self.client_id!r}, client_secret='***')"

    __str__ = __repr__


@attrs.frozen
class ClientConfig:
    """Everything a client needs to connect, and a note of where the credentials came from.

    Attributes:
        credentials: the client id and secret.
        deployment: where the API and token endpoint are.
        source: human-readable origin of the credentials, e.g. ``"environment"`` or
            ``"profile 'default-profile' in /home/me/.config/sentinelhub/config.toml"``.
    """

    credentials: Credentials
    deployment: Deployment
    source: str


def config_file_path(env: Mapping[str, str] | None = None) -> Path:
    """Return where the profiles file is looked for (it need not exist).

    ``$XDG_CONFIG_HOME/sentinelhub/config.toml`` when that variable holds an absolute path,
    otherwise ``~/.config/sentinelhub/config.toml``.
    """
    environ = os.environ if env is None else env
    xdg = environ.get("XDG_CONFIG_HOME", "")
    # The XDG spec says relative values are to be ignored.
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".config"
    return base / "sentinelhub" / "config.toml"


def resolve_credentials(
    client_id: str | None = None,
    client_secret: str | None = None,
    *,
    profile: str | None = None,
    config_path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> Credentials:
    """Return the credentials found first among arguments, environment and profile.

    Raises :class:`ConfigurationError` listing every place looked at when none has them.
    ``env`` defaults to ``os.environ``.
    """
    return resolve_config(
        client_id, client_secret, profile=profile, config_path=config_path, env=env
    ).credentials


def resolve_config(
    client_id: str | None = None,
    client_secret: str | None = None,
    *,
    deployment: str | Deployment | None = None,
    profile: str | None = None,
    config_path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> ClientConfig:
    """Return the credentials and deployment to use; see the module docstring for the order.

    Raises :class:`ValidationError` when only one of ``client_id``/``client_secret`` is given,
    and :class:`ConfigurationError` when no credentials are found or the profiles file is broken.
    """
    environ = os.environ if env is None else env
    if (client_id is None) != (client_secret is None):
        given, missing = ("client_id", "client_secret") if client_id else ("client_secret", "client_id")
        raise ValidationError(
            f"{given} was given without {missing}; pass both, or neither to read them from "
            "SH_CLIENT_ID/SH_CLIENT_SECRET or the profiles file"
        )

    profile_name = profile or environ.get("SH_PROFILE") or DEFAULT_PROFILE
    profile_chosen = bool(profile or environ.get("SH_PROFILE"))
    path = Path(config_path) if config_path is not None else config_file_path(environ)
    values, file_note = _read_profile(path, profile_name, must_exist=profile_chosen)
    profile_place = f"profile {profile_name!r} in {path}"

    chosen_deployment: Deployment
    if deployment is not None:
        chosen_deployment = get_deployment(deployment)
    else:
        chosen_deployment = deployment_from_urls(values.get("sh_base_url"), values.get("sh_token_url"))

    if client_id is not None and client_secret is not None:
        return ClientConfig(Credentials(client_id, client_secret), chosen_deployment, "arguments")

    env_id, env_secret = environ.get("SH_CLIENT_ID"), environ.get("SH_CLIENT_SECRET")
    if env_id and env_secret:
        return ClientConfig(Credentials(env_id, env_secret), chosen_deployment, "environment")
    if env_id or env_secret:
        present, absent = (
            ("SH_CLIENT_ID", "SH_CLIENT_SECRET") if env_id else ("SH_CLIENT_SECRET", "SH_CLIENT_ID")
        )
        raise ConfigurationError(
            f"{present} is set but {absent} is not; set both environment variables, or unset "
            f"{present} to use {profile_place}"
        )

    file_id, file_secret = values.get("sh_client_id"), values.get("sh_client_secret")
    if file_id and file_secret:
        return ClientConfig(Credentials(file_id, file_secret), chosen_deployment, profile_place)

    profile_state = file_note or ("has no sh_client_id" if not file_id else "has no sh_client_secret")
    raise ConfigurationError(
        "no Sentinel Hub credentials found. Looked at: the client_id/client_secret arguments "
        "(not given); the SH_CLIENT_ID/SH_CLIENT_SECRET environment variables (not set); "
        f"{profile_place} ({profile_state}). Pass client_id= and client_secret=, set both "
        "environment variables, or add sh_client_id and sh_client_secret to that profile"
    )


def _read_profile(path: Path, name: str, *, must_exist: bool) -> tuple[dict[str, str], str]:
    """Return the profile's known string values and, if it could not be used, why not."""
    # Imported here: most clients never read a profiles file, and tomllib costs import time.
    import tomllib

    try:
        with path.open("rb") as file:
            document = tomllib.load(file)
    except FileNotFoundError:
        if must_exist:
            raise ConfigurationError(
                f"profile {name!r} was asked for, but the profiles file {path} does not exist. "
                "Create it, or set XDG_CONFIG_HOME to the directory holding sentinelhub/config.toml"
            ) from None
        return {}, "file does not exist"
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError(
            f"the profiles file {path} is not valid TOML ({error}); fix or remove it"
        ) from None
    except OSError as error:
        raise ConfigurationError(
            f"the profiles file {path} could not be read ({error.strerror}); check its permissions"
        ) from None

    section = document.get(name)
    if section is None:
        if must_exist:
            available = ", ".join(repr(key) for key in document if isinstance(document[key], dict))
            raise ConfigurationError(
                f"profile {name!r} is not in {path} (profiles there: {available or 'none'}); "
                "check SH_PROFILE or the profile argument"
            )
        return {}, "no such profile"
    if not isinstance(section, dict):
        raise ConfigurationError(f"{name!r} in {path} must be a [table] of settings")
    values: dict[str, str] = {}
    for key in _PROFILE_KEYS:
        value = section.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ConfigurationError(
                f"{key} in profile {name!r} of {path} must be a string, got {type(value).__name__}"
            )
        if value.strip():
            values[key] = value.strip()
    return values, ""
