"""The engine on bad input and on its own promises: the text shortcuts never
lose a finding, parallel runs equal serial ones, bad files never stop a run."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from consentlint import engine
from consentlint.frontends import FRONTENDS
from consentlint.manifest import find_manifest


def _all_fixture_files():
    return sorted(p for p in FIXTURES.rglob("*") if p.suffix in FRONTENDS)


def _results(prefilter: bool):
    out = {}
    engines = {}
    for path in _all_fixture_files():
        manifest = find_manifest(path)
        key = (manifest, prefilter)
        if key not in engines:
            engines[key] = engine.Engine(engine.Settings(str(manifest) if manifest else None, prefilter=prefilter))
        result = engines[key].analyze_file(path, path.as_posix())
        out[path] = (sorted((f.line, f.column, f.code, f.message) for f in result.findings),
                     sorted((c.span.line, c.span.column, c.category, c.status) for c in result.collections))
    return out


def test_text_shortcuts_never_lose_a_finding():
    """The front-ends' thinning of statements that mention no tracked name,
    against lowering everything."""
    with_filter = _results(True)
    without = _results(False)
    assert with_filter == without
    assert sum(len(v[1]) for v in without.values()) > 100


@pytest.mark.parametrize("project", sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir()),
                         ids=lambda p: p.name)
def test_text_shortcuts_never_lose_a_guard_across_files(project):
    """Whole projects: helpers and callers in other files see the same facts."""
    files = sorted(p for p in project.rglob("*") if p.suffix in FRONTENDS)
    manifest = find_manifest(project)
    runs = []
    for prefilter in (True, False):
        eng = engine.Engine(engine.Settings(str(manifest) if manifest else None, prefilter=prefilter))
        result = engine.run(eng, files, 1, True, str(project / "privacy-manifest.toml"))
        runs.append(([(f.path, f.line, f.column, f.code, f.message) for f in result.findings],
                     [(c.path, c.span.line, c.status, c.guard) for c in result.collections]))
    assert runs[0] == runs[1]


@pytest.mark.parametrize("name, data, message", [
    ("binary.py", b"\x7fELF\x00\x00\x01", "binary file"),
    ("latin1.py", b"x = '\xe9'\n", "not valid UTF-8"),
    ("huge.py", b"x = 1\n" * (engine.MAX_FILE_BYTES // 6 + 1), "too large"),
])
def test_bad_input_is_pdc001(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    result = engine.Engine(engine.Settings(None)).analyze_file(path, name)
    assert [f.code for f in result.findings] == ["PDC001"]
    assert message in result.findings[0].message and result.errors


def test_bom_and_deep_nesting(tmp_path):
    eng = engine.Engine(engine.Settings(None))
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbffrom plyer import gps\ngps.start()\n")
    assert [(f.line, f.column, f.code) for f in eng.analyze_file(bom, "bom.py").findings] == [
        (2, 5, "PDC101"), (2, 5, "PDC201")]
    deep = tmp_path / "deep.py"
    deep.write_text("from plyer import gps\nx = " + "(" * 3000 + "gps.start()" + ")" * 3000 + "\n")
    result = eng.analyze_file(deep, "deep.py")
    assert result.findings  # either analysed or reported as PDC001, never a crash


def test_non_ascii_columns_count_code_points(tmp_path):
    path = tmp_path / "utf8.py"
    path.write_text('from plyer import gps\nnote = "héllo wörld"; gps.start()\n', encoding="utf-8")
    finding = next(f for f in engine.Engine(engine.Settings(None)).analyze_file(path, "x").findings
                   if f.code == "PDC201")
    line = path.read_text(encoding="utf-8").splitlines()[1]
    assert line[finding.column - 1:finding.end_column - 1] == "start"


def test_fingerprints_survive_edits_above(tmp_path):
    path = tmp_path / "a.py"
    path.write_text("from plyer import gps\n\ndef f():\n    gps.start()\n")
    eng = engine.Engine(engine.Settings(None))
    before = {f.code: f.fingerprint for f in eng.analyze_file(path, "a.py").findings}
    path.write_text("from plyer import gps\n\n\n# a comment\n\ndef f():\n    gps.start()\n")
    after = {f.code: f.fingerprint for f in eng.analyze_file(path, "a.py").findings}
    assert before == after and all(":" in v and "4" not in v.split(":")[1] for v in before.values())


def test_module_names(tmp_path):
    pkg = tmp_path / "app" / "api"
    pkg.mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    assert engine.module_name_of(pkg / "views.py") == ("app.api.views", "app.api")
    assert engine.module_name_of(pkg / "__init__.py") == ("app.api", "app.api")
    assert engine.module_name_of(tmp_path / "script.py") == ("script", None)
