"""YAML reading and writing with the choices the pipeline depends on."""

from __future__ import annotations

from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    """A safe loader that keeps timestamps as strings.

    An OpenAPI document's example values such as ``2019-08-24T14:15:22Z`` must survive a round trip
    unchanged; PyYAML would otherwise turn them into ``datetime`` objects.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Dumper(yaml.SafeDumper):
    """A safe dumper that writes multi-line strings as literal blocks and never emits aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and not value.endswith(" ") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def load(text: str) -> Any:
    """Parse YAML (or JSON, which is YAML) text."""
    return yaml.load(text, Loader=_Loader)


def dump(document: Any) -> str:
    """Serialise *document* deterministically: key order kept as given, no aliases, wide lines."""
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=120,
        default_flow_style=False,
    )
