"""The reference documentation builds with --strict and shows every public name."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LISTING = ROOT / "api" / "sentinelhub_byoc.api.txt"
ENTRY = re.compile(r"^(?P<module>[\w.]+):(?P<name>[\w.]+): (?P<kind>.*)$")
ALIAS = re.compile(r"same as (?P<module>[\w.]+):(?P<name>[\w.]+)$")


def public_names() -> list[tuple[str, str, str]]:
    """(module, name, what the listing says) for each public name and class member."""
    entries = []
    for line in LISTING.read_text(encoding="utf-8").splitlines():
        match = ENTRY.match(line)
        if match:
            entries.append((match["module"], match["name"], match["kind"]))
    return entries


def anchors(page: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', page.read_text(encoding="utf-8")))


def test_the_listing_has_names() -> None:
    modules = {module for module, _, _ in public_names()}
    assert {"sentinelhub_byoc", "sentinelhub_byoc.errors", "sentinelhub_byoc.testing"} <= modules


def test_every_public_name_is_in_the_reference(site: Path) -> None:
    pages = {page.parent.name: page for page in (site / "reference").glob("*/index.html")}
    all_anchors = set().union(*(anchors(page) for page in pages.values()))
    missing = []
    for module, name, kind in public_names():
        page = pages.get(module)
        if page is None:
            missing.append(f"{module} (no page)")
            continue
        alias = ALIAS.search(kind)
        if name.endswith(".__init__"):
            # Merged into the class's own entry.
            shown = f"{module}.{name.removesuffix('.__init__')}" in anchors(page)
        elif alias:
            # Re-exported: listed on the module's page and shown where it is defined.
            target = f"{alias['module']}.{alias['name']}"
            shown = target in all_anchors and f"#{target}" in page.read_text(encoding="utf-8")
        else:
            shown = f"{module}.{name}" in anchors(page)
        if not shown:
            missing.append(f"{module}:{name}")
    assert not missing, "not in the reference: " + ", ".join(missing)


def test_no_raw_sphinx_roles_or_doctest_quotes(site: Path) -> None:
    raw = re.compile(r":(?:class|func|meth|mod|data|attr|exc):`")
    for page in (site / "reference").glob("*/index.html"):
        text = page.read_text(encoding="utf-8")
        assert not raw.search(text), page.parent.name
        assert "<blockquote>" not in text, page.parent.name
