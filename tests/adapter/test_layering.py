"""The generated package is sealed behind the adapter, and the models are the bottom layer."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from sentinelhub_byoc import _adapter
from sentinelhub_byoc.models import TileSort, TileStatus

OVERLAY = Path(__file__).resolve().parents[2] / "overlay" / "sentinelhub_byoc"
ADAPTER = OVERLAY / "_adapter.py"
GENERATED = "sentinelhub_byoc_api"


def _modules() -> list[Path]:
    return sorted(OVERLAY.rglob("*.py"))


def test_only_the_adapter_mentions_the_generated_package() -> None:
    mentioning = [path for path in _modules() if GENERATED in path.read_text(encoding="utf-8")]
    assert mentioning == [ADAPTER]


def test_the_adapter_uses_no_private_generated_name() -> None:
    tree = ast.parse(ADAPTER.read_text(encoding="utf-8"))
    private = sorted(
        {
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Call | ast.Name)
            and getattr(node.value, "id", "") not in {"self", "cls"}
        }
    )
    # The adapter reaches generated code only through build_request and the models' from_dict.
    assert private == []


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_importing_the_models_loads_neither_the_generated_package_nor_httpx() -> None:
    loaded = _loaded_after("import sentinelhub_byoc.models")
    assert GENERATED not in loaded
    assert "httpx" not in loaded


def test_importing_the_client_does_not_load_the_generated_endpoints() -> None:
    loaded = _loaded_after("from sentinelhub_byoc import BYOCClient")
    assert not any(name.startswith(GENERATED) for name in loaded)


def test_the_overlay_lists_every_tile_status_and_sort_order_of_the_specification() -> None:
    # Fails after a regeneration that brought a new value: add it to models/enums.py.
    assert {member.value for member in TileStatus} == _adapter.generated_tile_statuses()
    assert {member.value for member in TileSort} == _adapter.generated_sort_orders()


def test_tile_status_reads_like_an_overlay_enum() -> None:
    assert repr(TileStatus.INGESTED) == "TileStatus.INGESTED"
    assert repr(TileStatus("ARCHIVED")) == "TileStatus('ARCHIVED')"
    assert TileStatus("ARCHIVED") is TileStatus("ARCHIVED")
    assert "WAITING" in (TileStatus.__doc__ or "")
    assert TileSort("created:asc") is TileSort.CREATED_ASC
