"""The rule pages in ``docs/rules/`` are what the rules' docstrings say."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from consentlint.rules import RULES, docs

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_rule_docs", DOCS / "generate_rule_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_page_is_current():
    wanted = _generator().pages()
    present = {p.name for p in (DOCS / "rules").glob("*.md")}
    assert present == set(wanted), "run: python docs/generate_rule_docs.py"
    for name, text in wanted.items():
        assert (DOCS / "rules" / name).read_text("utf-8") == text, f"{name} is stale: run python docs/generate_rule_docs.py"


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_documents_the_six_sections(code):
    sections = docs(RULES[code])
    for heading in ("what it does", "why is this bad", "example", "use instead", "configuration", "references"):
        assert sections.get(heading), f"{code}: no '## {heading}' section"


def test_contributing_names_files_that_exist():
    """CONTRIBUTING.md's map stays true: every path and module it names is
    there (from the repository root or the package)."""
    root = DOCS.parent
    text = (root / "CONTRIBUTING.md").read_text("utf-8")
    named = set(re.findall(r"(?<![\w<>/.-])([\w/.-]+\.(?:py|md|toml|json|yaml|scm))\b", text))
    paths = {n for n in named if ("/" in n or n.endswith(".py")) and "NNN" not in n and not n.startswith("../")}
    missing = sorted(n for n in paths if not any(
        (base / n).exists() for base in (root, root / "src" / "consentlint", root / "src" / "consentlint" / "frontends")))
    assert not missing, f"CONTRIBUTING.md names files that are not there: {missing}"
