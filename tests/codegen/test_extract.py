"""Extracting the BYOC part of a multi-service document."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from codegen import _yaml
from codegen.extract import extract_byoc
from codegen.source import SpecError


def _upstream() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "API", "version": "1.0.0"},
        "servers": [{"url": "https://services.example.com"}],
        "tags": [{"name": "process"}, {"name": "byoc_tile"}, {"name": "byoc_collection"}],
        "paths": {
            "/api/v1/process": {
                "post": {
                    "tags": ["process"],
                    "operationId": "process",
                    "responses": {"200": {"$ref": "#/components/responses/Image"}},
                }
            },
            "/byoc/v1/collections": {
                "get": {
                    "tags": ["byoc_collection"],
                    "operationId": "listCollections",
                    "security": [{"OAuth2": []}],
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Collections"}}
                            }
                        }
                    },
                },
            },
        },
        "components": {
            "securitySchemes": {"OAuth2": {"type": "oauth2"}, "ApiKey": {"type": "apiKey"}},
            "responses": {"Image": {"description": "an image"}},
            "schemas": {
                "Unrelated": {"type": "string"},
                "Collections": {"type": "array", "items": {"$ref": "#/components/schemas/Collection"}},
                "Collection": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/Band"}}},
                "Band": {"type": "object"},
            },
        },
        "x-tagGroups": [{"name": "all", "tags": ["process", "byoc_tile"]}],
    }


def test_keeps_byoc_operations_and_their_transitive_components() -> None:
    byoc = extract_byoc(_upstream())
    assert list(byoc["paths"]) == ["/byoc/v1/collections"]
    assert list(byoc["components"]["schemas"]) == ["Collections", "Collection", "Band"]
    assert list(byoc["components"]["securitySchemes"]) == ["OAuth2"]
    assert "responses" not in byoc["components"]
    assert [tag["name"] for tag in byoc["tags"]] == ["byoc_tile", "byoc_collection"]
    assert "x-tagGroups" not in byoc


def test_source_document_is_not_modified() -> None:
    upstream = _upstream()
    before = copy.deepcopy(upstream)
    extract_byoc(upstream)
    assert upstream == before


def test_extracting_an_extracted_document_is_idempotent() -> None:
    once = _yaml.dump(extract_byoc(_upstream()))
    twice = _yaml.dump(extract_byoc(_yaml.load(once)))
    assert once == twice


def test_document_without_byoc_operations_is_refused() -> None:
    upstream = _upstream()
    del upstream["paths"]["/byoc/v1/collections"]
    with pytest.raises(SpecError, match="no BYOC operations"):
        extract_byoc(upstream)


def test_dangling_reference_is_reported() -> None:
    upstream = _upstream()
    del upstream["components"]["schemas"]["Band"]
    with pytest.raises(SpecError, match="#/components/schemas/Band"):
        extract_byoc(upstream)


def test_timestamps_and_yaml_booleans_survive_a_round_trip() -> None:
    text = "a: 2019-08-24T14:15:22Z\nb: 'YES'\nc: 'NO'\n"
    assert _yaml.load(_yaml.dump(_yaml.load(text))) == {"a": "2019-08-24T14:15:22Z", "b": "YES", "c": "NO"}
