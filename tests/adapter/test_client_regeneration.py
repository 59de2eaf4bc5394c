"""Regenerating the low-level client from a newer specification keeps the overlay working.

The specification gains an optional tile property (``addedAt``) and a tile status
(``NEW_STATUS``). The package is regenerated into a temporary folder and put first on
``PYTHONPATH`` of a subprocess, which then uses the overlay on top of it: the new property is
reachable, the new status is known, and the operations tests pass.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from codegen import _yaml
from codegen.generate import PACKAGE_NAME, generate_package

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS_TESTS = Path(__file__).parents[1] / "resources" / "test_client_operations.py"


def newer_specification(target: Path) -> Path:
    document = _yaml.load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    schemas["BYOCTile"]["properties"]["addedAt"] = {
        "type": "string",
        "format": "date-time",
        "readOnly": True,
        "description": "When the tile was archived.",
    }
    schemas["BYOCTileStatus"]["enum"].append("NEW_STATUS")
    target.write_text(_yaml.dump(document), encoding="utf-8")
    return target


def run_with_package_first(package_parent: Path, code: str) -> subprocess.CompletedProcess[str]:
    paths = [str(package_parent), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


USES_THE_REGENERATED_PACKAGE = """
    from pathlib import Path

    import {package}

    where = Path({package}.__file__).resolve()
    assert where.is_relative_to(Path({parent!r}).resolve()), where
"""

NEW_MEMBERS_ARE_REACHABLE = """
    from datetime import datetime, timezone

    from sentinelhub_byoc import Tile, TileStatus
    from {package}.models import BYOCTile

    tile = Tile.from_dict({{"path": "p", "status": "NEW_STATUS", "addedAt": "2026-01-02T03:04:05Z"}})
    assert tile.extra["addedAt"] == "2026-01-02T03:04:05Z", tile.extra
    assert tile.to_dict()["addedAt"] == "2026-01-02T03:04:05Z"
    # The overlay keeps the new status before it lists it; the seal test names it as missing.
    assert tile.status == "NEW_STATUS" and tile.status is TileStatus("NEW_STATUS")
    assert not tile.status.is_known
    from sentinelhub_byoc import _adapter
    assert "NEW_STATUS" in _adapter.generated_tile_statuses()
    generated = BYOCTile.from_dict({{"path": "p", "addedAt": "2026-01-02T03:04:05Z"}})
    assert generated.added_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    print("new members reachable")
"""

OPERATIONS_PASS = """
    import sys

    import pytest

    selected = "sync-inprocess or models or statuses"
    sys.exit(pytest.main([{tests!r}, "-q", "-p", "no:cacheprovider", "-k", selected]))
"""


@pytest.mark.regeneration
def test_the_overlay_works_on_a_regenerated_client(tmp_path: Path) -> None:
    spec = newer_specification(tmp_path / "openapi.yaml")
    workdir = tmp_path / "generated"
    workdir.mkdir()
    package = generate_package(spec, ROOT / "generator-config.yaml", workdir)
    assert package.name == PACKAGE_NAME
    assert "added_at" in (package / "models" / "byoc_tile.py").read_text(encoding="utf-8")

    check_import = USES_THE_REGENERATED_PACKAGE.format(package=PACKAGE_NAME, parent=str(workdir))
    script = run_with_package_first(
        workdir, check_import + NEW_MEMBERS_ARE_REACHABLE.format(package=PACKAGE_NAME)
    )
    assert script.returncode == 0, script.stdout + script.stderr
    assert "new members reachable" in script.stdout

    tests = run_with_package_first(
        workdir, check_import + OPERATIONS_PASS.format(tests=str(OPERATIONS_TESTS))
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout
    assert "failed" not in tests.stdout
