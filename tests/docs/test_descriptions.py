"""Every public name has a description, and the reference shows the models by their API members.

The check is ``docs/_griffe_descriptions.py``: the strict docs build warns (and so fails) on each
public name without a description; ``mkdocs.yml`` lists the few still allowed, and these tests keep
that list exact. The models' fields are rewritten by ``docs/_griffe_models.py``.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

griffe = pytest.importorskip("griffe")
yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


descriptions = _load("_griffe_descriptions")
models = _load("_griffe_models")


class _AnyTag(yaml.SafeLoader):
    """Reads mkdocs.yml whatever tags (``!!python/name:``...) it may come to hold."""


_AnyTag.add_multi_constructor("", lambda loader, suffix, node: None)


def _extension_options(name: str) -> dict[str, Any]:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_AnyTag)
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "mkdocstrings" in plugin:
            for extension in plugin["mkdocstrings"]["handlers"]["python"]["options"]["extensions"]:
                if isinstance(extension, dict) and name in extension:
                    return dict(extension[name] or {})
    raise AssertionError(f"{name} is not among mkdocstrings' extensions in mkdocs.yml")


ALLOWED = set(_extension_options("docs/_griffe_descriptions.py:RequireDescriptions").get("allowed") or ())


@pytest.fixture(scope="module")
def package() -> Any:
    return griffe.load("sentinelhub_byoc", search_paths=[ROOT / "overlay", ROOT / "generated"])


def test_every_public_name_has_a_description(package: Any) -> None:
    missing = sorted(set(descriptions.undocumented(package)) - ALLOWED)
    assert not missing, "public but without a description (give each a docstring):\n" + "\n".join(missing)


def test_the_allowed_list_holds_only_names_still_without_one(package: Any) -> None:
    described = sorted(ALLOWED - set(descriptions.undocumented(package)))
    assert not described, "described now: remove from mkdocs.yml's allowed list:\n" + "\n".join(described)


@pytest.mark.parametrize("module", ["sentinelhub_byoc.errors", "sentinelhub_byoc.models"])
def test_errors_and_models_are_described_whole(package: Any, module: str) -> None:
    names = [path for path in descriptions.undocumented(package) if path.startswith(module + ".")]
    assert not names
    assert not [path for path in ALLOWED if path.startswith(module + ".")]


def test_the_walk_reaches_errors_attributes_and_enum_members(package: Any) -> None:
    reached = {obj.path for obj, _ in descriptions.public_objects(package)}
    assert {
        "sentinelhub_byoc.errors.APIError.status",
        "sentinelhub_byoc.errors.RateLimitError.retry_after",
        "sentinelhub_byoc.models.tile.Tile.sensing_time",
        "sentinelhub_byoc.models.enums.TileStatus.FAILED",
        "sentinelhub_byoc.models.page.Page.next_token",
        "sentinelhub_byoc.workflows.reports.SyncReport.created",
    } <= reached


SAMPLE = {
    "__init__.py": '''
"""A sample package."""
__all__ = ["Base", "Child", "Plain", "LIMIT", "helper", "Described"]
LIMIT = 3
def helper():
    """Helps."""
class Base(Exception):
    """A base error."""
    def __init__(self, status):
        self.status = status
        """The status."""
        self.code = None
class Child(Base):
    """A child error: inherits ``status`` (described) and ``code`` (not)."""
class Plain:
    def method(self):
        pass
class Described:
    """Attributes in a section.

    Attributes:
        size: how big.
    """
    size: int = 1
    other: int = 2
''',
}


def test_the_check_finds_each_missing_description() -> None:
    with griffe.temporary_visited_package("sample", SAMPLE) as sample:
        assert descriptions.undocumented(sample) == [
            "sample.Base.code",
            "sample.Described.other",
            "sample.LIMIT",
            "sample.Plain",
            "sample.Plain.method",
        ]


def test_the_build_warns_about_each_name_not_allowed(caplog: pytest.LogCaptureFixture) -> None:
    extension = descriptions.RequireDescriptions(packages=["sample"], allowed=["sample.LIMIT"])
    with griffe.temporary_visited_package("sample", SAMPLE) as sample, caplog.at_level("WARNING"):
        extension.on_package(pkg=sample)
    warned = {record.getMessage().split(" ")[0] for record in caplog.records if record.levelname == "WARNING"}
    assert warned == {"sample.Base.code", "sample.Described.other", "sample.Plain", "sample.Plain.method"}


def test_other_packages_are_not_checked(caplog: pytest.LogCaptureFixture) -> None:
    extension = descriptions.RequireDescriptions(packages=["sentinelhub_byoc"])
    with griffe.temporary_visited_package("sample", SAMPLE) as sample, caplog.at_level("WARNING"):
        extension.on_package(pkg=sample)
    assert not [record for record in caplog.records if record.levelname == "WARNING"]


MODEL = {
    "__init__.py": '''
"""Models."""
__all__ = ["Thing"]
class Thing:
    """A thing."""
    sensing_time: "datetime | None" = api_field("sensingTime", read=DATETIME, encode=format_datetime)
    """When."""
    path: str = api_field("path", default="", read=STR)
    """Where."""
    id: "UUID | None" = api_field("id", read_only=True, read=UUID_TEXT)
    """Which."""
    extra: "Mapping[str, Any]" = extra_field()
    """The rest."""
    plain: int = 3
    """Not a field."""
''',
}


def test_model_fields_show_their_api_member_and_default_only() -> None:
    with griffe.temporary_visited_package("sample", MODEL) as sample:
        models.ApiFields().on_package(pkg=sample)
        thing = sample["Thing"]
        assert str(thing["sensing_time"].value) == "None"
        assert str(thing["path"].value) == "''"
        assert thing["extra"].value is None
        assert str(thing["plain"].value) == "3"
        assert thing["sensing_time"].docstring.value.endswith("API member: `sensingTime`.")
        assert "read-only" in thing["id"].docstring.value
        assert "API member" not in thing["plain"].docstring.value
        table = thing.docstring.value
        assert "| `sensing_time` | `sensingTime` | `datetime | None` |" in table
        assert "| `id` | `id` (read-only) |" in table


def _text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


@pytest.mark.parametrize("module", ["tile", "collection"])
def test_model_pages_show_api_members_not_machinery(site: Path, module: str) -> None:
    text = _text(site / "reference" / f"sentinelhub_byoc.models.{module}" / "index.html")
    assert "api_field" not in text
    assert "extra_field" not in text
    assert "read=" not in text
    member = {"tile": "sensingTime", "collection": "s3Bucket"}[module]
    assert f"<code>{member}</code>" in text


def test_error_pages_describe_each_attribute(site: Path) -> None:
    text = _text(site / "reference" / "sentinelhub_byoc.errors" / "index.html")
    # The attribute's own entry, with its description right after its signature.
    entry = re.search(r'id="sentinelhub_byoc\.errors\.APIError\.request_id".*?</div>\s*</div>', text, re.S)
    assert entry is not None
    assert "support requests" in text[entry.start() : entry.start() + 4000]
