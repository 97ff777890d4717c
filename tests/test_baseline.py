"""--write-baseline / --baseline: known findings are matched by fingerprint
(no line numbers), so they stay known when lines move; only new ones count."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import manifest_of

MANIFEST = manifest_of("location")
PY = "from plyer import gps\n\n\ndef track():\n    gps.start()\n"
JAVA = ("import android.location.LocationManager;\n\nclass T {\n    LocationManager lm;\n\n"
        "    void t() {\n        lm.getLastKnownLocation(\"gps\");\n    }\n}\n")


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "consentlint", "check", *args], cwd=cwd,
                          capture_output=True, text=True)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "privacy-manifest.toml").write_text(MANIFEST)
    (tmp_path / "track.py").write_text(PY)
    (tmp_path / "T.java").write_text(JAVA)
    return tmp_path


def test_write_baseline_then_only_new_findings_count(project):
    before = json.loads(run("--format", "json", cwd=project).stdout)["findings"]
    assert [(f["path"], f["code"]) for f in before] == [("T.java", "PDC201"), ("track.py", "PDC201")]

    written = run("--write-baseline", ".consentlint-baseline.json", cwd=project)
    assert written.returncode == 0 and written.stdout == ""
    doc = json.loads((project / ".consentlint-baseline.json").read_text())
    assert doc == {"version": 1, "findings": [
        {"path": f["path"], "code": f["code"], "fingerprint": f["fingerprint"], "message": f["message"]}
        for f in before]}

    clean = run("--baseline", ".consentlint-baseline.json", cwd=project)
    assert clean.returncode == 0, clean.stdout
    assert clean.stdout == "All clear: 2 files checked (2 in the baseline).\n"

    # unrelated edits above the known findings: still known
    (project / "track.py").write_text("# a new header\nimport os\n\n" + PY.replace("def track", "X = 1\n\n\ndef track"))
    (project / "T.java").write_text("// licence\n\n" + JAVA.replace("    void t() {", "    int n;\n\n    void t() {"))
    assert run("--baseline", ".consentlint-baseline.json", cwd=project).returncode == 0

    # a new unguarded call: exit 1 with only that one
    with (project / "track.py").open("a") as handle:
        handle.write("\n\ndef follow():\n    gps.start()\n")
    proc = run("--baseline", ".consentlint-baseline.json", cwd=project)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "track.py:15:9: PDC201 `gps.start` collects location.precise on a path that no consent check for it guards",
        "Found 1 finding (1 error) in 2 files (2 in the baseline).",
    ]
    new = json.loads(run("--baseline", ".consentlint-baseline.json", "--format", "json", cwd=project).stdout)
    assert [(f["path"], f["line"]) for f in new["findings"]] == [("track.py", 15)]


@pytest.mark.parametrize("content", ["not json", '{"findings": [{"code": 1}]}', "[]"])
def test_bad_baseline_is_exit_2(project, content):
    (project / "b.json").write_text(content)
    proc = run("--baseline", "b.json", cwd=project)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("consentlint: error: --baseline b.json: not a consentlint baseline")
    missing = run("--baseline", "nope.json", cwd=project)
    assert missing.returncode == 2 and missing.stderr.startswith("consentlint: error: --baseline nope.json:")


@pytest.mark.parametrize("data, problem", [
    ('{"version": 1,\n "findings": ["caf\xe9"]}\n'.encode("latin-1"), "2: not a consentlint baseline: not UTF-8 (byte 0xe9 at column 19)"),
    ('{"version": 1, "findings": []}\n'.encode("utf-16"), "1: not a consentlint baseline: UTF-16, not UTF-8"),
])
def test_a_baseline_that_is_not_utf8_names_a_line(project, data, problem):
    """The error named a codec's byte offset ('position 30') (issue 12, item 5)."""
    (project / "b.json").write_bytes(data)
    proc = run("--baseline", "b.json", cwd=project)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"consentlint: error: --baseline b.json:{problem}\n"
