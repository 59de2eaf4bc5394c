"""What of an OpenAPI document the overlay exposes, and which normalisation rules still fire.

After upstream changes, the change report says what changed in the API; this module says what
that means for the overlay: which operations, query and header parameters, and schema
properties of the document it does not expose yet, and how often each normalisation rule
fired (a rule that no longer fires repairs a defect upstream has fixed, or one it can no longer
see). It reads the overlay's source without importing it, so it runs with the spec tools only:

- operations and parameters: the ``_bind("<generated endpoint>", ..., keyword=...)`` calls of
  ``overlay/sentinelhub_byoc/_adapter.py`` (the one module that uses the generated client);
- properties: the ``api_field("<apiName>", ...)`` declarations of the models in
  ``overlay/sentinelhub_byoc/models``, matched to the document's schemas by :data:`MODELS`.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.extract import HTTP_METHODS
from codegen.normalise import RULES, normalise

ROOT = Path(__file__).resolve().parent.parent
OVERLAY = ROOT / "overlay" / "sentinelhub_byoc"
ADAPTER = OVERLAY / "_adapter.py"
MODELS_DIR = OVERLAY / "models"

#: The document's schemas and the overlay models that expose their properties.
MODELS: Mapping[str, str] = {
    "BYOCCollection": "Collection",
    "BYOCCollectionUpdatePayload": "Collection",
    "BYOCCollectionAdditionalData": "CollectionAdditionalData",
    "BYOCFormat": "Band",
    "BYOCTile": "Tile",
    "BYOCTileUpdatePayload": "Tile",
    "BYOCTileAdditionalData": "TileAdditionalData",
    "BYOCGlobalCollection": "CollectionLocation",
}

#: Operations the overlay deliberately does not expose, with the reason (none today).
NOT_EXPOSED: Mapping[str, str] = {}


@dataclass(frozen=True)
class OverlaySurface:
    """What the overlay's source binds: endpoint modules with their keywords, and model fields."""

    endpoints: Mapping[str, frozenset[str]]
    fields: Mapping[str, frozenset[str]]


@dataclass
class Coverage:
    """What a document has that the overlay does not expose, and how often each rule fired."""

    operations: list[str] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)
    properties: list[str] = field(default_factory=list)
    rule_counts: dict[str, int] = field(default_factory=dict)

    @property
    def rules_not_firing(self) -> list[str]:
        """The normalisation rules that changed nothing in the document."""
        return [name for name, count in self.rule_counts.items() if count == 0]


def snake_case(name: str) -> str:
    """The Python name the generator gives an operationId or parameter (``toCollection`` → ...).

    >>> snake_case("getByocCollectionTileById"), snake_case("toCollection"), snake_case("Range")
    ('get_byoc_collection_tile_by_id', 'to_collection', 'range_')
    """
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).replace("-", "_").lower()
    return words + "_" if keyword.iskeyword(words) or words in {"range", "type", "id"} else words


def read_overlay(adapter: Path = ADAPTER, models_dir: Path = MODELS_DIR) -> OverlaySurface:
    """Parse the adapter's ``_bind`` calls and the models' ``api_field`` declarations."""
    endpoints: dict[str, set[str]] = {}
    for call in _calls(ast.parse(adapter.read_text(encoding="utf-8")), "_bind"):
        if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
            keywords = {item.arg for item in call.keywords if item.arg is not None}
            endpoints.setdefault(call.args[0].value, set()).update(keywords)
    fields: dict[str, set[str]] = {}
    for path in sorted(models_dir.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names = fields.setdefault(node.name, set())
                for call in _calls(node, "api_field"):
                    if call.args and isinstance(call.args[0], ast.Constant):
                        names.add(str(call.args[0].value))
    return OverlaySurface(
        {name: frozenset(keywords) for name, keywords in endpoints.items()},
        {name: frozenset(names) for name, names in fields.items() if names},
    )


def _calls(tree: ast.AST, function: str) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == function:
            yield node


def coverage(document: Mapping[str, Any], surface: OverlaySurface | None = None) -> Coverage:
    """Compare *document* (as published, before normalisation) with the overlay's surface."""
    surface = surface if surface is not None else read_overlay()
    normalised, counts = normalise(dict(document))
    found = Coverage(rule_counts=counts)
    for method, path, operation in _operations(normalised):
        operation_id = str(operation.get("operationId", f"{method.upper()} {path}"))
        if operation_id in NOT_EXPOSED:
            continue
        keywords = surface.endpoints.get(snake_case(operation_id))
        if keywords is None:
            found.operations.append(f"{operation_id} ({method.upper()} {path})")
            continue
        for parameter in _parameters(normalised, operation):
            if (
                parameter.get("in") in ("query", "header")
                and snake_case(str(parameter["name"])) not in keywords
            ):
                found.parameters.append(f"{parameter['name']} ({parameter['in']}) of {operation_id}")
    for schema, model in MODELS.items():
        properties = (normalised.get("components", {}).get("schemas", {}).get(schema) or {}).get(
            "properties", {}
        )
        exposed = surface.fields.get(model, frozenset())
        found.properties.extend(
            f"{name} of {schema} (kept in {model}.extra)" for name in properties if name not in exposed
        )
    for schema in _new_schemas(normalised):
        found.properties.append(f"schema {schema} (no overlay model is mapped to it in codegen/coverage.py)")
    return found


#: Schemas the overlay reads without a model of their own: envelopes, errors, pages, GeoJSON.
_NOT_MODELLED = frozenset(
    {
        "Boom",
        "RestErrorWrapper",
        "Geometry",
        "Polygon",
        "MultiPolygon",
        "View",
        "BYOCCollectionResponse",
        "BYOCCollectionsResponse",
        "BYOCTilesResponse",
        "BYOCTileResponse",
        "BYOCTileStatus",
        "BYOCGlobalCollectionsResponse",
        # The location list is read as {location id: URL} (_decoders.service_locations).
        "ServiceLocation",
        "ServiceLocations",
    }
)


def _new_schemas(document: Mapping[str, Any]) -> list[str]:
    schemas = document.get("components", {}).get("schemas", {})
    return [name for name in schemas if name not in MODELS and name not in _NOT_MODELLED]


def _operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if isinstance(item, Mapping) and isinstance(item.get(method), Mapping):
                yield method, path, item[method]


def _parameters(document: Mapping[str, Any], operation: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for parameter in operation.get("parameters", []):
        ref = parameter.get("$ref") if isinstance(parameter, Mapping) else None
        if isinstance(ref, str) and ref.startswith("#/components/parameters/"):
            parameter = document.get("components", {}).get("parameters", {}).get(ref.rsplit("/", 1)[1], {})
        if isinstance(parameter, Mapping) and "name" in parameter:
            yield parameter


def format_coverage(found: Coverage) -> str:
    """A report for maintainers: what is not exposed yet, and each rule's count."""
    lines = []
    missing = [
        ("operation", found.operations),
        ("parameter", found.parameters),
        ("property", found.properties),
    ]
    if any(items for _, items in missing):
        lines.append("Not exposed by the overlay:")
        lines.extend(f"  {kind}: {item}" for kind, items in missing for item in items)
    else:
        lines.append("The overlay exposes every operation, parameter and modelled property of the document.")
    lines.append("Normalisation rules (times applied):")
    lines.extend(f"  {rule.name}: {found.rule_counts.get(rule.name, 0)}" for rule in RULES)
    for name in found.rules_not_firing:
        lines.append(
            f"  ! {name} no longer fires: upstream may have fixed that defect; "
            "if so, remove the rule and its template notes"
        )
    return "\n".join(lines)
