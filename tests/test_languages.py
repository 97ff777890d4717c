"""The language registry (``consentlint.languages``) is the one list of
languages: every list derived from it, and every file that repeats it,
agrees with it."""

from __future__ import annotations

import importlib
import json
import re

import yaml

from conftest import ROOT
from consentlint import catalog, cli, languages, treesitter
from consentlint.cache import _GRAMMARS
from consentlint.frontends import ALL_EXTENSIONS, FRONTENDS
from consentlint.suppressions import scan


def test_front_end_and_grammar_tables_come_from_the_registry():
    assert FRONTENDS is languages.FRONTENDS and ALL_EXTENSIONS == tuple(FRONTENDS)
    assert treesitter.GRAMMARS is languages.GRAMMARS
    assert catalog.LANGUAGES == languages.NAMES
    assert _GRAMMARS[1:] == tuple(m.replace("_", "-") for m in languages.GRAMMAR_MODULES)
    assert len(set(ALL_EXTENSIONS)) == len(ALL_EXTENSIONS), "an extension belongs to one language"


def test_every_grammar_loads_and_every_front_end_extracts():
    for lang in languages.LANGUAGES:
        assert callable(importlib.import_module(lang.frontend).extract), lang.frontend
        for grammar, _, _ in lang.grammars:
            assert treesitter.language(grammar) is not None
        assert {g for _, g in lang.extensions} == {g for g, _, _ in lang.grammars}, lang.name


def test_every_query_folder_is_a_grammar():
    folders = {p.name for p in (ROOT / "src" / "consentlint" / "queries").iterdir() if p.is_dir()}
    assert folders <= set(languages.GRAMMARS)


def test_the_catalog_schema_names_the_registry_languages():
    schema = json.loads((ROOT / "src" / "consentlint" / "schemas" / "catalog.schema.json").read_text())
    assert schema["properties"]["language"]["enum"] == list(languages.NAMES)
    assert schema["properties"]["also_languages"]["items"]["enum"] == list(languages.NAMES)


def test_the_cli_offers_the_registry_languages():
    catalog_parser = next(sub for sub in cli._subparsers(cli._parser()) if sub.prog.endswith(" catalog"))
    choices = next(a.choices for a in catalog_parser._actions if "--language" in a.option_strings)
    assert tuple(choices) == languages.NAMES


def test_the_pre_commit_hook_passes_every_extension():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["consentlint"]["files"] == languages.files_pattern()
    assert all(re.search(languages.files_pattern(), f"a/b{ext}") for ext in ALL_EXTENSIONS)


def test_suppressions_follow_every_comment_opener_of_a_language():
    for lang in languages.LANGUAGES:
        for opener in lang.comments:
            closer = " */" if opener == "/*" else ""
            assert scan(f"x  {opener} noqa: PDC201{closer}\n", lang.name), (lang.name, opener)
        others = {c for c in languages.COMMENT_OPENERS if c not in lang.comments}
        for opener in others:
            assert not scan(f"x  {opener} noqa: PDC201\n", lang.name), (lang.name, opener)
