"""Keeping the BYOC part of a Sentinel Hub OpenAPI document, as published.

The upstream document describes every Sentinel Hub service. BYOC is the operations under ``/byoc/``
tagged ``byoc_collection`` or ``byoc_tile``, the components they reference (transitively) and the
security schemes they use. Nothing is rewritten: keys keep upstream's order, so ``git diff openapi.yaml``
after an update shows exactly what upstream changed. Extracting an extracted document changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from codegen.source import SpecError

BYOC_TAGS = frozenset({"byoc_collection", "byoc_tile"})
BYOC_PATH_PREFIX = "/byoc/"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TOP_LEVEL_KEPT = ("openapi", "info", "servers", "security")


def _is_byoc_operation(operation: Any) -> bool:
    return isinstance(operation, dict) and bool(BYOC_TAGS.intersection(operation.get("tags") or ()))


def _byoc_paths(paths: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for path, item in paths.items():
        if not path.startswith(BYOC_PATH_PREFIX) or not isinstance(item, dict):
            continue
        if not any(_is_byoc_operation(item.get(method)) for method in HTTP_METHODS):
            continue
        kept[path] = {
            key: value for key, value in item.items() if key not in HTTP_METHODS or _is_byoc_operation(value)
        }
    return kept


def iter_refs(node: Any) -> Iterator[str]:
    """Yield every ``$ref`` string found anywhere inside *node*."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from iter_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from iter_refs(value)


def _component_key(ref: str) -> tuple[str, str]:
    parts = ref.split("/")
    if len(parts) != 4 or parts[:2] != ["#", "components"]:
        raise SpecError(f"unsupported reference {ref!r} (only '#/components/<section>/<name>' is)")
    return parts[2], parts[3].replace("~1", "/").replace("~0", "~")


def _security_scheme_names(paths: dict[str, Any], document: dict[str, Any]) -> set[str]:
    requirements: list[Any] = list(document.get("security") or [])
    for item in paths.values():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                requirements.extend(operation.get("security") or [])
    return {name for requirement in requirements if isinstance(requirement, dict) for name in requirement}


def _referenced_components(
    roots: Any, components: dict[str, Any], security_schemes: set[str]
) -> set[tuple[str, str]]:
    wanted = {("securitySchemes", name) for name in security_schemes}
    pending = list(iter_refs(roots))
    while pending:
        key = _component_key(pending.pop())
        if key in wanted:
            continue
        section, name = key
        try:
            target = components[section][name]
        except (KeyError, TypeError):
            raise SpecError(
                f"the document references #/components/{section}/{name}, which it does not define"
            ) from None
        wanted.add(key)
        pending.extend(iter_refs(target))
    return wanted


def extract_byoc(document: dict[str, Any]) -> dict[str, Any]:
    """Return the BYOC part of an OpenAPI *document* (which is left untouched).

    Raises :class:`SpecError` when the document has no BYOC operations.
    """
    paths = _byoc_paths(document.get("paths") or {})
    if not paths:
        raise SpecError(
            "the document has no BYOC operations "
            f"(expected paths under {BYOC_PATH_PREFIX} tagged {' or '.join(sorted(BYOC_TAGS))})"
        )
    components: dict[str, Any] = document.get("components") or {}
    wanted = _referenced_components(paths, components, _security_scheme_names(paths, document))

    result: dict[str, Any] = {key: document[key] for key in _TOP_LEVEL_KEPT if key in document}
    tags = [
        tag for tag in document.get("tags") or [] if isinstance(tag, dict) and tag.get("name") in BYOC_TAGS
    ]
    if tags:
        result["tags"] = tags
    result["paths"] = paths
    kept_components: dict[str, Any] = {}
    for section, entries in components.items():
        if not isinstance(entries, dict):
            continue
        kept = {name: value for name, value in entries.items() if (section, name) in wanted}
        if kept:
            kept_components[section] = kept
    if kept_components:
        result["components"] = kept_components
    return result
