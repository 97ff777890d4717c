"""The pre-commit hooks through a real ``pre-commit`` and ``git commit``: a
temporary clone of the working tree is the hook repository; one app repository
and one PRE_COMMIT_HOME serve every case, so the hook environment is built
once (it needs PyPI for consentlint's dependencies, nothing else)."""

from __future__ import annotations

import os
import re
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
def hooks(tmp_path_factory) -> tuple[Path, str, dict]:
    """The hook repository (the working tree's state, committed: the real tree
    has uncommitted changes), its commit, and the environment every case shares."""
    base = tmp_path_factory.mktemp("precommit")
    env = {**os.environ, "PRE_COMMIT_HOME": str(base / "cache"), "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "NO_COLOR": "1"}
    env.pop("CI", None)
    repo = base / "hook-repo"
    repo.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    for folder in ("src", "checks"):
        shutil.copytree(ROOT / folder, repo / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _git("init", "-q", "-b", "main", cwd=repo, env=env)
    _git("add", "-A", cwd=repo, env=env)
    _git("commit", "-q", "-m", "hooks", cwd=repo, env=env)
    return repo, _git("rev-parse", "HEAD", cwd=repo, env=env).stdout.strip(), env


def _app_repo(hooks, repo: Path, files: dict[str, str]) -> tuple[Path, dict]:
    """A git repository with ``files`` committed and both hooks installed
    (the hook environment is built once, in the shared PRE_COMMIT_HOME)."""
    hook_repo, rev, env = hooks
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hook_repo.as_posix()}\n  rev: {rev}\n  hooks:\n  - id: consentlint\n"
        "  - id: consentlint-manifest\n")
    _git("init", "-q", "-b", "main", cwd=repo, env=env)
    install = subprocess.run([sys.executable, "-m", "pre_commit", "install", "--install-hooks"], cwd=repo, env=env,
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr
    _git("add", "-A", cwd=repo, env=env)
    _git("commit", "-q", "--no-verify", "-m", "start", cwd=repo, env=env)
    return repo, env


@pytest.fixture(scope="module")
def app(hooks, tmp_path_factory) -> tuple[Path, dict]:
    return _app_repo(hooks, tmp_path_factory.mktemp("app"), {
        "privacy-manifest.toml": MANIFEST, "app/__init__.py": "",
        "app/privacy.py": "def has_consent(category):\n    return False\n"})


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


# one unguarded collection per extension the CLI scans (DESIGN section 12, "Files")
PYTHON = "from plyer import gps\n\n\ndef track():\n    gps.start()\n"
JVM = CASES["kotlin"][1]
WEB = CASES["javascript"][1]
EXTENSIONS = {".py": PYTHON, ".pyi": PYTHON, ".java": CASES["java"][1], ".kt": JVM, ".kts": JVM,
              ".js": WEB, ".jsx": WEB, ".mjs": WEB, ".cjs": WEB, ".ts": WEB, ".tsx": WEB, ".mts": WEB, ".cts": WEB}


def test_every_extension_the_cli_scans_has_a_case():
    from consentlint.frontends import ALL_EXTENSIONS

    assert sorted(EXTENSIONS) == sorted(ALL_EXTENSIONS)


@pytest.mark.parametrize("extension", list(EXTENSIONS))
def test_the_hook_receives_every_extension(app, extension):
    """identify gives .mts/.cts no tag and .pyi the tag `pyi`: with `types_or`
    they were never passed and the commit went through."""
    repo, env = app
    path = f"ext/track{extension}"
    blocked = _commit(repo, env, path, EXTENSIONS[extension])
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1, output
    assert re.search(rf"^{re.escape(path)}:\d+:\d+: PDC201 ", output, re.M), output
    _git("rm", "-q", "--cached", path, cwd=repo, env=env)
    (repo / path).unlink()


def test_a_commit_touching_two_apps_judges_each_file_by_its_own_manifest(hooks, tmp_path):
    """A monorepo: shop/ and delivery/ each have a manifest; a commit with a
    file from each is judged per app (the first file's manifest judged both)."""
    project = ROOT / "fixtures" / "projects" / "monorepo"
    files = {p.relative_to(project).as_posix(): p.read_text() for p in project.rglob("*")
             if p.is_file() and ".consentlint_cache" not in p.parts}
    repo, env = _app_repo(hooks, tmp_path, files)
    for path in ("delivery/delivery/route.py", "shop/shop/checkout.py"):
        (repo / path).write_text((repo / path).read_text() + "\n\n# touched\n")
        _git("add", path, cwd=repo, env=env)
    blocked = _git("commit", "-m", "both apps", cwd=repo, env=env, check=False)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1, output
    assert sorted(re.findall(r"^\S+:\d+:\d+: PDC\d+ .*$", output, re.M)) == [
        "delivery/delivery/route.py:13:16: PDC101 `camera.take_picture` collects media.photos, "
        "which the manifest does not declare",
        "shop/shop/checkout.py:12:12: PDC201 `camera.take_picture` collects media.photos on a path "
        "that no consent check for it guards",
    ]
