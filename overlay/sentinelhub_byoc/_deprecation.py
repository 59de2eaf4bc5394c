"""Old public names that keep working for a while, with a ``DeprecationWarning``.

A renamed or removed public name keeps working for one minor version (see "Stability and
deprecations" in the README). A module-level name is kept through the module's ``__getattr__``,
so it is neither in ``__all__`` nor in the module's namespace, and warns on every access:

>>> import types, warnings
>>> module = types.ModuleType("example")
>>> module.new_name = 42
>>> deprecated_alias(vars(module), "old_name", "new_name", since="0.2", remove_in="0.3")
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     value = module.old_name
>>> value, str(caught[0].message)
(42, 'example.old_name is deprecated since 0.2 and will be removed in 0.3; use example.new_name instead')

It composes with :func:`sentinelhub_byoc._lazy.lazy_getattr`: call it after the module's
``__getattr__`` is set, and the new name is imported lazily as before. A name that goes with no
replacement (a constant nothing reads any more) is kept by :func:`deprecated_name`, whose
warning says what to do instead. A renamed keyword argument is kept by :func:`renamed_keyword`.
"""

from __future__ import annotations

import functools
import importlib
import warnings
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


def deprecation_message(old: str, new: str, *, since: str, remove_in: str) -> str:
    """The warning's text: what is deprecated, since when, when it goes and what replaces it."""
    return removal_message(old, f"use {new} instead", since=since, remove_in=remove_in)


def removal_message(old: str, instead: str, *, since: str, remove_in: str) -> str:
    """The warning's text for a name that goes: what, since when, when, and what to do instead."""
    return f"{old} is deprecated since {since} and will be removed in {remove_in}; {instead}"


def _keep(namespace: dict[str, Any], old_name: str, message: str, value: Callable[[], Any]) -> None:
    module = namespace["__name__"]
    fallback: Callable[[str], Any] | None = namespace.get("__getattr__")

    def __getattr__(name: str) -> Any:
        if name == old_name:
            # Level 2 is the line that reads the old name.
            warnings.warn(message, DeprecationWarning, stacklevel=2)
            return value()
        if fallback is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        return fallback(name)

    namespace["__getattr__"] = __getattr__


def deprecated_alias(
    namespace: dict[str, Any], old_name: str, new_name: str, *, since: str, remove_in: str
) -> None:
    """Keep ``old_name`` of the module whose globals are *namespace* working as ``new_name``.

    The module's ``__getattr__`` (for example a lazy one) is wrapped, not replaced: every name
    but ``old_name`` still goes to it. Each access to ``old_name`` warns once and returns the
    current value of ``new_name``.
    """
    module = namespace["__name__"]
    fallback: Callable[[str], Any] | None = namespace.get("__getattr__")
    message = deprecation_message(
        f"{module}.{old_name}", f"{module}.{new_name}", since=since, remove_in=remove_in
    )

    def current() -> Any:
        if new_name in namespace:
            return namespace[new_name]
        if fallback is None:
            raise AttributeError(f"module {module!r} has no attribute {new_name!r}")
        return fallback(new_name)

    _keep(namespace, old_name, message, current)


def deprecated_name(
    namespace: dict[str, Any], old_name: str, value: Any, *, instead: str, since: str, remove_in: str
) -> None:
    """Keep ``old_name`` of the module whose globals are *namespace* as *value*, with no replacement.

    For a name whose job is gone (a constant nothing reads any more): each access warns,
    saying what to do *instead*, and returns *value*.

    >>> import types, warnings
    >>> module = types.ModuleType("example")
    >>> deprecated_name(vars(module), "MARKER", "m", instead="nothing reads it", since="0.2", remove_in="0.3")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     value = module.MARKER
    >>> value, str(caught[0].message)
    ('m', 'example.MARKER is deprecated since 0.2 and will be removed in 0.3; nothing reads it')
    """
    message = removal_message(
        f"{namespace['__name__']}.{old_name}", instead, since=since, remove_in=remove_in
    )
    _keep(namespace, old_name, message, lambda: value)


def deprecated_import(
    namespace: dict[str, Any], old_name: str, module: str, *, instead: str, since: str, remove_in: str
) -> None:
    """Keep ``old_name`` of a package whose globals are *namespace* as *module*'s name of that name.

    For a package that re-exports a deprecated name lazily: *module* is imported only when the
    name is read, and only this warning is shown (attributed to the reading line), not also the
    one *module* gives for the same name.
    """
    message = removal_message(
        f"{namespace['__name__']}.{old_name}", instead, since=since, remove_in=remove_in
    )

    def load() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return getattr(importlib.import_module(module), old_name)

    _keep(namespace, old_name, message, load)


def renamed_keyword(
    old: str, new: str, *, since: str, remove_in: str
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Accept keyword argument *old* of the decorated function as *new*, with a warning.

    Passing both is a ``TypeError``, as passing one argument twice always is.
    """

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        message = deprecation_message(
            f"the {old!r} argument of {function.__qualname__}()", repr(new), since=since, remove_in=remove_in
        )

        @functools.wraps(function)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            if old in kwargs:
                if new in kwargs:
                    raise TypeError(f"{function.__qualname__}() got both {old!r} and {new!r}")
                warnings.warn(message, DeprecationWarning, stacklevel=2)
                kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)

        return wrapper

    return decorate
