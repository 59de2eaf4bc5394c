"""A griffe extension that reads attrs classes as griffe's own extension reads dataclasses.

Read statically, an ``@attrs.define``/``@attrs.frozen`` class has no ``__init__``: attrs writes it
when the class is made. Without this extension the API listing would show neither that the class
is a record nor what its constructor takes, so a changed field would go unnoticed. The extension
labels such classes ``attrs`` and writes their ``__init__`` from the annotated fields, following
attrs' rules: ``attrs.field(default=..., factory=..., init=False, kw_only=True, alias=...)``, a
decorator's ``kw_only=True`` or ``init=False``, a leading underscore dropped from the parameter's
name, fields of attrs base classes first. A field made by a function of ours (not
``attrs.field``) cannot be read without running code: such a class gets the label but no
``__init__`` line, as before.
"""

from __future__ import annotations

from typing import Any

import griffe

_DECORATORS = frozenset(
    {"attrs.define", "attrs.frozen", "attrs.mutable", "attr.s", "attr.attrs", "attr.define", "attr.frozen"}
)
_FIELDS = frozenset({"attrs.field", "attr.ib", "attr.field"})
_KEYWORD_ONLY = griffe.ParameterKind.keyword_only
_POSITIONAL_OR_KEYWORD = griffe.ParameterKind.positional_or_keyword


def _decorator(cls: griffe.Class) -> griffe.Expr | str | None:
    for decorator in cls.decorators:
        value = decorator.value
        path = value.canonical_path if isinstance(value, griffe.Expr) else str(value)
        if path in _DECORATORS:
            return value
    return None


def _arguments(expr: object) -> dict[str, Any]:
    if not isinstance(expr, griffe.ExprCall):
        return {}
    return {
        argument.name: argument.value
        for argument in expr.arguments
        if isinstance(argument, griffe.ExprKeyword)
    }


class _Unreadable(Exception):
    """A field whose definition only running the code would tell."""


def _own_parameters(cls: griffe.Class) -> list[griffe.Parameter]:
    options = _arguments(_decorator(cls))
    if str(options.get("init")) == "False":
        return []
    all_keyword_only = str(options.get("kw_only")) == "True"
    parameters = []
    for member in cls.members.values():
        if not isinstance(member, griffe.Attribute) or member.annotation is None:
            continue
        if "property" in member.labels or (
            "class-attribute" in member.labels and "instance-attribute" not in member.labels
        ):
            continue
        value = member.value
        if isinstance(value, griffe.ExprCall) and value.canonical_path not in _FIELDS:
            raise _Unreadable(member.path)
        field = _arguments(value) if isinstance(value, griffe.ExprCall) else {}
        if str(field.get("init")) == "False":
            continue
        if "factory" in field:
            default: Any = griffe.ExprCall(function=field["factory"], arguments=[])
        elif isinstance(value, griffe.ExprCall):
            default = field.get("default")
        else:
            default = value
        keyword_only = all_keyword_only or str(field.get("kw_only")) == "True"
        kind = _KEYWORD_ONLY if keyword_only else _POSITIONAL_OR_KEYWORD
        name = str(field["alias"]).strip("'\"") if "alias" in field else member.name.lstrip("_")
        parameters.append(
            griffe.Parameter(
                name,
                annotation=member.annotation,
                kind=kind,
                default=default,
            )
        )
    return parameters


def _init_of(cls: griffe.Class) -> griffe.Function | None:
    try:
        lineage = [*reversed(cls.mro()), cls]
    except ValueError:
        lineage = [cls]
    by_name: dict[str, griffe.Parameter] = {}
    for ancestor in lineage:
        if _decorator(ancestor) is None:
            continue
        for parameter in _own_parameters(ancestor):
            by_name[parameter.name] = parameter
    positional = [p for p in by_name.values() if p.kind is not griffe.ParameterKind.keyword_only]
    keyword = [p for p in by_name.values() if p.kind is griffe.ParameterKind.keyword_only]
    return griffe.Function(
        "__init__",
        lineno=0,
        endlineno=0,
        parent=cls,
        parameters=griffe.Parameters(
            griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword),
            *positional,
            *keyword,
        ),
        returns="None",
    )


def _visit(obj: griffe.Module | griffe.Class, seen: set[str]) -> None:
    if obj.path in seen:
        return
    seen.add(obj.path)
    if isinstance(obj, griffe.Class) and _decorator(obj) is not None:
        obj.labels.add("attrs")
        if "__init__" not in obj.members:
            try:
                init = _init_of(obj)
            except _Unreadable:
                init = None
            if init is not None:
                obj.set_member("__init__", init)
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, griffe.Module | griffe.Class):
            _visit(member, seen)


class AttrsRecords(griffe.Extension):
    """Label attrs classes ``attrs`` and give them the ``__init__`` attrs would write."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Visit every class of the loaded package once."""
        _visit(pkg, set())
