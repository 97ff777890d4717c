"""The engine on bad input and on its own promises: the prefilter never loses a
finding, parallel runs equal serial ones, bad files never stop a run."""

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
    """The prefilter, and the front-end's skipping of functions and statements
    that mention no tracked name, against lowering everything."""
    with_filter = _results(True)
    without = _results(False)
    assert with_filter == without
    assert sum(len(v[1]) for v in without.values()) > 100


def test_prefilter_skips_files_that_cannot_matter(tmp_path):
    eng = engine.Engine(engine.Settings(None))
    _, _, interest, prefilter = eng.language("python")
    assert not engine._may_matter(b"import os\nprint(os.getcwd())\n", prefilter, "x", interest)
    assert engine._may_matter(b"from plyer import gps\ngps.start()\n", prefilter, "x", interest)
    # an import alone uses nothing: no last segment of a catalogued API is spelled
    assert not engine._may_matter(b"from plyer import gps\n", prefilter, "x", interest)


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
