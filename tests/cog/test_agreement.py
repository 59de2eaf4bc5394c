"""check_tile agrees with the emulator's ingestion on every named COG case.

The emulator and ``sentinelhub_byoc.cog`` share their rules; this holds them to the same
verdict and the same failure cause on every COG the tests build (tests/cog_cases.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sentinelhub_byoc.cog import check_tile
from sentinelhub_byoc.testing.ingestion import LocalStorage, ingest_tile

from tests.cog_cases import CASES, CogCase


def _band_files(case: CogCase) -> dict[str, str]:
    files = {}
    for key in case.files:
        name = key.rpartition("/")[2]
        files[name.rpartition(".")[0]] = key
    return files


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_check_tile_agrees_with_the_emulator(
    case: CogCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in case.needs:
        pytest.importorskip(module)
    case.write(tmp_path)
    # Relative paths make the checks name files as the emulator names keys.
    monkeypatch.chdir(tmp_path)
    outcome = ingest_tile(LocalStorage(tmp_path), case.tile, None, cdse=case.rules == "cdse")
    check = check_tile(_band_files(case), rules="cdse" if case.rules == "cdse" else "sentinel-hub")
    assert check.ok == outcome.ok, (outcome.failure_cause, check.format())
    assert check.ok == case.ok
    if not case.ok:
        assert check.errors[0].message == outcome.failure_cause
        assert check.errors[0].rule == case.rule
    else:
        assert outcome.crs_epsg == check.epsg
        warnings = " ".join(p.message for p in check.warnings) or None
        assert warnings == outcome.warnings
