"""The emulator's verdict on every named COG case of tests/cog_cases.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from sentinelhub_byoc.testing.ingestion import LocalStorage, ingest_tile

from tests.cog_cases import CASES, CogCase


def test_case_names_are_unique() -> None:
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_emulator_gives_each_case_its_verdict(case: CogCase, tmp_path: Path) -> None:
    for module in case.needs:
        pytest.importorskip(module)
    case.write(tmp_path)
    outcome = ingest_tile(LocalStorage(tmp_path), case.tile, None, cdse=case.rules == "cdse")
    if case.ok:
        assert outcome.ok, outcome.failure_cause
    else:
        assert outcome.failure_cause is not None
        assert case.cause in outcome.failure_cause
