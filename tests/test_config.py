"""Configuration files: `[tool.consentlint]` in pyproject.toml or a
consentlint.toml, nearest upward from the first path; keys are flag names;
flags win; relative paths are relative to the config file; mistakes are exit 2
with file, line and key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import manifest_of
from consentlint.rules import RULES

CODE = "from plyer import gps\n\ngps.start()\n"


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "consentlint", "check", *args], cwd=cwd,
                          capture_output=True, text=True)


def codes(proc) -> list[str]:
    return sorted({f["code"] for f in json.loads(proc.stdout)["findings"]})


@pytest.fixture
def project(tmp_path):
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("contacts"))
    (tmp_path / "app.py").write_text(CODE)
    return tmp_path


def test_pyproject_section_keys_and_flags_win(project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.consentlint]\nselect = ["PDC101"]\nformat = "json"\n'
        'extend_exclude = ["skipped"]\n')
    (project / "skipped").mkdir()
    (project / "skipped" / "s.py").write_text(CODE)
    proc = run(".", cwd=project)
    assert proc.returncode == 1 and codes(proc) == ["PDC101"]
    assert {f["path"] for f in json.loads(proc.stdout)["findings"]} == {"app.py"}
    assert codes(run(".", "--select", "PDC201", cwd=project)) == ["PDC201"]  # the flag wins
    assert run(".", "--format", "text", cwd=project).stdout.startswith("app.py:3:5: PDC101 ")
    assert codes(run(".", "--isolated", "--format", "json", cwd=project)) == ["PDC101", "PDC102", "PDC201"]
    # `inventory` shares the scan options but not check's format or report file
    (project / "pyproject.toml").write_text('[tool.consentlint]\nformat = "sarif"\noutput = "report.sarif"\n'
                                            'no-respect-gitignore = true\n')
    (project / ".gitignore").write_text("skipped/\n")
    inventory = subprocess.run([sys.executable, "-m", "consentlint", "inventory", "."], cwd=project,
                               capture_output=True, text=True)
    assert inventory.returncode == 0 and inventory.stdout.startswith("location.precise: 2 sites"), inventory.stdout
    assert not (project / "report.sarif").exists()


def test_consentlint_toml_wins_in_its_folder_and_nearest_wins(project):
    (project / "pyproject.toml").write_text('[tool.consentlint]\nselect = ["PDC101"]\nformat = "json"\n')
    (project / "consentlint.toml").write_text('select = ["PDC201"]\nformat = "json"\n')
    assert codes(run(".", cwd=project)) == ["PDC201"]
    sub = project / "sub"
    sub.mkdir()
    (sub / "a.py").write_text(CODE)
    (sub / "pyproject.toml").write_text('[project]\nname = "no-section-here"\n')  # skipped: no [tool.consentlint]
    assert codes(run("sub", cwd=project)) == ["PDC201"]
    (sub / "pyproject.toml").write_text('[tool.consentlint]\nselect = ["PDC1"]\nformat = "json"\n')
    assert codes(run("sub", cwd=project)) == ["PDC101"]


def test_relative_paths_are_relative_to_the_config_file(tmp_path):
    app = tmp_path / "app"
    (app / "policy").mkdir(parents=True)
    (app / "policy" / "m.toml").write_text(manifest_of("location"))
    (app / "main.py").write_text(CODE)
    (app / "consentlint.toml").write_text(
        'manifest = "policy/m.toml"\nformat = "json"\nfail-on = "warning"\nbaseline = "known.json"\n')
    (app / "known.json").write_text('{"version": 1, "findings": []}\n')
    proc = run("app", cwd=tmp_path)  # run from elsewhere
    assert proc.returncode == 1 and codes(proc) == ["PDC201"], proc.stderr
    (app / "known.json").unlink()
    assert run("app", cwd=tmp_path).stderr.startswith(
        f"consentlint: error: {app / 'consentlint.toml'}:4: key baseline: {app / 'known.json'}: ")


@pytest.mark.parametrize("text, line, key", [
    ('[tool.consentlint]\nselect = ["PDC1"]\ncolour = "red"\n', 3, "tool.consentlint.colour"),
    ('[tool.black]\nx = 1\n\n[tool.consentlint]\njobs = "4"\n', 5, "tool.consentlint.jobs"),
    ('[tool.consentlint]\nselect = "PDC1"\n', 2, "tool.consentlint.select"),
    ('[tool.consentlint]\nformat = "xml"\n', 2, "tool.consentlint.format"),
    ('[tool.consentlint]\nexit-zero = 1\n', 2, "tool.consentlint.exit-zero"),
])
def test_bad_config_is_exit_2_with_file_line_and_key(project, text, line, key):
    (project / "pyproject.toml").write_text(text)
    proc = run(".", cwd=project)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith(f"consentlint: error: {project / 'pyproject.toml'}:{line}: key {key}: "), proc.stderr
    assert len(proc.stderr.splitlines()) == 1


def test_broken_toml_and_missing_config(project):
    (project / "consentlint.toml").write_text('select = ["PDC1"]\nformat = = "json"\n')
    proc = run(".", cwd=project)
    assert proc.returncode == 2 and proc.stderr.startswith(
        f"consentlint: error: {project / 'consentlint.toml'}:2: invalid TOML")
    proc = run(".", "--config", "nope.toml", cwd=project)
    assert proc.returncode == 2 and proc.stderr == "consentlint: error: --config nope.toml: no such file\n"


@pytest.mark.parametrize("text, line, key, problem", [
    ('[tool.consentlint]\nselect = [" "]\n', 2, "tool.consentlint.select", "empty rule selector"),
    ('[tool.consentlint]\nignore = ["PDC2", ""]\n', 2, "tool.consentlint.ignore", "empty rule selector"),
    ('[tool.consentlint]\nformat = "json"\nselect = ["XYZ9"]\n', 3, "tool.consentlint.select",
     f"unknown rule selector 'XYZ9' (known codes: {', '.join(RULES)})"),
    ('[[tool.consentlint]]\nselect = ["PDC1"]\n', 1, "tool.consentlint", "expected a table, got an array of tables"),
    ('[tool]\nconsentlint = 5\n', 2, "tool.consentlint", "expected a table, got integer"),
    ('tool.consentlint = "PDC1"\n', 1, "tool.consentlint", "expected a table, got string"),
], ids=["blank-select", "empty-ignore", "unknown-select", "array-of-tables", "integer", "dotted-string"])
def test_config_values_that_were_silently_accepted_are_exit_2(project, text, line, key, problem):
    """`select = [" "]` selected every code; `[[tool.consentlint]]` and
    `[tool] consentlint = 5` were ignored (issue 12, item 4); an unknown
    selector from the file named no file or line (item 5)."""
    (project / "pyproject.toml").write_text(text)
    proc = run(".", cwd=project)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"consentlint: error: {project / 'pyproject.toml'}:{line}: key {key}: {problem}\n"


@pytest.mark.parametrize("text, line, key, problem", [
    ('format = "json"\nmanifest = "nope.toml"\n', 2, "manifest", "{dir}/nope.toml: no such file"),
    ('catalog = [\n  "nope",\n]\n', 1, "catalog", "{dir}/nope: not a folder"),
    ('\nbaseline = "known.json"\n', 2, "baseline", "{dir}/known.json: No such file or directory"),
    ('output = "no/such/folder/report.txt"\n', 1, "output", "{dir}/no/such/folder/report.txt: No such file or directory"),
], ids=["manifest", "catalog", "baseline", "output"])
def test_a_bad_path_from_the_config_file_names_the_file_and_line_not_a_flag(project, text, line, key, problem):
    """It was reported as `--manifest ...`, a flag the user never typed (issue 12, item 5)."""
    (project / "consentlint.toml").write_text(text)
    proc = run(".", cwd=project)
    assert (proc.returncode, proc.stdout) == (2, "")
    config = project / "consentlint.toml"
    assert proc.stderr == f"consentlint: error: {config}:{line}: key {key}: {problem.format(dir=project)}\n"
    # the same value as a flag names the flag
    flagged = run(".", "--isolated", f"--{key}", problem.split(":")[0].format(dir=project), cwd=project)
    assert flagged.stderr.startswith(f"consentlint: error: --{key} "), flagged.stderr


@pytest.mark.parametrize("name", ["consentlint.toml", "privacy-manifest.toml"])
@pytest.mark.parametrize("data, line, problem", [
    ('select = ["PDC1"]\n# caf\xe9\n'.encode("latin-1"), 2, "not UTF-8 (byte 0xe9 at column 6)"),
    ('[[data]]\ncategory = "location"\n'.encode("utf-16"), 1, "UTF-16, not UTF-8"),
    ('[[data]]\ncategory = "location"\n'.encode("utf-16-le"), 1, "UTF-16, not UTF-8"),
], ids=["latin-1", "utf-16", "utf-16-le-no-bom"])
def test_an_input_file_that_is_not_utf8_names_a_line(project, name, data, line, problem):
    """The error named a byte offset ('position 23') (issue 12, item 5)."""
    (project / name).write_bytes(data)
    proc = run(".", cwd=project)
    assert (proc.returncode, proc.stdout) == (2, "")
    what = "configuration" if name == "consentlint.toml" else "manifest"
    assert proc.stderr == (f"consentlint: error: {project / name}:{line}: cannot read {what}: {problem} "
                           "(TOML files are UTF-8)\n")


def test_every_config_mistake_is_reported_at_once_with_did_you_mean(project):
    """Only the first bad key was named: fixing one revealed the next."""
    (project / "pyproject.toml").write_text('[tool.consentlint]\nselcet = ["PDC2"]\nfail-on = "warn"\n'
                                            'extend_exclud = ["x"]\nbogus = 1\n')
    proc = subprocess.run([str(Path(sys.executable).with_name("consentlint")), "check", "."], cwd=project,
                          capture_output=True, text=True)
    where = project / "pyproject.toml"
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.splitlines() == [
        f"consentlint: error: {where}:2: key tool.consentlint.selcet: unknown key (did you mean `select`?)",
        f"consentlint: error: {where}:3: key tool.consentlint.fail-on: expected one of error, warning, got 'warn'",
        f"consentlint: error: {where}:4: key tool.consentlint.extend_exclud: unknown key "
        "(did you mean `extend-exclude`?)",
        f"consentlint: error: {where}:5: key tool.consentlint.bogus: unknown key (known: baseline, cache-dir, "
        "catalog, color, exclude, exit-zero, extend-exclude, fail-on, force-exclude, format, ignore, jobs, manifest, "
        "no-cache, no-respect-gitignore, output, project, quiet, report-suppressions, respect-gitignore, "
        "sarif-output, select, show-source)",
    ]


def test_check_a_b_and_check_b_a_read_the_same_config(tmp_path):
    """The config was looked up from the first path only."""
    for app, code in (("a", "PDC101"), ("b", "PDC201")):
        (tmp_path / app).mkdir()
        (tmp_path / app / "privacy-manifest.toml").write_text(manifest_of("contacts"))
        (tmp_path / app / "app.py").write_text(CODE)
        (tmp_path / app / "consentlint.toml").write_text(f'select = ["{code}"]\n')
    (tmp_path / "consentlint.toml").write_text('select = ["PDC201"]\nformat = "json"\n')
    ab, ba = run("a", "b", cwd=tmp_path), run("b", "a", cwd=tmp_path)
    assert ab.stdout == ba.stdout and codes(ab) == ["PDC201"]
    assert {f["path"] for f in json.loads(ab.stdout)["findings"]} == {"a/app.py", "b/app.py"}
