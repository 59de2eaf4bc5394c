"""The :class:`Geometry` value: a CRS-aware Polygon or MultiPolygon held as plain tuples."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

import attrs

from sentinelhub_byoc.geometry._coordinates import (
    GEOMETRY_TYPES,
    GeometryType,
    MultiPolygonCoords,
    PolygonCoords,
    check_type,
    count_positions,
    loose_polygons,
    normalise,
)
from sentinelhub_byoc.geometry._crs import WGS84, crs_member, crs_urn, merge_crs, parse_crs
from sentinelhub_byoc.geometry._errors import GeometryError, shown

if TYPE_CHECKING:
    from sentinelhub_byoc.geometry._shapes import Shape


class Geometry:
    """An immutable Polygon or MultiPolygon together with the CRS of its coordinates.

    Coordinates are kept as tuples of floats, so building, comparing, hashing and
    encoding a geometry need no third-party package; :attr:`shape`, :meth:`to_crs` and
    validation need the ``geo`` extra (shapely, pyproj). Two geometries are equal when
    their type, coordinates (exactly) and CRS are equal. Coordinates are always in x, y
    order: easting, northing or longitude, latitude.

    >>> square = Geometry("Polygon", [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]], crs=32633)
    >>> square.crs, square.bounds
    (32633, (0.0, 0.0, 10.0, 10.0))
    >>> Geometry.from_geojson(square.to_geojson()) == square
    True

    Raises :class:`~sentinelhub_byoc.geometry.GeometryError` for coordinates that cannot be
    a polygon: wrong nesting, rings with fewer than 4 positions or not closed, NaN or
    infinite numbers, 3-D positions.

    Geometries in the service's answers are read without those checks, and their coordinates
    only on first use: one the service sent that is not a valid polygon (an open ring, say)
    still gives a :class:`Geometry`, with :attr:`is_valid` false, :attr:`problem` saying why,
    :meth:`to_geojson` giving back exactly what was received, and computations on it
    (:meth:`to_crs`, :attr:`shape`, :meth:`validate`) raising ``GeometryError``.
    """

    __slots__ = ("_crs", "_polygons", "_problem", "_raw", "_shape", "_type")

    _type: GeometryType
    _polygons: MultiPolygonCoords
    _crs: int
    _shape: Shape | None
    _problem: str | None
    # The GeoJSON the service sent, for geometries read from an answer (None otherwise).
    _raw: Mapping[str, Any] | None

    def __init__(self, geometry_type: str, coordinates: object, crs: object = WGS84) -> None:
        kind = check_type(geometry_type)
        self._init(kind, normalise(kind, coordinates), parse_crs(crs))

    def _init(self, kind: GeometryType, polygons: MultiPolygonCoords, crs: int) -> None:
        object.__setattr__(self, "_type", kind)
        object.__setattr__(self, "_polygons", polygons)
        object.__setattr__(self, "_crs", crs)
        object.__setattr__(self, "_shape", None)
        object.__setattr__(self, "_problem", None)
        object.__setattr__(self, "_raw", None)

    @classmethod
    def _from_answer(cls, data: Mapping[str, Any]) -> Geometry:
        """A geometry the service sent, read on first use and never refused (see the class docstring).

        Reading a page of tiles builds one of these per geometry without touching coordinates,
        so listing stays as cheap as decoding the JSON.
        """
        geometry = cls.__new__(cls)
        object.__setattr__(geometry, "_raw", data)
        object.__setattr__(geometry, "_shape", None)
        return geometry

    def __getattr__(self, name: str) -> Any:
        # Only reached for the slots a geometry from an answer fills on first use.
        if name in _DEFERRED_SLOTS:
            self._load()
            return object.__getattribute__(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _load(self) -> None:
        raw = object.__getattribute__(self, "_raw")
        problem: str | None = None
        kind_value = raw.get("type")
        kind: GeometryType = "MultiPolygon" if kind_value == "MultiPolygon" else "Polygon"
        if kind_value not in GEOMETRY_TYPES:
            problem = f"the service sent geometry type {shown(kind_value)}, not Polygon or MultiPolygon"
        try:
            polygons = normalise(kind, raw.get("coordinates"))
        except GeometryError as error:
            problem = problem or f"the service sent an invalid geometry: {error}"
            polygons = loose_polygons(raw.get("coordinates"), kind)
        try:
            crs = merge_crs(None, raw.get("crs"))
        except GeometryError as error:
            problem = problem or f"the service sent a geometry with an unusable crs member: {error}"
            crs = WGS84
        object.__setattr__(self, "_type", kind)
        object.__setattr__(self, "_polygons", polygons)
        object.__setattr__(self, "_crs", crs)
        object.__setattr__(self, "_problem", problem)

    @property
    def is_valid(self) -> bool:
        """Whether this is a valid Polygon or MultiPolygon (always true unless the service sent it)."""
        return self._problem is None

    @property
    def problem(self) -> str | None:
        """Why a geometry the service sent is not a valid polygon, or ``None``."""
        return self._problem

    def _require_valid(self, what: str) -> None:
        if self._problem is not None:
            raise GeometryError(f"cannot {what}: {self._problem}")

    @classmethod
    def _trusted(cls, kind: GeometryType, polygons: MultiPolygonCoords, crs: int) -> Geometry:
        # For coordinates that were checked already (reprojection, shapely output).
        geometry = cls.__new__(cls)
        geometry._init(kind, polygons, crs)
        return geometry

    @classmethod
    def from_geojson(cls, data: Mapping[str, Any], crs: object = None) -> Geometry:
        """Build a geometry from a GeoJSON Polygon or MultiPolygon dict.

        The CRS is ``crs`` if given, else the one named by the ``crs`` member, else CRS84
        (longitude, latitude), as GeoJSON says. A ``crs`` argument that disagrees with the
        ``crs`` member is an error. For Features and other inputs use
        :func:`~sentinelhub_byoc.geometry.as_geometry`.

        >>> Geometry.from_geojson({
        ...     "type": "Polygon",
        ...     "coordinates": [[[500000, 0], [500100, 0], [500100, 100], [500000, 0]]],
        ...     "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}},
        ... }).crs
        32633
        """
        if not isinstance(data, Mapping):
            raise GeometryError(f"expected a GeoJSON geometry dict, not {type(data).__name__}")
        kind = check_type(data.get("type"))
        member = data.get("crs")
        code = merge_crs(parse_crs(crs) if crs is not None else None, member)
        return cls._trusted(kind, normalise(kind, data.get("coordinates")), code)

    @classmethod
    def from_shape(cls, shape: Shape, crs: object = WGS84) -> Geometry:
        """Build a geometry from a shapely Polygon or MultiPolygon in CRS ``crs``."""
        from sentinelhub_byoc.geometry import _shapes

        kind, polygons = _shapes.from_shape(shape)
        return cls._trusted(kind, polygons, parse_crs(crs))

    @property
    def type(self) -> GeometryType:
        """``"Polygon"`` or ``"MultiPolygon"``."""
        return self._type

    @property
    def coordinates(self) -> PolygonCoords | MultiPolygonCoords:
        """The GeoJSON coordinates, as nested tuples of floats."""
        return self._polygons[0] if self._type == "Polygon" else self._polygons

    @property
    def polygons(self) -> MultiPolygonCoords:
        """The polygons (rings of positions) of either type, a Polygon giving one."""
        return self._polygons

    @property
    def crs(self) -> int:
        """The EPSG code of the coordinates' CRS (``4326`` for WGS84 / CRS84)."""
        return self._crs

    @property
    def crs_urn(self) -> str:
        """The CRS's URN as written in the GeoJSON ``crs`` member, e.g.

        ``"urn:ogc:def:crs:EPSG::32633"`` (``"urn:ogc:def:crs:OGC:1.3:CRS84"`` for WGS84).
        """
        return crs_urn(self._crs)

    @property
    def num_points(self) -> int:
        """The number of positions in all rings, each ring's closing position included.

        This is the count the service's 100-point limit for cover geometries is held to.
        """
        return count_positions(self._polygons)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(min_x, min_y, max_x, max_y)`` of the exterior rings, in the geometry's CRS."""
        xs = [x for polygon in self._polygons if polygon for x, _ in polygon[0]]
        ys = [y for polygon in self._polygons if polygon for _, y in polygon[0]]
        if not xs:
            self._require_valid("compute bounds")
        return (min(xs), min(ys), max(xs), max(ys))

    @property
    def shape(self) -> Shape:
        """The shapely geometry (built on first use; needs the ``geo`` extra)."""
        if self._shape is None:
            from sentinelhub_byoc.geometry import _shapes

            self._require_valid("build a shapely geometry")
            object.__setattr__(self, "_shape", _shapes.to_shape(self._type, self._polygons))
        return self._shape

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """The GeoJSON-like mapping read by shapely, geopandas and others.

        It has no CRS (the protocol has none): coordinates are in :attr:`crs`.
        """
        return {"type": self._type, "coordinates": self.coordinates}

    def to_geojson(self) -> dict[str, Any]:
        """Return the GeoJSON dict the service takes, with a ``crs`` member naming the CRS.

        Coordinates are fresh lists; WGS84 is named ``urn:ogc:def:crs:OGC:1.3:CRS84``.
        For an RFC 7946 view in WGS84 without a ``crs`` member use
        ``geometry.to_wgs84().__geo_interface__``. An invalid geometry the service sent is given
        back as it was received.
        """
        if self._problem is not None:
            return copy.deepcopy(dict(object.__getattribute__(self, "_raw")))
        coordinates: list[Any] = [
            [[[x, y] for x, y in ring] for ring in polygon] for polygon in self._polygons
        ]
        return {
            "type": self._type,
            "coordinates": coordinates[0] if self._type == "Polygon" else coordinates,
            "crs": crs_member(self._crs),
        }

    def to_crs(self, crs: object) -> Geometry:
        """Return this geometry reprojected (vertex by vertex) to ``crs``.

        Uses pyproj with ``always_xy=True``, so WGS84 is longitude, latitude. Straight edges
        are not densified; long edges in one CRS are slightly curved in another.

        >>> Geometry("Polygon", [[[14, 46], [15, 46], [15, 47], [14, 46]]]).to_crs(32633).crs
        32633
        """
        target = parse_crs(crs)
        self._require_valid("reproject it")
        if target == self._crs:
            return self
        from sentinelhub_byoc.geometry._reproject import reproject

        return Geometry._trusted(self._type, reproject(self._polygons, self._crs, target), target)

    def to_wgs84(self) -> Geometry:
        """Return this geometry in WGS84 (EPSG:4326, longitude, latitude)."""
        return self.to_crs(WGS84)

    def simplify_to(self, max_points: int = 100) -> SimplifyResult:
        """Simplify (Douglas-Peucker) until at most ``max_points`` positions remain.

        Returns a :class:`~sentinelhub_byoc.geometry.SimplifyResult` with the valid
        simplified geometry, the tolerance used and the Hausdorff distance to this one, so
        you see how much shape was lost. Needs the ``geo`` extra.

        >>> result = big_geometry.simplify_to(max_points=100)  # doctest: +SKIP
        >>> result.geometry.num_points <= 100, result.hausdorff_distance  # doctest: +SKIP
        (True, 3.2)
        """
        from sentinelhub_byoc.geometry import _shapes, _simplify

        self._require_valid("simplify it")
        _simplify.check_budget(max_points)
        original = self.num_points
        simplified = _simplify.simplify_shape(
            self.shape, num_points=original, bounds=self.bounds, max_points=max_points
        )
        if simplified is None:
            return SimplifyResult(self, 0.0, 0.0, original)
        candidate, tolerance = simplified
        distance = _shapes.hausdorff(self.shape, candidate)
        return SimplifyResult(type(self).from_shape(candidate, crs=self._crs), tolerance, distance, original)

    def validate(self, *, cover: bool = False, cdse: bool = False) -> Geometry:
        """Check the geometry can be sent to the service; return it, or raise.

        See :func:`~sentinelhub_byoc.geometry.validate`.
        """
        from sentinelhub_byoc.geometry._checks import check_geometry

        self._require_valid("send it")
        return check_geometry(self, cover=cover, cdse=cdse, thorough=None)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Geometry):
            return NotImplemented
        return (self._type, self._crs, self._polygons, self._problem) == (
            other._type,
            other._crs,
            other._polygons,
            other._problem,
        )

    def __hash__(self) -> int:
        return hash((self._type, self._crs, self._polygons))

    def __repr__(self) -> str:
        if self._problem is not None:
            return f"<Geometry (invalid) {self._problem}>"
        parts = "" if self._type == "Polygon" else f", {len(self._polygons)} polygons"
        return (
            f"<Geometry {self._type} EPSG:{self._crs}{parts}, {self.num_points} points, bounds={self.bounds}>"
        )

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"Geometry is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"Geometry is immutable; cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        raw = object.__getattribute__(self, "_raw")
        if raw is not None:
            return (Geometry._from_answer, (raw,))
        return (Geometry._trusted, (self._type, self._polygons, self._crs))


_DEFERRED_SLOTS = frozenset({"_type", "_polygons", "_crs", "_problem"})


@attrs.frozen
class SimplifyResult:
    """The outcome of :meth:`Geometry.simplify_to`.

    Attributes:
        geometry: the simplified, valid geometry (the original one if it was small enough).
        tolerance: the Douglas-Peucker tolerance used, in CRS units (0 if nothing was done).
        hausdorff_distance: the largest distance between the original outline and the
            simplified one, in CRS units: how much shape was lost.
        original_points: the number of positions before simplification.

    >>> result = geometry.simplify_to(max_points=100)  # doctest: +SKIP
    >>> print(f"moved the outline by up to {result.hausdorff_distance:.1f} m")  # doctest: +SKIP
    """

    geometry: Geometry
    tolerance: float
    hausdorff_distance: float
    original_points: int
