"""Bad input never hangs, crashes or vanishes (DESIGN section 10, issue 12):
each case is built here, at the size that once hurt, and must finish fast."""

from __future__ import annotations

import pathlib
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import FIXTURES, manifest_of
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
    start = time.process_time()  # (CPU time: a loaded machine must not fail it)
    manifest = load_manifest(path)
    assert time.process_time() - start < 3
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
    start = time.process_time()
    printed = fingerprint(many, [line])
    assert time.process_time() - start < 2
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
    start = time.process_time()
    result = engine.Engine(engine.Settings(None)).analyze_file(path, name)
    assert time.process_time() - start < 2
    assert [f.code for f in result.findings] == ["PDC001"]


# A stray backtick before a member, in a class the fixtures' style (731 bytes):
# the pinned Kotlin grammar's error recovery takes 86 s on it, 0.0 s without it.
STRAY_BACKTICK = """\
class A {
    fun easyPermissions() {
            lm.getLastKnownLocation("gps") // note
        if (EasyPermissions.hasPermissions(this, Manifest.permission.RECORD_AUDIO)) {
        }
`    }

    fun dexter() {
        Dexter.withContext(this)
            .withPermission(Manifest.permission.ACCESS_FINE_LOCATION)
            .withListener(object : PermissionListener {
                override fun onPermissionGranted(response: PermissionGrantedResponse) {
                    lm.getLastKnownLocation("gps") // note
                }

                override fun onPermissionDenied(response: PermissionDeniedResponse) {
                    lm.getLastKnownLocation("gps") // note
                }
            }).check()
    }
}
"""


def test_a_parse_over_budget_is_pdc001_and_the_run_goes_on(tmp_path):
    """The parse is cancelled at its share of the file's budget (0.5 s for a
    small file: by then the parser held 100 MB); the other files are analysed."""
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    (tmp_path / "Stuck.kt").write_text(STRAY_BACKTICK)
    files = [tmp_path / "Stuck.kt"]
    for i in range(16):  # enough for the worker pool
        (tmp_path / f"a{i}.py").write_text("from plyer import gps\ngps.start()\n")
        files.append(tmp_path / f"a{i}.py")
    eng = engine.Engine(engine.Settings(str(tmp_path / "privacy-manifest.toml")))
    for jobs in (1, 2):
        start = time.process_time()
        result = engine.run(eng, files, jobs, True, "privacy-manifest.toml")
        if jobs == 1:  # CPU time, which a loaded machine does not stretch (the parse alone takes 50 s)
            assert time.process_time() - start < 5
        stuck = [(f.code, f.message) for f in result.findings if f.path.endswith("Stuck.kt")]
        assert stuck == [("PDC001", "parser gave up after 0.5 s of CPU time: not analysed")]
        assert [p for p, _ in result.errors] == [str(tmp_path / "Stuck.kt")]
        assert sum(f.code == "PDC201" for f in result.findings) == 16


def test_the_lowering_stage_is_under_the_budget_too(tmp_path, monkeypatch):
    """A minified bundle parses fast but took seconds in the front-end's walk
    (a 4.9 MB one 14 s): the budget stops that stage as well."""
    from consentlint import treesitter

    path = tmp_path / "bundle.js"
    data = b"".join(b"var a%d=function(b,c){return navigator.geolocation.getCurrentPosition(c)};" % i
                    for i in range(12_000))  # 900 kB: parsed in 0.15 s, lowered in 0.4 s
    path.write_bytes(data)
    # the tree is parsed beforehand: only the lowering spends the budget (the
    # parse's own share once decided which stage stopped on a loaded machine)
    tree = treesitter.parse("javascript", data)
    monkeypatch.setattr(engine.ts, "parse", lambda grammar, source: tree)
    start = time.thread_time()
    result = engine.Engine(engine.Settings(None, budget=0.1)).analyze_file(path, "bundle.js")
    assert time.thread_time() - start < 3
    assert [(f.code, f.message) for f in result.findings] == [
        ("PDC001", "analysis stopped after 0.1 s of CPU time (the time budget per file): not analysed")]
    # within the budget the same file is analysed
    result = engine.Engine(engine.Settings(None, budget=30)).analyze_file(path, "bundle.js")
    assert {f.code for f in result.findings} == {"PDC101", "PDC201"}


GPS = "from plyer import gps\n\ndef f():\n    gps.start()\n"


def _lowered_by(monkeypatch, spend):
    """The Python front-end, with ``spend()`` before its work."""
    from consentlint.frontends import python

    extract = python.extract

    def slow(*args):
        spend()
        return extract(*args)

    monkeypatch.setattr(python, "extract", slow)


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs the timers")
def test_a_file_that_spends_cpu_goes_over_the_budget_at_any_speed(tmp_path, monkeypatch):
    """Endless work in the front-end's walk (no fixed amount, which a fast or
    a loaded machine gets through in another time) is stopped by the CPU budget."""
    def spin():
        while True:
            pass

    _lowered_by(monkeypatch, spin)
    (tmp_path / "a.py").write_text(GPS)
    start = time.thread_time()
    result = engine.Engine(engine.Settings(None, budget=0.2)).analyze_file(tmp_path / "a.py", "a.py")
    assert time.thread_time() - start < 2
    assert [(f.code, f.message) for f in result.findings] == [
        ("PDC001", "analysis stopped after 0.2 s of CPU time (the time budget per file): not analysed")]


def test_a_slow_wall_clock_does_not_drop_a_file(tmp_path, monkeypatch):
    """A file that waits (a loaded machine, here a sleep) but spends little
    CPU is analysed: the wall-clock budget dropped real files under load."""
    _lowered_by(monkeypatch, lambda: time.sleep(1))
    (tmp_path / "a.py").write_text(GPS)
    result = engine.Engine(engine.Settings(None, budget=0.2)).analyze_file(tmp_path / "a.py", "a.py")
    assert [(f.line, f.code) for f in result.findings] == [(4, "PDC101"), (4, "PDC201")]


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs the timers")
def test_a_stalled_file_still_stops_at_the_wall_clock_ceiling(tmp_path, monkeypatch):
    """No CPU spent and no progress either: the ceiling (20x the budget, at
    least 60 s) ends it, so nothing hangs the run."""
    from consentlint import budget

    def stall():
        while True:
            time.sleep(0.05)

    _lowered_by(monkeypatch, stall)
    assert budget.wall_seconds(0.2) == 60 and budget.wall_seconds(5) == 100
    monkeypatch.setattr(budget, "WALL_SECONDS", 0.5)
    monkeypatch.setattr(budget, "WALL_FACTOR", 1)
    (tmp_path / "a.py").write_text(GPS)
    start = time.monotonic()
    result = engine.Engine(engine.Settings(None, budget=0.2)).analyze_file(tmp_path / "a.py", "a.py")
    assert time.monotonic() - start < 30
    assert [(f.code, f.message) for f in result.findings] == [
        ("PDC001", "analysis stalled for 0.5 s: not analysed")]


def test_a_nul_byte_anywhere_makes_a_binary_file(tmp_path):
    """The binary check looked at the first 8 KiB only: a NUL after them sent
    the Kotlin parser into a minute of error recovery."""
    path = tmp_path / "Late.kt"
    path.write_bytes(b"// padding\n" * 800 + STRAY_BACKTICK.replace("`", "\0").encode())  # a NUL at byte 8,985
    start = time.process_time()
    result = engine.Engine(engine.Settings(None)).analyze_file(path, "Late.kt")
    assert time.process_time() - start < 1  # not the budget: never parsed
    assert [(f.code, f.message) for f in result.findings] == [("PDC001", "binary file, not source text")]


def test_the_default_budget_keeps_every_file_under_5_s():
    assert 0 < engine.Settings(None).budget <= 5


def test_control_bytes_over_the_whole_file_make_a_binary_file(tmp_path):
    eng = engine.Engine(engine.Settings(None))
    path = tmp_path / "late.py"
    path.write_bytes(b"x = 1\n" * 2000 + b"\x01\x02\x03\x04" * 100)  # 3% control bytes, after 8 KiB
    assert [f.message for f in eng.analyze_file(path, "late.py").findings] == ["binary file, not source text"]
    path.write_bytes(b"\x0c\nx = '\x1b[1m\x01'\t# a form feed, an escape, a tab, one stray byte\n" + b"y = 2\n" * 50)
    assert not eng.analyze_file(path, "late.py").findings


@pytest.mark.parametrize("b", ["from a import *\n", "from a import thing\n"])
def test_star_imports_in_a_cycle_end(tmp_path, b):
    """`from b import *` in a.py and `from a import *` (or a name) in b.py sent
    the name resolution into endless recursion (a traceback on pip's sources)."""
    (tmp_path / "a.py").write_text("from b import *\n")
    (tmp_path / "b.py").write_text(b)
    (tmp_path / "c.py").write_text("from plyer import gps\nfrom a import thing\nthing()\ngps.start()\n")
    files = sorted(tmp_path.glob("*.py"))
    result = engine.run(engine.Engine(engine.Settings(None)), files, 1, False, "privacy-manifest.toml")
    assert [(f.path.rsplit("/", 1)[-1], f.line, f.code) for f in result.findings if f.code != "PDC002"] == [
        ("c.py", 4, "PDC101"), ("c.py", 4, "PDC201")]


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs SIGALRM")
def test_the_budget_holds_in_a_thread_and_leaves_the_host_s_alarm_alone(tmp_path):
    """Outside the main thread there is no timer, but the parse still stops;
    in it, the host's SIGALRM handler is back after each file."""
    path = tmp_path / "Stuck.kt"
    path.write_text(STRAY_BACKTICK)
    eng = engine.Engine(engine.Settings(None))
    messages = []
    worker = threading.Thread(target=lambda: messages.extend(
        f.message for f in eng.analyze_file(path, "Stuck.kt").findings))
    worker.start()
    worker.join(10)
    assert messages == ["parser gave up after 0.5 s of CPU time: not analysed"]

    def host(signum, frame):
        pass

    previous = signal.signal(signal.SIGALRM, host)
    try:
        assert [f.code for f in eng.analyze_file(path, "Stuck.kt").findings] == ["PDC001"]
        assert signal.getsignal(signal.SIGALRM) is host and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        assert signal.getsignal(signal.SIGPROF) is signal.SIG_DFL and signal.getitimer(signal.ITIMER_PROF) == (0, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)


LINE_ENDS = {
    "python": ("a.py", "from plyer import gps\n\ndef f():\n    gps.start()  # noqa: PDC101\n"),
    "javascript": ("a.js", "function f() {\n  navigator.geolocation.getCurrentPosition(cb);\n}\n"),
    "java": ("A.java", "import android.location.LocationManager;\n\nclass A {\n  void f(LocationManager lm) {\n"
                       "    lm.getLastKnownLocation(\"gps\");\n  }\n}\n"),
}


@pytest.mark.parametrize("language", LINE_ENDS)
@pytest.mark.parametrize("end", ["\r\n", "\r", "mixed"])
def test_lines_end_as_python_and_editors_count_them(tmp_path, language, end):
    """CR-only line ends put every finding on line 1 and made valid Python a
    syntax error (issue 12, item 7): \\r\\n, \\r and \\n each end a line."""
    name, text = LINE_ENDS[language]
    if end == "mixed":
        ends = iter(["\r", "\r\n", "\n"] * 10)
        converted = "".join(part + next(ends) for part in text.split("\n")[:-1])
    else:
        converted = text.replace("\n", end)
    eng = engine.Engine(engine.Settings(None))

    def findings(data: str, folder: str):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / name
        path.write_bytes(data.encode())
        return [(f.line, f.column, f.end_line, f.end_column, f.code, f.fingerprint)
                for f in eng.analyze_file(path, name).findings]

    expected = findings(text, "lf")
    assert expected and "PDC001" not in {f[4] for f in expected}
    assert findings(converted, "other") == expected


def test_a_form_feed_is_no_line_end(tmp_path):
    """Python, tree-sitter and editors do not end a line at a form feed (nor at
    \\x1c-\\x1e, \\x85, U+2028): str.splitlines does, so --show-source showed
    and fingerprints hashed the wrong line."""
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    (tmp_path / "a.py").write_text("from plyer import gps\n\x0c\ndef f():  # \u2028 \x85\n    gps.start()\n")
    (tmp_path / "lf").mkdir()
    (tmp_path / "lf" / "a.py").write_text("from plyer import gps\n\n\ndef f():\n    gps.start()\n")
    proc = subprocess.run([sys.executable, "-m", "consentlint", "check", "--show-source", "--no-cache", "a.py"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.stdout.splitlines()[:3] == [
        "a.py:4:9: PDC201 `gps.start` collects location.precise on a path that no consent check for it guards",
        "4 |     gps.start()",
        "  |         ^^^^^",
    ]
    eng = engine.Engine(engine.Settings(None))
    prints = [[f.fingerprint for f in eng.analyze_file(tmp_path / n, "a.py").findings] for n in ("a.py", "lf/a.py")]
    assert prints[0] == prints[1]


@pytest.mark.parametrize("name, message", [
    ("javascript/pdc001_grammar_gap_flow.js",
     "parser could not read Flow type annotations at 'type'; the rest of the file was analysed"),
    ("typescript/pdc001_grammar_gap_tagged_template.tsx",
     "parser could not read a tagged template with type arguments; the rest of the file was analysed"),
    ("typescript/pdc001_grammar_gap_typeof_import.ts",
     "parser could not read a `typeof import(...)` type at '>()'; the rest of the file was analysed"),
    ("javascript/pdc001_syntax_error.js", "syntax error: missing ')'"),  # the app's own mistake
])
def test_valid_code_the_grammar_cannot_read_is_said_so(name, message):
    """Valid Flow or TSX was reported as the app's 'syntax error' (issue 12, item 7)."""
    path = FIXTURES / name
    result = engine.Engine(engine.Settings(None)).analyze_file(path, name)
    assert [(f.message, f.severity) for f in result.findings if f.code == "PDC001"] == [(message, "warning")]


KOTLIN_GRAMMAR_GAPS = {
    "constructor after a KDoc": ("class A\n\n/**\n * x\n */\n@Throws(E::class, F::class)\n"
                                 "constructor(a: Array<T>, b: List<V>) : B() {\n\n    private val c: B\n}\n"),
    "internal constructor": "class A\n@Inject\ninternal constructor(a: Int) {\n}\n",
    "context parameters": "context(scope: Scope)\nfun f() {}\n",
    "multi-dollar string": 'val s = $$"a $b"\n',
    "annotated setter": "class A {\n  var x: String?\n    get() = y\n    @Suppress(\"X\")\n    set(value) {\n    }\n}\n",
    "parenthesised function type": "fun f(a: suspend ((Int) -> Unit), b: @C (R.() -> Unit)) {}\n",
    "leading block comment": "fun f() {\n  a()\n  /* val x = */ g()\n}\n",
    "one-line object": "val m = f { object : Q { override fun s(): String? = null } }\n",
    "one-line class": "class A { fun s() = 1 }\n",
    "trailing comma in type parameters": "fun <\n  A,\n  B,\n> f() {}\n",
    "nullable callable reference": "val a = parts.map(String?::orEmpty)\n",
    "empty list in an annotation": "@A(modules = [])\nfun f() {}\n",
    "modifiers as names": "fun f() {\n  a.forEach { open -> override(open) }\n  x = suspend { 1 }\n}\n",
    "get and set after a local val": "fun f() {\n  val x = 1\n  get<Scope>().launch {}\n  val y = 2\n  set(0, y)\n}\n",
    "loop as a when branch": "fun f(p: Int) {\n  when (p) {\n    0 ->\n      for (c in cs)\n        g(c)\n    else -> 1\n  }\n}\n",
}


@pytest.mark.parametrize("construct", KOTLIN_GRAMMAR_GAPS)
def test_valid_kotlin_the_grammar_cannot_read_is_rewritten(construct):
    """Each construct alone (fixtures/kotlin/regression_grammar_gaps.kt has
    them in context): the grammar fails on it, the rewrite reads it, and the
    names are the source's."""
    import tree_sitter

    from consentlint import treesitter as ts

    source = KOTLIN_GRAMMAR_GAPS[construct].encode()
    raw = tree_sitter.Parser(ts.language("kotlin")).parse(source).root_node
    assert raw.has_error
    assert ts.syntax_problems(ts.parse("kotlin", source), ts.Positions(source, "kotlin")) == ()
    tree = ts.parse("kotlin", source)
    names = set()
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "identifier":
            names.add(ts.text(node))
        stack.extend(node.children)
    assert not [n for n in names if n.startswith("_")], names
    assert names <= set(re.findall(r"[A-Za-z_]\w*", source.decode()))
