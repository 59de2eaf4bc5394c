"""The home page links every guide, and the README and the quickstart install the same extras.

pyproject.toml's optional dependencies are the truth: each extra is listed once in both install
lists, whose comments name what each extra brings (its packages, or the extras it is made of).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
INSTALL = re.compile(r'^pip install (?:\.|"\.\[(?P<extra>[\w-]+)\]")\s+# (?P<comment>.+)$', re.MULTILINE)
REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[(?P<extras>[^\]]+)\])?")
PROJECT = "sentinelhub-byoc"


def _extras() -> dict[str, list[str]]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(pyproject["project"]["optional-dependencies"])


def _install_lines(path: Path) -> list[tuple[str, str]]:
    return [(match["extra"] or "", match["comment"]) for match in INSTALL.finditer(path.read_text("utf-8"))]


def _names(requirement: str) -> list[str]:
    """What a comment must name for one requirement: the package, or the extras of this project."""
    match = REQUIREMENT.match(requirement.strip())
    assert match is not None, requirement
    if match["name"].lower() == PROJECT:
        return [extra.strip() for extra in (match["extras"] or "").split(",")]
    return [match["name"]]


def test_every_guide_page_is_linked_from_the_home_page() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)", index))
    guides = {page.name for page in DOCS.glob("*.md")} - {"index.md"}
    assert guides - linked == set(), f"not linked from docs/index.md: {sorted(guides - linked)}"
    assert "reference/cli-commands.md" in linked


def test_the_readme_and_the_quickstart_list_the_same_installs() -> None:
    readme = _install_lines(ROOT / "README.md")
    quickstart = _install_lines(DOCS / "quickstart.md")
    assert readme
    assert readme == quickstart


@pytest.mark.parametrize("page", [ROOT / "README.md", DOCS / "quickstart.md"], ids=lambda page: page.name)
def test_the_install_list_has_every_extra_once(page: Path) -> None:
    listed = [extra for extra, _ in _install_lines(page)]
    assert listed[0] == ""
    assert sorted(listed[1:]) == sorted(_extras())


@pytest.mark.parametrize("extra", sorted(set(_extras()) - {"all"}))
def test_each_extra_says_what_it_installs(extra: str) -> None:
    comments = dict(_install_lines(ROOT / "README.md"))
    assert extra in comments, f'README.md does not list pip install ".[{extra}]"'
    words = {word.lower() for word in re.findall(r"[\w.-]+", comments[extra])}
    for requirement in _extras()[extra]:
        for name in _names(requirement):
            assert name.lower() in words, f"the [{extra}] line of the install lists does not name {name}"


def _packages(extra: str, extras: dict[str, list[str]]) -> set[str]:
    """The third-party packages an extra installs, through the extras it is made of."""
    found: set[str] = set()
    for requirement in extras[extra]:
        match = REQUIREMENT.match(requirement.strip())
        assert match is not None, requirement
        if match["name"].lower() == PROJECT:
            for part in _names(requirement):
                found |= _packages(part, extras)
        else:
            found.add(match["name"].lower())
    return found


def test_all_installs_what_every_other_extra_does() -> None:
    extras = _extras()
    everything = _packages("all", extras)
    for extra in extras:
        assert _packages(extra, extras) <= everything, extra
