"""Loading an upstream OpenAPI document from a URL or a local file."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from codegen import _yaml

PUBLISHED_URL = "https://docs.sentinel-hub.com/api/latest/reference/openapi.v1.yaml"
_TIMEOUT_SECONDS = 60


class SpecError(Exception):
    """The spec source cannot be used; the message is one line saying why and what to do."""


def read_source(source: str) -> str:
    """Return the text behind *source*, a ``http(s)://`` URL or a path to a local file."""
    if source.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(source, timeout=_TIMEOUT_SECONDS) as answer:
                data: bytes = answer.read()
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SpecError(f"cannot fetch {source}: {reason}") from None
        return data.decode("utf-8", errors="replace")
    path = Path(source)
    if not path.is_file():
        raise SpecError(f"no such file: {source} (give a path to an OpenAPI document or an http(s) URL)")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(f"cannot read {source}: {error}") from None


def parse_openapi(text: str, *, origin: str) -> dict[str, Any]:
    """Parse *text* as YAML or JSON and check that it is an OpenAPI 3.x document with paths."""
    try:
        document = _yaml.load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise SpecError(f"{origin} is not valid YAML or JSON{where}") from None
    if not isinstance(document, dict):
        raise SpecError(f"{origin} is not an OpenAPI document (expected a mapping at the top level)")
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        found = f"openapi: {version!r}" if version is not None else "no 'openapi' field"
        raise SpecError(f"{origin} is not an OpenAPI 3.x document ({found})")
    if not isinstance(document.get("paths"), dict):
        raise SpecError(f"{origin} has no 'paths' mapping")
    return document


def load_openapi(source: str) -> dict[str, Any]:
    """Read and parse the OpenAPI document at *source* (URL or file)."""
    return parse_openapi(read_source(source), origin=source)
