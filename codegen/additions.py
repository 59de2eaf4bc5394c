"""Merging the project's own addition (``openapi-additions.yaml``) into the extracted BYOC document.

The live service answers operations and members that its published document lacks. They are
described in ``openapi-additions.yaml``, beside the upstream document, and merged after each
extraction so regeneration keeps them. The merge only adds:

* a path, an operation or a component upstream does not define is copied in;
* for a schema upstream does define, only the properties it lacks are added;
* whatever upstream already publishes wins, and the merge says which of ours it replaced.

Every piece added carries ``x-sentinelhub-byoc: addition``, so ``openapi.yaml`` shows which parts
are ours, and so does the spec report (:func:`format_additions`).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import attrs

from codegen import _yaml
from codegen.extract import HTTP_METHODS
from codegen.source import SpecError

#: The vendor extension that marks what the merge added.
MARK = "x-sentinelhub-byoc"
MARK_VALUE = "addition"


@attrs.frozen
class Merged:
    """What one merge did: the pieces it added, and those upstream now publishes itself."""

    added: tuple[str, ...]
    superseded: tuple[str, ...]


@attrs.define
class _Tally:
    added: list[str] = attrs.Factory(list)
    superseded: list[str] = attrs.Factory(list)


def load_additions(path: Path) -> dict[str, Any]:
    """Read the addition at *path*; an absent file is an empty addition."""
    if not path.is_file():
        return {}
    document = _yaml.load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        found = type(document).__name__
        raise SpecError(f"{path} must hold a mapping (paths, components, tags), not {found}")
    return document


def _ours(node: Any) -> bool:
    """Whether *node* was added by an earlier merge (so merging a merged document changes nothing)."""
    return isinstance(node, dict) and node.get(MARK) == MARK_VALUE


def _marked(node: Any) -> Any:
    copied = copy.deepcopy(node)
    if isinstance(copied, dict):
        copied[MARK] = MARK_VALUE
    return copied


def _merge_paths(document: dict[str, Any], paths: dict[str, Any], merged: _Tally) -> None:
    target: dict[str, Any] = document.setdefault("paths", {})
    for path, item in paths.items():
        if not isinstance(item, dict):
            raise SpecError(f"openapi-additions.yaml: paths.{path} must be a mapping")
        existing = target.setdefault(path, {})
        for key, operation in item.items():
            name = f"{key.upper()} {path}" if key in HTTP_METHODS else f"{path} {key}"
            if key in existing and not _ours(existing[key]):
                merged.superseded.append(f"operation {name}")
                continue
            existing[key] = _marked(operation) if key in HTTP_METHODS else copy.deepcopy(operation)
            if key in HTTP_METHODS:
                merged.added.append(f"operation {name}")


def _merge_schema(name: str, existing: dict[str, Any], ours: dict[str, Any], merged: _Tally) -> None:
    properties = ours["properties"]
    if not isinstance(properties, dict):
        raise SpecError(f"openapi-additions.yaml: {name}.properties must be a mapping")
    kept = existing.setdefault("properties", {})
    for member, schema in properties.items():
        if member in kept and not _ours(kept[member]):
            merged.superseded.append(f"property {name}.{member}")
            continue
        kept[member] = _marked(schema)
        merged.added.append(f"property {name}.{member}")


def _merge_components(document: dict[str, Any], components: dict[str, Any], merged: _Tally) -> None:
    target: dict[str, Any] = document.setdefault("components", {})
    for section, entries in components.items():
        if not isinstance(entries, dict):
            raise SpecError(f"openapi-additions.yaml: components.{section} must be a mapping")
        kept: dict[str, Any] = target.setdefault(section, {})
        for name, value in entries.items():
            extends = section == "schemas" and isinstance(value, dict) and set(value) == {"properties"}
            if extends:
                if not isinstance(kept.get(name), dict):
                    raise SpecError(
                        f"openapi-additions.yaml adds properties to the schema {name}, which the "
                        "upstream document no longer defines; move them to the schema that replaced it"
                    )
                _merge_schema(name, kept[name], value, merged)
            elif name in kept and not _ours(kept[name]):
                merged.superseded.append(f"{section} {name}")
            else:
                kept[name] = _marked(value)
                merged.added.append(f"{section} {name}")


def merge_additions(document: dict[str, Any], additions: dict[str, Any]) -> tuple[dict[str, Any], Merged]:
    """Return *document* with *additions* merged in (neither argument is changed), and what was done."""
    result = copy.deepcopy(document)
    tally = _Tally()
    known_tags = {tag.get("name") for tag in result.get("tags") or [] if isinstance(tag, dict)}
    for tag in additions.get("tags") or []:
        if isinstance(tag, dict) and tag.get("name") not in known_tags:
            known_tags.add(tag.get("name"))
            result.setdefault("tags", []).append(_marked(tag))
    _merge_paths(result, additions.get("paths") or {}, tally)
    _merge_components(result, additions.get("components") or {}, tally)
    return result, Merged(tuple(tally.added), tuple(tally.superseded))


def format_additions(merged: Merged, source: str) -> str:
    """The spec report's lines about the addition: what is ours, and what upstream now publishes."""
    if not merged.added and not merged.superseded:
        return f"no additions from {source}"
    lines = [f"ours, from {source} (marked {MARK}: {MARK_VALUE} in openapi.yaml):"]
    lines += [f"  + {piece}" for piece in merged.added]
    if merged.superseded:
        lines.append(f"upstream now publishes these, so its version is kept; delete them from {source}:")
        lines += [f"  = {piece}" for piece in merged.superseded]
    return "\n".join(lines)
