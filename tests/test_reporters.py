"""Every reporter's output of the demo app, byte for byte (snapshots in
``tests/data/snapshots/``; SARIF's is ``tests/data/demo-app.sarif``, see
test_sarif.py). Refresh with CONSENTLINT_UPDATE_SNAPSHOTS=1 after a
deliberate change, and read the diff."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from consentlint import __version__

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = Path(__file__).resolve().parent / "data" / "snapshots"


def _report(fmt: str, command: str = "check") -> str:
    extra = ["--color", "never", "--exit-zero"] if fmt == "text" and command == "check" else \
        ["--exit-zero"] if command == "check" else []
    proc = subprocess.run([sys.executable, "-m", "consentlint", command, "fixtures/demo-app", "--no-cache",
                           "--format", fmt, *extra],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.replace(__version__, "<version>")


@pytest.mark.parametrize("command, fmt, suffix", [
    ("check", "text", "txt"), ("check", "json", "json"), ("check", "github", "txt"), ("check", "junit", "xml"),
    ("check", "gitlab", "json"), ("inventory", "text", "txt"), ("inventory", "markdown", "md"),
    ("inventory", "json", "json"), ("inventory", "html", "html"), ("export", "play-data-safety", "csv"),
    ("export", "xcprivacy", "xcprivacy"), ("export", "fideslang", "yml")])
def test_demo_app_snapshot(command, fmt, suffix):
    text = _report(fmt, command)
    snapshot = SNAPSHOTS / f"demo-app.{'' if command == 'check' else command + '.'}{fmt}.{suffix}"
    if os.environ.get("CONSENTLINT_UPDATE_SNAPSHOTS"):
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(text, "utf-8")
    assert text == snapshot.read_text("utf-8"), \
        f"{command} --format {fmt} of the demo app changed; if intended, rerun with CONSENTLINT_UPDATE_SNAPSHOTS=1"


def test_junit_counts_every_finding_as_a_failed_case():
    found = json.loads(_report("json"))["findings"]
    root = ET.fromstring(_report("junit"))
    cases = root.findall("./testsuite/testcase")
    assert int(root.get("tests")) == int(root.get("failures")) == len(cases) == len(found)
    assert {c.find("failure").get("type") for c in cases} == {f["code"] for f in found}


def test_junit_of_a_clean_run_is_one_passed_case(tmp_path):
    (tmp_path / "privacy-manifest.toml").write_text('[policy]\nurl = "https://example.com/p"\n', "utf-8")
    (tmp_path / "app.py").write_text("print('hello')\n", "utf-8")
    out = subprocess.run([sys.executable, "-m", "consentlint", "check", ".", "--no-cache", "--format", "junit"],
                         cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    root = ET.fromstring(out.stdout)
    (case,) = root.findall("./testsuite/testcase")
    assert root.get("failures") == "0" and case.find("failure") is None and case.get("name") == "1 file checked"


def test_gitlab_issues_have_unique_fingerprints_and_gitlab_severities():
    issues = json.loads(_report("gitlab"))
    assert len({i["fingerprint"] for i in issues}) == len(issues) > 0
    assert {i["severity"] for i in issues} <= {"info", "minor", "major", "critical", "blocker"}
    for i in issues:
        assert set(i) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert i["location"]["positions"]["begin"]["line"] >= 1
