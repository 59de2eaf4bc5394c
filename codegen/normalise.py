"""Normalisation rules applied between ``openapi.yaml`` and the generator.

``openapi.yaml`` stays exactly as upstream publishes it; these rules repair, in memory, the defects that
would make the generator drop or mistype parts of the API. Each rule matches a *shape* of the document
(never a path or a schema name), so it keeps working when upstream adds or renames things, and each has
its own test on a tiny spec fixture. Rules run in the order of :data:`RULES`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from codegen.extract import HTTP_METHODS

#: Schema keywords that only describe a schema and never constrain its shape.
ANNOTATION_KEYWORDS = frozenset(
    {
        "description",
        "title",
        "example",
        "examples",
        "readOnly",
        "writeOnly",
        "deprecated",
        "default",
        "externalDocs",
    }
)


@dataclass(frozen=True)
class Rule:
    """A named repair: *apply* edits a document in place and returns how many places it changed."""

    name: str
    summary: str
    apply: Callable[[dict[str, Any]], int]


def _dicts(node: Any) -> Iterator[dict[str, Any]]:
    """Every mapping inside *node*, parents before children."""
    if isinstance(node, dict):
        yield node
        for value in list(node.values()):
            yield from _dicts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _dicts(value)


def _parameters(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from ((document.get("components") or {}).get("parameters") or {}).values()
    for item in (document.get("paths") or {}).values():
        yield from item.get("parameters") or []
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield from operation.get("parameters") or []


def _operations(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in (document.get("paths") or {}).values():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                yield operation


def parameter_content_to_schema(document: dict[str, Any]) -> int:
    """A parameter described with ``content`` but no ``schema`` gets that media type's schema.

    The generator silently skips such parameters (the tile list lost its ``status`` filter).
    """
    changed = 0
    for parameter in _parameters(document):
        content = parameter.get("content")
        if "$ref" in parameter or "schema" in parameter or not isinstance(content, dict) or len(content) != 1:
            continue
        (media,) = content.values()
        if isinstance(media, dict) and "schema" in media:
            parameter["schema"] = media["schema"]
            del parameter["content"]
            changed += 1
    return changed


def array_without_type(document: dict[str, Any]) -> int:
    """A schema with ``items`` but no ``type`` is an array; say so, or the generator types it ``Any``."""
    changed = 0
    for node in _dicts(document):
        if isinstance(node.get("items"), dict) and "type" not in node and "$ref" not in node:
            node["type"] = "array"
            changed += 1
    return changed


def annotated_ref_allof(document: dict[str, Any]) -> int:
    """``allOf: [{description…}, {$ref: X}]`` (one reference plus annotations) becomes ``$ref: X``.

    Upstream wraps a reference in ``allOf`` only to attach a description; when X is a ``oneOf`` the
    generator refuses "allOf a non-object" and drops the schema and everything using it.
    """
    changed = 0
    for node in _dicts(document):
        members = node.get("allOf")
        if not isinstance(members, list) or not all(isinstance(member, dict) for member in members):
            continue
        refs = [member for member in members if "$ref" in member]
        annotations = [member for member in members if "$ref" not in member]
        if len(refs) != 1 or any(set(member) - ANNOTATION_KEYWORDS for member in annotations):
            continue
        del node["allOf"]
        for member in annotations:
            for key, value in member.items():
                node.setdefault(key, value)
        node["$ref"] = refs[0]["$ref"]
        changed += 1
    return changed


def request_bodies_required(document: dict[str, Any]) -> int:
    """A request body without an explicit ``required`` is required.

    OpenAPI defaults ``required`` to false, which makes every body optional in the generated functions;
    no operation of this API accepts an empty body where it declares one.
    """
    changed = 0
    bodies = [operation.get("requestBody") for operation in _operations(document)]
    bodies += list(((document.get("components") or {}).get("requestBodies") or {}).values())
    for body in bodies:
        if isinstance(body, dict) and "$ref" not in body and "required" not in body:
            body["required"] = True
            changed += 1
    return changed


def geojson_members_required(document: dict[str, Any]) -> int:
    """A GeoJSON geometry schema (a one-value ``type`` enum beside ``coordinates``) requires both members.

    Without it, ``{}`` validates as a Polygon and the generated models treat both members as optional.
    """
    changed = 0
    for node in _dicts(document):
        properties = node.get("properties")
        if not isinstance(properties, dict) or "coordinates" not in properties:
            continue
        kind = properties.get("type")
        if not (isinstance(kind, dict) and isinstance(kind.get("enum"), list) and len(kind["enum"]) == 1):
            continue
        required = node.setdefault("required", [])
        for member in ("type", "coordinates"):
            if member not in required:
                required.append(member)
                changed += 1
    return changed


RULES: tuple[Rule, ...] = (
    Rule(
        "parameter-content-to-schema",
        "parameters with content but no schema get a schema",
        parameter_content_to_schema,
    ),
    Rule("array-without-type", "schemas with items but no type become arrays", array_without_type),
    Rule(
        "annotated-ref-allof",
        "allOf of one $ref plus annotations becomes the $ref",
        annotated_ref_allof,
    ),
    Rule(
        "request-bodies-required",
        "request bodies are required unless stated otherwise",
        request_bodies_required,
    ),
    Rule(
        "geojson-members-required",
        "GeoJSON geometries require type and coordinates",
        geojson_members_required,
    ),
)


def normalise(
    document: dict[str, Any], rules: tuple[Rule, ...] = RULES
) -> tuple[dict[str, Any], dict[str, int]]:
    """Apply *rules* in order to a copy of *document*; return it and how often each rule applied."""
    result = copy.deepcopy(document)
    counts = {rule.name: rule.apply(result) for rule in rules}
    return result, counts
