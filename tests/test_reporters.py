"""Every reporter's output of the demo app, byte for byte: one snapshot per
format of ``check``, ``inventory`` and ``export`` in ``tests/snapshots/``
(SARIF's, ``demo-app.sarif``, is checked in test_sarif.py). The version is
written as ``<version>``; paths are relative and no format has a timestamp.
After a deliberate change, refresh them with ``pytest --update-snapshots``
(or ``CONSENTLINT_UPDATE_SNAPSHOTS=1``) and read the diff."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from conftest import ROOT, SNAPSHOTS, check_snapshot
from consentlint import __version__, cli
from consentlint.report import FORMATS, inventory

SUFFIXES = {"text": "txt", "json": "json", "github": "txt", "junit": "xml", "gitlab": "json", "markdown": "md",
            "html": "html", "play-data-safety": "csv", "xcprivacy": "xcprivacy", "fideslang": "yml"}
CASES = [*(("check", f) for f in FORMATS if f != "sarif"), *(("inventory", f) for f in inventory.FORMATS),
         *(("export", f) for f in cli.EXPORTS)]


@cache
def _report(fmt: str, command: str = "check") -> str:
    extra = ["--color", "never", "--exit-zero"] if fmt == "text" and command == "check" else \
        ["--exit-zero"] if command == "check" else []
    proc = subprocess.run([sys.executable, "-m", "consentlint", command, "fixtures/demo-app", "--no-cache",
                           "--format", fmt, *extra],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.replace(__version__, "<version>")


@pytest.mark.parametrize("command, fmt", CASES)
def test_demo_app_snapshot(request, command, fmt):
    snapshot = SNAPSHOTS / f"demo-app.{'' if command == 'check' else command + '.'}{fmt}.{SUFFIXES[fmt]}"
    check_snapshot(request.config, snapshot, _report(fmt, command), f"{command} --format {fmt} of the demo app")


def test_every_reporter_has_a_snapshot():
    """A reporter module without a format above (so without a snapshot) is a mistake."""
    modules = {p.stem for p in (ROOT / "src" / "consentlint" / "report").glob("*.py")} - {"__init__"}
    covered = {"sarif", *(fmt.replace("-", "_") for command, fmt in CASES if command != "inventory"), "inventory"}
    assert modules == covered
    assert {p.name for p in SNAPSHOTS.iterdir()} == \
        {"demo-app.sarif", *(f"demo-app.{'' if c == 'check' else c + '.'}{f}.{SUFFIXES[f]}" for c, f in CASES)}


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
