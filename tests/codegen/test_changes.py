"""The API change report printed by ``nox -s spec``."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from codegen import _yaml
from codegen.__main__ import main
from codegen.changes import Change, diff_api, format_report, summarise_schema
from codegen.extract import HTTP_METHODS


def test_identical_documents_have_no_changes(byoc_spec: dict[str, Any]) -> None:
    assert diff_api(byoc_spec, copy.deepcopy(byoc_spec)) == []


def test_upstream_style_changes_are_reported_and_removal_is_breaking(
    byoc_spec: dict[str, Any], modify_like_upstream: Any
) -> None:
    changes = diff_api(byoc_spec, modify_like_upstream(copy.deepcopy(byoc_spec)))
    lines = [str(change) for change in changes]
    assert "+ property BYOCTile.addedAt: string (date-time), optional" in lines
    assert "+ enum value BYOCTileStatus: 'NEW_STATUS'" in lines
    assert "+ operation POST /byoc/v1/collections/{collectionId}/added (addedByocOperation)" in lines
    removed = [c for c in changes if c.kind == "parameter" and c.action == "removed"]
    assert len(removed) == 1
    assert removed[0].breaking
    assert removed[0].subject.startswith("query '")
    assert removed[0].subject.endswith(
        "of GET /byoc/v1/collections/{collectionId}/tiles (getByocCollectionTiles)"
    )
    assert [c for c in changes if c.breaking] == removed


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["components"]["schemas"]["BYOCTileStatus"]["enum"].remove("QUEUED"),
            Change("enum value", "removed", "BYOCTileStatus", "'QUEUED'", breaking=True),
        ),
        (
            lambda d: d["components"]["schemas"]["BYOCCollection"]["required"].append("noData"),
            Change("property", "changed", "BYOCCollection.noData", "now required", breaking=True),
        ),
        (
            lambda d: d["components"]["schemas"]["BYOCCollection"]["properties"].pop("isConfigured"),
            Change("property", "removed", "BYOCCollection.isConfigured", breaking=True),
        ),
        (
            lambda d: d["components"]["schemas"]["BYOCCollection"]["properties"]["noData"].update(
                type="string"
            ),
            Change("property", "changed", "BYOCCollection.noData", "type number → string", breaking=True),
        ),
        (
            lambda d: d["paths"]["/byoc/v1/collections"]["get"]["responses"].pop("200"),
            Change(
                "response", "removed", "200 of GET /byoc/v1/collections (getByocCollections)", breaking=True
            ),
        ),
        (
            lambda d: d["paths"]["/byoc/v1/collections"].pop("post"),
            Change("operation", "removed", "POST /byoc/v1/collections (createByocCollection)", breaking=True),
        ),
    ],
    ids=[
        "enum value removed",
        "newly required",
        "property removed",
        "type changed",
        "2xx removed",
        "op removed",
    ],
)
def test_breaking_changes(byoc_spec: dict[str, Any], edit: Any, expected: Change) -> None:
    new = copy.deepcopy(byoc_spec)
    edit(new)
    assert expected in diff_api(byoc_spec, new)


def test_required_parameter_added_is_breaking(byoc_spec: dict[str, Any]) -> None:
    new = copy.deepcopy(byoc_spec)
    new["paths"]["/byoc/v1/collections"]["get"]["parameters"].append(
        {"name": "owner", "in": "query", "required": True, "schema": {"type": "string"}}
    )
    (change,) = diff_api(byoc_spec, new)
    assert change == Change(
        "parameter",
        "added",
        "query 'owner' of GET /byoc/v1/collections (getByocCollections)",
        "required",
        breaking=True,
    )


@pytest.mark.parametrize(
    ("schema", "text"),
    [
        ({"$ref": "#/components/schemas/BYOCTile"}, "BYOCTile"),
        ({"type": "array", "items": {"$ref": "#/components/schemas/BYOCTile"}}, "array of BYOCTile"),
        ({"items": {"type": "string"}}, "array of string"),
        ({"type": ["string", "null"], "format": "date-time"}, "string | null (date-time)"),
        ({"oneOf": [{"$ref": "#/x/Polygon"}, {"$ref": "#/x/MultiPolygon"}]}, "oneOf[Polygon, MultiPolygon]"),
        (None, "any"),
    ],
)
def test_schema_summaries(schema: Any, text: str) -> None:
    assert summarise_schema(schema) == text


def test_report_format() -> None:
    report = format_report(
        [Change("property", "removed", "A.b", breaking=True)], old_label="old", new_label="new"
    )
    assert report.splitlines() == [
        "API changes old → new:",
        "  - property A.b  [BREAKING]",
        "1 change(s), 1 breaking",
    ]


def test_spec_command_prints_the_report(
    tmp_path: Path, byoc_spec: dict[str, Any], capsys: pytest.CaptureFixture[str], modify_like_upstream: Any
) -> None:
    output = tmp_path / "openapi.yaml"
    output.write_text(_yaml.dump(byoc_spec), encoding="utf-8")
    upstream = tmp_path / "upstream.yaml"
    upstream.write_text(_yaml.dump(modify_like_upstream(copy.deepcopy(byoc_spec))), encoding="utf-8")
    assert main(["spec", str(upstream), "--output", str(output)]) == 0
    printed = capsys.readouterr().out
    assert "+ enum value BYOCTileStatus: 'NEW_STATUS'" in printed
    assert "[BREAKING]" in printed
    operations = sum(1 for item in byoc_spec["paths"].values() for method in HTTP_METHODS if method in item)
    assert f"{operations + 1} operations" in printed
    # Idempotent: extracting the written document again reports nothing and rewrites the same bytes.
    written = output.read_bytes()
    assert main(["spec", str(output), "--output", str(output)]) == 0
    assert ": none" in capsys.readouterr().out
    assert output.read_bytes() == written
