"""``--format github``: workflow commands with the actions/toolkit's escaping,
no columns on multi-line spans, a notice when GitHub's per-step annotation
limit hides some, and every line a well-formed command."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES
from consentlint.engine import RunResult
from consentlint.findings import Finding
from consentlint.report import github
from consentlint.rules import RULES

# ::name key=value,key=value::data  (escaped values hold no raw `,` `:` CR or LF; data holds no CR or LF)
COMMAND = re.compile(r"::(error|warning|notice)(?: ([A-Za-z]+=[^,:\r\n]*(?:,[A-Za-z]+=[^,:\r\n]*)*))?::([^\r\n]*)")


def unescape(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def parse(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.fullmatch(line)
    assert match, f"not a workflow command: {line!r}"
    name, props, data = match.groups()
    properties = dict(p.split("=", 1) for p in props.split(",")) if props else {}
    return name, {k: unescape(v) for k, v in properties.items()}, unescape(data)


def finding(path="app/main.py", line=3, column=5, end_line=None, end_column=14, code="PDC201",
            severity="error", message="`gps.start` collects location.precise"):
    return Finding(path, line, column, end_line or line, end_column, code, severity, message)


def test_single_line_finding():
    out = github.render(RunResult(findings=[finding()]))
    name = RULES["PDC201"].NAME
    assert out == (f"::error file=app/main.py,line=3,col=5,endLine=3,endColumn=14,title=PDC201 ({name})"
                   "::`gps.start` collects location.precise\n")


def test_escaping_of_data_and_properties():
    message = "100% sure: a, b\r\nand more"
    path = "src/a:b,c%d.py"
    out = github.render(RunResult(findings=[finding(path=path, message=message, code="PDC102",
                                                    severity="warning")]))
    assert out == ("::warning file=src/a%3Ab%2Cc%25d.py,line=3,col=5,endLine=3,endColumn=14,"
                   f"title=PDC102 ({RULES['PDC102'].NAME})::100%25 sure: a, b%0D%0Aand more\n")
    name, properties, data = parse(out.rstrip("\n"))
    assert name == "warning" and properties["file"] == path and data == message
    assert properties["title"] == f"PDC102 ({RULES['PDC102'].NAME})"


def test_multi_line_span_has_no_columns():
    out = github.render(RunResult(findings=[finding(line=4, end_line=6, column=9, end_column=2)]))
    _, properties, _ = parse(out.rstrip("\n"))
    assert properties == {"file": "app/main.py", "line": "4", "endLine": "6",
                          "title": f"PDC201 ({RULES['PDC201'].NAME})"}


def test_over_the_annotation_limit_a_notice_counts_what_is_only_in_the_log():
    limit = github.ANNOTATIONS_PER_LEVEL
    at_limit = [finding(line=n) for n in range(1, limit + 1)] + \
               [finding(line=n, code="PDC001", severity="warning") for n in range(1, limit + 1)]
    lines = github.render(RunResult(findings=at_limit)).splitlines()
    assert len(lines) == 2 * limit and not any(line.startswith("::notice") for line in lines)

    over = [finding(line=n) for n in range(1, limit + 13)] + \
           [finding(line=n, code="PDC001", severity="warning") for n in range(1, limit + 2)]
    lines = github.render(RunResult(findings=over)).splitlines()
    assert len(lines) == len(over) + 1
    assert [parse(line)[0] for line in lines[:-1]].count("error") == limit + 12
    name, properties, data = parse(lines[-1])
    assert name == "notice" and properties == {"title": "consentlint"}
    assert data.startswith("12 errors and 1 warning not shown as annotations")
    assert f"All {len(over)} findings" in data

    only_errors = [finding(line=n) for n in range(1, limit + 2)]
    _, _, data = parse(github.render(RunResult(findings=only_errors)).splitlines()[-1])
    assert data.startswith("1 error not shown as annotations")


def test_demo_app_through_the_cli(tmp_path):
    demo = tmp_path / "demo-app"
    shutil.copytree(FIXTURES / "demo-app", demo)
    proc = subprocess.run([sys.executable, "-m", "consentlint", "check", "--format", "github"], cwd=demo,
                          capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines and proc.stdout.endswith("\n")
    parsed = [parse(line) for line in lines]
    annotations = [p for p in parsed if p[0] != "notice"]
    for name, properties, _ in annotations:
        assert (demo / properties["file"]).is_file()
        code = properties["title"].split()[0]
        assert name == RULES[code].SEVERITY
        assert int(properties["line"]) >= 1 and int(properties["endLine"]) >= int(properties["line"])
    assert ("error", "demo/tracking.py", "15", "9") in {
        (n, p["file"], p["line"], p.get("col")) for n, p, _ in annotations}
    errors = sum(1 for n, _, _ in annotations if n == "error")
    assert (parsed[-1][0] == "notice") == (errors > github.ANNOTATIONS_PER_LEVEL)


def test_action_and_readme_example_agree():
    from conftest import ROOT

    action = (ROOT / "action.yml").read_text("utf-8")
    block = action.split("\ninputs:\n", 1)[1].split("\noutputs:\n", 1)[0]
    inputs = set(re.findall(r"^  ([a-z-]+):$", block, re.M))
    assert {"paths", "manifest", "format", "sarif-file"} <= inputs
    assert "using: composite" in action and "${{ github.action_path }}" in action
    readme = (ROOT / "README.md").read_text("utf-8")
    example = readme.split("## GitHub Actions", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    used = example.split("/consentlint@", 1)[1].split("with:\n", 1)[1]
    keys = re.findall(r"^\s+([a-z-]+):", used.split("- uses:", 1)[0], re.M)
    assert keys and set(keys) <= inputs
    assert "security-events: write" in example and "upload-sarif" in example


def _step(name: str) -> tuple[str, dict]:
    """The bash script and env of one step of action.yml."""
    import yaml

    from conftest import ROOT

    steps = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))["runs"]["steps"]
    step = next(s for s in steps if s["name"] == name)
    return step["run"], step.get("env", {})


def _run_step(tmp_path, cwd, **inputs) -> tuple[subprocess.CompletedProcess, list[str], str]:
    """The action's scan step as the runner runs it (``bash -eo pipefail``), with
    `consentlint` a shim that logs each call; (result, calls, GITHUB_OUTPUT)."""
    script, _ = _step("Run consentlint")
    shim = tmp_path / "bin"
    shim.mkdir(exist_ok=True)
    log = tmp_path / "calls.log"
    real = Path(sys.executable).with_name("consentlint")
    (shim / "consentlint").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    (shim / "consentlint").chmod(0o755)
    output = tmp_path / "github-output"
    env = {**os.environ, "CONSENTLINT_BIN": str(shim), "GITHUB_OUTPUT": str(output), "PATHS": ".",
           "MANIFEST": "", "FORMAT": "github", "SARIF_FILE": "", "ARGS": ""}
    env.update({k.upper().replace("-", "_"): v for k, v in inputs.items()})
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True)
    return proc, log.read_text().splitlines() if log.exists() else [], output.read_text() if output.exists() else ""


def test_the_action_scans_once_for_annotations_and_sarif(tmp_path):
    """With `sarif-file` it ran two scans (SARIF, then annotations); now one run
    writes both, and they hold the same findings."""
    demo = tmp_path / "demo-app"
    shutil.copytree(FIXTURES / "demo-app", demo)
    proc, calls, output = _run_step(tmp_path, demo, sarif_file="consentlint.sarif", args="--no-cache")
    assert proc.returncode == 1, proc.stderr
    assert calls == ["check . --no-cache --sarif-output consentlint.sarif --format github"]
    assert output == "exit-code=1\n"
    annotations = [parse(line) for line in proc.stdout.splitlines() if not line.startswith("::notice")]
    results = json.loads((demo / "consentlint.sarif").read_text())["runs"][0]["results"]
    assert sorted((p["file"], int(p["line"]), p["title"].split()[0]) for _, p, _ in annotations) == sorted(
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"]) for r in results)


def test_the_action_without_sarif_and_with_a_missing_path(tmp_path):
    demo = tmp_path / "demo-app"
    shutil.copytree(FIXTURES / "demo-app", demo)
    proc, calls, output = _run_step(tmp_path, demo, paths="web demo-ap", args="--no-cache")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == "consentlint: error: demo-ap: no such file or folder\n"
    assert calls == ["check web demo-ap --no-cache --format github"] and output == "exit-code=2\n"


def test_the_action_caches_pip_by_the_action_own_files():
    """setup-python's `cache: pip` and hashFiles() see only the workspace; the
    key is computed from the action's pyproject.toml and the cache is the pip
    cache folder the install step uses."""
    import yaml

    from conftest import ROOT

    action = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    steps = {s["name"]: s for s in action["runs"]["steps"]}
    cache = steps["Cache pip downloads"]
    assert cache["uses"].startswith("actions/cache@") and cache["with"]["key"] == "${{ steps.pip-cache.outputs.key }}"
    assert steps["Install consentlint"]["env"]["PIP_CACHE_DIR"] == cache["with"]["path"]
    assert action["inputs"]["cache"]["default"] == "true"
    script, _ = _step("Key of the pip cache")
    proc = subprocess.run(["bash", "-eo", "pipefail", "-c", script],
                          env={**os.environ, "ACTION_PATH": str(ROOT), "PYTHON_VERSION": "3.12", "RUNNER_OS": "Linux",
                               "GITHUB_OUTPUT": "/dev/stdout"},
                          capture_output=True, text=True)
    assert proc.returncode == 0 and re.fullmatch(r"key=consentlint-pip-Linux-3\.12-[0-9a-f]{16}\n", proc.stdout), proc
