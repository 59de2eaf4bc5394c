"""The emulator's route table, written from ``openapi.yaml`` at generation time.

The emulator ships in the wheel but ``openapi.yaml`` does not, so what the emulator needs from the
document (each operation's method, path template, operationId and the members its request body
may carry) is written into ``overlay/sentinelhub_byoc/testing/_spec_routes.py``. The emulator's
router matches requests against that table and finds each operation's handler by operationId.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from codegen import _yaml
from codegen._files import write_text_atomic
from codegen._ruff import RuffError, run_ruff
from codegen.extract import HTTP_METHODS

ROUTES_MODULE = Path("overlay") / "sentinelhub_byoc" / "testing" / "_spec_routes.py"
#: Where the document puts BYOC, and the prefix every official example and client uses instead.
DOCUMENT_PREFIX = "/byoc/v1"
LEGACY_PREFIX = "/api/v1/byoc"
HEADER = (
    "# generated from openapi.yaml by `python -m codegen generate`; do not edit, "
    "run `nox -s generate` instead"
)
# Nested objects are described this deep (``additionalData.bands.*.noData`` is three levels).
_MAX_DEPTH = 4


class RoutesError(Exception):
    """The document cannot be turned into a route table; the message says where."""


def _resolve(document: dict[str, Any], node: Any) -> Any:
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref: str = node["$ref"]
        if ref in seen or not ref.startswith("#/"):
            raise RoutesError(f"cannot resolve {ref!r}")
        seen.add(ref)
        target: Any = document
        for part in ref[2:].split("/"):
            if not isinstance(target, dict) or part not in target:
                raise RoutesError(f"dangling reference {ref!r}")
            target = target[part]
        # Keywords beside a $ref (readOnly, description) apply to the reference as well.
        extra = {key: value for key, value in node.items() if key != "$ref"}
        node = {**target, **extra} if extra and isinstance(target, dict) else target
    return node


def _types(document: dict[str, Any], schema: dict[str, Any]) -> tuple[str, ...]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return (kind,)
    if isinstance(kind, list):
        return tuple(str(item) for item in kind)
    for combinator in ("allOf", "oneOf", "anyOf"):
        found: list[str] = []
        for part in schema.get(combinator) or ():
            for item in _types(document, _resolve(document, part)):
                if item not in found:
                    found.append(item)
        if found:
            return tuple(found)
    if "properties" in schema or "additionalProperties" in schema:
        return ("object",)
    return ()


def _read_only(document: dict[str, Any], schema: dict[str, Any]) -> bool:
    if schema.get("readOnly") is True:
        return True
    return any(_resolve(document, part).get("readOnly") is True for part in schema.get("allOf") or () if part)


def _object_schema(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Merge ``allOf`` parts so that an object's properties are found wherever they are declared."""
    if "allOf" not in schema:
        return schema
    merged: dict[str, Any] = {key: value for key, value in schema.items() if key != "allOf"}
    for part in schema["allOf"]:
        resolved = _object_schema(document, _resolve(document, part))
        merged.setdefault("properties", {}).update(resolved.get("properties") or {})
        if "additionalProperties" in resolved:
            merged["additionalProperties"] = resolved["additionalProperties"]
    return merged


def _members(document: dict[str, Any], schema: Any, prefix: str, depth: int) -> Iterator[tuple[Any, ...]]:
    schema = _object_schema(document, _resolve(document, schema))
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return
    for name, raw in (schema.get("properties") or {}).items():
        member = _resolve(document, raw)
        if not isinstance(member, dict):
            continue
        yield (f"{prefix}{name}", _types(document, member), _read_only(document, member))
        if "oneOf" not in member and "anyOf" not in member:
            yield from _members(document, member, f"{prefix}{name}.", depth + 1)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        yield from _members(document, extra, f"{prefix}*.", depth + 1)


def _body_schema(document: dict[str, Any], operation: dict[str, Any]) -> Any:
    body = _resolve(document, operation.get("requestBody"))
    if not isinstance(body, dict):
        return None
    content = body.get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), None)
    return media.get("schema") if isinstance(media, dict) else None


def _greedy_parameters(
    document: dict[str, Any], path: str, operation: dict[str, Any], item: dict[str, Any]
) -> str:
    """Name the path parameter that may hold slashes: a last segment documented as a path with folders."""
    last = path.rsplit("/", 1)[-1]
    if not (last.startswith("{") and last.endswith("}")):
        return ""
    name = last[1:-1]
    for raw in [*(item.get("parameters") or ()), *(operation.get("parameters") or ())]:
        parameter = _resolve(document, raw)
        if isinstance(parameter, dict) and parameter.get("in") == "path" and parameter.get("name") == name:
            description = str(parameter.get("description") or "").lower()
            if "path" in description or parameter.get("allowReserved") is True:
                return name
    return ""


def routes(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Return one entry per operation of *document*, in document order."""
    found: list[dict[str, Any]] = []
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        if path.startswith(DOCUMENT_PREFIX + "/"):
            relative = path[len(DOCUMENT_PREFIX) :]
            templates: tuple[str, ...] = (LEGACY_PREFIX + relative, DOCUMENT_PREFIX + relative)
        elif path.startswith("/"):
            # Another service of the same deployment (the location list): served where it is.
            templates = (path.rstrip("/") or "/",)
        else:
            raise RoutesError(f"path {path!r} is neither under {DOCUMENT_PREFIX} nor absolute")
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            operation_id = operation.get("operationId")
            if not isinstance(operation_id, str) or not operation_id:
                raise RoutesError(f"{method.upper()} {path} has no operationId")
            schema = _body_schema(document, operation)
            body = [] if schema is None else list(_members(document, schema, "", 0))
            found.append(
                {
                    "method": method.upper(),
                    "templates": templates,
                    "operation_id": operation_id,
                    "greedy": _greedy_parameters(document, path, operation, item),
                    "body": tuple(body),
                }
            )
    return found


_PRELUDE = '''
"""The BYOC operations of openapi.yaml, for the emulator's router.

``ROUTES`` holds, per operation, its method, its path template under both API prefixes (or, for
another service of the deployment such as the location list, its own path), its
operationId, the path parameter that may hold slashes (``greedy``) and the members its JSON
request body may carry (dotted names; ``*`` stands for any key of a map).
"""

from __future__ import annotations

from typing import Final

from ._routing import Member, Operation

PREFIXES: Final = ({legacy}, {document})
'''


def _literal(value: Any) -> str:
    """Python source for a string, bool or tuple, with double quotes as the formatter wants them."""
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, tuple):
        inner = ", ".join(_literal(item) for item in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    raise RoutesError(f"cannot write {value!r}")


def _member(name: str, types: tuple[str, ...], read_only: bool) -> str:
    return f"Member({_literal(name)}, {_literal(types)}, {_literal(read_only)})"


def _groups(body: tuple[tuple[Any, ...], ...]) -> list[tuple[tuple[Any, ...], ...]]:
    """The members of *body* in runs, one per top-level member with everything nested in it."""
    runs: dict[str, list[tuple[Any, ...]]] = {}
    for member in body:
        runs.setdefault(member[0].split(".", 1)[0], []).append(member)
    return [tuple(run) for run in runs.values()]


def _shared_runs(found: list[dict[str, Any]]) -> dict[tuple[tuple[Any, ...], ...], str]:
    """A constant's name for each nested run that more than one operation's body repeats."""
    seen: dict[tuple[tuple[Any, ...], ...], int] = {}
    for route in found:
        for run in _groups(route["body"]):
            if len(run) > 1:
                seen[run] = seen.get(run, 0) + 1
    names: dict[tuple[tuple[Any, ...], ...], str] = {}
    for run, count in seen.items():
        if count > 1:
            base = "_" + re.sub(r"(?<!^)(?=[A-Z])", "_", run[0][0]).upper()
            name, number = base, 1
            while name in names.values():
                number += 1
                name = f"{base}_{number}"
            names[run] = name
    return names


def render(document: dict[str, Any]) -> str:
    """Return the text of the route module for *document* (before formatting).

    A nested object's members that several bodies repeat (a collection's ``additionalData`` in
    create and update, say) are written once, as a constant the bodies unpack.
    """
    found = routes(document)
    shared = _shared_runs(found)
    lines = [
        HEADER,
        _PRELUDE.format(legacy=json.dumps(LEGACY_PREFIX), document=json.dumps(DOCUMENT_PREFIX)).strip(),
        "",
    ]
    for run, name in shared.items():
        members = ", ".join(_member(*member) for member in run)
        lines.extend((f"{name}: Final[tuple[Member, ...]] = ({members},)", ""))
    lines.append("ROUTES: Final[tuple[Operation, ...]] = (")
    for route in found:
        parts = [
            f"*{shared[run]}" if run in shared else ", ".join(_member(*member) for member in run)
            for run in _groups(route["body"])
        ]
        members = ", ".join(parts)
        # A one-item tuple needs its comma, whether the item is a member or an unpacked constant.
        comma = "," if len(parts) == 1 and (members.startswith("*") or len(route["body"]) == 1) else ""
        lines.append(
            f"    Operation({_literal(route['method'])}, {_literal(route['templates'])}, "
            f"{_literal(route['operation_id'])}, {_literal(route['greedy'])}, ({members}{comma})),"
        )
    lines.append(")")
    return "\n".join(lines) + "\n"


def _format(text: str, root: Path) -> str:
    """Format with the pinned ruff and the project's settings, so that lint and check agree."""
    try:
        return run_ruff(["format"], text, root / ROUTES_MODULE, cwd=root)
    except RuffError as error:
        raise RoutesError(f"ruff could not format the route table: {error}") from None


def render_file(spec_path: Path, root: Path) -> str:
    """Return the formatted route module's text for the document at *spec_path*."""
    document = _yaml.load(spec_path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise RoutesError(f"{spec_path} is not an OpenAPI document")
    return _format(render(document), root)


def write(spec_path: Path, root: Path) -> Path:
    """Write the route module under *root*; return its path."""
    target = root / ROUTES_MODULE
    write_text_atomic(target, render_file(spec_path, root))
    return target


def check(spec_path: Path, root: Path) -> list[str]:
    """Return ``["differs: ..."]`` when the committed route module is not what *spec_path* gives."""
    target = root / ROUTES_MODULE
    expected = render_file(spec_path, root)
    if not target.is_file():
        return [f"missing: {ROUTES_MODULE.as_posix()}"]
    if target.read_text(encoding="utf-8") != expected:
        return [f"differs: {ROUTES_MODULE.as_posix()}"]
    return []
