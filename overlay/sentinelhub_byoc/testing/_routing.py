"""Matching a request's method and path to an operation of ``openapi.yaml``.

The operations come from ``_spec_routes.py``, written from the document at generation time;
nothing here lists them. A path that matches some template but not with this method is a 405
naming the methods that are allowed; a path that matches no template is a 404.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import unquote

import attrs


class Member(NamedTuple):
    """A member a request body may carry: dotted name (``*`` for any map key), JSON types, read-only."""

    name: str
    types: tuple[str, ...]
    read_only: bool


class Operation(NamedTuple):
    """One operation of the document."""

    method: str
    templates: tuple[str, ...]
    operation_id: str
    greedy: str
    body: tuple[Member, ...]


@attrs.frozen
class Match:
    """The operation a request is for and the path parameters it carries (percent-decoded)."""

    operation: Operation
    parameters: dict[str, str]


@attrs.frozen
class NoRoute:
    """Why no operation matched: ``allowed`` lists the methods of a matching path (empty: 404)."""

    allowed: tuple[str, ...]


_PARAMETER = re.compile(r"\{([^{}/]+)\}")


def _pattern(template: str, greedy: str) -> re.Pattern[str]:
    parts: list[str] = []
    position = 0
    for found in _PARAMETER.finditer(template):
        parts.append(re.escape(template[position : found.start()]))
        name = found.group(1)
        group = re.sub(r"\W", "_", name)
        parts.append(f"(?P<{group}>.+)" if name == greedy else f"(?P<{group}>[^/]+)")
        position = found.end()
    parts.append(re.escape(template[position:]))
    return re.compile("^" + "".join(parts) + "/?$")


class Router:
    """Finds the operation for a method and a path among ``operations``."""

    def __init__(self, operations: Iterable[Operation]) -> None:
        self.operations = tuple(operations)
        # Templates with fewer parameters first, so that ".../copyTiles" wins over ".../{tileId}"-like
        # shapes, and a greedy parameter never swallows a more specific path.
        entries: list[tuple[int, int, re.Pattern[str], Operation]] = []
        for index, operation in enumerate(self.operations):
            for template in operation.templates:
                rank = len(_PARAMETER.findall(template)) + (10 if operation.greedy else 0)
                entries.append((rank, index, _pattern(template, operation.greedy), operation))
        entries.sort(key=lambda entry: (entry[0], entry[1]))
        self._entries = [(pattern, operation) for _, _, pattern, operation in entries]

    def match(self, method: str, path: str) -> Match | NoRoute:
        """Return the operation for ``method`` on ``path``, or why there is none."""
        allowed: list[str] = []
        shape: str | None = None
        for pattern, operation in self._entries:
            found = pattern.match(path)
            if found is None:
                continue
            # Only methods of the first (most specific) matching template count for the 405.
            if shape is not None and pattern.pattern != shape:
                continue
            shape = pattern.pattern
            if operation.method == method:
                parameters = {
                    name: unquote(found.group(re.sub(r"\W", "_", name)))
                    for name in _PARAMETER.findall(operation.templates[0])
                }
                return Match(operation, parameters)
            allowed.append(operation.method)
        return NoRoute(tuple(sorted(set(allowed))))


def writable_members(
    operations: Iterable[Operation], operation_id: str, within: str = ""
) -> dict[str, tuple[str, ...]]:
    """Return the JSON types of the writable body members of ``operation_id`` directly under ``within``.

    ``within`` is a dotted prefix such as ``"additionalData."`` or ``"additionalData.bands.*."``;
    read-only members are left out, since the service ignores them whatever they hold.
    """
    for operation in operations:
        if operation.operation_id == operation_id:
            return {
                member.name[len(within) :]: member.types
                for member in operation.body
                if member.name.startswith(within)
                and "." not in member.name[len(within) :]
                and not member.read_only
            }
    raise KeyError(f"openapi.yaml has no operation {operation_id!r}")
