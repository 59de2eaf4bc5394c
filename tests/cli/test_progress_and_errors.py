"""The progress-bar adapter for workflow events, and the mapping of errors to exit codes."""

from __future__ import annotations

import io
import sys

import httpx
import pytest
from sentinelhub_byoc import errors
from sentinelhub_byoc.cli._errors import describe, exit_code_for
from sentinelhub_byoc.cli._progress import ProgressBars
from sentinelhub_byoc.geometry import MissingExtraError
from sentinelhub_byoc.workflows.events import Progress


def test_bars_follow_each_stage() -> None:
    with ProgressBars(enabled=False) as bars:
        assert bars.state("register") is None
        bars(Progress("register", 0, 3))
        bars(Progress("register", 2, 3, item="a/(BAND).tif"))
        bars(Progress("wait", 1, None))
        assert bars.state("register") == (2, 3)
        assert bars.state("wait") == (1, None)


def test_a_download_counts_bytes_and_files_on_two_bars() -> None:
    with ProgressBars(enabled=False) as bars:
        bars(Progress("download", 1_000, 5_000, unit="bytes"))
        bars(Progress("download", 1, 3, item="scene.tif", unit="files"))
        assert bars.state("download") == (1, 3)
        assert bars.state("download bytes") == (1_000, 5_000)


def test_bars_are_off_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr", io.StringIO())
    with ProgressBars() as bars:
        bars(Progress("upload", 10, 100, unit="bytes", message="slow"))
    assert not bars.enabled


def test_bars_draw_when_enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    captured = io.StringIO()
    monkeypatch.setattr("sys.stderr", captured)
    with ProgressBars(enabled=True) as bars:
        bars(Progress("check", 1, 2, item="x.tif", message="not tiled"))
        bars(Progress("check", 2, 2))
    assert bars.enabled
    assert "check" in captured.getvalue()
    assert "not tiled" in captured.getvalue()


def _api_error(kind: type[errors.APIError], status: int) -> errors.APIError:
    return kind("went wrong", status=status, request=httpx.Request("GET", "https://x.test/api"))


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (_api_error(errors.NotFoundError, 404), 1),
        (_api_error(errors.ServerError, 503), 1),
        (_api_error(errors.ConflictError, 409), 1),
        (_api_error(errors.PermissionDeniedError, 403), 1),
        (_api_error(errors.AuthenticationError, 401), 3),
        (errors.ConfigurationError("no credentials"), 3),
        (errors.ValidationError("bad geometry"), 2),
        (errors.APIConnectionError("refused"), 1),
        (errors.PaginationError("loop"), 1),
        (errors.StorageAccessError("no bucket"), 1),
        (errors.IngestionFailedError("2 tiles failed"), 4),
        (MissingExtraError('needs matplotlib: pip install "sentinelhub-byoc[plot]"'), 3),
        (RuntimeError("unexpected"), 1),
    ],
)
def test_exit_codes(error: BaseException, code: int) -> None:
    assert exit_code_for(error) == code


def test_a_description_is_one_line_with_a_hint() -> None:
    text = describe(errors.ConfigurationError("no credentials\nfound"))
    assert "\n" not in text
    assert text.startswith("no credentials found (")
    assert "--profile" in text


def test_a_missing_extra_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sentinelhub_byoc.cli import main

    monkeypatch.setitem(sys.modules, "rich", None)
    assert main(["collections", "list"]) == 3
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith("byoc: error: the command line needs rich, which is not installed")
    assert "pip install 'sentinelhub-byoc[cli]'" in error


# -- errors in the command line's words ---------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        (
            "tile id 'x' is not a UUID; pass the id as shown by the API "
            "(e.g. '0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b'), a uuid.UUID or the object itself",
            "tile id 'x' is not a UUID: give an id as 'byoc collections list' or "
            "'byoc tiles list COLLECTION' shows it (a collection may also be given by its exact name)",
        ),
        (
            "sensing_time 'soon' is not an ISO 8601 timestamp like 2024-05-01T10:20:30Z",
            "--sensing-time 'soon' is not an ISO 8601 timestamp like 2024-05-01T10:20:30Z",
        ),
        (
            "sensing_time must be a strptime format such as '%Y%m%dT%H%M%S' or a function of the "
            "tile path, got 'x'",
            "--sensing-time must be a strptime format such as '%Y%m%dT%H%M%S', got 'x'",
        ),
        (
            "tile path 'a/b' holds no date and time in the format '%Y'; fix the format, or pass a "
            "function that reads the sensing time from a path",
            "tile path 'a/b' holds no date and time in the format '%Y'; fix the format (--sensing-time)",
        ),
        (
            "no_data must be a finite number, got nan; JSON cannot carry NaN or infinity. "
            "Leave no_data unset when the files have no noData value",
            "--no-data must be a finite number, got nan; JSON cannot carry NaN or infinity. "
            "Leave --no-data unset when the files have no noData value",
        ),
        (
            "cover=True traces geometries from local files: give a local folder as source",
            "--cover traces geometries from local files: give a local folder as source",
        ),
        (
            "convert=True needs a local folder as source and upload_to=s3://bucket/prefix",
            "--convert needs a local folder as source and --upload-to s3://bucket/prefix",
        ),
        ("LZW has no level; leave level=None", "LZW has no level; leave out --level"),
        (
            "the cover geometry has 130 positions; the service takes at most 100. Simplify it with "
            "geometry.simplify_to(max_points=100).geometry (the result reports how much shape was lost)",
            "the cover geometry has 130 positions; the service takes at most 100. Simplify it to at "
            "most 100 positions first (e.g. in QGIS), or leave the cover geometry out",
        ),
        (
            "EPSG:2056 is not a CRS the service supports; reproject the geometry with "
            "geometry.to_crs(...) to one of EPSG:4326, EPSG:3857",
            "EPSG:2056 is not a CRS the service supports; reproject the geometry to one of "
            "EPSG:4326, EPSG:3857",
        ),
        # A name inside a path or a file name is left as it is.
        ("cannot read 'scenes/no_data.tif'", "cannot read 'scenes/no_data.tif'"),
    ],
)
def test_validation_errors_speak_cli(said: str, meant: str) -> None:
    assert describe(errors.ValidationError(said)) == meant


def test_no_python_advice_survives_in_geometry_errors() -> None:
    from sentinelhub_byoc.geometry import GeometryError, validate

    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    projected = {"type": "Polygon", "coordinates": [[[500000, 0], [500001, 0], [500001, 1], [500000, 0]]]}
    for geometry in ({**square, "crs": {"type": "name", "properties": {"name": "EPSG:2056"}}}, projected):
        with pytest.raises(GeometryError) as raised:
            validate(geometry, cover=True)
        text = describe(raised.value)
        for python in ("geometry.", "crs=", "pass their", "(...)", "shapely.make_valid(geometry", "\\"):
            assert python not in text, text
    with pytest.raises(GeometryError) as raised:
        validate(projected, cover=True)
    assert 'name their CRS in the GeoJSON\'s "crs" member' in describe(raised.value)


def test_a_conflict_on_a_tile_path_names_the_commands_that_find_it() -> None:
    request = httpx.Request(
        "POST",
        "https://x.test/api/v1/byoc/collections/0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b/tiles",
        json={"path": "2024/05/01/(BAND).tif"},
    )
    error = errors.ConflictError("A tile with path ... already exists", status=409, request=request)
    text = describe(error)
    collection = "0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"
    assert f"byoc tiles list {collection} --path '2024/05/01/(BAND).tif'" in text
    assert f"byoc tiles reingest {collection} TILE" in text
    other = errors.ConflictError("busy", status=409, request=httpx.Request("PUT", "https://x.test/c"))
    assert "--path" not in describe(other)


def test_an_unresolvable_token_url_is_named_and_tried_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from click.testing import CliRunner
    from sentinelhub_byoc.cli._app import byoc
    from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator, serve

    lookups: list[str] = []
    real = socket.getaddrinfo

    def lookup(host: object, *args: object, **kwargs: object) -> object:
        if str(host).endswith(".invalid"):
            lookups.append(str(host))
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    token_url = "https://login.byoc-test.invalid/oauth/token"
    with Emulator() as emulator, serve(emulator) as server:
        result = CliRunner().invoke(
            byoc,
            ["--base-url", server.base_url, "--token-url", token_url, "collections", "list"],
            env={"SH_CLIENT_ID": DEMO_CLIENT_ID, "SH_CLIENT_SECRET": DEMO_CLIENT_SECRET},
        )
        assert [record for record in emulator.requests if "/byoc/" in record.path] == []
    assert result.exit_code == 1
    assert result.stderr.startswith(f"byoc: error: could not get an access token: POST {token_url} failed")
    assert "Name or service not known" in result.stderr
    assert "token URL" in result.stderr
    assert "/collections" not in result.stderr
    assert DEMO_CLIENT_SECRET not in result.stderr
    assert lookups == ["login.byoc-test.invalid"]  # no retries
