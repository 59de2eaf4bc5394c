"""The error raised for a geometry the client cannot use."""

from __future__ import annotations

from sentinelhub_byoc.errors import BYOCError, ValidationError


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
