"""What changed in the API between two BYOC documents, with breaking changes flagged.

The report covers operations, parameters, request bodies, response codes, schemas, their properties and
enum values. A change is *breaking* when code written against the old document may fail against the new
one: something removed, a type changed, or something newly required.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from codegen.extract import HTTP_METHODS

_SIGNS = {"added": "+", "removed": "-", "changed": "~"}


@dataclass(frozen=True)
class Change:
    """One difference between two API documents."""

    kind: str
    action: str
    subject: str
    detail: str = ""
    breaking: bool = False

    def __str__(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        flag = "  [BREAKING]" if self.breaking else ""
        return f"{_SIGNS[self.action]} {self.kind} {self.subject}{detail}{flag}"


def _resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        _, _, section, name = node["$ref"].split("/", 3)
        node = document.get("components", {}).get(section, {}).get(name, {})
    return node


def summarise_schema(schema: Any) -> str:
    """A short human description of a schema's type, e.g. ``array of BYOCTile`` or ``string (uuid)``."""
    if not isinstance(schema, dict):
        return "any"
    if isinstance(schema.get("$ref"), str):
        return str(schema["$ref"].rsplit("/", 1)[-1])
    for combinator in ("oneOf", "anyOf", "allOf"):
        members = schema.get(combinator)
        if isinstance(members, list):
            shown = [summarise_schema(member) for member in members]
            shown = [text for text in shown if text != "any"] or shown
            return f"{combinator}[{', '.join(shown)}]"
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = " | ".join(str(item) for item in kind)
    if kind is None and "items" in schema:
        kind = "array"
    if kind in ("array", "array | null") and "items" in schema:
        return f"{kind.replace('array', 'array of ' + summarise_schema(schema['items']))}"
    text = str(kind) if kind is not None else "any"
    if schema.get("format"):
        text += f" ({schema['format']})"
    return text


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path, item in (document.get("paths") or {}).items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                label = f"{method.upper()} {path}"
                if operation.get("operationId"):
                    label += f" ({operation['operationId']})"
                found[f"{method.upper()} {path}"] = {
                    "label": label,
                    "operation": operation,
                    "item": item,
                }
    return found


def _parameters(document: dict[str, Any], entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for raw in [
        *(entry["item"].get("parameters") or []),
        *(entry["operation"].get("parameters") or []),
    ]:
        parameter = _resolve(document, raw)
        if isinstance(parameter, dict) and "name" in parameter:
            found[f"{parameter.get('in', '?')} '{parameter['name']}'"] = parameter
    return found


def _parameter_schema(parameter: dict[str, Any]) -> Any:
    if "schema" in parameter:
        return parameter["schema"]
    for media in (parameter.get("content") or {}).values():
        return media.get("schema")
    return None


def _enum_values(document: dict[str, Any], schema: Any) -> list[Any] | None:
    schema = _resolve(document, schema) if isinstance(schema, dict) and "$ref" not in schema else schema
    if isinstance(schema, dict) and isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    return None


def _enum_changes(subject: str, old: list[Any] | None, new: list[Any] | None) -> Iterator[Change]:
    if old is None or new is None:
        return
    for value in new:
        if value not in old:
            yield Change("enum value", "added", subject, repr(value))
    for value in old:
        if value not in new:
            yield Change("enum value", "removed", subject, repr(value), breaking=True)


def _diff_parameters(
    old_doc: dict[str, Any],
    new_doc: dict[str, Any],
    label: str,
    old: dict[str, Any],
    new: dict[str, Any],
) -> Iterator[Change]:
    old_params, new_params = _parameters(old_doc, old), _parameters(new_doc, new)
    for key, parameter in new_params.items():
        subject = f"{key} of {label}"
        if key not in old_params:
            required = bool(parameter.get("required"))
            yield Change(
                "parameter",
                "added",
                subject,
                "required" if required else "optional",
                breaking=required,
            )
            continue
        before = old_params[key]
        if bool(parameter.get("required")) != bool(before.get("required")):
            now_required = bool(parameter.get("required"))
            yield Change(
                "parameter",
                "changed",
                subject,
                "now required" if now_required else "now optional",
                breaking=now_required,
            )
        old_type = summarise_schema(_parameter_schema(before))
        new_type = summarise_schema(_parameter_schema(parameter))
        if old_type != new_type:
            yield Change("parameter", "changed", subject, f"type {old_type} → {new_type}", breaking=True)
        if ("schema" in before) != ("schema" in parameter):
            yield Change(
                "parameter",
                "changed",
                subject,
                "serialisation (schema/content) changed",
                breaking=True,
            )
        yield from _enum_changes(
            subject,
            _enum_values(old_doc, _parameter_schema(before)),
            _enum_values(new_doc, _parameter_schema(parameter)),
        )
    for key in old_params.keys() - new_params.keys():
        yield Change("parameter", "removed", f"{key} of {label}", breaking=True)


def _diff_body_and_responses(label: str, old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    old_body, new_body = old.get("requestBody"), new.get("requestBody")
    if old_body is None and new_body is not None:
        yield Change("request body", "added", label, breaking=bool(new_body.get("required")))
    elif old_body is not None and new_body is None:
        yield Change("request body", "removed", label, breaking=True)
    elif old_body is not None and new_body is not None:
        if bool(old_body.get("required")) != bool(new_body.get("required")):
            now = bool(new_body.get("required"))
            yield Change(
                "request body",
                "changed",
                label,
                "now required" if now else "now optional",
                breaking=now,
            )
        old_types = {
            media: summarise_schema(body.get("schema"))
            for media, body in (old_body.get("content") or {}).items()
        }
        new_types = {
            media: summarise_schema(body.get("schema"))
            for media, body in (new_body.get("content") or {}).items()
        }
        if old_types != new_types:
            yield Change("request body", "changed", label, f"{old_types} → {new_types}", breaking=True)
    old_codes, new_codes = old.get("responses") or {}, new.get("responses") or {}
    for code in new_codes:
        if code not in old_codes:
            yield Change("response", "added", f"{code} of {label}")
    for code in old_codes:
        if code not in new_codes:
            yield Change("response", "removed", f"{code} of {label}", breaking=str(code).startswith("2"))
    for code in set(old_codes) & set(new_codes):
        before, after = (_response_types(old_codes[code]), _response_types(new_codes[code]))
        if before != after:
            yield Change(
                "response",
                "changed",
                f"{code} of {label}",
                f"{before} → {after}",
                breaking=str(code).startswith("2"),
            )


def _response_types(response: Any) -> dict[str, str]:
    if not isinstance(response, dict):
        return {}
    if "$ref" in response:
        return {"$ref": str(response["$ref"]).rsplit("/", 1)[-1]}
    return {
        media: summarise_schema(body.get("schema")) for media, body in (response.get("content") or {}).items()
    }


def _properties(schema: Any) -> tuple[dict[str, Any], set[str]]:
    properties: dict[str, Any] = {}
    required: set[str] = set()
    if not isinstance(schema, dict):
        return properties, required
    for member in schema.get("allOf") or []:
        member_properties, member_required = _properties(member)
        properties.update(member_properties)
        required |= member_required
    properties.update(schema.get("properties") or {})
    required |= set(schema.get("required") or [])
    return properties, required


def _diff_schema(
    old_doc: dict[str, Any], new_doc: dict[str, Any], name: str, old: Any, new: Any
) -> Iterator[Change]:
    yield from _enum_changes(name, _enum_values(old_doc, old), _enum_values(new_doc, new))
    if summarise_schema({k: v for k, v in old.items() if k != "properties"}) != summarise_schema(
        {k: v for k, v in new.items() if k != "properties"}
    ):
        yield Change(
            "schema",
            "changed",
            name,
            f"type {summarise_schema(old)} → {summarise_schema(new)}",
            breaking=True,
        )
    old_props, old_required = _properties(old)
    new_props, new_required = _properties(new)
    for prop, schema in new_props.items():
        subject = f"{name}.{prop}"
        if prop not in old_props:
            required = prop in new_required
            yield Change(
                "property",
                "added",
                subject,
                f"{summarise_schema(schema)}{', required' if required else ', optional'}",
                breaking=required,
            )
            continue
        before = old_props[prop]
        if summarise_schema(before) != summarise_schema(schema):
            yield Change(
                "property",
                "changed",
                subject,
                f"type {summarise_schema(before)} → {summarise_schema(schema)}",
                breaking=True,
            )
        if prop in new_required and prop not in old_required:
            yield Change("property", "changed", subject, "now required", breaking=True)
        elif prop in old_required and prop not in new_required:
            yield Change("property", "changed", subject, "now optional")
        yield from _enum_changes(
            subject,
            _enum_values(old_doc, before) if "$ref" not in before else None,
            _enum_values(new_doc, schema) if "$ref" not in schema else None,
        )
    for prop in old_props:
        if prop not in new_props:
            yield Change("property", "removed", f"{name}.{prop}", breaking=True)


def diff_api(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every difference between the *old* and *new* BYOC documents, in a stable order."""
    changes: list[Change] = []
    old_ops, new_ops = _operations(old), _operations(new)
    for key, entry in new_ops.items():
        if key not in old_ops:
            changes.append(Change("operation", "added", entry["label"]))
            continue
        before = old_ops[key]
        old_id, new_id = (
            before["operation"].get("operationId"),
            entry["operation"].get("operationId"),
        )
        if old_id != new_id:
            changes.append(
                Change("operation", "changed", key, f"operationId {old_id} → {new_id}", breaking=True)
            )
        changes.extend(_diff_parameters(old, new, entry["label"], before, entry))
        changes.extend(_diff_body_and_responses(entry["label"], before["operation"], entry["operation"]))
    for key, entry in old_ops.items():
        if key not in new_ops:
            changes.append(Change("operation", "removed", entry["label"], breaking=True))

    old_schemas = (old.get("components") or {}).get("schemas") or {}
    new_schemas = (new.get("components") or {}).get("schemas") or {}
    for name, schema in new_schemas.items():
        if name not in old_schemas:
            changes.append(Change("schema", "added", name))
        else:
            changes.extend(_diff_schema(old, new, name, old_schemas[name], schema))
    for name in old_schemas:
        if name not in new_schemas:
            changes.append(Change("schema", "removed", name, breaking=True))
    return changes


def format_report(changes: Iterable[Change], *, old_label: str, new_label: str) -> str:
    """The change report printed by ``nox -s spec``."""
    changes = list(changes)
    if not changes:
        return f"API changes {old_label} → {new_label}: none"
    breaking = sum(change.breaking for change in changes)
    lines = [f"API changes {old_label} → {new_label}:"]
    lines += [f"  {change}" for change in changes]
    lines.append(f"{len(changes)} change(s), {breaking} breaking")
    return "\n".join(lines)
