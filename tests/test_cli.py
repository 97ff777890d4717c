"""The command line through its real entry point: exit codes, the stdout /
stderr split, output formats, options and manifest errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, manifest_of
from consentlint.rules import RULES

DEMO = FIXTURES / "demo-app"


def run(*args, cwd=None, check=None):
    proc = subprocess.run([sys.executable, "-m", "consentlint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)
    if check is not None:
        assert proc.returncode == check, (proc.returncode, proc.stdout, proc.stderr)
    return proc


@pytest.fixture
def demo(tmp_path) -> Path:
    target = tmp_path / "demo-app"
    shutil.copytree(DEMO, target)
    return target


def test_demo_app_findings_and_exit_1(demo):
    proc = run("check", cwd=demo, check=1)
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert re.fullmatch(r"Found \d+ findings \(\d+ errors, \d+ warnings\) in \d+ files\.", lines.pop())
    assert "demo/tracking.py:15:9: PDC201 `gps.start` collects location.precise on a path that no consent check for it guards" in lines
    for line in lines:
        path, lineno, column, rest = line.split(":", 3)
        assert not path.startswith("/") and int(lineno) > 0 and int(column) > 0
        assert rest.split()[0] in RULES


def test_exit_zero_and_selection(demo):
    assert run("check", "--exit-zero", cwd=demo, check=0).stdout
    only = run("check", "--select", "PDC1", cwd=demo, check=1).stdout.splitlines()
    assert only.pop().startswith("Found ")
    assert only and all(" PDC1" in line for line in only)
    run("check", "--select", "PDC102,PDC002", cwd=demo, check=0)  # warnings only
    run("check", "--select", "PDC102", "--fail-on", "warning", cwd=demo, check=1)
    ignored = run("check", "--ignore", "PDC2,PDC3,PDC4,PDC5,PDC101", cwd=demo, check=0).stdout
    assert "PDC201" not in ignored and "PDC301" not in ignored and "PDC102" in ignored


def test_unknown_selector_is_a_usage_error(demo):
    proc = run("check", "--select", "XYZ1", cwd=demo, check=2)
    assert proc.stdout == "" and proc.stderr.startswith("consentlint: error: argument --select: unknown rule selector 'XYZ1'")


def test_json_contract(demo):
    doc = json.loads(run("check", "--format", "json", cwd=demo, check=1).stdout)
    assert doc["version"] == 1 and doc["tool"]["name"] == "consentlint"
    finding = next(f for f in doc["findings"] if f["code"] == "PDC201" and f["path"].startswith("demo/"))
    assert set(finding) >= {"path", "line", "column", "end_line", "end_column", "code", "severity", "message",
                            "category", "api", "catalog_id", "confidence", "fingerprint"}
    assert finding["api"] == "plyer.gps.start" and finding["catalog_id"] == "py-plyer-gps"
    assert finding["confidence"] == "resolved"
    assert {c["confidence"] for c in doc["collections"]} <= {"resolved", "inferred"}
    assert finding["end_column"] - finding["column"] == len("start")
    guarded = [c for c in doc["collections"] if c["guarded"]]
    unguarded = [c for c in doc["collections"] if not c["guarded"]]
    assert guarded and unguarded
    assert next(c for c in guarded if c["path"].startswith("demo/"))["guard"]["api"] == "demo.privacy.has_consent"
    assert all(c["guard"] is None for c in unguarded)
    keys = [(f["path"], f["line"], f["column"], f["code"]) for f in doc["findings"]]
    assert keys == sorted(keys)


def test_jobs_and_the_cache_do_not_change_the_output(tmp_path):
    args = ("check", "--format", "json", "--exit-zero", "fixtures")
    one = run(*args, "--jobs", "1", "--no-cache", cwd=ROOT, check=0).stdout
    cold = run(*args, "--jobs", "2", "--cache-dir", tmp_path, cwd=ROOT, check=0).stdout  # a pool of workers
    warm = run(*args, "--jobs", "2", "--cache-dir", tmp_path, cwd=ROOT, check=0).stdout  # all from the cache
    reference = run(*args, "--jobs", "2", "--no-cache", "--no-prefilter", cwd=ROOT, check=0).stdout  # lowers everything
    assert one == cold == warm == reference and len(json.loads(one)["findings"]) > 50


@pytest.mark.parametrize("text, line, key", [
    ("[[data]]\ncategory = \"location\"\npurposes = [\"a\"\n", "3", None),
    ("[policy]\nurl = \"https://x\"\n\n[[data]]\ncategory = \"location\"\ncolour = \"red\"\n", "6", "data[0].colour"),
    ("[[data]]\ncategory = \"location\"\n\n[[data]]\ncategory = \"teleportation\"\n", "5", "data[1].category"),
    ("[consent]\nplatform_permissions = \"yes\"\n", "2", "consent.platform_permissions"),
    ("[[data]]\ncategory = \"location\"\nbasis = \"because\"\n", "3", "data[0].basis"),
])
def test_malformed_manifest_is_exit_2_with_file_line_and_key(demo, text, line, key):
    (demo / "privacy-manifest.toml").write_text(text)
    for fmt in ("text", "json"):
        proc = run("check", "--format", fmt, cwd=demo, check=2)
        assert proc.stdout == ""
        assert proc.stderr.startswith(f"consentlint: error: {demo / 'privacy-manifest.toml'}:{line}: "), proc.stderr
        if key:
            assert f"key {key}:" in proc.stderr
        assert len(proc.stderr.splitlines()) == 1


def test_no_manifest_is_reported_once_and_everything_is_undeclared(tmp_path):
    """PDC002 sits on the first file no manifest governs: it named
    `privacy-manifest.toml`, a file that does not exist (issue 14)."""
    (tmp_path / "app.py").write_text("from plyer import gps\n\ngps.start()\n")
    out = run("check", ".", cwd=tmp_path, check=1).stdout.splitlines()
    assert out == [
        "app.py:1:1: PDC002 no privacy-manifest.toml in this file's folder or a parent folder: "
        "every collected category counts as undeclared",
        "app.py:3:5: PDC101 `gps.start` collects location.precise, which the manifest does not declare",
        "app.py:3:5: PDC201 `gps.start` collects location.precise on a path that no consent check for it guards",
        "Found 3 findings (2 errors, 1 warning) in 1 file.",
    ]


def test_broken_file_is_pdc001_and_the_run_goes_on(tmp_path):
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    (tmp_path / "a_broken.py").write_text("from plyer import gps\ndef f(:\n    gps.start()\n")
    (tmp_path / "b_binary.py").write_bytes(b"\x00\x01\x02")
    (tmp_path / "c_fine.py").write_text("from plyer import gps\ngps.start()\n")
    proc = run("check", "--format", "json", ".", cwd=tmp_path, check=1)
    doc = json.loads(proc.stdout)
    codes = [(f["path"], f["line"], f["code"]) for f in doc["findings"]]
    assert ("a_broken.py", 2, "PDC001") in codes
    assert ("a_broken.py", 3, "PDC201") in codes  # the recovered part is analysed
    assert ("b_binary.py", 1, "PDC001") in codes
    assert ("c_fine.py", 2, "PDC201") in codes
    assert {e["path"] for e in doc["errors"]} == {"a_broken.py", "b_binary.py"}


def test_missing_path_and_bad_options(tmp_path):
    assert run("check", "--jobs", "0", cwd=tmp_path, check=2).stderr.startswith("consentlint: error:")
    assert run("check", "--manifest", "nope.toml", cwd=tmp_path, check=2).stdout == ""
    assert run(cwd=tmp_path, check=2).stdout == ""


def test_rule_and_catalog_commands():
    listing = run("rule", check=0).stdout
    for code, module in RULES.items():
        assert code in listing and module.NAME in listing
    doc = run("rule", "pdc201", check=0).stdout
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead",
                    "## Configuration", "## References"):
        assert heading in doc
    run("rule", "PDC999", check=2)
    catalog = run("catalog", "--language", "python", check=0).stdout
    assert "py-plyer-gps" in catalog and "plyer.gps.start" in catalog
    assert "location.precise" in run("catalog", "--categories", check=0).stdout
    assert json.loads(run("catalog", "--format", "json", check=0).stdout)


def test_inventory_formats(demo):
    text = run("inventory", cwd=demo, check=0).stdout
    assert re.search(r"^location\.precise: \d+ sites, declared \(location\.precise, basis consent\)$", text, re.M)
    assert "  demo/tracking.py:15:9: gps.start [py-plyer-gps] unguarded" in text
    markdown = run("inventory", "--format", "markdown", cwd=demo, check=0).stdout
    assert markdown.startswith("# Personal-data inventory") and "| `demo/tracking.py:15:9` |" in markdown
    doc = json.loads(run("inventory", "--format", "json", cwd=demo, check=0).stdout)
    assert {c["category"] for c in doc["categories"]} >= {"location.precise", "device.id"}


def test_output_file(demo):
    proc = run("check", "--output", "report.txt", cwd=demo, check=1)
    assert proc.stdout == "" and "PDC201" in (demo / "report.txt").read_text()


def test_console_script_and_version():
    exe = Path(sys.executable).with_name("consentlint")
    if exe.exists():
        assert subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.startswith("consentlint ")
    assert run("--version", check=0).stdout.startswith("consentlint ")


def test_discovery_excludes_and_gitignore(tmp_path):
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    code = "from plyer import gps\ngps.start()\n"
    for rel in ("app/main.py", "node_modules/pkg/x.py", "build/gen.py", "ignored/x.py", "kept/x.py",
                "app/skip_me.py", "app/static/y.js.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(code)
    (tmp_path / ".gitignore").write_text("ignored/\n")
    (tmp_path / "app" / ".gitignore").write_text("skip_me.py\n")
    paths = lambda *a: sorted({line.split(":")[0] for line in run("check", *a, cwd=tmp_path).stdout.splitlines()
                               if "PDC201" in line})
    assert paths(".") == ["app/main.py", "app/static/y.js.py", "kept/x.py"]
    assert paths(".", "--extend-exclude", "static,kept/") == ["app/main.py"]
    assert paths(".", "--no-respect-gitignore", "--exclude", ".git") == [
        "app/main.py", "app/skip_me.py", "app/static/y.js.py", "build/gen.py", "ignored/x.py", "kept/x.py",
        "node_modules/pkg/x.py"]
    # a file named on the command line is checked even when excluded, unless --force-exclude
    assert paths("build/gen.py") == ["build/gen.py"]
    assert paths("build/gen.py", "--force-exclude") == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loop_is_reported_and_skipped(tmp_path):
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.py").write_text("from plyer import gps\ngps.start()\n")
    os.symlink(tmp_path / "a", tmp_path / "a" / "loop")
    proc = run("check", ".", cwd=tmp_path, check=1)
    assert "symlink loop, skipped" in proc.stderr
    assert proc.stdout.count("PDC201") == 1


def test_python_m_never_imports_the_scanned_tree(tmp_path):
    """`python -m` puts the current folder first on sys.path: a scanned tree's
    json.py, tomllib.py or tree_sitter.py must not shadow the real modules."""
    marker = tmp_path / "imported"
    for name in ("json", "tomllib", "tree_sitter", "pathspec"):
        (tmp_path / f"{name}.py").write_text(
            f"open({str(marker)!r}, 'a').write({name!r})\nraise ImportError('the scanned tree was imported')\n")
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    (tmp_path / "app.py").write_text("from plyer import gps\ngps.start()\n")
    proc = run("check", "--format", "json", ".", cwd=tmp_path, check=1)
    assert not marker.exists(), marker.read_text()
    assert [f["code"] for f in json.loads(proc.stdout)["findings"]] == ["PDC201"]


DEEP_TOML = "a = " + "[" * 500 + "]" * 500 + "\n"


@pytest.mark.parametrize("name, text, args", [
    ("privacy-manifest.toml", DEEP_TOML, ()),
    ("consentlint.toml", DEEP_TOML, ()),
    ("pyproject.toml", "[tool.consentlint]\n" + DEEP_TOML, ()),
    ("checks/deep.toml", DEEP_TOML, ("--catalog", "checks")),
    ("baseline.json", "[" * 100_000 + "]" * 100_000, ("--baseline", "baseline.json")),
], ids=["manifest", "consentlint.toml", "pyproject", "catalog", "baseline"])
def test_deeply_nested_input_files_are_exit_2(tmp_path, name, text, args):
    """500 levels of TOML (or JSON) raised RecursionError: a traceback, exit 1."""
    (tmp_path / name).parent.mkdir(exist_ok=True)
    (tmp_path / name).write_text(text)
    (tmp_path / "a.py").write_text("x = 1\n")
    proc = run("check", *args, "--exit-zero", "a.py", cwd=tmp_path, check=2)
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert re.fullmatch(rf"consentlint: error: (--baseline )?(\S*/)?{name}: nested too deeply\n", proc.stderr), proc.stderr


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_named_symlink_loop_or_fifo_gets_a_precise_message(tmp_path):
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    os.symlink("loop.py", tmp_path / "loop.py")
    os.symlink("gone.py", tmp_path / "dangling.py")
    os.mkfifo(tmp_path / "fifo.py")
    (tmp_path / "a.py").write_text("from plyer import gps\ngps.start()\n")
    proc = run("check", "loop.py", "dangling.py", "fifo.py", "a.py", cwd=tmp_path, check=1)
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        "consentlint: warning: loop.py: symlink loop, skipped",
        "consentlint: warning: dangling.py: broken symlink, skipped",
        "consentlint: warning: fifo.py: not a regular file or folder, skipped",
    ]
    assert "a.py:2:5: PDC201" in proc.stdout


def test_an_internal_error_is_exit_2_with_one_line(tmp_path):
    """Whatever goes wrong inside is one line on stderr and exit 2, even under --exit-zero."""
    (tmp_path / "a.py").write_text("x = 1\n")
    boom = ("import sys\nfrom consentlint import cli, engine\n"
            "def boom(*args, **kwargs):\n    raise ValueError('boom')\n"
            "engine.run = boom\nsys.exit(cli.main(sys.argv[1:]))\n")
    proc = subprocess.run([sys.executable, "-c", boom, "check", "--exit-zero", "."], cwd=tmp_path,
                          capture_output=True, text=True)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == "consentlint: error: internal error: ValueError: boom (please report)\n"


def test_a_file_the_parser_gives_up_on_is_pdc001_in_errors_and_the_run_goes_on(tmp_path):
    from test_bad_input import STRAY_BACKTICK

    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    (tmp_path / "Stuck.kt").write_text(STRAY_BACKTICK)
    (tmp_path / "a.py").write_text("from plyer import gps\ngps.start()\n")
    proc = run("check", "--format", "json", "--no-cache", ".", cwd=tmp_path, check=1)
    doc = json.loads(proc.stdout)
    assert doc["errors"] == [{"path": "Stuck.kt", "message": "parser gave up after 0.5 s of CPU time: not analysed"}]
    assert [(f["path"], f["code"], f["severity"]) for f in doc["findings"]] == [
        ("Stuck.kt", "PDC001", "warning"), ("a.py", "PDC201", "error")]


def test_a_very_deep_folder_tree_is_walked(tmp_path):
    """1,100 nested folders overflowed the recursive walk (RecursionError)."""
    folder = tmp_path / "deep"
    folder.mkdir()
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    cwd = os.getcwd()
    try:
        os.chdir(folder)  # one level at a time: os.makedirs recurses once per level too
        for _ in range(1_100):
            os.mkdir("d")
            os.chdir("d")
        Path("a.py").write_text("from plyer import gps\ngps.start()\n")
        os.chdir(cwd)
        proc = run("check", "--no-cache", "--format", "json", "deep", cwd=tmp_path, check=1)
    finally:
        os.chdir(cwd)
        _remove_bottom_up(folder)
    assert "Traceback" not in proc.stderr
    assert [f["code"] for f in json.loads(proc.stdout)["findings"]] == ["PDC201"]


def _remove_bottom_up(folder: Path) -> None:
    """shutil.rmtree (pytest's clean-up of old runs) recurses once per level."""
    bottom = folder
    while (bottom / "d").is_dir():
        bottom = bottom / "d"
    for entry in bottom.iterdir():
        entry.unlink()
    while bottom != folder:
        bottom.rmdir()
        bottom = bottom.parent


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes in names")
def test_a_file_name_that_is_not_utf8_is_escaped_in_every_output(tmp_path):
    """SARIF and --write-baseline crashed on it, JSON wrote a raw 0xff byte."""
    name = os.fsdecode(b"\xffbad.py")
    (tmp_path / name).write_text("from plyer import gps\ngps.start()\n")
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    doc = json.loads(subprocess.run([sys.executable, "-m", "consentlint", "check", "--format", "json", "."],
                                    cwd=tmp_path, capture_output=True).stdout.decode("utf-8"))
    assert [f["path"] for f in doc["findings"]] == [name]  # \udcff: json.loads gives the name back
    run("check", "--format", "sarif", "--output", "out.sarif", ".", cwd=tmp_path, check=1)
    sarif = json.loads((tmp_path / "out.sarif").read_text("utf-8"))
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "%FFbad.py"
    run("check", "--write-baseline", "base.json", ".", cwd=tmp_path, check=0)
    run("check", "--baseline", "base.json", ".", cwd=tmp_path, check=0)
    run("check", "--output", "out.txt", ".", cwd=tmp_path, check=1)
    assert "\\xffbad.py:2:5: PDC201" in (tmp_path / "out.txt").read_text("utf-8")


@pytest.mark.skipif(sys.platform != "linux", reason="needs FIFOs, /dev/null and symlinks")
def test_entries_in_a_folder_that_are_not_regular_files_are_reported_one_warning_each(tmp_path):
    """They vanished from the scan without a word (issue 12, item 3)."""
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    app = tmp_path / "app"
    app.mkdir()
    os.mkfifo(app / "fifo.py")
    os.symlink("/dev/null", app / "device.py")
    os.symlink("gone.py", app / "dangling.py")
    os.symlink("loop.py", app / "loop.py")
    os.mkfifo(app / "not-source")  # not a file consentlint would scan: no word about it
    (app / "a.py").write_text("from plyer import gps\ngps.start()\n")
    proc = run("check", "--format", "json", ".", cwd=tmp_path, check=1)
    assert proc.stderr.splitlines() == [
        "consentlint: warning: app/dangling.py: broken symlink, skipped",
        "consentlint: warning: app/device.py: not a regular file or folder, skipped",
        "consentlint: warning: app/fifo.py: not a regular file or folder, skipped",
        "consentlint: warning: app/loop.py: symlink loop, skipped",
    ]
    doc = json.loads(proc.stdout)
    assert [e["path"] for e in doc["errors"]] == ["app/dangling.py", "app/device.py", "app/fifo.py", "app/loop.py"]
    assert [(f["path"], f["code"]) for f in doc["findings"]] == [("app/a.py", "PDC201")]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_symlinked_folder_is_scanned_once(tmp_path):
    """`link -> app` scanned app's files twice: every finding came out twice."""
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "a.py").write_text("from plyer import gps\ngps.start()\n")
    os.symlink("app", tmp_path / "aaa-link")  # sorts first: the real folder still names the findings
    os.symlink("a.py", tmp_path / "app" / "same.py")
    for args in ((".",), ("app", "aaa-link"), ("aaa-link", "app")):
        doc = json.loads(run("check", "--format", "json", *args, cwd=tmp_path, check=1).stdout)
        assert [(f["path"], f["code"]) for f in doc["findings"]] == [("app/a.py", "PDC201")], args


def test_the_vendor_exclude_is_the_top_level_folder_only(tmp_path):
    """`vendor` dropped an app's own `.../vendor/` package anywhere in its tree;
    like ruff's relative patterns it now means the project's top-level folder."""
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    code = "from plyer import gps\ngps.start()\n"
    for rel in ("vendor/dep/x.py", "app/mypkg/vendor/own.py", "app/main.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(code)
    paths = lambda *args, cwd=tmp_path: [f["path"] for f in json.loads(
        run("check", "--format", "json", *args, cwd=cwd).stdout)["findings"]]
    assert paths(".") == ["app/main.py", "app/mypkg/vendor/own.py"]
    assert paths("app") == ["app/main.py", "app/mypkg/vendor/own.py"]
    # the project's top, also from another folder
    assert paths(str(tmp_path), cwd=tmp_path / "app") == ["main.py", "mypkg/vendor/own.py"]
    assert paths("vendor/dep/x.py", "--force-exclude") == []
    assert paths("vendor/dep/x.py") == ["vendor/dep/x.py"]  # named: checked unless --force-exclude


@pytest.mark.parametrize("name, args, flag", [
    ("privacy-manifest.toml", (), ""),
    ("consentlint.toml", (), ""),
    ("privacy-manifest.toml", ("--manifest", "privacy-manifest.toml"), "--manifest "),
    ("consentlint.toml", ("--config", "consentlint.toml"), "--config "),
])
def test_a_folder_where_a_manifest_or_config_file_belongs_is_an_error(tmp_path, name, args, flag):
    """It was taken for "no manifest" / "no config" (or "no such file")."""
    (tmp_path / name).mkdir()
    (tmp_path / "a.py").write_text("x = 1\n")
    proc = run("check", *args, "a.py", cwd=tmp_path, check=2)
    assert proc.stdout == ""
    shown = name if flag else str(tmp_path / name)
    assert proc.stderr == f"consentlint: error: {flag}{shown}: a folder, not a file\n"


@pytest.mark.parametrize("flag", ["--select", "--ignore"])
@pytest.mark.parametrize("value", [",", " ", ""])
def test_an_empty_selector_list_is_a_usage_error(demo, flag, value):
    """`--select ,` selected nothing and printed "All clear" (issue 12, item 4)."""
    proc = run("check", flag, value, cwd=demo, check=2)
    assert proc.stdout == ""
    assert proc.stderr == f"consentlint: error: argument {flag}: no rule selector given\n"


def test_a_negative_category_arg_is_reported_at_its_key(demo):
    """`category_arg = -1` was reported as "expected string or object" (issue 12, item 4)."""
    (demo / "privacy-manifest.toml").write_text(
        '[[data]]\ncategory = "location"\n\n[consent]\nchecks = [\n  "a.b",\n'
        '  { function = "app.privacy.has_consent", category_arg = -1 },\n]\n')
    proc = run("check", cwd=demo, check=2)
    assert proc.stderr == (f"consentlint: error: {demo / 'privacy-manifest.toml'}:5: "
                           "key consent.checks[1].category_arg: must be >= 0\n")


@pytest.mark.parametrize("args, message", [
    (("check", "--format", "xml"), "argument --format: invalid choice: 'xml' (choose from 'text', 'json', 'sarif', 'github', 'junit', 'gitlab')"),
    (("check", "--jobs", "x"), "argument --jobs/-j: invalid int value: 'x'"),
    (("check", "--no-such-flag"), "unrecognized arguments: --no-such-flag"),
    (("inventory", "--format", "sarif"), "argument --format: invalid choice: 'sarif' (choose from 'text', 'markdown', 'json', 'html')"),
    (("frobnicate",), "argument COMMAND: invalid choice: 'frobnicate' (choose from 'check', 'inventory', 'export', 'rule', 'server', 'init', 'catalog', 'schema')"),
])
def test_a_bad_option_is_one_line_not_the_whole_usage(tmp_path, args, message):
    """argparse printed the usage text before the error (issue 12, item 5)."""
    proc = run(*args, cwd=tmp_path, check=2)
    assert (proc.stdout, proc.stderr) == ("", f"consentlint: error: {message}\n")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_file_named_through_a_symlinked_folder_is_its_real_module(tmp_path):
    """`check link/helper.py` (link -> app) analysed the helper as module
    `link.helper`, which nothing calls, next to the real `app.helper` from the
    rest of the project: a false PDC201 that `check app/helper.py` has not."""
    (tmp_path / "privacy-manifest.toml").write_text(
        manifest_of("location") + '\n[consent]\nchecks = ["acme.privacy.has_consent", "@acme/privacy#hasConsent"]\n')
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "main.py").write_text("from acme.privacy import has_consent\nfrom app.helper import start\n\n\n"
                                 "def main():\n    if has_consent(\"location\"):\n        start()\n")
    (app / "helper.py").write_text("from plyer import gps\n\n\ndef start():\n    gps.start()\n")
    (app / "main.js").write_text('import { hasConsent } from "@acme/privacy";\nimport { start } from "./helper";\n\n'
                                 'export function main() {\n  if (hasConsent("location")) {\n    start();\n  }\n}\n')
    (app / "helper.js").write_text("export function start() {\n  navigator.geolocation.getCurrentPosition(() => {});\n}\n")
    os.symlink("app", tmp_path / "link")
    for name in ("helper.py", "helper.js"):
        assert run("check", "--no-cache", f"app/{name}", cwd=tmp_path, check=0).stdout == "All clear: 1 file checked.\n"
        assert run("check", "--no-cache", f"link/{name}", cwd=tmp_path, check=0).stdout == "All clear: 1 file checked.\n"
    # the project reached through a symlinked current folder
    os.symlink(tmp_path, tmp_path.parent / f"{tmp_path.name}-link")
    assert run("check", "--no-cache", "app/helper.js", cwd=tmp_path.parent / f"{tmp_path.name}-link",
               check=0).stdout == "All clear: 1 file checked.\n"
    # a file linked in from outside the project keeps its path in the project
    outside = tmp_path.parent / f"{tmp_path.name}-shared"
    outside.mkdir()
    (app / "helper.js").rename(outside / "helper.js")
    os.symlink(outside / "helper.js", app / "helper.js")
    assert run("check", "--no-cache", ".", cwd=tmp_path, check=0).stdout == "All clear: 5 files checked.\n"


# ------------------------------------------------- issue 14: surfaces that never give a wrong green

CONSOLE = Path(sys.executable).with_name("consentlint")  # the installed console script


def cli(*args, cwd, stdin=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(CONSOLE), *map(str, args)], cwd=cwd, capture_output=True, text=True, input=stdin)


MONOREPO = FIXTURES / "projects" / "monorepo"
MONOREPO_FINDINGS = [
    "delivery/delivery/route.py:13:16: PDC101 `camera.take_picture` collects media.photos, which the manifest "
    "does not declare",
    "delivery/privacy-manifest.toml:10:1: PDC002 consent check `delivery.consent.asked` named in the manifest is "
    "never used in the scanned code",
    "shop/privacy-manifest.toml:11:1: PDC102 the manifest declares contacts, but nothing in the scanned code "
    "collects it",
    "shop/shop/checkout.py:12:12: PDC201 `camera.take_picture` collects media.photos on a path that no consent "
    "check for it guards",
]


@pytest.fixture
def monorepo(tmp_path) -> Path:
    target = tmp_path / "monorepo"
    shutil.copytree(MONOREPO, target, ignore=shutil.ignore_patterns(".consentlint_cache"))
    return target


@pytest.mark.parametrize("paths", [("shop", "delivery"), ("delivery", "shop"), (".",)])
def test_each_file_is_judged_against_its_nearest_manifest_in_any_order(monorepo, paths):
    """The first path's manifest judged every file: `check shop delivery`
    missed delivery's undeclared media (a wrong green) and flagged its guard."""
    proc = cli("check", *paths, cwd=monorepo)
    assert (proc.returncode, proc.stderr) == (1, "")
    assert proc.stdout.splitlines() == [*MONOREPO_FINDINGS, "Found 4 findings (2 errors, 2 warnings) in 6 files."]


@pytest.mark.parametrize("files", [("delivery/delivery/route.py", "shop/shop/checkout.py"),
                                   ("shop/shop/checkout.py", "delivery/delivery/route.py")])
def test_a_file_list_from_two_apps_is_judged_per_app_without_project_rules(monorepo, files):
    proc = cli("check", *files, cwd=monorepo)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [MONOREPO_FINDINGS[0], MONOREPO_FINDINGS[3],
                                        "Found 2 findings (2 errors) in 2 files."]


def test_manifest_flag_still_forces_one_manifest_for_every_file(monorepo):
    proc = cli("check", "--manifest", "shop/privacy-manifest.toml", "shop", "delivery", cwd=monorepo)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    # delivery's guard is not a consent check of shop's manifest; shop declares media
    assert "delivery/delivery/route.py:8:13: PDC201 `gps.start` collects location.precise on a path that no " \
           "consent check for it guards" in lines
    assert not any(" PDC101 " in line for line in lines)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize("output", [False, True], ids=["stdout", "output-file"])
def test_a_path_that_does_not_exist_is_exit_2_and_no_report(demo, fmt, output):
    """`check fixtures/demo-ap` was a warning, a PDC002 about a manifest in a
    folder nobody named, and exit 0. The exit-2 convention (DESIGN section 3:
    no partial report): no JSON, no SARIF (so no `executionSuccessful`
    to get wrong), nothing written to --output, and --exit-zero does not hide it."""
    report = demo.parent / "report.out"
    extra = ("--output", report) if output else ()
    proc = cli("check", "web", "demo-ap", "andriod", "--format", fmt, "--exit-zero", *extra, cwd=demo)
    assert proc.returncode == 2
    assert proc.stdout == "" and not report.exists()
    assert proc.stderr == ("consentlint: error: demo-ap: no such file or folder\n"
                           "consentlint: error: andriod: no such file or folder\n")


def test_inventory_of_a_missing_path_is_exit_2(demo):
    proc = cli("inventory", "demo-ap", cwd=demo)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", "consentlint: error: demo-ap: no such file or folder\n")


def test_a_scan_of_no_source_files_says_so_and_is_not_all_clear(demo):
    (demo / "docs").mkdir()
    (demo / "docs" / "notes.md").write_text("nothing to scan\n")
    proc = cli("check", "docs", cwd=demo)
    assert (proc.returncode, proc.stdout) == (0, "No source files checked.\n")
    assert proc.stderr == "consentlint: warning: no source files to check in docs\n"
    doc = json.loads(cli("check", "docs", "--format", "json", "--quiet", cwd=demo).stdout)
    assert doc["findings"] == [] and doc["collections"] == []


def test_stdin_is_judged_as_the_named_file_in_its_project(demo):
    """ruff's convention: `check - --stdin-filename PATH`. The buffer is judged,
    not the file on disk; the manifest and the project index (demo.privacy's
    consent check) come from PATH; findings name PATH."""
    buffer = ("from plyer import gps\n\nfrom demo.privacy import has_consent\n\n"
              "if has_consent(\"location\"):\n    gps.start()\ngps.start()\n")
    proc = cli("check", "-", "--stdin-filename", "demo/unsaved.py", cwd=demo, stdin=buffer)
    assert (proc.returncode, proc.stderr) == (1, "")
    assert proc.stdout.splitlines() == [
        "demo/unsaved.py:7:5: PDC201 `gps.start` collects location.precise on a path that no consent check for it guards",
        "Found 1 finding (1 error) in 1 file.",
    ]
    fixed = buffer.rsplit("gps.start()\n", 1)[0]
    proc = cli("check", "-", "--stdin-filename", "demo/tracking.py", "--format", "json", cwd=demo, stdin=fixed)
    assert proc.returncode == 0 and json.loads(proc.stdout)["findings"] == []  # not tracking.py's findings on disk


def test_stdin_takes_the_manifest_of_the_app_the_file_is_in(monorepo):
    route = (monorepo / "delivery" / "delivery" / "route.py").read_text()
    proc = cli("check", "-", "--stdin-filename", "delivery/delivery/route.py", cwd=monorepo, stdin=route)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [MONOREPO_FINDINGS[0], "Found 1 finding (1 error) in 1 file."]


@pytest.mark.parametrize("args, message", [
    (("-",), "`-` reads standard input and needs --stdin-filename PATH (the file it stands for)"),
    (("-", "web", "--stdin-filename", "a.py"), "`-` (standard input) cannot be checked together with other paths"),
    (("web", "--stdin-filename", "a.py"), "--stdin-filename needs the path `-` (standard input)"),
    (("-", "--stdin-filename", "notes.md"), "--stdin-filename notes.md: not a source file "
                                            "(extensions: .py .pyi .java .kt .kts .js .jsx .mjs .cjs .ts .tsx .mts .cts)"),
])
def test_stdin_mistakes_are_usage_errors(demo, args, message):
    """`check -` was "-: no such file or folder" and "All clear: 0 files checked.", exit 0."""
    proc = cli("check", *args, cwd=demo, stdin="from plyer import gps\ngps.start()\n")
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"consentlint: error: {message}\n")


BAD_MANIFEST = '''[policy]
url = "https://example.com/privacy"

[[data]]
category = "locaton"
purpose = ["maps"]

[[data]]
category = "contacts"
basis = "because"

[consnet]
checks = ["app.privacy.has_consent"]
'''


def test_every_manifest_mistake_is_reported_at_once_with_did_you_mean(tmp_path):
    (tmp_path / "privacy-manifest.toml").write_text(BAD_MANIFEST)
    (tmp_path / "a.py").write_text("x = 1\n")
    proc = cli("check", "a.py", "--format", "sarif", cwd=tmp_path)
    manifest = tmp_path / "privacy-manifest.toml"
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.splitlines() == [
        f"consentlint: error: {manifest}:5: key data[0].category: unknown category 'locaton' "
        "(did you mean `location`? see `consentlint catalog --categories`)",
        f"consentlint: error: {manifest}:6: key data[0].purpose: unknown key (did you mean `purposes`?)",
        f'consentlint: error: {manifest}:10: key data[1].basis: "because" is not one of "consent", "contract", '
        '"legal-obligation", "emergency", "public"',
        f"consentlint: error: {manifest}:12: key consnet: unknown key (did you mean `consent`?)",
    ]


def test_the_broken_manifests_of_two_apps_are_all_reported(monorepo):
    for app in ("shop", "delivery"):
        path = monorepo / app / "privacy-manifest.toml"
        path.write_text(path.read_text().replace("[consent]", "[consnet]"))
    proc = cli("check", ".", cwd=monorepo)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert sorted(proc.stderr.splitlines()) == [
        f"consentlint: error: {(monorepo / app / 'privacy-manifest.toml').resolve()}:{line}: key consnet: "
        "unknown key (did you mean `consent`?)" for app, line in (("delivery", 7), ("shop", 13))]


@pytest.mark.parametrize("args, message", [
    (("chek",), "unknown command 'chek' (did you mean `check`?)"),
    (("check", "--selct", "PDC2", "."), "unrecognized arguments: --selct (did you mean `--select`?)"),
    (("check", "--no-cahce", "--stdin-filenme=a.py", "."), "unrecognized arguments: --no-cahce --stdin-filenme=a.py "
     "(--no-cahce: did you mean `--no-cache`?; --stdin-filenme: did you mean `--stdin-filename`?)"),
    (("check", "--format", "jsn"), "argument --format: invalid choice: 'jsn' (choose from 'text', 'json', 'sarif', "
                                   "'github', 'junit', 'gitlab'); did you mean `json`?"),
    (("inventory", "--formt", "json"), "unrecognized arguments: --formt (did you mean `--format`?)"),
])
def test_a_misspelt_command_or_flag_gets_a_did_you_mean(tmp_path, args, message):
    proc = cli(*args, cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"consentlint: error: {message}\n")


def test_schema_command_prints_the_shipped_schema_and_a_schema_line_is_a_comment(demo):
    proc = cli("schema", "--manifest", cwd=demo)
    assert proc.returncode == 0
    assert proc.stdout == (ROOT / "src" / "consentlint" / "schemas" / "privacy-manifest.schema.json").read_text()
    assert json.loads(cli("schema", "--catalog", cwd=demo).stdout)["title"]
    # the README's `#:schema` line names that file in this repository, at the released tag
    readme = (ROOT / "README.md").read_text()
    line = re.search(r"^#:schema (\S+)$", readme, re.M).group(1)
    repo, tag, path = re.fullmatch(r"https://raw\.githubusercontent\.com/([^/]+/[^/]+)/(v[\d.]+)/(\S+)", line).groups()
    assert (ROOT / path).is_file() and tag == f"v{_version()}"
    manifest = demo / "privacy-manifest.toml"
    manifest.write_text(f"#:schema {line}\n" + manifest.read_text())
    assert cli("check", cwd=demo).returncode == 1  # findings, not a manifest error


def _version() -> str:
    from consentlint import __version__

    return __version__


def test_readme_pins_name_the_release_the_changelog_describes():
    """`rev: v0.1.0` and `uses: ...@v0` named tags that did not exist. The
    pins, the package version and the changelog's newest entry agree (the
    tag itself is made when the release is)."""
    readme = (ROOT / "README.md").read_text()
    pins = set(re.findall(r"^\s*rev: (\S+)$", readme, re.M)) | set(
        re.findall(r"uses: consentlint/consentlint@(\S+)$", readme, re.M))
    newest = re.search(r"^## (v\S+) - \d{4}-\d{2}-\d{2}$", (ROOT / "CHANGELOG.md").read_text(), re.M).group(1)
    assert pins == {newest} == {f"v{_version()}"}


def test_the_inventory_of_a_monorepo_reads_each_declaration_from_its_own_manifest(monorepo):
    """delivery's media was "declared": shop's manifest (the first path's) declares it."""
    proc = cli("inventory", "shop", "delivery", cwd=monorepo)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.splitlines() == [
        "[delivery/privacy-manifest.toml]",
        "location.precise: 1 site, declared (location, basis consent)",
        "  delivery/delivery/route.py:8:13: gps.start [py-plyer-gps] guarded by `consent.allowed` (location, line 7)",
        "media.photos: 1 site, NOT DECLARED",
        "  delivery/delivery/route.py:13:16: camera.take_picture [py-plyer-camera] guarded by `consent.allowed` "
        "(media, line 12)",
        "",
        "[shop/privacy-manifest.toml]",
        "location.precise: 1 site, declared (location, basis consent)",
        "  shop/shop/checkout.py:8:13: gps.start [py-plyer-gps] guarded by `privacy.has_consent` (location, line 7)",
        "media.photos: 1 site, declared (media, basis consent)",
        "  shop/shop/checkout.py:12:12: camera.take_picture [py-plyer-camera] unguarded",
        "declared, never collected: contacts",
    ]
    doc = json.loads(cli("inventory", "delivery", "shop", "--format", "json", cwd=monorepo).stdout)
    assert [(c["manifest"], c["category"], c["declared"]) for c in doc["categories"]] == [
        ("delivery/privacy-manifest.toml", "location.precise", True),
        ("delivery/privacy-manifest.toml", "media.photos", False),
        ("shop/privacy-manifest.toml", "contacts", True),
        ("shop/privacy-manifest.toml", "location.precise", True),
        ("shop/privacy-manifest.toml", "media.photos", True),
    ]


def test_flake8_in_a_monorepo_agrees_with_the_cli_per_app(monorepo):
    """The plugin already took each file's nearest manifest; the CLI now does too."""
    proc = subprocess.run([str(CONSOLE.with_name("flake8")), "--select", "PDC", "shop", "delivery"], cwd=monorepo,
                          capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert sorted(proc.stdout.splitlines()) == [MONOREPO_FINDINGS[0], MONOREPO_FINDINGS[3]]
    assert cli("check", "shop/shop/checkout.py", "delivery/delivery/route.py", cwd=monorepo).stdout.splitlines()[:-1] \
        == [MONOREPO_FINDINGS[0], MONOREPO_FINDINGS[3]]


def test_a_named_file_consentlint_does_not_read_is_not_counted_as_checked(demo):
    """`check privacy-manifest.toml` said "All clear: 1 file checked." of a file it never read."""
    proc = cli("check", "privacy-manifest.toml", cwd=demo)
    assert (proc.returncode, proc.stdout) == (0, "No source files checked.\n")
    assert proc.stderr == ("consentlint: warning: privacy-manifest.toml: not a source file consentlint reads, skipped\n"
                           "consentlint: warning: no source files to check in privacy-manifest.toml\n")
    proc = cli("check", "privacy-manifest.toml", "demo/tracking.py", "--format", "json", cwd=demo)
    doc = json.loads(proc.stdout)
    assert doc["errors"] == [{"path": "privacy-manifest.toml", "message": "not a source file consentlint reads, skipped"}]
    assert {f["path"] for f in doc["findings"]} == {"demo/tracking.py"}
