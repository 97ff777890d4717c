"""Fixes (issue 17): the before/after cases of `fixtures/fixes/`, every fix
offered there applied alone, the libcst codemods in LibCST's codemod test
style, `--fix`/`--diff`/`--unsafe-fixes` on the demo app, and fixes in the
JSON and SARIF reports."""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from libcst.codemod import CodemodContext, CodemodTest

from conftest import FIXTURES, ROOT
from consentlint import cli, fixes
from consentlint.findings import APPLICABILITIES, DISPLAY_ONLY, SAFE, UNSAFE
from consentlint.fixes import noqa
from consentlint.fixes.python import GuardCollections
from consentlint.rules import RULES

CASES = sorted(p for p in (FIXTURES / "fixes").iterdir() if p.is_dir())
DEMO = FIXTURES / "demo-app"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))


def consentlint(*args, cwd: Path) -> tuple[int, str, str]:
    """The CLI in this process (many runs: no interpreter start for each)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["check", "--no-cache", *map(str, args)])
    return code, out.getvalue(), err.getvalue()


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text("utf-8") for p in sorted(folder.rglob("*")) if p.is_file()}


def flags(case: Path) -> list[str]:
    return ["--unsafe-fixes"] if case.name.startswith("unsafe-") else ["--fix"]


def copy(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def findings(cwd: Path) -> list[dict]:
    code, out, err = consentlint("--format", "json", "--exit-zero", cwd=cwd)
    assert code == 0, err
    return json.loads(out)["findings"]


# ------------------------------------------------------------------ the fixture cases


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fix_case(case: Path, tmp_path: Path):
    work = copy(case / "before", tmp_path)
    code, _, err = consentlint(*flags(case), "--quiet", cwd=work)
    assert code in (0, 1), err
    assert tree(work) == tree(case / "after")


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_diff_shows_the_same_changes_and_writes_nothing(case: Path, tmp_path: Path):
    work = copy(case / "before", tmp_path)
    code, out, _ = consentlint(*flags(case), "--diff", cwd=work)
    assert code == 1
    assert tree(work) == tree(case / "before")
    before, after = tree(case / "before"), tree(case / "after")
    expected = "".join("".join(difflib.unified_diff(before[name].splitlines(True), after[name].splitlines(True),
                                                    f"a/{name}", f"b/{name}"))
                       for name in sorted(before, key=lambda n: (n != "privacy-manifest.toml", n))
                       if before[name] != after[name])
    assert _by_file(out) == _by_file(expected)
    # and `after` is where fixing stops
    done = copy(case / "after", tmp_path / "after")
    assert consentlint(*flags(case), "--diff", cwd=done)[:2] == (0, "")


def _by_file(diff: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(r"^--- a/(\S+)\n(?:(?!--- a/).*\n?)*", diff, re.M)}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_every_fix_parses_and_removes_its_finding(case: Path, tmp_path: Path):
    """Each fix the JSON report offers (display-only ones too), applied alone
    through its edits, leaves a file that parses and no such finding."""
    before = case / "before"
    offered = [(f, fix) for f in findings(before) for fix in f["fixes"]]
    assert offered
    for n, (finding, fix) in enumerate(offered):
        work = copy(before, tmp_path / str(n))
        for path, edits in _group(fix["edits"]).items():
            target = work / path
            text = _apply(target.read_text("utf-8"), edits)
            assert fixes.parses(str(target), text), (fix["title"], text)
            target.write_text(text, "utf-8")
        key = lambda f: (f["code"], f["path"], f["message"])  # noqa: E731
        left = Counter(key(f) for f in findings(work))
        assert left[key(finding)] < Counter(key(f) for f in findings(before))[key(finding)], fix["title"]


def _group(edits):
    out = {}
    for e in edits:
        out.setdefault(e["path"], []).append(e)
    return out


def _apply(text: str, edits) -> str:
    """The JSON edits, applied independently of ``fixes``: (line, column) to
    (end_line, end_column), 1-based, end exclusive."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line, column):
        return starts[line - 1] + column - 1 if line <= len(lines) else len(text)

    for e in sorted(edits, key=lambda e: (e["line"], e["column"]), reverse=True):
        text = text[:offset(e["line"], e["column"])] + e["text"] + text[offset(e["end_line"], e["end_column"]):]
    return text


def test_edits_turn_the_old_text_into_the_new():
    """``fixes.edits`` (lines shared at both ends left out of the matching)
    over texts that repeat lines, insert at either end and mix line ends."""
    import random
    from dataclasses import asdict

    rng = random.Random(26)
    for _ in range(2000):
        old = [rng.choice(["ab", "a", "x", ""]) + rng.choice(["\n", "\r\n"]) for _ in range(rng.randint(0, 12))]
        new = list(old)
        for _ in range(rng.randint(1, 3)):
            op = rng.random()
            if op < 0.4 and new:
                new[rng.randrange(len(new))] = rng.choice("abxy") + "\n"
            elif op < 0.7:
                new.insert(rng.randint(0, len(new)), rng.choice("abxy") + "\n")
            elif new:
                del new[rng.randrange(len(new))]
        a, b = "".join(old), "".join(new)
        assert _apply(a, [asdict(e) for e in fixes.edits("p", a, b)]) == b, (a, b)


def test_a_fix_that_would_not_parse_is_not_written(tmp_path: Path, monkeypatch):
    case = FIXTURES / "fixes" / "safe-noqa"
    work = copy(case / "before", tmp_path)
    monkeypatch.setattr(noqa, "render", lambda text, path, actions: text + "\ndef broken(:\n" if path.endswith(".py")
                        else text + "\nfunction (\n")
    code, _, err = consentlint("--fix", cwd=work)
    assert "app/stores.py: not fixed: the fixed file would not parse" in err
    assert "web/map.ts: not fixed: the fixed file would not parse" in err
    after = tree(work)
    assert after["app/stores.py"] == tree(case / "before")["app/stores.py"]
    assert after["web/map.ts"] == tree(case / "before")["web/map.ts"]


# ------------------------------------------------------------------ the codemods


class TestGuardCollections(CodemodTest):
    TRANSFORM = GuardCollections
    CHECK = "app.privacy.has_consent"

    def guard(self, before, after, *targets, package=None):
        self.assertCodemod(before, after, [(line, column, category, self.CHECK) for line, column, category in targets],
                           package, context_override=CodemodContext())

    def test_wraps_a_statement_and_adds_the_import(self):
        self.guard("""
            from plyer import gps

            def track(x):
                x += 1
                gps.start()
                return x
        """, """
            from plyer import gps
            from app.privacy import has_consent

            def track(x):
                x += 1
                if has_consent("location.precise"):
                    gps.start()
                return x
        """, (5, 5, "location.precise"))

    def test_a_function_that_only_collects_returns_early_after_its_docstring(self):
        self.guard('''
            from app.privacy import has_consent
            from plyer import uniqueid

            def device_id():
                """The device's id."""
                return uniqueid.id
        ''', '''
            from app.privacy import has_consent
            from plyer import uniqueid

            def device_id():
                """The device's id."""
                if not has_consent("device.id"):
                    return
                return uniqueid.id
        ''', (6, 12, "device.id"))

    def test_an_assignment_keeps_its_name_defined(self):
        self.guard("""
            from app import privacy

            def view(request):
                phone = request.POST["phone"]  # the form's field
                return phone
        """, """
            from app import privacy

            def view(request):
                phone = request.POST["phone"] if privacy.has_consent("identity.phone") else None  # the form's field
                return phone
        """, (4, 13, "identity.phone"))

    def test_the_import_goes_after_the_docstring_and_future_imports(self):
        self.guard('''
            """Tracking."""
            from __future__ import annotations

            def track():
                gps.start()
        ''', '''
            """Tracking."""
            from __future__ import annotations
            from app.privacy import has_consent

            def track():
                if not has_consent("location"):
                    return
                gps.start()
        ''', (5, 5, "location"))

    def test_an_unpacking_assignment_is_wrapped(self):
        self.guard("""
            from app import privacy

            def view():
                lat, lon = gps.latest()
                return lat
        """, """
            from app import privacy

            def view():
                if privacy.has_consent("location"):
                    lat, lon = gps.latest()
                return lat
        """, (4, 16, "location"))

    def test_neighbours_share_a_guard_and_comments_stay_above_it(self):
        self.guard("""
            import app.privacy

            def run():
                print("hi")
                # start tracking
                gps.configure()
                gps.start()
                gps.stop()
        """, """
            import app.privacy

            def run():
                print("hi")
                # start tracking
                if app.privacy.has_consent("location"):
                    gps.configure()
                    gps.start()
                gps.stop()
        """, (6, 5, "location"), (7, 5, "location"))

    def test_two_categories_in_one_statement_need_both(self):
        self.guard("""
            from app.privacy import has_consent as ok

            def run():
                x = 1
                send(gps.latest(), uniqueid.id)
        """, """
            from app.privacy import has_consent as ok

            def run():
                x = 1
                if ok("device.id") and ok("location"):
                    send(gps.latest(), uniqueid.id)
        """, (5, 10, "location"), (5, 24, "device.id"))

    def test_relative_imports_resolve_from_the_package(self):
        self.guard("""
            from .. import privacy as consent

            def run():
                setup()
                gps.start()
        """, """
            from .. import privacy as consent

            def run():
                setup()
                if consent.has_consent("location"):
                    gps.start()
        """, (5, 5, "location"), package="app.web")

    def test_module_level_and_nested_statements(self):
        self.guard("""
            gps.start()

            class Tracker:
                def run(self):
                    for i in range(3):
                        gps.start()
                        i += 1
        """, """
            from app.privacy import has_consent

            if has_consent("location"):
                gps.start()

            class Tracker:
                def run(self):
                    for i in range(3):
                        if has_consent("location"):
                            gps.start()
                        i += 1
        """, (1, 1, "location"), (6, 13, "location"))

    def test_a_collection_in_a_decorator_or_an_elif_condition(self):
        # a def is never wrapped; an `elif` condition wraps the whole `if`
        self.guard("""
            @register(uniqueid.id)
            def handler():
                pass

            def pick(x):
                x = 2
                if x:
                    pass
                elif gps.latest():
                    pass
        """, """
            from app.privacy import has_consent

            @register(uniqueid.id)
            def handler():
                pass

            def pick(x):
                x = 2
                if has_consent("location"):
                    if x:
                        pass
                    elif gps.latest():
                        pass
        """, (1, 11, "device.id"), (9, 10, "location"))


# ------------------------------------------------------------------ the noqa writer


@pytest.mark.parametrize("path, before, actions, after", [
    ("a.py", "f()  # noqa: PDC201, PDC101 -- why\n", [("noqa.remove", 1, 22, "PDC101")], "f()  # noqa: PDC201 -- why\n"),
    ("a.py", "f()  # noqa: PDC201 -- why  # expect: PDC003\n", [("noqa.remove", 1, 14, "PDC201")],
     "f()  # expect: PDC003\n"),
    ("a.py", "f()  # noqa: PDC201 PDC101\n", [("noqa.remove", 1, 14, "PDC201"), ("noqa.remove", 1, 21, "PDC101")],
     "f()\n"),
    ("a.py", "f()  # noqa: E501, PDC201\n", [("noqa.remove", 1, 20, "PDC201")], "f()  # noqa: E501\n"),
    ("a.kt", "f() /* noqa: PDC201 */ + g()\r\n", [("noqa.remove", 1, 14, "PDC201")], "f() + g()\r\n"),
    ("a.js", "f(); // noqa: PDC101\n", [("noqa.add", 1, "PDC201")], "f(); // noqa: PDC101, PDC201\n"),
    ("a.js", "f();\n", [("noqa.add", 1, "PDC201")], "f();  // noqa: PDC201 -- TODO reason\n"),
    ("a.py", "x = f() + \\\n  g()\n", [("noqa.add", 1, "PDC201")], "x = f() + \\\n  g()\n"),
])
def test_noqa_writer(path, before, actions, after):
    assert noqa.render(before, path, actions) == after


# ------------------------------------------------------------------ the demo app


@pytest.fixture
def demo(tmp_path) -> Path:
    return copy(DEMO, tmp_path)


def _comments(text: str) -> list[str]:
    return [line[line.index("#"):] for line in text.splitlines() if "#" in line]


def test_demo_fix_declares_what_it_collects_and_keeps_the_manifest_comments(demo):
    original = (demo / "privacy-manifest.toml").read_text("utf-8")
    code, _, err = consentlint("--fix", cwd=demo)
    assert code == 1 and "consentlint: fixed 9 findings (4 more with --unsafe-fixes)" in err
    assert not [f for f in findings(demo) if f["code"] in ("PDC101", "PDC003")]
    manifest = (demo / "privacy-manifest.toml").read_text("utf-8")
    assert set(_comments(original)) <= set(_comments(manifest))
    assert manifest.startswith(original[:original.index("[[third_party]]")])  # order kept, entries added after
    assert '# collected at demo/views.py:10 (`request.POST`)\ncategory = "identity.phone"\npurposes = ["TODO"]\n' \
        in manifest
    assert consentlint("--fix", "--diff", cwd=demo)[:2] == (0, "")  # nothing safe is left


def test_demo_diff_shows_the_edits_of_fix_and_writes_nothing(demo, tmp_path):
    before = tree(demo)
    code, diff, _ = consentlint("--diff", cwd=demo)
    assert code == 1 and tree(demo) == before
    fixed = copy(DEMO, tmp_path / "fixed")
    consentlint("--fix", cwd=fixed)
    after = tree(fixed)
    changed = [name for name in before if before[name] != after[name]]
    assert changed == ["privacy-manifest.toml"]
    assert diff == "".join(difflib.unified_diff(before[changed[0]].splitlines(True), after[changed[0]].splitlines(True),
                                                f"a/{changed[0]}", f"b/{changed[0]}"))


def test_demo_unsafe_fixes_guard_the_python_collections(demo):
    consentlint("--unsafe-fixes", cwd=demo)
    code, out, _ = consentlint("--format", "json", cwd=demo)
    doc = json.loads(out)
    python = [c for c in doc["collections"] if c["path"].endswith(".py") and c["needs_consent"]]
    # (all but the one a check for another category guards: PDC202, which no fix touches)
    assert [(c["path"], c["line"]) for c in python if not c["guarded"]] == [("demo/views.py", 25)]
    fixed = [c for c in python if c["guard"] and c["guard"]["api"] == "demo.privacy.has_consent"
             and c["guard"]["category"] == c["category"]]
    assert {(c["path"], c["category"]) for c in fixed} == {
        ("demo/tracking.py", "location.precise"), ("demo/tracking.py", "device.id"), ("demo/views.py", "identity.phone")}
    assert not [f for f in doc["findings"] if f["code"] in ("PDC101", "PDC102", "PDC201") and f["path"].endswith(".py")]
    tracking = (demo / "demo" / "tracking.py").read_text("utf-8")
    assert 'def install_id():\n    if not privacy.has_consent("device.id"):\n        return\n' in tracking


# ------------------------------------------------------------------ reports and rules


def test_json_findings_carry_their_fixes(demo):
    by = {(f["path"], f["line"], f["code"]): f for f in findings(demo)}
    declare = by[("demo/views.py", 10, "PDC101")]["fix"]
    assert declare["applicability"] == SAFE and declare["title"] == "Declare identity.phone in the manifest"
    assert [(e["path"], e["line"], e["column"]) for e in declare["edits"]] == [("privacy-manifest.toml", 36, 1)]
    guard = by[("demo/views.py", 10, "PDC201")]
    assert [f["applicability"] for f in guard["fixes"]] == [UNSAFE, DISPLAY_ONLY] and guard["fix"] == guard["fixes"][0]
    assert guard["fix"]["edits"] == [{"path": "demo/views.py", "line": 10, "column": 39, "end_line": 10,
                                      "end_column": 39, "text": 'if has_consent("identity.phone") else None '}]
    kotlin = by[("android/app/src/main/java/com/demo/shop/StoreLocatorActivity.kt", 44, "PDC201")]
    assert [f["applicability"] for f in kotlin["fixes"]] == [DISPLAY_ONLY]
    assert kotlin["fix"]["edits"][0]["text"] == "  // noqa: PDC201 -- TODO reason"
    assert by[("privacy-manifest.toml", 33, "PDC102")]["fix"]["applicability"] == UNSAFE
    assert by[("privacy-manifest.toml", 54, "PDC302")]["fix"] is None


def test_sarif_fixes_validate(demo):
    code, out, _ = consentlint("--format", "sarif", cwd=demo)
    doc = json.loads(out)
    errors = list(Draft4Validator(SARIF_SCHEMA).iter_errors(doc))
    assert not errors, errors[:3]
    with_fixes = [r for r in doc["runs"][0]["results"] if r.get("fixes")]
    assert {r["ruleId"] for r in with_fixes} == {"PDC101", "PDC102", "PDC201"}
    change = with_fixes[0]["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uriBaseId"] == "%SRCROOT%" and change["replacements"][0]["insertedContent"]


def test_rules_say_whether_they_fix(capsys):
    for code, module in RULES.items():
        assert set(getattr(module, "FIXES", ())) <= set(APPLICABILITIES)
    assert cli.main(["rule"]) == 0
    listing = capsys.readouterr().out
    assert re.search(r"^PDC101 .* \[fix: safe\]$", listing, re.M)
    assert re.search(r"^PDC201 .* \[fix: unsafe, display-only\]$", listing, re.M)
    assert re.search(r"^PDC301 .*[^\]]$", listing, re.M)
    assert cli.main(["rule", "PDC102"]) == 0
    assert "Fix: unsafe." in capsys.readouterr().out


def test_the_checks_own_module_calls_it_without_an_import(tmp_path):
    from consentlint.fixes import python

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    before = "def has_consent(c):\n    return False\n\n\ndef latest():\n    return gps.latest()\n"
    after = python.render(before, str(tmp_path / "app" / "privacy.py"), [("python.guard", 6, 12, "location", "app.privacy.has_consent")])
    assert after == before.replace("def latest():\n", 'def latest():\n    if not has_consent("location"):\n        return\n')
