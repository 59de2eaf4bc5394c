"""The endpoint template puts each operation's documented answer media types into its ``Accept``.

Checked on the committed package against ``openapi.yaml`` (every operation), and on a small made-up
document generated here: several media types over success and error answers, a response reached by
``$ref``, a media type that needs escaping in a string literal, and operations with none.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path
from typing import Any
from unittest import mock
from uuid import UUID

import pytest

from codegen import _yaml
from codegen.extract import HTTP_METHODS
from codegen.generate import PACKAGE_NAME, generate_package

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "generator-config.yaml"


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def documented_media_types(document: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    """The media types of every response of *operation*, each once, in the document's order."""
    found: list[str] = []
    for response in operation.get("responses", {}).values():
        for media_type in _resolve(document, response).get("content") or {}:
            if media_type not in found:
                found.append(media_type)
    return found


def built_headers(module: Any) -> dict[str, Any]:
    """The headers ``build_request()`` of *module* gives, with placeholder arguments."""
    arguments = []
    for parameter in inspect.signature(module.build_request).parameters.values():
        if parameter.default is not inspect.Parameter.empty or parameter.kind is parameter.KEYWORD_ONLY:
            continue
        annotation = str(parameter.annotation)
        placeholder = (
            UUID(int=1) if "UUID" in annotation else "x" if annotation == "str" else mock.MagicMock()
        )
        arguments.append(placeholder)
    keyword = {
        name: mock.MagicMock()
        for name, parameter in inspect.signature(module.build_request).parameters.items()
        if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is inspect.Parameter.empty
    }
    headers: dict[str, Any] = module.build_request(*arguments, **keyword).get("headers", {})
    return headers


def _committed_module(operation: dict[str, Any]) -> Any:
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", operation["operationId"]).lower()
    return importlib.import_module(f"{PACKAGE_NAME}.api.{operation['tags'][0]}.{name}")


def test_every_committed_operation_accepts_its_documented_media_types(byoc_spec: dict[str, Any]) -> None:
    operations = [
        operation
        for item in byoc_spec["paths"].values()
        for method in HTTP_METHODS
        if (operation := item.get(method))
    ]
    assert len(operations) >= 15
    for operation in operations:
        operation_id = operation["operationId"]
        expected = documented_media_types(byoc_spec, operation)
        headers = built_headers(_committed_module(operation))
        if expected:
            assert headers.get("Accept") == ", ".join(expected), operation_id
        else:
            assert "Accept" not in headers, operation_id


def test_the_planet_file_endpoint_accepts_bytes_and_its_head_leaves_accept_to_the_client() -> None:
    from sentinelhub_byoc_api.api.byoc_tile import get_byoc_tile_file, head_byoc_tile_file

    assert get_byoc_tile_file.build_request(UUID(int=1), UUID(int=2), "a.tif")["headers"] == {
        "Accept": "application/octet-stream"
    }
    assert "headers" not in head_byoc_tile_file.build_request(UUID(int=1), UUID(int=2), "a.tif")


ODD_MEDIA_TYPE = 'application/vnd.odd+json; profile="a\\"b"'

MADE_UP: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "made up", "version": "1"},
    "paths": {
        "/things/{thingId}": {
            "parameters": [{"name": "thingId", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {
                "operationId": "getThing",
                "tags": ["things"],
                "responses": {
                    "200": {
                        "description": "the thing",
                        "content": {
                            "application/json": {"schema": {"type": "object"}},
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    },
                    "404": {"$ref": "#/components/responses/Missing"},
                    "default": {
                        "description": "odd",
                        "content": {ODD_MEDIA_TYPE: {"schema": {"type": "object"}}},
                    },
                },
            },
            "head": {
                "operationId": "headThing",
                "tags": ["things"],
                "responses": {"200": {"description": "there"}, "404": {"description": "not there"}},
            },
            "delete": {
                "operationId": "deleteThing",
                "tags": ["things"],
                "parameters": [
                    {"name": "X-Reason", "in": "header", "required": False, "schema": {"type": "string"}}
                ],
                "responses": {
                    "204": {"description": "gone"},
                    "404": {"$ref": "#/components/responses/Missing"},
                },
            },
        },
        "/blobs/{blobId}": {
            "get": {
                "operationId": "getBlob",
                "tags": ["things"],
                "parameters": [
                    {"name": "blobId", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "bytes",
                        "content": {
                            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                        },
                    },
                    "206": {
                        "description": "some bytes",
                        "content": {
                            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                        },
                    },
                },
            }
        },
    },
    "components": {
        "responses": {
            "Missing": {
                "description": "missing",
                "content": {"application/problem+json": {"schema": {"type": "object"}}},
            }
        }
    },
}


@pytest.fixture
def made_up_package(tmp_path: Path, isolated_import: None) -> str:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(_yaml.dump(MADE_UP), encoding="utf-8")
    workdir = tmp_path / "work"
    workdir.mkdir()
    package = generate_package(spec, CONFIG, workdir)
    sys.path.insert(0, str(package.parent))
    return f"{PACKAGE_NAME}.api.things"


def test_a_made_up_document_gets_the_accept_its_responses_document(made_up_package: str) -> None:
    def endpoint(name: str) -> Any:
        return importlib.import_module(f"{made_up_package}.{name}")

    assert endpoint("get_thing").build_request("t")["headers"] == {
        "Accept": f"application/json, text/csv, application/problem+json, {ODD_MEDIA_TYPE}"
    }
    assert endpoint("get_blob").build_request("b")["headers"] == {"Accept": "application/octet-stream"}
    # Error answers count: a success without a body still takes the document's error body.
    assert endpoint("delete_thing").build_request("t", x_reason="r")["headers"] == {
        "X-Reason": "r",
        "Accept": "application/problem+json",
    }
    assert "headers" not in endpoint("head_thing").build_request("t")
