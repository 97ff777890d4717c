"""The layout promises of STYLE.md, checked: rules and the analysis never
touch a parser; only treesitter.py touches the tree-sitter API; every rule
documents itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import consentlint
from consentlint.rules import RULES, docs

PACKAGE = Path(consentlint.__file__).parent
PARSER_FREE = ["rules", "facts.py", "guards.py", "sites.py", "consent.py", "findings.py", "report"]


def _sources(*names):
    for name in names:
        path = PACKAGE / name
        yield from (sorted(path.rglob("*.py")) if path.is_dir() else [path])


@pytest.mark.parametrize("path", list(_sources(*PARSER_FREE)), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_policy_code_never_imports_a_parser(path):
    text = path.read_text()
    assert not re.search(r"^\s*(from|import)\s+(tree_sitter|consentlint\.(treesitter|frontends))", text, re.M)


def test_only_the_tree_sitter_layer_imports_tree_sitter():
    users = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
             if re.search(r"^\s*(from|import)\s+tree_sitter\b", p.read_text(), re.M)}
    assert users == {"treesitter.py"}


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_docstrings(code):
    module = RULES[code]
    sections = docs(module)
    for section in ("what it does", "why is this bad", "example", "use instead", "configuration", "references"):
        assert sections.get(section), f"{code} lacks '{section}'"
    assert module.CODE == code and re.fullmatch(r"[a-z]+(-[a-z]+)*", module.NAME)
    assert module.SEVERITY in ("error", "warning") and module.SCOPE in ("file", "run", "project")
