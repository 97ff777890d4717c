"""``consentlint init``: a draft manifest from what the code collects, through the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from consentlint.manifest import load_manifest

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo-app"


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "consentlint", *args], cwd=cwd, capture_output=True, text=True)


def _app(tmp_path: Path) -> Path:
    app = tmp_path / "app"
    shutil.copytree(DEMO, app)
    (app / "privacy-manifest.toml").unlink()
    return app


def test_the_draft_declares_what_the_code_collects_and_validates(tmp_path):
    app = _app(tmp_path)
    proc = _cli("init", str(app), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == f"consentlint: wrote {app / 'privacy-manifest.toml'}; fill in its TODOs, then run `consentlint check`\n"
    text = (app / "privacy-manifest.toml").read_text("utf-8")
    assert text.startswith("#:schema https://")
    manifest = load_manifest(app / "privacy-manifest.toml")
    checked = json.loads(_cli("check", ".", "--no-cache", "--format", "json", cwd=app).stdout)
    collected = {c["category"] for c in checked["collections"]}
    assert {d.category for d in manifest.data} == collected
    codes = {f["code"] for f in checked["findings"]}
    assert not codes & {"PDC101", "PDC102", "PDC002"}, codes
    assert "PDC201" in codes  # (guards are the user's to add)
    # the SDK the app starts is a third party, named where it collects
    assert '[[third_party]]\nid = "umeng"\nname = "Umeng"\nsdk = ["com.umeng.*"]' in text
    assert 'category = "device.id"\npurposes = ["TODO"]\nshared_with = ["umeng"]' in text
    # where each category is collected, and the consent functions as suggestions
    assert "# collected at demo/views.py:9 (`request.POST`)" in text
    assert '#   { function = "demo.privacy.has_consent" },' in text


def test_an_existing_manifest_is_kept_unless_forced(tmp_path):
    app = _app(tmp_path)
    (app / "privacy-manifest.toml").write_text("# mine\n", "utf-8")
    proc = _cli("init", str(app), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == (f"consentlint: error: {app / 'privacy-manifest.toml'}: already exists "
                           "(use --force to replace it)\n")
    assert (app / "privacy-manifest.toml").read_text("utf-8") == "# mine\n"
    assert _cli("init", str(app), "--force", cwd=tmp_path).returncode == 0
    assert "[[data]]" in (app / "privacy-manifest.toml").read_text("utf-8")


def test_a_folder_that_collects_nothing_gets_a_valid_empty_draft(tmp_path):
    (tmp_path / "hello.py").write_text("print('hello')\n", "utf-8")
    assert _cli("init", ".", cwd=tmp_path).returncode == 0
    manifest = load_manifest(tmp_path / "privacy-manifest.toml")
    assert manifest.data == () or list(manifest.data) == []


def test_a_missing_folder_is_an_error(tmp_path):
    proc = _cli("init", "nowhere", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (2, "consentlint: error: nowhere: not a folder\n")
