"""Bad spec sources give one clear error line, a non-zero exit, and leave openapi.yaml untouched."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from codegen.__main__ import main


def _closed_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def output(tmp_path: Path) -> Path:
    path = tmp_path / "openapi.yaml"
    path.write_text("previous: content\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("paths: [unclosed\n", "is not valid YAML or JSON at line"),
        ("- just\n- a list\n", "is not an OpenAPI document"),
        ("swagger: '2.0'\npaths: {}\n", "is not an OpenAPI 3.x document (no 'openapi' field)"),
        ("openapi: 2.0.1\npaths: {}\n", "is not an OpenAPI 3.x document (openapi: '2.0.1')"),
        ('{"openapi": "3.0.3"}', "has no 'paths' mapping"),
        ("openapi: 3.1.0\npaths:\n  /process: {post: {tags: [process]}}\n", "has no BYOC operations"),
    ],
    ids=["not yaml", "not a mapping", "swagger 2", "openapi 2", "no paths", "no byoc"],
)
def test_bad_documents(
    tmp_path: Path, output: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    source = tmp_path / "upstream.yaml"
    source.write_text(content, encoding="utf-8")
    assert main(["spec", str(source), "--output", str(output)]) == 1
    error = capsys.readouterr().err
    assert message in error
    assert error.count("\n") == 1
    assert output.read_text(encoding="utf-8") == "previous: content\n"


def test_missing_file(tmp_path: Path, output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", str(tmp_path / "nope.yaml"), "--output", str(output)]) == 1
    assert "no such file" in capsys.readouterr().err
    assert output.read_text(encoding="utf-8") == "previous: content\n"


def test_unreachable_url(output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{_closed_loopback_port()}/openapi.yaml"
    assert main(["spec", url, "--output", str(output)]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"error: cannot fetch {url}")
    assert output.read_text(encoding="utf-8") == "previous: content\n"


def test_spec_leaves_no_temporary_files(tmp_path: Path, output: Path) -> None:
    source = tmp_path / "bad.yaml"
    source.write_text("{", encoding="utf-8")
    main(["spec", str(source), "--output", str(output)])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bad.yaml", "openapi.yaml"]
