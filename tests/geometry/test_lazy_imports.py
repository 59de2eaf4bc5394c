import subprocess
import sys
import textwrap


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_importing_the_package_loads_no_geo_library() -> None:
    result = _run(
        """
        import sys
        import sentinelhub_byoc.geometry
        heavy = [m for m in ("shapely", "pyproj", "rasterio", "numpy") if m in sys.modules]
        print(heavy)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_encoding_works_without_shapely_and_pyproj_and_names_the_extra_when_needed() -> None:
    result = _run(
        """
        import sys
        sys.modules["shapely"] = None  # makes "import shapely" fail
        sys.modules["pyproj"] = None
        from sentinelhub_byoc.geometry import Geometry, MissingExtraError, as_geometry, validate

        g = as_geometry({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]})
        assert Geometry.from_geojson(g.to_geojson()) == g
        assert validate(g, cover=True) == g  # shapely-free checks only
        for action in (lambda: g.shape, lambda: g.to_crs(3857),
                       lambda: validate(g, thorough=True)):
            try:
                action()
            except MissingExtraError as exc:
                assert "sentinelhub-byoc[geo]" in str(exc), exc
            else:
                raise AssertionError("no MissingExtraError")
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
