"""A griffe extension that shows the models' fields by their API members, not by their machinery.

The models of :mod:`sentinelhub_byoc.models` declare each field as
``sensing_time: datetime | None = api_field("sensingTime", read=DATETIME, ...)``. Left alone, the
reference would show that call, readers and encoders included, as the attribute's value. Instead:

- each ``api_field`` attribute shows its default only (``= None`` unless ``default=`` says
  otherwise), and its description ends with the API member it is read from and written to,
  and whether the service sets it (read-only);
- an ``extra_field`` attribute shows no value;
- the class's description ends with a table: Python attribute, API member, type.

Loaded by mkdocstrings through the ``extensions`` option of ``mkdocs.yml``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

import griffe

__all__ = ["ApiFields", "ApiMember", "api_member"]

FIELD = "api_field"
EXTRA = "extra_field"


class ApiMember:
    """What an ``api_field(...)`` call says about one attribute: its API name, default and access."""

    def __init__(self, name: str, default: str | griffe.Expr, read_only: bool) -> None:
        self.name = name
        self.default = default
        self.read_only = read_only


def _call_name(value: str | griffe.Expr | None) -> str | None:
    if isinstance(value, griffe.ExprCall):
        return str(value.function)
    return None


def _literal(value: str | griffe.Expr) -> Any:
    try:
        return ast.literal_eval(str(value))
    except (ValueError, SyntaxError):
        return None


def api_member(attribute: griffe.Attribute) -> ApiMember | None:
    """The API member of an attribute declared with ``api_field("memberName", ...)``, else None."""
    value = attribute.value
    if _call_name(value) != FIELD or not isinstance(value, griffe.ExprCall) or not value.arguments:
        return None
    first = value.arguments[0]
    name = None if isinstance(first, griffe.ExprKeyword) else _literal(first)
    if not isinstance(name, str):
        return None
    keywords = {arg.name: arg.value for arg in value.arguments if isinstance(arg, griffe.ExprKeyword)}
    default = keywords.get("default", "None")
    read_only = _literal(keywords.get("read_only", "False")) is True
    return ApiMember(name, default, read_only)


def _classes(obj: griffe.Object) -> Iterator[griffe.Class]:
    for member in obj.members.values():
        if member.is_alias:
            continue
        if isinstance(member, griffe.Class):
            yield member
        if isinstance(member, (griffe.Module, griffe.Class)):
            yield from _classes(member)


def _append(obj: griffe.Object, text: str) -> None:
    if obj.docstring is None:
        obj.docstring = griffe.Docstring(text, parent=obj)
    else:
        obj.docstring.value = f"{obj.docstring.value.rstrip()}\n\n{text}"


def _table(rows: list[tuple[str, ApiMember, griffe.Attribute]]) -> str:
    lines = ["| attribute | API member | type |", "|---|---|---|"]
    for python_name, member, attribute in rows:
        api = f"`{member.name}`" + (" (read-only)" if member.read_only else "")
        kind = f"`{attribute.annotation}`" if attribute.annotation is not None else ""
        lines.append(f"| `{python_name}` | {api} | {kind} |")
    return "\n".join(lines)


class ApiFields(griffe.Extension):
    """Rewrite the ``api_field`` and ``extra_field`` attributes of every model class of a package."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Rewrite the fields of each class of ``pkg`` declared with ``api_field``/``extra_field``."""
        for cls in _classes(pkg):
            rows: list[tuple[str, ApiMember, griffe.Attribute]] = []
            for name, attribute in cls.members.items():
                if attribute.is_alias or not isinstance(attribute, griffe.Attribute):
                    continue
                if _call_name(attribute.value) == EXTRA:
                    attribute.value = None
                    continue
                member = api_member(attribute)
                if member is None:
                    continue
                attribute.value = member.default
                access = "; read-only: set by the service, never sent" if member.read_only else ""
                _append(attribute, f"API member: `{member.name}`{access}.")
                rows.append((name, member, attribute))
            if rows:
                _append(cls, "The attributes and the API members they hold:\n\n" + _table(rows))
