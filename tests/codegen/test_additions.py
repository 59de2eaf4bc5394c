"""Our addition beside the upstream document: merged by ``nox -s spec``, named as ours, never overriding."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from codegen import _yaml
from codegen.__main__ import main
from codegen.additions import MARK, load_additions, merge_additions
from codegen.extract import HTTP_METHODS
from codegen.source import SpecError

ROOT = Path(__file__).resolve().parents[2]
ADDITIONS = ROOT / "openapi-additions.yaml"


def _ours(node: Any) -> bool:
    return isinstance(node, dict) and node.get(MARK) == "addition"


def upstream_of(document: dict[str, Any]) -> dict[str, Any]:
    """The committed document without what the merge added: what upstream publishes."""
    upstream = copy.deepcopy(document)
    upstream["tags"] = [tag for tag in upstream.get("tags", []) if not _ours(tag)]
    for path, item in list(upstream["paths"].items()):
        for method in [key for key in item if key in HTTP_METHODS and _ours(item[key])]:
            del item[method]
        if not any(key in HTTP_METHODS for key in item):
            del upstream["paths"][path]
    schemas = upstream["components"]["schemas"]
    for name, schema in list(schemas.items()):
        if _ours(schema):
            del schemas[name]
            continue
        properties = schema.get("properties", {})
        for member in [key for key, value in properties.items() if _ours(value)]:
            del properties[member]
    return upstream


@pytest.fixture
def committed() -> dict[str, Any]:
    document: dict[str, Any] = _yaml.load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    return document


def test_the_committed_document_is_upstream_plus_the_addition(committed: dict[str, Any]) -> None:
    upstream = upstream_of(committed)
    assert "/byoc/v1/global" not in upstream["paths"]
    merged, done = merge_additions(upstream, load_additions(ADDITIONS))
    assert merged == committed
    assert "operation GET /byoc/v1/global" in done.added
    assert "operation GET /api/v1/metadata/location/" in done.added
    assert "property BYOCTileAdditionalData.minMetersPerPixel" in done.added
    assert "property BYOCCollectionAdditionalData.maxMetersPerPixelOverride" in done.added
    assert done.superseded == ()


def test_merging_a_merged_document_changes_nothing(committed: dict[str, Any]) -> None:
    merged, done = merge_additions(committed, load_additions(ADDITIONS))
    assert merged == committed
    assert done.superseded == ()


def test_what_upstream_publishes_wins_and_is_reported(committed: dict[str, Any]) -> None:
    upstream = upstream_of(committed)
    theirs = {"get": {"operationId": "upstreamGlobal", "responses": {"200": {"description": "ok"}}}}
    upstream["paths"]["/byoc/v1/global"] = theirs
    upstream["components"]["schemas"]["BYOCTileAdditionalData"]["properties"]["minMetersPerPixel"] = {
        "type": "integer"
    }
    merged, done = merge_additions(upstream, load_additions(ADDITIONS))
    assert merged["paths"]["/byoc/v1/global"] == theirs
    assert merged["components"]["schemas"]["BYOCTileAdditionalData"]["properties"]["minMetersPerPixel"] == {
        "type": "integer"
    }
    assert "operation GET /byoc/v1/global" in done.superseded
    assert "property BYOCTileAdditionalData.minMetersPerPixel" in done.superseded
    # The rest of ours is still added.
    assert "maxMetersPerPixel" in merged["components"]["schemas"]["BYOCTileAdditionalData"]["properties"]


def test_properties_for_a_schema_upstream_dropped_are_an_error(committed: dict[str, Any]) -> None:
    upstream = upstream_of(committed)
    del upstream["components"]["schemas"]["BYOCTileAdditionalData"]
    with pytest.raises(SpecError, match="BYOCTileAdditionalData, which the upstream document no longer"):
        merge_additions(upstream, load_additions(ADDITIONS))


def test_an_addition_that_is_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    broken = tmp_path / "openapi-additions.yaml"
    broken.write_text("- not\n- a mapping\n", encoding="utf-8")
    with pytest.raises(SpecError, match="must hold a mapping"):
        load_additions(broken)
    assert load_additions(tmp_path / "missing.yaml") == {}


def test_nox_spec_keeps_the_addition_and_names_it_as_ours(
    committed: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "upstream.yaml"
    source.write_text(_yaml.dump(upstream_of(committed)), encoding="utf-8")
    output = tmp_path / "openapi.yaml"
    for _ in range(2):  # a rerun finds nothing new
        assert main(["spec", str(source), "--output", str(output), "--additions", str(ADDITIONS)]) == 0
    report = capsys.readouterr().out
    assert _yaml.load(output.read_text(encoding="utf-8")) == committed
    assert "ours, from openapi-additions.yaml" in report
    assert "+ operation GET /byoc/v1/global" in report
    # The second run compares with the first one's output: the addition is no change.
    assert report.count(": none\n") == 1
