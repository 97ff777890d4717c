"""Bad input never hangs, crashes or vanishes (DESIGN section 10, issue 12):
each case is built here, at the size that once hurt, and must finish fast."""

from __future__ import annotations

import pathlib
import time

import pytest

from consentlint import engine
from consentlint.findings import Finding, fingerprint
from consentlint.manifest import load_manifest


def _manifest_with(entries: int) -> str:
    blocks = [f'[[data]]\ncategory = "location.precise"\npurposes = ["p{i}"]\n' for i in range(entries)]
    checks = ",\n".join(f'  "app.privacy.check{i}"' for i in range(entries))
    return "\n".join(blocks) + f"\n[consent]\nchecks = [\n{checks},\n]\n"


def test_a_large_manifest_loads_in_linear_time(tmp_path):
    """Each entry's line was found by rescanning the whole text (68 s for 2,000)."""
    path = tmp_path / "privacy-manifest.toml"
    path.write_text(_manifest_with(10_000))
    start = time.perf_counter()
    manifest = load_manifest(path)
    assert time.perf_counter() - start < 3
    assert len(manifest.data) == len(manifest.checks) == 10_000
    assert manifest.data[-1].line == 4 * 9_999 + 2
    assert manifest.checks[-1].line == manifest.text.splitlines().index('  "app.privacy.check9999",') + 1


def test_a_huge_file_is_reported_without_reading_it(tmp_path, monkeypatch):
    """The size limit is checked with stat: a 200 MB file once cost 217 MB RSS."""
    path = tmp_path / "huge.py"
    with open(path, "wb") as f:
        f.truncate(200_000_000)  # sparse: no disk
    read = pathlib.Path.read_bytes

    def guarded(self):
        assert self.name != "huge.py", "the huge file was read"
        return read(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", guarded)
    for cache in (None, str(tmp_path / "cache")):
        result = engine.Engine(engine.Settings(None, cache_dir=cache)).analyze_file(path, "huge.py")
        assert [(f.code, f.message) for f in result.findings] == [
            ("PDC001", "file too large to analyse (200 MB)")]


def test_many_findings_on_one_minified_line_are_fingerprinted_in_linear_time():
    """Each finding hashed its whole line: 6,000 findings on a 1 MB line took seconds."""
    line = "a();" * 250_000
    many = [Finding("m.js", 1, 4 * i + 1, 1, 4 * i + 2, "PDC201", "error", "m", context=f"f{i}")
            for i in range(6_000)]
    start = time.perf_counter()
    printed = fingerprint(many, [line])
    assert time.perf_counter() - start < 2
    assert len({f.fingerprint for f in printed}) == 6_000
    short = [Finding("m.js", 1, 1, 1, 2, "PDC201", "error", "m", context="f")]
    assert fingerprint(short, ["x"]) == fingerprint(short, ["  x "])  # the stripped text, as before


@pytest.mark.parametrize("name, data", [
    ("A.java", b"import a.b.C;\nclass A { void f() { int x = " + b"(" * 100_000 + b"1;\n}}\n"),
    ("a.kt", b"import a.b.C\nfun f() { val x = " + b"(" * 100_000 + b"1\n}\n"),
])
def test_a_flat_broken_tree_is_lowered_in_linear_time(tmp_path, name, data):
    """100k `(` leave an ERROR root with 100k children: the imports query over
    them took 0.6/2.1/7.6 s for 25k/50k/100k."""
    path = tmp_path / name
    path.write_bytes(data)
    start = time.perf_counter()
    result = engine.Engine(engine.Settings(None)).analyze_file(path, name)
    assert time.perf_counter() - start < 2
    assert [f.code for f in result.findings] == ["PDC001"]
