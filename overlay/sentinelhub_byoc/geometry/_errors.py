"""The error raised for a geometry the client cannot use."""

from __future__ import annotations

import reprlib
from typing import Final

from sentinelhub_byoc.errors import BYOCError, ValidationError

_SHOWN: Final = reprlib.Repr()
# Attributes rather than keywords: Repr() takes keywords only from Python 3.12.
_SHOWN.maxlevel, _SHOWN.maxlist, _SHOWN.maxtuple, _SHOWN.maxdict = 3, 4, 4, 4
_SHOWN.maxstring = _SHOWN.maxother = 40


def shown(value: object) -> str:
    """*value* as a short repr for an error message, however long or deeply nested it is.

    A value nested a hundred thousand lists deep must give a :class:`GeometryError`, not the
    ``RecursionError`` the built-in ``repr`` raises.
    """
    return _SHOWN.repr(value)


class GeometryError(ValidationError):
    """A geometry (or its CRS) that cannot be sent to the service as it is.

    The message names the problem, where it is (polygon, ring and position index) and how
    to fix it. Being a :class:`~sentinelhub_byoc.errors.ValidationError` (and so a
    :class:`ValueError`), it can be caught with either.
    """


class MissingExtraError(BYOCError, ImportError):
    """An optional dependency of the geometry helpers is not installed.

    The message names the extra to install, e.g. ``pip install "sentinelhub-byoc[geo]"``. It is a
    :class:`~sentinelhub_byoc.errors.BYOCError` like every error of the library, and an
    :class:`ImportError`.
    """
