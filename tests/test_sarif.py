"""SARIF output: valid against the official 2.1.0 schema (vendored in
tests/data), fit for GitHub code scanning (rules with help, relative URIs from
%SRCROOT%, line-free fingerprints, suppressions, tool notifications), and
byte-stable (a snapshot of the demo app, ``tests/snapshots/demo-app.sarif``;
refresh it with ``pytest --update-snapshots`` after a deliberate change)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from conftest import FIXTURES, ROOT, SNAPSHOTS, check_snapshot
from consentlint import __version__
from consentlint.engine import RunResult
from consentlint.findings import Finding
from consentlint.report import sarif
from consentlint.rules import RULES, docs, summary

DATA = ROOT / "tests" / "data"
SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text("utf-8"))
SNAPSHOT = SNAPSHOTS / "demo-app.sarif"


def validate(doc) -> None:
    errors = sorted(Draft4Validator(SCHEMA).iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "consentlint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("sarif") / "demo-app"
    shutil.copytree(FIXTURES / "demo-app", target)
    return target


@pytest.fixture(scope="module")
def demo_sarif(demo) -> dict:
    proc = cli("check", "--format", "sarif", "--output", "out.sarif", cwd=demo)
    assert proc.returncode == 1 and proc.stdout == "" and proc.stderr == "", proc
    return json.loads((demo / "out.sarif").read_text("utf-8"))


def test_demo_app_sarif_is_valid_against_the_official_schema(demo_sarif):
    validate(demo_sarif)
    assert demo_sarif["version"] == "2.1.0"
    assert demo_sarif["$schema"].endswith("sarif-schema-2.1.0.json")


def test_demo_app_snapshot(request, demo_sarif, demo):
    doc = json.loads(json.dumps(demo_sarif))
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["version"] == driver["semanticVersion"] == __version__
    driver["version"] = driver["semanticVersion"] = "<version>"
    base = doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]
    assert base["uri"] == demo.resolve().as_uri() + "/"
    base["uri"] = "file:///SRCROOT/"
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    check_snapshot(request.config, SNAPSHOT, text, "SARIF of the demo app")


def test_every_rule_is_described_from_its_docstring(demo_sarif):
    run = demo_sarif["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "consentlint" and driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == sorted(RULES)
    for described in driver["rules"]:
        module = RULES[described["id"]]
        assert described["name"] == module.NAME
        assert described["shortDescription"]["text"] == summary(module)
        assert described["fullDescription"]["text"] == docs(module)["what it does"]
        assert module.__doc__.strip() in described["help"]["markdown"]
        assert described["help"]["text"] == module.__doc__.strip()
        assert described["helpUri"].startswith("https://")
        assert described["defaultConfiguration"]["level"] == module.SEVERITY
        assert "privacy" in described["properties"]["tags"]


def test_results_match_the_json_report(demo_sarif, demo):
    run = demo_sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"] == [{"executionSuccessful": True}]
    findings = json.loads(cli("check", "--format", "json", cwd=demo).stdout)["findings"]
    assert len(run["results"]) == len(findings)
    for result, finding in zip(run["results"], findings):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding["code"]
        assert result["level"] == finding["severity"]
        assert result["message"]["text"] == finding["message"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": finding["path"], "uriBaseId": "%SRCROOT%"}
        assert location["region"] == {"startLine": finding["line"], "startColumn": finding["column"],
                                      "endLine": finding["end_line"], "endColumn": finding["end_column"]}
        assert result["partialFingerprints"] == {"consentlint/v1": finding["fingerprint"]}
        assert "suppressions" not in result


def test_fingerprints_survive_lines_moving(demo, tmp_path):
    moved = tmp_path / "demo-app"
    shutil.copytree(demo, moved)
    tracking = moved / "demo" / "tracking.py"
    tracking.write_text("# a new first line\n\n" + tracking.read_text("utf-8"), "utf-8")

    def results(cwd):
        cli("check", "--format", "sarif", "--output", "out.sarif", cwd=cwd)
        doc = json.loads((cwd / "out.sarif").read_text("utf-8"))
        return [r for r in doc["runs"][0]["results"]
                if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "demo/tracking.py"]

    before, after = results(demo), results(moved)
    assert before and [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] + 2 for r in before] == \
           [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after]


def _finding(path, line, code="PDC201", severity="error", message="`gps.start` collects location.precise",
             end_line=None, column=5, end_column=14, fingerprint="f" * 32 + ":0"):
    return Finding(path, line, column, end_line or line, end_column, code, severity, message,
                   category="location.precise", api="plyer.gps.start", catalog_id="plyer-gps",
                   fingerprint=fingerprint)


def test_suppressions_notifications_and_uris(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    outside = str(tmp_path.parent / "elsewhere" / "x.py")
    run = RunResult(
        findings=[
            _finding("app/b.py", 3),
            _finding("app/a dir/é.py", 7, end_line=9, end_column=2),
            _finding(outside, 1),
            _finding("app/broken.py", 2, code="PDC001", severity="warning", message="syntax error",
                     column=1, end_column=1),
        ],
        errors=[("app/broken.py", "syntax error"), ("app/gone", "cannot read directory")],
        suppressed=[(_finding("app/b.py", 1), "collected only in the debug build"),
                    (_finding("app/b.py", 2, code="PDC101"), None)],
    )
    doc = json.loads(sarif.render(run))
    validate(doc)
    sarif_run = doc["runs"][0]
    assert sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    results = sarif_run["results"]
    where = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results]
    assert where == [(Path(outside).as_uri(), 1), ("app/a%20dir/%C3%A9.py", 7), ("app/b.py", 1),
                     ("app/b.py", 2), ("app/b.py", 3), ("app/broken.py", 2)]  # sorted by path as given
    assert "uriBaseId" not in results.pop(0)["locations"][0]["physicalLocation"]["artifactLocation"]
    assert results[0]["locations"][0]["physicalLocation"]["region"] == \
        {"startLine": 7, "startColumn": 5, "endLine": 9, "endColumn": 2}
    assert results[1]["suppressions"] == [{"kind": "inSource", "justification": "collected only in the debug build"}]
    assert results[2]["suppressions"] == [{"kind": "inSource"}] and results[2]["ruleId"] == "PDC101"
    assert all("suppressions" not in r for r in results[3:])
    assert [r["level"] for r in results[3:]] == ["error", "warning"]
    notifications = sarif_run["invocations"][0]["toolExecutionNotifications"]
    assert sarif_run["invocations"][0]["executionSuccessful"] is True
    pdc001 = sorted(RULES).index("PDC001")
    assert [(n["message"]["text"], n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             n["associatedRule"], n["level"]) for n in notifications] == [
        ("syntax error", "app/broken.py", {"id": "PDC001", "index": pdc001}, "warning"),
        ("cannot read directory", "app/gone", {"id": "PDC001", "index": pdc001}, "warning"),
    ]


def test_output_is_deterministic_and_has_no_timestamps(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    findings = [_finding("b.py", 2), _finding("a.py", 9), _finding("a.py", 1)]
    one = sarif.render(RunResult(findings=findings))
    two = sarif.render(RunResult(findings=list(reversed(findings))))
    assert one == two
    assert not re.search(r'"(startTimeUtc|endTimeUtc|timeUtc)"', one)
    empty = json.loads(sarif.render(RunResult()))
    validate(empty)
    assert empty["runs"][0]["results"] == []


def test_noqa_suppressions_through_the_cli(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "track.py").write_text(
        "from plyer import gps\n\n"
        "def a():\n    gps.start()  # noqa: PDC201 -- only in the debug build\n\n"
        "def b():\n    gps.start()  # noqa: PDC201\n\n"
        "def c():\n    gps.start()\n", "utf-8")
    (tmp_path / "privacy-manifest.toml").write_text(
        '[policy]\nurl = "https://example.com/privacy"\n\n'
        '[[data]]\ncategory = "location.precise"\npurposes = ["navigation"]\n', "utf-8")
    proc = cli("check", "--format", "sarif", cwd=tmp_path)
    assert proc.returncode == 1, proc
    doc = json.loads(proc.stdout)
    validate(doc)
    results = [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"], r.get("suppressions"))
               for r in doc["runs"][0]["results"]]
    assert results == [
        ("PDC201", 4, [{"kind": "inSource", "justification": "only in the debug build"}]),
        ("PDC201", 7, [{"kind": "inSource"}]),
        ("PDC201", 10, None),
    ]
