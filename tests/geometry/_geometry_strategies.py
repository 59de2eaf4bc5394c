"""Hypothesis strategies for polygons inside the valid area of the CRSs the service takes."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st
from sentinelhub_byoc.geometry import Geometry

# (EPSG code, (x range of centres), (y range of centres), (radius range)), chosen so that a
# polygon stays well inside the CRS's area of use and clear of the antimeridian and poles.
CRS_AREAS: dict[int, tuple[tuple[float, float], tuple[float, float], tuple[float, float]]] = {
    4326: ((-170.0, 170.0), (-70.0, 70.0), (0.001, 5.0)),
    3857: ((-1.5e7, 1.5e7), (-1.0e7, 1.0e7), (10.0, 1e5)),
    32633: ((400_000.0, 600_000.0), (1_000_000.0, 8_000_000.0), (10.0, 2e4)),
    32601: ((400_000.0, 600_000.0), (1_000_000.0, 6_000_000.0), (10.0, 2e4)),
    32660: ((400_000.0, 600_000.0), (1_000_000.0, 6_000_000.0), (10.0, 2e4)),
    32717: ((400_000.0, 600_000.0), (3_000_000.0, 9_000_000.0), (10.0, 2e4)),
    3035: ((2_700_000.0, 6_500_000.0), (1_500_000.0, 5_400_000.0), (10.0, 5e4)),
}
SUPPORTED_CRSS = sorted(CRS_AREAS)


def _close(ring: list[list[float]]) -> list[list[float]]:
    return [*ring, list(ring[0])]


@st.composite
def star_ring(
    draw: st.DrawFn, centre: tuple[float, float], radius: float, min_n: int = 4, max_n: int = 30
) -> list[list[float]]:
    """A closed, simple, counterclockwise ring, star-shaped around ``centre``.

    Angles are evenly spaced plus jitter below 40% of the spacing, so the angular gap
    between neighbours stays below pi and the ring encloses a disc of radius
    ``0.1 * radius`` around the centre (where holes go).
    """
    n = draw(st.integers(min_n, max_n))
    jitters = draw(st.lists(st.floats(0.0, 0.8), min_size=n, max_size=n))
    radii = draw(st.lists(st.floats(0.5, 1.0), min_size=n, max_size=n))
    cx, cy = centre
    ring = [
        [
            cx + radius * r * math.cos((i + j) * 2 * math.pi / n),
            cy + radius * r * math.sin((i + j) * 2 * math.pi / n),
        ]
        for i, (j, r) in enumerate(zip(jitters, radii, strict=True))
    ]
    return _close(ring)


def _hole(centre: tuple[float, float], radius: float, n: int) -> list[list[float]]:
    cx, cy = centre
    # Clockwise, as holes are wound in GeoJSON.
    ring = [
        [cx + radius * math.cos(-i * 2 * math.pi / n), cy + radius * math.sin(-i * 2 * math.pi / n)]
        for i in range(n)
    ]
    return _close(ring)


@st.composite
def polygon_coords(
    draw: st.DrawFn, crs: int, min_n: int = 4, max_n: int = 30, centre: Any = None
) -> list[list[list[float]]]:
    """Coordinates of a valid Polygon in ``crs``, with a hole one time in three."""
    (x0, x1), (y0, y1), (r0, r1) = CRS_AREAS[crs]
    if centre is None:
        centre = (draw(st.floats(x0, x1)), draw(st.floats(y0, y1)))
    radius = draw(st.floats(r0, r1))
    rings = [draw(star_ring(centre, radius, min_n, max_n))]
    if draw(st.integers(0, 2)) == 0:
        rings.append(_hole(centre, 0.04 * radius, draw(st.integers(3, 8))))
    return rings


@st.composite
def geometries(draw: st.DrawFn, crs: int | None = None, max_n: int = 30) -> Geometry:
    """A valid Geometry (Polygon, or MultiPolygon of two apart) in a supported CRS."""
    if crs is None:
        crs = draw(st.sampled_from(SUPPORTED_CRSS))
    if draw(st.booleans()):
        return Geometry("Polygon", draw(polygon_coords(crs, max_n=max_n)), crs=crs)
    (x0, x1), (y0, y1), (_, r1) = CRS_AREAS[crs]
    cx, cy = draw(st.floats(x0, x1 - 3 * r1)), draw(st.floats(y0, y1))
    first = draw(polygon_coords(crs, max_n=max_n, centre=(cx, cy)))
    second = draw(polygon_coords(crs, max_n=max_n, centre=(cx + 2.5 * r1, cy)))
    return Geometry("MultiPolygon", [first, second], crs=crs)
