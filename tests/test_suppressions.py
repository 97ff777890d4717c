"""Inline `noqa` suppressions through the CLI (the per-language grammar is in
fixtures/*/pdc003_suppressions.*): --report-suppressions in text and JSON,
worker processes, the manifest's own `# noqa`, and flake8 keeping its own noqa."""

from __future__ import annotations

import json
import subprocess
import sys

from consentlint.suppressions import scan

SOURCE = ("from plyer import gps\n\n\ndef f():\n"
          "    gps.start()  # noqa: PDC201 -- the user opted in on the previous screen\n"
          "    gps.start()  # noqa: PDC201\n"
          "    x = 1  # noqa: PDC201\n"
          "    gps.start()  # noqa\n")
MANIFEST = ('[[data]]\ncategory = "location"\n\n'
            '[[data]]\ncategory = "contacts"  # noqa: PDC102 -- SDK arrives next release\n')


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "consentlint", *args], cwd=cwd, capture_output=True, text=True)


def test_scan_grammar():
    found = scan('a()  // noqa: PDC201, PDC101 -- why not // ok: PDC201\nb() /* NOQA:pdc202 */\n'
                 'c()  // noqa: E501\n', "javascript")
    assert [(s.line, s.column, s.code, s.reason) for line in found.values() for s in line] == [
        (1, 15, "PDC201", "why not"), (1, 23, "PDC101", "why not"), (2, 13, "PDC202", None)]
    assert scan("a()  # noqa: PDC201\n", "java") == {}  # '#' is not a comment there
    assert scan("a()  // noqa: PDC201\n", "python") == {}


def test_report_suppressions_text_and_json(tmp_path):
    (tmp_path / "privacy-manifest.toml").write_text(MANIFEST)
    (tmp_path / "app.py").write_text(SOURCE)
    proc = run("check", "app.py", cwd=tmp_path)
    assert proc.returncode == 1 and proc.stderr == ""
    assert proc.stdout.splitlines() == [
        "app.py:7:20: PDC003 `noqa: PDC201` suppresses nothing on this line",
        "app.py:8:9: PDC201 `gps.start` collects location.precise on a path that no consent check for it guards",
        "Found 2 findings (1 error, 1 warning) in 1 file (2 suppressed).",
    ]
    reported = run("check", "app.py", "--report-suppressions", cwd=tmp_path).stdout.splitlines()
    assert reported[2:4] == ["app.py:5:9: PDC201 suppressed -- the user opted in on the previous screen",
                             "app.py:6:9: PDC201 suppressed"]
    doc = json.loads(run("check", "app.py", "--format", "json", "--report-suppressions", cwd=tmp_path).stdout)
    assert [(s["line"], s["code"], s["reason"]) for s in doc["suppressions"]] == [
        (5, "PDC201", "the user opted in on the previous screen"), (6, "PDC201", None)]
    assert all(s["fingerprint"] for s in doc["suppressions"])
    assert "suppressions" not in json.loads(run("check", "app.py", "--format", "json", cwd=tmp_path).stdout)
    # --ignore PDC003 keeps stale suppressions quiet; an error remains
    assert "PDC003" not in run("check", "app.py", "--ignore", "PDC003", cwd=tmp_path).stdout


def test_suppressions_in_worker_processes_and_the_manifest(tmp_path):
    (tmp_path / "privacy-manifest.toml").write_text(MANIFEST)
    for i in range(20):
        (tmp_path / f"m{i:02}.py").write_text(SOURCE)
    one = run("check", ".", "--format", "json", "--report-suppressions", "--jobs", "1", cwd=tmp_path).stdout
    four = run("check", ".", "--format", "json", "--report-suppressions", "--jobs", "4", cwd=tmp_path).stdout
    assert one == four
    doc = json.loads(one)
    assert len(doc["suppressions"]) == 41
    assert {"path": "privacy-manifest.toml", "line": 5, "code": "PDC102",
            "reason": "SDK arrives next release"}.items() <= next(
        s for s in doc["suppressions"] if s["code"] == "PDC102").items()
    assert not [f for f in doc["findings"] if f["code"] == "PDC102"]


def test_flake8_keeps_its_own_noqa_and_never_reports_pdc003(tmp_path):
    (tmp_path / "privacy-manifest.toml").write_text(MANIFEST)
    (tmp_path / "app.py").write_text(SOURCE)
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "PDC", "app.py"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert proc.stdout == ""  # flake8's blanket `# noqa` silences line 8 too; no PDC003
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "PDC", "--disable-noqa", "app.py"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert [line.split(":")[1] for line in proc.stdout.splitlines()] == ["5", "6", "8"]
    assert "PDC003" not in proc.stdout
