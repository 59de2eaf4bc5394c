"""Lazy imports of the optional geo stack, with errors that name the extra to install.

shapely, pyproj and rasterio are imported only when a feature needs them, so that
``import sentinelhub_byoc`` stays fast and works without them. shapely and rasterio ship
without type information, so their modules are handed out as ``Any``; the wrappers in
``_shapes.py`` and ``_cover.py`` give the rest of the package typed functions.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from sentinelhub_byoc.geometry._errors import MissingExtraError

_EXTRA_OF = {"shapely": "geo", "pyproj": "geo", "rasterio": "raster", "numpy": "raster"}


def _require(module: str, purpose: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        extra = _EXTRA_OF[module.partition(".")[0]]
        raise MissingExtraError(
            f"{purpose} needs {module.partition('.')[0]}, which is not installed; "
            f'install it with: pip install "sentinelhub-byoc[{extra}]"'
        ) from exc


def shapely(purpose: str = "This geometry operation") -> Any:
    """Return the ``shapely`` module, or raise :class:`MissingExtraError`."""
    return _require("shapely", purpose)


def pyproj(purpose: str = "Reprojection") -> Any:
    """Return the ``pyproj`` module, or raise :class:`MissingExtraError`."""
    return _require("pyproj", purpose)


def rasterio(purpose: str = "Reading rasters") -> Any:
    """Return the ``rasterio`` module (with ``rasterio.features``), or raise."""
    module = _require("rasterio", purpose)
    _require("rasterio.features", purpose)
    _require("rasterio.io", purpose)
    return module


def numpy(purpose: str = "Reading rasters") -> Any:
    """Return the ``numpy`` module, or raise :class:`MissingExtraError`."""
    return _require("numpy", purpose)


def has_shapely() -> bool:
    """Tell whether shapely can be imported, without raising."""
    try:
        _require("shapely", "")
    except MissingExtraError:
        return False
    return True
