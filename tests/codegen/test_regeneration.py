"""Regenerating from a changed upstream document, end to end, with the pinned generator."""

from __future__ import annotations

import copy
import importlib
import sys
from pathlib import Path
from typing import Any

from codegen import _yaml
from codegen.generate import PACKAGE_NAME, differences, generate_package

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "generator-config.yaml"


def test_generation_is_reproducible(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = generate_package(ROOT / "openapi.yaml", CONFIG, tmp_path / "a")
    second = generate_package(ROOT / "openapi.yaml", CONFIG, tmp_path / "b")
    assert differences(first, second) == []
    assert differences(first, ROOT / "generated" / PACKAGE_NAME) == []


def test_a_changed_upstream_document_regenerates_cleanly(
    tmp_path: Path, byoc_spec: dict[str, Any], modify_like_upstream: Any, isolated_import: None
) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(_yaml.dump(modify_like_upstream(copy.deepcopy(byoc_spec))), encoding="utf-8")
    workdir = tmp_path / "work"
    workdir.mkdir()
    package = generate_package(spec, CONFIG, workdir)
    sys.path.insert(0, str(package.parent))
    models = importlib.import_module(f"{PACKAGE_NAME}.models")
    assert models.BYOCTileStatus("NEW_STATUS").is_known
    tile = models.BYOCTile.from_dict({"path": "p", "addedAt": "2026-01-01T00:00:00Z"})
    assert tile.added_at.year == 2026
    archive = importlib.import_module(f"{PACKAGE_NAME}.api.byoc_collection.added_byoc_operation")
    assert callable(archive.sync_detailed)
