"""What a person at a terminal sees: --show-source, --color, the summary line
and the progress line on stderr (only on a TTY, outside CI, never in machine
formats)."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from conftest import manifest_of
from consentlint import cli

CODE = "from plyer import gps\n\n\ndef f():\n\tgps.start()  # tab-indented\n"


def run(*args, cwd, env=None):
    import os

    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run([sys.executable, "-m", "consentlint", "check", *args], cwd=cwd, capture_output=True,
                          text=True, env={**environ, **(env or {})})


@pytest.fixture
def project(tmp_path):
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    (tmp_path / "app.py").write_text(CODE)
    return tmp_path


def test_show_source_puts_a_caret_under_the_span(project):
    out = run("app.py", "--show-source", cwd=project).stdout.splitlines()
    assert out == [
        "app.py:5:6: PDC201 `gps.start` collects location.precise on a path that no consent check for it guards",
        "5 |     gps.start()  # tab-indented",
        "  |         ^^^^^",
        "Found 1 finding (1 error) in 1 file.",
    ]


def test_summary_when_clean_and_quiet(project):
    (project / "app.py").write_text("print('hello')\n")
    (project / "b.py").write_text("x = 1\n")
    assert run("app.py", "b.py", cwd=project).stdout == "All clear: 2 files checked.\n"
    assert run("app.py", "b.py", "--quiet", cwd=project).stdout == ""


def test_color_modes(project):
    plain = run("app.py", cwd=project).stdout
    assert "\x1b[" not in plain  # not a TTY
    assert "\x1b[" not in run("app.py", "--color", "never", env={"FORCE_COLOR": "1"}, cwd=project).stdout
    forced = run("app.py", env={"FORCE_COLOR": "1"}, cwd=project).stdout
    assert "\x1b[1m\x1b[31mPDC201\x1b[0m" in forced
    assert "\x1b[" not in run("app.py", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}, cwd=project).stdout
    always = run("app.py", "--color", "always", cwd=project).stdout
    assert always == forced
    # colour never changes the text once the escapes are gone
    import re

    assert re.sub(r"\x1b\[[0-9;]*m", "", always) == plain


class _TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("extra, env, shown", [
    ((), {}, True),
    ((), {"CI": "true"}, False),
    (("--format", "json"), {}, False),
    (("--quiet",), {}, False),
])
def test_progress_line_only_on_a_terminal_outside_ci(tmp_path, monkeypatch, extra, env, shown):
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    for i in range(250):
        (tmp_path / f"m{i:03}.py").write_text("x = 1\n")
    monkeypatch.delenv("CI", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    stderr, stdout = _TTY(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    monkeypatch.setattr(sys, "stdout", stdout)
    assert cli.main(["check", ".", "--jobs", "1", "--ignore", "PDC102", *extra]) == 0
    text = stderr.getvalue()
    if shown:
        assert "\r[" in text and "/250 files" in text and text.endswith("\r\x1b[K")
    else:
        assert text == ""
    if "--format" in extra:
        assert json.loads(stdout.getvalue())["findings"] == []


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path):
    (tmp_path / "privacy-manifest.toml").write_text(manifest_of("location"))
    for i in range(250):
        (tmp_path / f"m{i:03}.py").write_text("x = 1\n")
    proc = run(".", "--ignore", "PDC102", cwd=tmp_path)
    assert proc.stderr == "" and proc.stdout == "All clear: 250 files checked.\n"
