"""The Java and Kotlin front-ends where fixtures cannot show it: their queries
compile, extensions are registered, the Android catalogs are shared by both
languages, and lowering only what can matter finds what lowering everything
finds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from consentlint import engine
from consentlint import treesitter as ts
from consentlint.catalog import load_catalog
from consentlint.frontends import FRONTENDS
from consentlint.frontends.jvm import GRANT_RESULTS_CALLBACK, getter_names, kotlin_property, trie_pattern
from consentlint.manifest import find_manifest, load_manifest

QUERIES = ROOT / "src" / "consentlint" / "queries"
JVM_GRAMMARS = ("java", "kotlin")
CAPTURES = {"package", "import"}  # the closed vocabulary of capture names
JAVA_NAME = re.compile(r"^[A-Za-z_$][\w$]*(\.[\w$]+)*$")


@pytest.mark.parametrize("path", sorted(p for g in JVM_GRAMMARS for p in (QUERIES / g).glob("*.scm")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_query_compiles_with_known_captures(path: Path):
    query = ts.query(path.parent.name, path.stem)
    names = {query.capture_name(i) for i in range(query.capture_count)}
    assert names <= CAPTURES, names - CAPTURES


def test_extensions_and_grammars():
    assert FRONTENDS[".java"] == ("java", "java", "consentlint.frontends.java")
    assert FRONTENDS[".kt"] == ("kotlin", "kotlin", "consentlint.frontends.kotlin")
    assert FRONTENDS[".kts"] == ("kotlin", "kotlin", "consentlint.frontends.kotlin")


def test_android_catalogs_are_shared_and_qualified():
    catalog = load_catalog()
    java, kotlin = catalog.for_language("java"), catalog.for_language("kotlin")
    assert set(java.sources) == set(kotlin.sources) and java.sources
    assert java.permission_checks.keys() == kotlin.permission_checks.keys()
    assert GRANT_RESULTS_CALLBACK in java.permission_checks
    for name in [*java.sources, *java.permission_checks, *java.returns, *java.returns.values()]:
        assert JAVA_NAME.match(name), name
    for source in (s for s in catalog.sources if "java" in s.languages):
        assert source.id.startswith("android-") and source.references, source.id
        for permission in source.permissions:
            assert "." in permission, f"{source.id}: permissions are full strings ({permission})"


def test_kotlin_property_names():
    assert kotlin_property("getLastLocation") == "lastLocation"
    assert kotlin_property("getSSID") == "SSID"
    assert kotlin_property("isProviderEnabled") is None
    assert getter_names("line1Number")[0] == "getLine1Number"


def test_trie_pattern_matches_whole_words_only():
    pattern = trie_pattern({"get", "getString", "query"})
    found = [m.group() for m in pattern.finditer(b"getString(x); get(); getStrings(); query(); requery()")]
    assert found == [b"getString", b"get", b"query"]


@pytest.mark.parametrize("folder", ["java", "kotlin", "demo-app"])
def test_selective_lowering_equals_lowering_everything(folder):
    """The text shortcuts (members that spell no catalogued word are never
    lowered) must not change any finding."""
    files = sorted(p for p in (FIXTURES / folder).rglob("*") if p.suffix in (".java", ".kt", ".kts"))
    assert files
    manifest_path = find_manifest(files[0])
    manifest = load_manifest(manifest_path)
    fast = engine.Engine(engine.Settings(str(manifest_path)), manifest=manifest)
    full = engine.Engine(engine.Settings(str(manifest_path), prefilter=False), manifest=manifest)
    for path in files:
        a = fast.analyze_file(path, path.as_posix())
        b = full.analyze_file(path, path.as_posix())
        keys = [(f.line, f.column, f.code) for f in a.findings]
        assert keys == [(f.line, f.column, f.code) for f in b.findings], path
        assert a.used_names == b.used_names, path


def test_whole_program_facts_of_a_file_naming_no_catalogued_class():
    """Every method, call edge and class is lowered for the project index, with
    project types resolved through the file's package and imports; a method name
    alone still matches no catalog entry."""
    from consentlint.frontends import java

    catalog = load_catalog().for_language("java")
    eng = engine.Engine(engine.Settings(None))
    _, _, interest = eng.language("java")
    source = (b"package app; import app.util.Perms;\n"
              b"class A extends Base { @Override void f(Note n) { n.getLastKnownLocation(); Perms.has(this::g); } }")
    facts = java.extract(source, ts.parse("java", source), "A.java", None, None, catalog, interest)
    (function,) = facts.functions
    assert (function.qualname, function.override) == ("app.A.f", True)
    calls = [s.expr for s in function.body.stmts]
    assert calls[0].callee == "app.Note.getLastKnownLocation"
    assert (calls[1].callee, calls[1].args[0].kind, calls[1].args[0].callee) == ("app.util.Perms.has", "ref", "app.A.g")
    assert [(c.qualname, c.supers) for c in facts.classes] == [("app.A", ("app.Base",))]
    assert eng.analyze_source(source, Path("A.java"), "A.java").collections == []
