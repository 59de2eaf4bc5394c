"""Each normalisation rule on a tiny spec that has exactly the shape it repairs."""

from __future__ import annotations

from typing import Any

import pytest

from codegen.normalise import (
    RULES,
    annotated_ref_allof,
    array_without_type,
    geojson_members_required,
    normalise,
    parameter_content_to_schema,
    request_bodies_required,
)


def _spec(paths: dict[str, Any] | None = None, schemas: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"openapi": "3.1.0", "paths": paths or {}, "components": {"schemas": schemas or {}}}


def test_parameter_with_content_gets_its_schema() -> None:
    status = {"$ref": "#/components/schemas/Status"}
    spec = _spec(
        {
            "/things": {
                "get": {
                    "parameters": [
                        {
                            "name": "status",
                            "in": "query",
                            "content": {"application/json": {"schema": status}},
                        },
                        {"name": "plain", "in": "query", "schema": {"type": "string"}},
                    ]
                }
            }
        }
    )
    assert parameter_content_to_schema(spec) == 1
    status_parameter, plain = spec["paths"]["/things"]["get"]["parameters"]
    assert status_parameter == {"name": "status", "in": "query", "schema": status}
    assert plain == {"name": "plain", "in": "query", "schema": {"type": "string"}}


def test_parameter_content_rule_also_reaches_component_parameters() -> None:
    spec = _spec()
    spec["components"]["parameters"] = {
        "Filter": {
            "name": "f",
            "in": "query",
            "content": {"application/json": {"schema": {"type": "string"}}},
        }
    }
    assert parameter_content_to_schema(spec) == 1
    assert spec["components"]["parameters"]["Filter"]["schema"] == {"type": "string"}


def test_items_without_type_becomes_an_array() -> None:
    response_schema = {"items": {"type": "string"}}
    spec = _spec(
        {
            "/files": {
                "get": {"responses": {"200": {"content": {"application/json": {"schema": response_schema}}}}}
            }
        }
    )
    assert array_without_type(spec) == 1
    assert response_schema == {"items": {"type": "string"}, "type": "array"}
    assert array_without_type(spec) == 0


def test_allof_of_one_ref_and_annotations_becomes_the_ref() -> None:
    prop = {"allOf": [{"description": "Where data is."}, {"$ref": "#/components/schemas/Geometry"}]}
    spec = _spec(schemas={"Tile": {"type": "object", "properties": {"cover": prop}}})
    assert annotated_ref_allof(spec) == 1
    assert prop == {"description": "Where data is.", "$ref": "#/components/schemas/Geometry"}


@pytest.mark.parametrize(
    "members",
    [
        [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
        [{"$ref": "#/components/schemas/A"}, {"properties": {"x": {"type": "string"}}}],
        [{"description": "only annotations"}],
    ],
    ids=["two refs", "ref plus constraints", "no ref"],
)
def test_real_allof_compositions_are_left_alone(members: list[dict[str, Any]]) -> None:
    prop = {"allOf": members}
    spec = _spec(schemas={"Tile": {"properties": {"p": prop}}})
    assert annotated_ref_allof(spec) == 0
    assert prop == {"allOf": members}


def test_request_bodies_without_required_become_required() -> None:
    implicit: dict[str, Any] = {"content": {"application/json": {"schema": {"type": "object"}}}}
    explicit: dict[str, Any] = {"required": False, "content": {"application/json": {"schema": {}}}}
    spec = _spec({"/a": {"post": {"requestBody": implicit}, "put": {"requestBody": explicit}}})
    assert request_bodies_required(spec) == 1
    assert implicit["required"] is True
    assert explicit["required"] is False


def test_geojson_geometries_require_type_and_coordinates() -> None:
    polygon: dict[str, Any] = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["Polygon"]},
            "coordinates": {"type": "array"},
        },
    }
    not_geojson: dict[str, Any] = {
        "type": "object",
        "properties": {"type": {"type": "string", "enum": ["A", "B"]}, "coordinates": {"type": "array"}},
    }
    spec = _spec(schemas={"Polygon": polygon, "Other": not_geojson})
    assert geojson_members_required(spec) == 2
    assert polygon["required"] == ["type", "coordinates"]
    assert "required" not in not_geojson


def test_normalise_applies_rules_in_order_on_a_copy() -> None:
    original = _spec({"/a": {"post": {"requestBody": {"content": {}}}}})
    normalised, counts = normalise(original)
    assert "required" not in original["paths"]["/a"]["post"]["requestBody"]
    assert normalised["paths"]["/a"]["post"]["requestBody"]["required"] is True
    assert list(counts) == [rule.name for rule in RULES]
    assert counts["request-bodies-required"] == 1


def test_rule_names_are_unique_and_documented() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    assert all(rule.apply.__doc__ for rule in RULES)
