"""Property-based fuzzing that reaches the guard analysis (issue 12, item 10).

Hypothesis builds small two-file programs in each language from one tree of
statements (collection sites, consent checks for the right or another
category, a helper whose result is a check, ``and``/``or`` of checks, early
exits, calls of helpers in the other file, callbacks handed to an unrelated
call or to a consent request) and checks what must hold for any program:

- the engine raises nothing, and a generated (valid) program is no PDC001
  (nor over the time budget, which is PDC001 too); every site is found once;
- the text prefilter (shortcut mode) finds what the reference mode does;
- a one-file scan reports for that file what the full scan does;
- adding an unrelated statement never changes a verdict (the findings'
  fingerprints, which leave line numbers out);
- ``--jobs 1`` and ``--jobs 2`` give the same findings;
- the five front-ends agree: the same program in each language has the same
  sites guarded and the same findings, in the same order.

The seed is fixed (``derandomize``) and the budget small, for CI;
``benchmarks/fuzz.py`` runs the long campaign through the same generators
and checks (``check_program``, ``check_jobs``).
"""

from __future__ import annotations

import copy
import itertools
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consentlint import engine
from consentlint.manifest import load_manifest

sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))  # as the engine sets it (hypothesis warns otherwise)
EXAMPLES = int(os.environ.get("CONSENTLINT_FUZZ_EXAMPLES", "50"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
HELPERS = 3  # functions in the second file

MANIFEST = """\
[policy]
url = "https://example.com/privacy"

[[data]]
category = "location"

[[data]]
category = "contacts"

[consent]
checks = ["acme.privacy.has_consent", "com.acme.privacy.Consent.isGranted", "@acme/privacy#hasConsent"]
requests = ["acme.privacy.ask_consent", "com.acme.privacy.Consent.request", "@acme/privacy#askConsent"]
"""


# ------------------------------------------------------------------ programs

@dataclass
class Collect:
    """A call that collects location.precise."""


@dataclass
class If:
    check: str  # one of CHECKS
    negated: bool
    body: list
    orelse: list


@dataclass
class Guard:
    check: str  # if not <check>: return


@dataclass
class Call:
    helper: int  # a function of the second file


@dataclass
class Callback:
    body: list  # an inline closure, one call (a Python lambda holds one expression), handed to
    request: str | None  # a consent request for this category (run on grant), or None: an unrelated call


@dataclass
class Return:
    pass


@dataclass
class Unrelated:
    number: int  # a local set to a literal: changes no verdict


@dataclass
class Program:
    mains: list  # bodies of the first file's functions
    helpers: list  # bodies of the second file's functions (they call no helper: no cycles)


# a check for location, for another category, a helper returning a check, both (and), either (or)
CHECKS = st.sampled_from(["location", "contacts", "helper", "and", "or"])


def _bodies(calls: bool):
    """Function bodies: nested ifs over leaves, sometimes ending in a return."""
    helper = st.builds(Call, st.integers(0, HELPERS - 1))
    leaves = [st.builds(Collect), st.builds(Unrelated, st.integers(0, 9)), st.builds(Guard, CHECKS)]
    leaves += [helper] if calls else []
    callback = st.builds(Callback, st.one_of(st.builds(Collect), *([helper] if calls else [])).map(lambda s: [s]),
                         st.sampled_from([None, "location", "contacts"]))

    def extend(children):
        branch = st.builds(If, CHECKS, st.booleans(), children, children | st.just([]))
        return st.lists(st.one_of(*leaves, callback, branch), min_size=1, max_size=4)

    body = st.recursive(st.lists(st.one_of(*leaves), min_size=1, max_size=4), extend, max_leaves=8)
    return st.tuples(body, st.booleans()).map(lambda b: [*b[0], Return()] if b[1] else b[0])


PROGRAMS = st.builds(Program, st.lists(_bodies(True), min_size=1, max_size=3),
                     st.lists(_bodies(False), min_size=HELPERS, max_size=HELPERS))


def _bodies_of(statements: list):
    """Every statement list of a tree where a statement may be inserted (not
    a callback's one call)."""
    yield statements
    for s in statements:
        if isinstance(s, If):
            yield from _bodies_of(s.body)
            yield from _bodies_of(s.orelse)


def _sites(program: Program) -> int:
    def count(body):
        return sum(1 if isinstance(s, Collect) else count(s.body) + count(s.orelse) if isinstance(s, If)
                   else count(s.body) if isinstance(s, Callback) else 0 for s in body)

    return sum(count(body) for body in [*program.mains, *program.helpers])


def _with_unrelated(program: Program, choice: int, where: int) -> Program:
    """A copy with one more unrelated statement (before any return of its list)."""
    program = copy.deepcopy(program)
    lists = [b for body in [*program.mains, *program.helpers] for b in _bodies_of(body)]
    target = lists[choice % len(lists)]
    end = next((i for i, s in enumerate(target) if isinstance(s, Return)), len(target))
    target.insert(where % (end + 1), Unrelated(99))
    return program


# ------------------------------------------------------------------ rendering

class Python:
    files = ("a.py", "b.py")

    def render(self, program: Program) -> tuple[str, str]:
        head = "from plyer import gps\nfrom acme.privacy import ask_consent, has_consent\n"
        a = head + "from .b import location_ok, " + ", ".join(f"helper_{i}" for i in range(HELPERS)) + "\n"
        for i, body in enumerate(program.mains):
            a += f"\n\ndef main_{i}():\n" + self.block(body, 1)
        b = head + "\n\ndef location_ok():\n    return has_consent(\"location\")\n"
        for i, body in enumerate(program.helpers):
            b += f"\n\ndef helper_{i}():\n" + self.block(body, 1)
        return a, b

    def check(self, check: str, negated: bool) -> str:
        if check in ("and", "or"):
            text = f'has_consent("location") {check} has_consent("contacts")'
            return f"not ({text})" if negated else text
        text = "location_ok()" if check == "helper" else f'has_consent("{check}")'
        return f"not {text}" if negated else text

    def block(self, body: list, depth: int) -> str:
        pad = "    " * depth
        out = ""
        for s in body:
            if isinstance(s, Collect):
                out += f"{pad}gps.start()\n"
            elif isinstance(s, Unrelated):
                out += f"{pad}unrelated_{s.number} = {s.number}\n"
            elif isinstance(s, Call):
                out += f"{pad}helper_{s.helper}()\n"
            elif isinstance(s, Return):
                out += f"{pad}return\n"
            elif isinstance(s, Guard):
                out += f"{pad}if {self.check(s.check, True)}:\n{pad}    return\n"
            elif isinstance(s, If):
                out += f"{pad}if {self.check(s.check, s.negated)}:\n" + self.block(s.body, depth + 1)
                if s.orelse:
                    out += f"{pad}else:\n" + self.block(s.orelse, depth + 1)
            elif isinstance(s, Callback):
                to = f'ask_consent("{s.request}", ' if s.request else "schedule("
                out += f"{pad}{to}lambda: {self.block(s.body, 0).strip()})\n"
        return out or f"{pad}pass\n"


class Braces:
    """Java, Kotlin, JavaScript and TypeScript: one syntax for these statements."""

    def __init__(self, language: str):
        self.language = language
        self.files = {"java": ("A.java", "B.java"), "kotlin": ("A.kt", "B.kt"),
                      "javascript": ("a.js", "b.js"), "typescript": ("a.ts", "b.ts")}[language]

    @property
    def jvm(self) -> bool:
        return self.language in ("java", "kotlin")

    def render(self, program: Program) -> tuple[str, str]:
        lang = self.language
        if lang == "java":
            head = "package com.acme.app;\n\nimport android.location.LocationManager;\nimport com.acme.privacy.Consent;\n\n"
            fn = lambda name, body: f"    static void {name}(LocationManager lm) {{\n{self.block(body, 2)}    }}\n"
            a = head + "class A {\n" + "".join(fn(f"main{i}", b) for i, b in enumerate(program.mains)) + "}\n"
            b = head + "class B {\n    static boolean locationOk() {\n        return Consent.isGranted(\"location\");\n    }\n"
            return a, b + "".join(fn(f"helper{i}", h) for i, h in enumerate(program.helpers)) + "}\n"
        if lang == "kotlin":
            head = "package com.acme.app\n\nimport android.location.LocationManager\nimport com.acme.privacy.Consent\n\n"
            fn = lambda name, body: f"    fun {name}(lm: LocationManager) {{\n{self.block(body, 2)}    }}\n"
            a = head + "class A {\n" + "".join(fn(f"main{i}", b) for i, b in enumerate(program.mains)) + "}\n"
            b = head + "object B {\n    fun locationOk(): Boolean = Consent.isGranted(\"location\")\n"
            return a, b + "".join(fn(f"helper{i}", h) for i, h in enumerate(program.helpers)) + "}\n"
        typed = ": void" if lang == "typescript" else ""
        head = 'import { askConsent, hasConsent } from "@acme/privacy";\n'
        names = ", ".join(["locationOk", *(f"helper{i}" for i in range(HELPERS))])
        a = head + f'import {{ {names} }} from "./b";\n'
        a += "".join(f"\nexport function main{i}(){typed} {{\n{self.block(b, 1)}}}\n" for i, b in enumerate(program.mains))
        b = head + f'\nexport function locationOk(){": boolean" if typed else ""} {{\n  return hasConsent("location");\n}}\n'
        b += "".join(f"\nexport function helper{i}(){typed} {{\n{self.block(h, 1)}}}\n" for i, h in enumerate(program.helpers))
        return a, b

    def check(self, check: str, negated: bool) -> str:
        one = (lambda c: f'Consent.isGranted("{c}")') if self.jvm else (lambda c: f'hasConsent("{c}")')
        if check in ("and", "or"):
            text = f"{one('location')} {'&&' if check == 'and' else '||'} {one('contacts')}"
            return f"!({text})" if negated else text
        text = ("B.locationOk()" if self.jvm else "locationOk()") if check == "helper" else one(check)
        return f"!{text}" if negated else text

    def block(self, body: list, depth: int) -> str:
        pad = ("    " if self.jvm else "  ") * depth
        end = "" if self.language == "kotlin" else ";"
        out = ""
        for s in body:
            if isinstance(s, Collect):
                call = 'lm.getLastKnownLocation("gps")' if self.jvm else "navigator.geolocation.getCurrentPosition(() => {})"
                out += f"{pad}{call}{end}\n"
            elif isinstance(s, Unrelated):
                decl = {"java": "int", "kotlin": "val"}.get(self.language, "const")
                out += f"{pad}{decl} unrelated{s.number}x{len(out)} = {s.number}{end}\n"
            elif isinstance(s, Call):
                out += f"{pad}{'B.' if self.jvm else ''}helper{s.helper}({'lm' if self.jvm else ''}){end}\n"
            elif isinstance(s, Return):
                out += f"{pad}return{end}\n"
            elif isinstance(s, Guard):
                out += f"{pad}if ({self.check(s.check, True)}) {{\n{pad}    return{end}\n{pad}}}\n"
            elif isinstance(s, If):
                out += f"{pad}if ({self.check(s.check, s.negated)}) {{\n" + self.block(s.body, depth + 1) + f"{pad}}}"
                if s.orelse:
                    out += " else {\n" + self.block(s.orelse, depth + 1) + f"{pad}}}"
                out += "\n"
            elif isinstance(s, Callback):
                inner = self.block(s.body, depth + 1)
                if s.request and self.language == "kotlin":
                    out += f'{pad}Consent.request("{s.request}") {{\n{inner}{pad}}}\n'
                elif s.request:
                    to = "Consent.request" if self.jvm else "askConsent"
                    arrow = "->" if self.jvm else "=>"
                    out += f'{pad}{to}("{s.request}", () {arrow} {{\n{inner}{pad}}}){end}\n'
                elif self.language == "java":
                    out += f"{pad}new Thread(() -> {{\n{inner}{pad}}}).start();\n"
                elif self.language == "kotlin":
                    out += f"{pad}Thread {{\n{inner}{pad}}}.start()\n"
                else:
                    out += f"{pad}setTimeout(() => {{\n{inner}{pad}}}, 0);\n"
        return out


RENDERERS = {"python": Python(), **{lang: Braces(lang) for lang in ("java", "kotlin", "javascript", "typescript")}}


# ------------------------------------------------------------------ running

def make_workspace(root: Path):
    """One project (manifest and engine) in ``root``; each program gets its own folder."""
    (root / "privacy-manifest.toml").write_text(MANIFEST)
    manifest = load_manifest(root / "privacy-manifest.toml")
    eng = engine.Engine(engine.Settings(str(root / "privacy-manifest.toml"), project_root=str(root)), manifest=manifest)
    return root, eng, itertools.count()


def make_reference(workspace):
    """The engine without its text prefilter (reference mode: every expression lowered)."""
    _, eng, _ = workspace
    return engine.Engine(replace(eng.settings, prefilter=False), catalog=eng.catalog, manifest=eng.manifest)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return make_workspace(tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module")
def reference(workspace):
    return make_reference(workspace)


def _write(workspace, language: str, program: Program, folder: Path | None = None) -> list[Path]:
    """The program's files, in a new folder (a package, for Python's relative
    import) or over the files in ``folder``."""
    root, _, counter = workspace
    if folder is None:
        folder = root / f"{language}{next(counter)}"
        folder.mkdir()
        (folder / "__init__.py").write_text("")
    paths = []
    for name, text in zip(RENDERERS[language].files, RENDERERS[language].render(program)):
        (folder / name).write_text(text)
        paths.append(folder / name)
    return paths


def _run(eng, files, jobs=1, context=()):
    return engine.run(eng, files, jobs, False, "privacy-manifest.toml", context=list(context))


def _key(findings):
    return sorted((f.path, f.line, f.column, f.code, f.message, f.fingerprint) for f in findings)


def _verdicts(findings):
    """The findings without their lines: a fingerprint leaves the line number
    out (and holds the code, path, function, category and the line's text)."""
    return sorted(f.fingerprint for f in findings)


@pytest.mark.parametrize("language", RENDERERS)
@SETTINGS
@given(program=PROGRAMS, choice=st.integers(0, 50), where=st.integers(0, 10))
def test_invariants_hold_for_generated_programs(workspace, reference, language, program, choice, where):
    check_program(workspace, reference, language, program, choice, where)


def check_program(workspace, reference, language: str, program: Program, choice: int, where: int) -> list[Path]:
    """The invariants for one program (benchmarks/fuzz.py runs the long
    campaign through here); its files."""
    _, eng, _ = workspace
    paths = _write(workspace, language, program)
    full = _run(eng, paths)
    # (a file over the time budget is PDC001 too: no hang goes unnoticed)
    assert [f for f in full.findings if f.code == "PDC001"] == [], "a generated program did not parse"
    assert len(full.collections) == _sites(program), "a collection site was missed or found twice"
    # the prefilter (shortcut mode) skips only what cannot matter
    assert _key(_run(reference, paths).findings) == _key(full.findings), "prefilter changed the findings"
    # a one-file scan (pre-commit, editors) == the full scan, for that file
    for i, path in enumerate(paths):
        alone = _run(eng, [path], context=[p for p in paths if p != path])
        shown = engine.display_path(path)
        assert _key(alone.findings) == _key(f for f in full.findings if f.path == shown), path.name
    # one more unrelated statement never changes a verdict
    changed = _with_unrelated(program, choice, where)
    _write(workspace, language, changed, paths[0].parent)  # the same paths: the same fingerprints
    assert _verdicts(_run(eng, paths).findings) == _verdicts(full.findings)
    return paths


@settings(SETTINGS, max_examples=max(2, EXAMPLES // 10))
@given(programs=st.lists(PROGRAMS, min_size=2, max_size=2))
def test_jobs_1_and_jobs_2_agree(workspace, programs):
    check_jobs(workspace, programs)


def check_jobs(workspace, programs: list[Program]) -> list[Path]:
    """Enough files for a pool of workers (engine.POOL_FROM_FILES)."""
    _, eng, _ = workspace
    paths = [p for language in RENDERERS for program in programs for p in _write(workspace, language, program)]
    assert len(paths) >= engine.POOL_FROM_FILES
    assert _key(_run(eng, paths, jobs=1).findings) == _key(_run(eng, paths, jobs=2).findings)
    return paths


def _outcome(result, paths):
    """Per file, in source order: whether each site is guarded, and the codes found."""
    shown = [engine.display_path(p) for p in paths]
    return [([c.guard is not None for c in result.collections if c.path == path],
             [f.code for f in result.findings if f.path == path]) for path in shown]


@SETTINGS
@given(program=PROGRAMS)
def test_the_languages_agree(workspace, program):
    _, eng, _ = workspace
    outcomes = {language: _outcome(_run(eng, paths), paths)
                for language in RENDERERS for paths in [_write(workspace, language, program)]}
    assert len({repr(o) for o in outcomes.values()}) == 1, outcomes
