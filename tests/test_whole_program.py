"""Whole-program analysis through the command line (DESIGN section 7): how a
site is guarded is recorded in JSON and SARIF, an unguarded path is named, and
a scan of one file reports what a scan of the whole project reports for it."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import FIXTURES, consentlint
from test_sarif import validate

PROJECTS = FIXTURES / "projects"
HELPERS = PROJECTS / "android-helpers"


def cli(*args, cwd):
    return consentlint(*args, cwd=cwd).stdout


@pytest.fixture(scope="module")
def helpers_json():
    return json.loads(cli("check", "--format", "json", cwd=HELPERS))


def _site(doc, path, line):
    (site,) = [c for c in doc["collections"] if c["path"] == path and c["line"] == line]
    return site


def test_guard_kinds_and_paths_in_json(helpers_json):
    tracker = "src/com/acme/app/Tracker.java"
    helper = _site(helpers_json, tracker, 22)["guard"]
    assert (helper["kind"], helper["via"]) == ("helper", ["com.acme.util.PermissionUtils.hasLocation"])
    assert helper["check"]["api"] == "androidx.core.content.ContextCompat.checkSelfPermission"
    assert helper["check"]["permissions"] == ["android.permission.ACCESS_FINE_LOCATION"]
    passed_in = _site(helpers_json, tracker, 27)["guard"]
    assert passed_in["permissions"] == ["android.permission.ACCESS_COARSE_LOCATION"]
    callers = _site(helpers_json, tracker, 53)["guard"]
    assert callers["kind"] == "callers"
    assert callers["via"] == ["com.acme.app.Tracker.refreshIfAllowed", "com.acme.app.Tracker.lastLocation"]
    dispatch = _site(helpers_json, "src/com/acme/app/Locator.kt", 30)["guard"]
    assert dispatch["kind"] == "callers" and dispatch["via"][0] == "com.acme.app.Locator.locate"
    unguarded = _site(helpers_json, tracker, 64)
    assert unguarded["guard"] is None
    assert unguarded["via"] == ["com.acme.app.MapScreen.onResume", "com.acme.app.Tracker.latest"]
    (finding,) = [f for f in helpers_json["findings"] if f["path"] == tracker and f["line"] == 64]
    assert finding["message"].endswith("(via MapScreen.onResume -> Tracker.latest)")


def test_unguarded_path_as_sarif_related_locations():
    doc = json.loads(cli("check", "--format", "sarif", cwd=HELPERS))
    validate(doc)
    (result,) = [r for r in doc["runs"][0]["results"] if r["message"]["text"].endswith("Tracker.latest)")]
    related = [(r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"],
                r["message"]["text"]) for r in result["relatedLocations"]]
    assert related == [("src/com/acme/app/MapScreen.java", 31, "`MapScreen.onResume`"),
                       ("src/com/acme/app/Tracker.java", 63, "`Tracker.latest`")]


@pytest.mark.parametrize("project", sorted(p for p in PROJECTS.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_one_file_scan_reports_what_the_full_scan_reports(project, tmp_path):
    """pre-commit, flake8 and editors name single files: helpers and callers in
    the project's other files still count. (Without the cache: a one-file
    check after a full scan is served the full scan's results from it.)"""
    target = tmp_path / project.name
    shutil.copytree(project, target)
    full = json.loads(cli("check", "--format", "json", "--exit-zero", "--no-cache", cwd=target))
    files = sorted({c["path"] for c in full["collections"]} | {f["path"] for f in full["findings"]
                                                                if not f["path"].endswith(".toml")})
    assert files
    for path in files:
        one = json.loads(cli("check", path, "--format", "json", "--exit-zero", "--no-cache", cwd=target))
        keep = ("path", "line", "column", "code", "message")
        want = [{k: f[k] for k in keep} for f in full["findings"] if f["path"] == path and f["code"] != "PDC102"]
        got = [{k: f[k] for k in keep} for f in one["findings"] if f["path"] == path]
        assert got == want, path
        assert [c for c in one["collections"]] == [c for c in full["collections"] if c["path"] == path], path


def test_without_a_manifest_the_repository_is_the_project(tmp_path):
    """No manifest: JS/TS modules are named from the version-control root, so
    handlers registered in another file are still typed; without either, the
    folder holding what is scanned is the project (an exported tree), and
    only the files named are read."""
    target = tmp_path / "app"
    shutil.copytree(PROJECTS / "js-handlers", target, ignore=shutil.ignore_patterns(".consentlint_cache"))
    (target / "privacy-manifest.toml").unlink()
    lines = lambda doc: {(c["path"], c["line"]) for c in doc["collections"]}  # noqa: E731
    across = {("src/payload.js", 4), ("src/services/normalise.js", 5), ("src/ts/account.ts", 2)}
    alone = json.loads(cli("check", "src", "--format", "json", "--exit-zero", "--no-cache", cwd=target))
    assert across <= lines(alone)
    one = json.loads(cli("check", "src/payload.js", "--format", "json", "--exit-zero", "--no-cache", cwd=target))
    assert ("src/payload.js", 4) not in lines(one)  # its callers are in files not named
    (target / ".git").mkdir()
    doc = json.loads(cli("check", "src", "--format", "json", "--exit-zero", "--no-cache", cwd=target))
    assert across | {("src/controllers/users.js", 5)} <= lines(doc)
    assert ("src/controllers/signup.js", 20) not in lines(doc)  # neither reached nor shaped like a handler
    one = json.loads(cli("check", "src/payload.js", "--format", "json", "--exit-zero", "--no-cache", cwd=target))
    assert ("src/payload.js", 4) in lines(one)  # the repository around it is read
