"""SARIF with code flows passes the Microsoft SARIF Multitool's validator
(its schema checks and SARIF1xxx rules: no error, no warning). Runs only
where the Multitool is installed (``SARIF_MULTITOOL`` names its binary, or
``sarif-multitool`` is on PATH: ``npm i @microsoft/sarif-multitool``); CI
does not download it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import FIXTURES

MULTITOOL = os.environ.get("SARIF_MULTITOOL") or shutil.which("sarif-multitool")

pytestmark = pytest.mark.skipif(not MULTITOOL, reason="the SARIF Multitool is not installed")


def test_code_flows_pass_the_multitool(tmp_path):
    project = FIXTURES / "projects" / "flows-across-files"
    log = tmp_path / "flows.sarif"
    subprocess.run([sys.executable, "-m", "consentlint", "check", ".", "--format", "sarif", "--exit-zero",
                    "--no-cache", "-o", str(log)], cwd=project, check=True, capture_output=True)
    assert any(r.get("codeFlows") for r in json.loads(log.read_text())["runs"][0]["results"])
    out = tmp_path / "validation.sarif"
    proc = subprocess.run([MULTITOOL, "validate", str(log), "--level", "Error;Warning", "-o", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads(out.read_text())["runs"][0].get("results", [])
    problems = [(r["ruleId"], r.get("level"), r["message"].get("arguments")) for r in results
                if r.get("level", "warning") in ("error", "warning")]
    assert not problems, problems
