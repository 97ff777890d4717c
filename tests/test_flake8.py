"""The flake8 plugin through flake8's real command line: the CLI's findings
for .py files at the same line and column, flake8's own noqa, selection,
per-file-ignores and config files, and no exit from inside flake8."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES

pytest.importorskip("flake8")


def flake8(*args, cwd):
    return subprocess.run([sys.executable, "-m", "flake8", *map(str, args)], cwd=cwd, capture_output=True, text=True)


def cli_findings(path: Path, cwd: Path) -> set:
    out = subprocess.run([sys.executable, "-m", "consentlint", "check", "--format", "json", "--exit-zero", str(path)],
                         cwd=cwd, capture_output=True, text=True).stdout
    return {(f["path"], f["line"], f["column"], f["code"]) for f in json.loads(out)["findings"]
            if f["path"].endswith(".py") and f["code"] != "PDC001"}


def parse(output: str) -> set:
    rows = set()
    for line in output.splitlines():
        path, lineno, col, rest = line.split(":", 3)
        rows.add((path.removeprefix("./"), int(lineno), int(col), rest.split()[0]))
    return rows


@pytest.mark.parametrize("target", ["demo-app", "python", "projects/python-helpers"])
def test_same_findings_as_the_cli(tmp_path, target):
    """Also where helpers and callers in other files guard a call: the plugin
    judges each file over the whole project, as the CLI does."""
    shutil.copytree(FIXTURES / target, tmp_path / target)
    for broken in (tmp_path / target).glob("pdc001_*.py"):
        broken.unlink()  # syntax errors are flake8's own E999
    for noqa in (tmp_path / target).glob("pdc003_*.py"):
        noqa.unlink()  # so is noqa (blanket noqa, no PDC003): tests/test_suppressions.py
    cwd = tmp_path / target
    proc = flake8("--select", "PDC", ".", cwd=cwd)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert parse(proc.stdout) == cli_findings(Path("."), cwd)


def test_noqa_select_per_file_ignores_and_config(tmp_path):
    (tmp_path / "privacy-manifest.toml").write_text('[[data]]\ncategory = "location"\n')
    (tmp_path / "a.py").write_text("from plyer import gps\n\ngps.start()  # noqa: PDC201\ngps.configure(on_location=print)\n")
    (tmp_path / "b.py").write_text("from plyer import gps\n\ngps.start()\n")
    out = parse(flake8("--select", "PDC", ".", cwd=tmp_path).stdout)
    assert out == {("a.py", 4, 5, "PDC201"), ("b.py", 3, 5, "PDC201")}
    out = parse(flake8("--select", "PDC", "--extend-ignore", "PDC201", ".", cwd=tmp_path).stdout)
    assert out == set()
    (tmp_path / ".flake8").write_text("[flake8]\nselect = PDC\nper-file-ignores =\n    b.py: PDC201\n")
    assert parse(flake8(".", cwd=tmp_path).stdout) == {("a.py", 4, 5, "PDC201")}


def test_manifest_option_and_broken_manifest(tmp_path):
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "m.toml").write_text('[[data]]\ncategory = "contacts"\n')
    (tmp_path / "a.py").write_text("from plyer import gps\n\ngps.start()\n")
    out = parse(flake8("--select", "PDC", "--pdc-manifest", "policy/m.toml", "a.py", cwd=tmp_path).stdout)
    assert out == {("a.py", 3, 5, "PDC101"), ("a.py", 3, 5, "PDC201")}
    (tmp_path / ".flake8").write_text("[flake8]\nselect = PDC\npdc-manifest = policy/m.toml\n")
    assert parse(flake8("a.py", cwd=tmp_path).stdout) == out
    (tmp_path / "policy" / "m.toml").write_text("[[data]]\ncategory = 12\n")
    proc = flake8("a.py", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "PDC002 invalid manifest:" in proc.stdout and "key data[0].category" in proc.stdout


def test_internal_errors_become_one_diagnostic_and_never_abort_flake8(tmp_path):
    """A deep manifest made flake8 exit 1 with no output; any other internal
    error of the plugin is one PDC001 at line 1 and flake8 carries on."""
    (tmp_path / "privacy-manifest.toml").write_text("a = " + "[" * 500 + "]" * 500 + "\n")
    (tmp_path / "a.py").write_text("from plyer import gps\n\ngps.start()\n")
    (tmp_path / "b.py").write_text("import os\n")
    proc = flake8("--select", "PDC,F", "a.py", "b.py", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "a.py:1:1: PDC002 invalid manifest: " in proc.stdout and "nested too deeply" in proc.stdout
    assert "b.py:1:1: F401" in proc.stdout
    (tmp_path / "privacy-manifest.toml").write_text('[[data]]\ncategory = "location"\n')
    boom = ("import sys\nfrom consentlint import engine\nfrom flake8.main import cli\n"
            "def boom(*args, **kwargs):\n    raise ValueError('boom')\n"
            "engine.Engine.judge = boom\nsys.exit(cli.main(sys.argv[1:]))\n")
    proc = subprocess.run([sys.executable, "-c", boom, "--select", "PDC,F", "-j", "1", "a.py", "b.py"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout.splitlines() == [
        "a.py:1:1: PDC001 consentlint could not analyse this file: internal error: ValueError: boom (please report)",
        "b.py:1:1: PDC001 consentlint could not analyse this file: internal error: ValueError: boom (please report)",
        "b.py:1:1: F401 'os' imported but unused",
    ]


def test_a_buffer_that_is_not_the_file_is_judged_among_the_project(tmp_path):
    """flake8 reading standard input (an editor's unsaved buffer): that text
    is judged, with the helpers in the project's other files still counting."""
    project = tmp_path / "python-helpers"
    shutil.copytree(FIXTURES / "projects" / "python-helpers", project)
    source = (project / "app" / "tracker.py").read_text()
    buffer = source + "\n\ndef unsaved():\n    gps.start()\n"
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "PDC", "--stdin-display-name",
                           "app/tracker.py", "-"], cwd=project, input=buffer, capture_output=True, text=True)
    assert "Traceback" not in proc.stderr, proc.stderr
    found = {(line, code) for _, line, _, code in parse(proc.stdout)}
    on_disk = {(line, code) for _, line, _, code in cli_findings(Path("app/tracker.py"), project)}
    last = len(buffer.splitlines())
    assert found == on_disk | {(last, "PDC201")}
    assert (10, "PDC201") not in found  # guarded by a helper in app/perms.py


def test_one_worker_scans_the_project_and_the_others_wait_for_it(tmp_path):
    """flake8's worker processes (``-j``) each judged the whole project, so a
    cold run scanned it once per worker: the scan holds the project's cache
    (``FactsCache.exclusive``) and a worker that finds it held waits, then
    reads that scan's results from the cache."""
    from consentlint.cache import FOLDER, FactsCache

    shutil.copytree(FIXTURES / "projects" / "python-helpers", tmp_path / "app")
    cwd = tmp_path / "app"
    expected = cli_findings(Path("."), cwd)
    shutil.rmtree(cwd / FOLDER, ignore_errors=True)
    cache = FactsCache(cwd / FOLDER)
    with cache.exclusive():
        proc = subprocess.Popen([sys.executable, "-m", "flake8", "--select", "PDC", "."], cwd=cwd,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=3)  # (waiting for the lock this test holds)
    out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err
    assert parse(out) == expected
