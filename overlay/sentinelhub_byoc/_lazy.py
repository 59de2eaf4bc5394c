"""Package attributes imported from their modules on first access, so importing stays cheap."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(namespace: dict[str, Any], exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``exports[name]`` and keeps the value in *namespace*.

    >>> namespace = {"__name__": "pkg"}
    >>> getattr_ = lazy_getattr(namespace, {"dumps": "json"})
    >>> getattr_("dumps").__module__, "dumps" in namespace
    ('json', True)
    """
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__
