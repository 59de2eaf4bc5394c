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
