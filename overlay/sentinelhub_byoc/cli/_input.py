"""Reading what users give commands: JSON from an argument, a file or stdin, and tile ids.

A JSON argument is the JSON text itself, ``@file.json`` or a path to a file, or ``-`` for stdin.
Several objects may come as a JSON array or as newline-delimited JSON (one object per line), so
``byoc tiles list C -o ndjson`` pipes into the next command.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import click

from sentinelhub_byoc.cli._errors import InputError
from sentinelhub_byoc.cli._tables import printable

M = TypeVar("M")


def read_text(source: str, what: str = "--json") -> str:
    """The text *source* stands for: stdin for ``-``, a file for ``@path`` or a path, else itself."""
    if source == "-":
        return sys.stdin.read()
    path_text = source[1:] if source.startswith("@") else source
    looks_like_json = source.lstrip()[:1] in ("{", "[", '"')
    if not looks_like_json and path_text.endswith((".json", ".geojson", ".ndjson")):
        # Clearly meant as a file: "no such file" helps more than "malformed JSON".
        source = "@" + path_text
    if source.startswith("@") or (not looks_like_json and Path(path_text).is_file()):
        try:
            return Path(path_text).read_text(encoding="utf-8")
        except OSError as error:
            raise InputError(f"{what}: cannot read {path_text}: {error.strerror}") from None
    return source


def _where(source: str) -> str:
    if source == "-":
        return "stdin"
    if source.startswith("@"):
        return source[1:]
    return "the argument"


def _loads(text: str, where: str, what: str) -> Any:
    """``json.loads``, with JSON nested past the interpreter's recursion limit as an :class:`InputError`."""
    try:
        return json.loads(text)
    except RecursionError:
        raise InputError(
            f"{what}: the JSON in {where} is nested too deeply to be a BYOC object or a GeoJSON geometry"
        ) from None


def parse_documents(text: str, source: str, what: str = "--json") -> list[Any]:
    """The JSON values in *text*: one value (an array gives its items) or one value per line."""
    try:
        value = _loads(text, _where(source), what)
    except json.JSONDecodeError as whole_error:
        lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
        if len(lines) < 2:
            if not lines:
                raise InputError(f"{what}: no JSON in {_where(source)}") from None
            raise InputError(
                f"{what}: malformed JSON in {_where(source)}: {whole_error.msg} at line "
                f"{whole_error.lineno} column {whole_error.colno}"
            ) from None
        values = []
        for number, line in lines:
            try:
                values.append(_loads(line, f"line {number} of {_where(source)}", what))
            except json.JSONDecodeError as error:
                raise InputError(
                    f"{what}: malformed JSON on line {number} of {_where(source)}: {error.msg} "
                    f"at column {error.colno}"
                ) from None
        return values
    return list(value) if isinstance(value, list) else [value]


def read_objects(source: str, what: str = "--json") -> list[dict[str, Any]]:
    """The JSON objects *source* holds (one, an array of them or one per line)."""
    values = parse_documents(read_text(source, what), source, what)
    for index, value in enumerate(values):
        if not isinstance(value, dict):
            where = f" (item {index + 1})" if len(values) > 1 else ""
            raise InputError(f"{what}: expected a JSON object{where}, got {type(value).__name__}")
    return values


def read_object(source: str, what: str = "--json") -> dict[str, Any]:
    """The one JSON object *source* holds."""
    values = read_objects(source, what)
    if len(values) != 1:
        raise InputError(f"{what}: expected one JSON object, got {len(values)}")
    return values[0]


def to_model(model: type[M], data: Mapping[str, Any], what: str = "--json") -> M:
    """*data* read as *model* (the API's camelCase members), refusing members the model lacks.

    Members the service sets itself (``id``, ``status``, ``created``...) are accepted and not
    sent, so the output of one command can be the input of the next.
    """
    try:
        value = model.from_dict(data)  # type: ignore[attr-defined]
    except ValueError as error:
        raise InputError(f"{what}: {error}") from None
    extra = getattr(value, "extra", None)
    if extra:
        names = ", ".join(sorted(extra))
        raise InputError(f"{what}: unknown member(s) {names} for a {model.__name__.lower()}")
    return value  # type: ignore[no-any-return]


def tile_ids(arguments: tuple[str, ...]) -> list[str]:
    """Tile ids from the arguments, or from stdin when the only argument is ``-``.

    Each stdin line is an id, or a JSON object with an ``id`` member (a line of ``-o ndjson``).
    All of stdin is read, and every id checked, before anything is done, so a malformed line or
    a mistyped id changes nothing.
    """
    if not arguments:
        raise click.UsageError("give tile ids, or - to read them from stdin")
    if arguments != ("-",):
        found = [(f"argument {number}", text) for number, text in enumerate(arguments, 1)]
    else:
        found = list(_ids_from_stdin())
    for where, text in found:
        _check_tile_id(text, where if len(found) > 1 or arguments == ("-",) else "")
    return [text for _, text in found]


def _check_tile_id(text: str, where: str) -> None:
    try:
        UUID(text)
    except ValueError:
        place = f" ({where})" if where else ""
        raise InputError(
            f"tile id '{printable(text)}'{place} is not a UUID: give the ids 'byoc tiles list "
            "COLLECTION' shows, or - to read them from stdin"
        ) from None


def _ids_from_stdin() -> Iterator[tuple[str, str]]:
    for number, line in enumerate(sys.stdin, 1):
        text = line.strip()
        if not text:
            continue
        if text.startswith("{"):
            try:
                value = _loads(text, f"line {number} of stdin", "tile ids")
            except json.JSONDecodeError as error:
                raise InputError(f"malformed JSON on line {number} of stdin: {error.msg}") from None
            if not isinstance(value, dict) or not isinstance(value.get("id"), str):
                raise InputError(f'line {number} of stdin has no "id" member')
            yield f"line {number} of stdin", value["id"]
        else:
            yield f"line {number} of stdin", text
