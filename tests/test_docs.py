"""The rule pages in ``docs/rules/`` are what the rules' docstrings say."""

from __future__ import annotations

import importlib.util
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
