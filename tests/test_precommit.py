"""The pre-commit hooks through a real ``pre-commit`` and ``git commit``: a
temporary clone of the working tree is the hook repository; one app repository
and one PRE_COMMIT_HOME serve every case, so the hook environment is built
once (it needs PyPI for consentlint's dependencies, nothing else)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytest.importorskip("pre_commit")
if shutil.which("git") is None:
    pytest.skip("needs git", allow_module_level=True)

MANIFEST = '''[policy]
url = "https://example.com/privacy"

[[data]]
category = "location"
purposes = ["navigation"]

[consent]
checks = [{ function = "app.privacy.has_consent" }, { function = "@acme/privacy#hasConsent" }]
'''

# language -> (path, unguarded source, source that passes: guarded or suppressed with a reason)
CASES = {
    "python": ("app/tracking.py",
               "from plyer import gps\n\n\ndef track():\n    gps.start()\n",
               "from plyer import gps\n\nfrom app.privacy import has_consent\n\n\ndef track():\n"
               "    if has_consent(\"location\"):\n        gps.start()\n"),
    "java": ("android/Tracker.java",
             "import android.location.LocationManager;\n\nclass Tracker {\n    LocationManager lm;\n\n"
             "    void track() {\n        lm.getLastKnownLocation(\"gps\");\n    }\n}\n",
             "import android.location.LocationManager;\n\nclass Tracker {\n    LocationManager lm;\n\n"
             "    void track() {\n        lm.getLastKnownLocation(\"gps\"); // noqa: PDC201 -- asked in onboarding\n"
             "    }\n}\n"),
    "kotlin": ("android/Tracker.kt",
               "import android.location.LocationManager\n\nclass Tracker(private val lm: LocationManager) {\n"
               "    fun track() {\n        lm.getLastKnownLocation(\"gps\")\n    }\n}\n",
               "import android.location.LocationManager\n\nclass Tracker(private val lm: LocationManager) {\n"
               "    fun track() {\n        lm.getLastKnownLocation(\"gps\") /* noqa: PDC201 -- asked in onboarding */\n"
               "    }\n}\n"),
    "javascript": ("web/track.js",
                   "export function track(show) {\n  navigator.geolocation.getCurrentPosition(show);\n}\n",
                   "import { hasConsent } from \"@acme/privacy\";\n\nexport function track(show) {\n"
                   "  if (hasConsent(\"location\")) {\n    navigator.geolocation.getCurrentPosition(show);\n  }\n}\n"),
    "typescript": ("web/track.ts",
                   "export function track(show: PositionCallback): void {\n"
                   "  navigator.geolocation.getCurrentPosition(show);\n}\n",
                   "export function track(show: PositionCallback): void {\n"
                   "  navigator.geolocation.getCurrentPosition(show);  // noqa: PDC201 -- user tapped \"locate me\"\n"
                   "}\n"),
}


def _git(*args, cwd: Path, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if check:
        assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
    return proc


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> tuple[Path, dict]:
    base = tmp_path_factory.mktemp("precommit")
    env = {**os.environ, "PRE_COMMIT_HOME": str(base / "cache"), "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "NO_COLOR": "1"}
    env.pop("CI", None)
    hooks = base / "hook-repo"  # the working tree's state, committed (the real tree has uncommitted changes)
    hooks.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, hooks / name)
    for folder in ("src", "checks"):
        shutil.copytree(ROOT / folder, hooks / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _git("init", "-q", "-b", "main", cwd=hooks, env=env)
    _git("add", "-A", cwd=hooks, env=env)
    _git("commit", "-q", "-m", "hooks", cwd=hooks, env=env)
    rev = _git("rev-parse", "HEAD", cwd=hooks, env=env).stdout.strip()

    repo = base / "app"
    (repo / "app").mkdir(parents=True)
    (repo / "privacy-manifest.toml").write_text(MANIFEST)
    (repo / "app" / "__init__.py").write_text("")
    (repo / "app" / "privacy.py").write_text("def has_consent(category):\n    return False\n")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hooks.as_posix()}\n  rev: {rev}\n  hooks:\n  - id: consentlint\n"
        "  - id: consentlint-manifest\n")
    _git("init", "-q", "-b", "main", cwd=repo, env=env)
    pre_commit = [sys.executable, "-m", "pre_commit"]
    install = subprocess.run([*pre_commit, "install", "--install-hooks"], cwd=repo, env=env,
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr
    _git("add", "-A", cwd=repo, env=env)
    _git("commit", "-q", "-m", "start", cwd=repo, env=env)
    return repo, env


def _commit(repo: Path, env: dict, path: str, text: str) -> subprocess.CompletedProcess:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    _git("add", path, cwd=repo, env=env)
    return _git("commit", "-m", f"edit {path}", cwd=repo, env=env, check=False)


@pytest.mark.parametrize("language", list(CASES))
def test_hook_blocks_an_unguarded_collection_and_passes_once_fixed(app, language):
    repo, env = app
    path, bad, good = CASES[language]
    blocked = _commit(repo, env, path, bad)
    output = blocked.stdout + blocked.stderr  # git prints the hook's output on stderr
    assert blocked.returncode == 1, output
    assert f"{path}:" in output and "PDC201" in output
    assert "consentlint (whole project, manifest changed)" in output and "(no files to check)Skipped" in output
    passed = _commit(repo, env, path, good)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert _git("status", "--porcelain", cwd=repo, env=env).stdout == ""


def test_manifest_hook_scans_the_whole_project(app):
    repo, env = app
    _commit(repo, env, "web/track.js", CASES["javascript"][2])  # something guarded is committed
    narrowed = MANIFEST.replace('category = "location"', 'category = "contacts"')
    blocked = _commit(repo, env, "privacy-manifest.toml", narrowed)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1, output
    assert "web/track.js:" in output and "PDC101" in output  # a file nobody staged
    (repo / "privacy-manifest.toml").write_text(MANIFEST)
    passed = _commit(repo, env, "privacy-manifest.toml", MANIFEST.replace('"navigation"', '"navigation", "maps"'))
    assert passed.returncode == 0, passed.stdout + passed.stderr
