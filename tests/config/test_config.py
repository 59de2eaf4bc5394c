"""Where credentials and the deployment come from: arguments, environment, profiles file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sentinelhub_byoc.config import (
    ClientConfig,
    Credentials,
    config_file_path,
    resolve_config,
    resolve_credentials,
)
from sentinelhub_byoc.deployments import CDSE, EU, US_WEST, Deployment
from sentinelhub_byoc.errors import ConfigurationError, ValidationError

PROFILES = """
[default-profile]
sh_client_id = "file-id"
sh_client_secret = "file-secret"

[cdse]
sh_client_id = "cdse-id"
sh_client_secret = "cdse-secret"
sh_base_url = "https://sh.dataspace.copernicus.eu"
sh_token_url = "https://identity.dataspace.copernicus.eu/auth/realms/CDSE/protocol/openid-connect/token"

[local]
sh_client_id = "demo-client-id"
sh_client_secret = "demo-client-secret"
sh_base_url = "http://127.0.0.1:8080"
sh_token_url = "http://127.0.0.1:8080/auth/realms/main/protocol/openid-connect/token"

[half]
sh_client_id = "only-id"
sh_base_url = "https://services-uswest2.sentinel-hub.com"

[numbers]
sh_client_id = 12
"""


@pytest.fixture
def xdg(tmp_path: Path) -> dict[str, str]:
    """An environment whose XDG_CONFIG_HOME holds the profiles above."""
    folder = tmp_path / "sentinelhub"
    folder.mkdir()
    (folder / "config.toml").write_text(PROFILES)
    return {"XDG_CONFIG_HOME": str(tmp_path)}


def test_explicit_arguments_win(xdg: dict[str, str]) -> None:
    env = {**xdg, "SH_CLIENT_ID": "env-id", "SH_CLIENT_SECRET": "env-secret"}
    config = resolve_config("arg-id", "arg-secret", env=env)
    assert config == ClientConfig(Credentials("arg-id", "arg-secret"), EU, "arguments")


def test_environment_beats_the_profile(xdg: dict[str, str]) -> None:
    env = {**xdg, "SH_CLIENT_ID": "env-id", "SH_CLIENT_SECRET": "env-secret"}
    config = resolve_config(env=env)
    assert config.credentials == Credentials("env-id", "env-secret")
    assert config.source == "environment"


def test_default_profile(xdg: dict[str, str], tmp_path: Path) -> None:
    config = resolve_config(env=xdg)
    assert config.credentials == Credentials("file-id", "file-secret")
    assert config.deployment is EU
    assert config.source == (f"profile 'default-profile' in {tmp_path / 'sentinelhub' / 'config.toml'}")


@pytest.mark.parametrize(
    ("profile_argument", "sh_profile", "client_id", "deployment"),
    [
        ("cdse", None, "cdse-id", CDSE),
        (None, "cdse", "cdse-id", CDSE),
        ("default-profile", "cdse", "file-id", EU),  # the argument beats SH_PROFILE
    ],
)
def test_named_profiles(
    xdg: dict[str, str],
    profile_argument: str | None,
    sh_profile: str | None,
    client_id: str,
    deployment: Deployment,
) -> None:
    env = {**xdg, **({"SH_PROFILE": sh_profile} if sh_profile else {})}
    config = resolve_config(profile=profile_argument, env=env)
    assert config.credentials.client_id == client_id
    assert config.deployment is deployment


def test_profile_urls_build_a_custom_deployment(xdg: dict[str, str]) -> None:
    config = resolve_config(profile="local", env=xdg)
    assert config.deployment == Deployment.custom("http://127.0.0.1:8080")


def test_profile_urls_apply_with_credentials_from_elsewhere(xdg: dict[str, str]) -> None:
    config = resolve_config("a", "b", profile="cdse", env=xdg)
    assert config.deployment is CDSE


def test_explicit_deployment_beats_profile_urls(xdg: dict[str, str]) -> None:
    config = resolve_config(profile="cdse", deployment="us-west", env=xdg)
    assert config.deployment is US_WEST


def test_missing_credentials_say_where_they_were_looked_for(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    with pytest.raises(ConfigurationError) as caught:
        resolve_config(env=env)
    message = str(caught.value)
    assert "client_id/client_secret arguments (not given)" in message
    assert "SH_CLIENT_ID/SH_CLIENT_SECRET environment variables (not set)" in message
    assert f"profile 'default-profile' in {tmp_path}/sentinelhub/config.toml" in message
    assert "(file does not exist)" in message


def test_incomplete_profile_is_explained(xdg: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError, match=r"profile 'half' .*has no sh_client_secret"):
        resolve_config(profile="half", env=xdg)


def test_chosen_profile_must_exist(xdg: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError, match=r"'nope' is not in .*profiles there: "):
        resolve_config(profile="nope", env=xdg)
    with pytest.raises(ConfigurationError, match="does not exist"):
        resolve_config(env={"SH_PROFILE": "x", "XDG_CONFIG_HOME": "/nonexistent"})


def test_half_given_arguments_are_rejected() -> None:
    with pytest.raises(ValidationError, match="client_id was given without client_secret"):
        resolve_config("only-id", env={})
    with pytest.raises(ValidationError, match="client_secret was given without client_id"):
        resolve_config(None, "only-secret", env={})


def test_half_set_environment_is_rejected(xdg: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError, match="SH_CLIENT_ID is set but SH_CLIENT_SECRET"):
        resolve_config(env={**xdg, "SH_CLIENT_ID": "env-id"})


def test_broken_profiles_file(tmp_path: Path, xdg: dict[str, str]) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[default-profile\nsh_client_id = ")
    with pytest.raises(ConfigurationError, match="is not valid TOML"):
        resolve_config(config_path=path, env={})
    with pytest.raises(ConfigurationError, match=r"sh_client_id in profile 'numbers'.*string"):
        resolve_config(profile="numbers", env=xdg)


def test_explicit_config_path(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere.toml"
    path.write_text('[default-profile]\nsh_client_id = "x"\nsh_client_secret = "y"\n')
    assert resolve_credentials(config_path=path, env={}) == Credentials("x", "y")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"XDG_CONFIG_HOME": "/etc/xdg"}, Path("/etc/xdg/sentinelhub/config.toml")),
        ({"XDG_CONFIG_HOME": ""}, Path.home() / ".config/sentinelhub/config.toml"),
        ({"XDG_CONFIG_HOME": "relative"}, Path.home() / ".config/sentinelhub/config.toml"),
        ({}, Path.home() / ".config/sentinelhub/config.toml"),
    ],
)
def test_config_file_path(env: dict[str, str], expected: Path) -> None:
    assert config_file_path(env) == expected


def test_os_environ_is_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("SH_CLIENT_ID", "from-os")
    monkeypatch.setenv("SH_CLIENT_SECRET", "from-os-secret")
    assert resolve_credentials() == Credentials("from-os", "from-os-secret")


def test_credentials_never_show_the_secret() -> None:
    credentials = Credentials("abc", "super-secret-value")
    assert repr(credentials) == "Credentials(client_id='abc', client_secret='***')"
    assert str(credentials) == repr(credentials)
    assert "super-secret-value" not in f"{credentials} {[credentials]} {ClientConfig(credentials, EU, 'x')!r}"


@pytest.mark.parametrize(("client_id", "secret"), [("", "s"), ("id", ""), ("id", "   ")])
def test_credentials_must_not_be_empty(client_id: str, secret: str) -> None:
    with pytest.raises(ValidationError, match="must be a non-empty string"):
        Credentials(client_id, secret)
