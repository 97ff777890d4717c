"""The language server through a real LSP client over stdio (pytest-lsp):
what an editor sees on open, change, hover, quick fix and save."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as T
from pytest_lsp import ClientServerConfig, LanguageClient

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo-app"
KOTLIN = "android/app/src/main/java/com/demo/shop/StoreLocatorActivity.kt"
TSX = "web/StoreFinder.tsx"


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lsp") / "demo-app"
    shutil.copytree(DEMO, folder)
    return folder


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "consentlint", "server"]))
async def client(lsp_client: LanguageClient, app: Path):
    capabilities = T.ClientCapabilities(
        general=T.GeneralClientCapabilities(position_encodings=[T.PositionEncodingKind.Utf16]),
        text_document=T.TextDocumentClientCapabilities(
            publish_diagnostics=T.PublishDiagnosticsClientCapabilities(version_support=True)))
    await lsp_client.initialize_session(T.InitializeParams(
        capabilities=capabilities, root_uri=app.as_uri(),
        workspace_folders=[T.WorkspaceFolder(uri=app.as_uri(), name="demo-app")]))
    yield
    await lsp_client.shutdown_session()


def _cli_findings(app: Path, relative: str) -> list[tuple]:
    """What ``consentlint check`` reports for one file of the app: (code, line, column, end_column), 0-based."""
    out = subprocess.run([sys.executable, "-m", "consentlint", "check", "--format", "json", "--no-cache", "."],
                         cwd=app, capture_output=True, text=True)
    found = json.loads(out.stdout)["findings"]
    return sorted((f["code"], f["line"] - 1, f["column"] - 1, f["end_column"] - 1)
                  for f in found if f["path"] == relative)


def _applied(text: str, edit: T.TextEdit) -> str:
    """``text`` with an LSP edit applied (ASCII text: characters are columns)."""
    lines = text.splitlines(keepends=True) + [""]
    start = sum(len(line) for line in lines[:edit.range.start.line]) + edit.range.start.character
    end = sum(len(line) for line in lines[:edit.range.end.line]) + edit.range.end.character
    return text[:start] + edit.new_text + text[end:]


def _seen(client: LanguageClient, uri: str) -> list[tuple]:
    return sorted((d.code, d.range.start.line, d.range.start.character, d.range.end.character)
                  for d in client.diagnostics.get(uri, []))


async def _published(client: LanguageClient, uri: str, version: int | None = None) -> None:
    """Wait for the diagnostics of ``uri`` (of that version of its text)."""
    while True:
        params = await asyncio.wait_for(client.wait_for_notification(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 60)
        if params.uri == uri and (version is None or params.version == version):
            return


async def _open(client: LanguageClient, path: Path, language: str, text: str | None = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(
        uri=uri, language_id=language, version=1, text=path.read_text("utf-8") if text is None else text)))
    await _published(client, uri, 1 if path.suffix != ".toml" else None)
    return uri


async def _change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        T.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [T.TextDocumentContentChangeWholeDocument(text=text)]))
    await _published(client, uri, version)


@pytest.mark.asyncio
async def test_kotlin_and_tsx_get_the_cli_findings(client: LanguageClient, app: Path):
    for relative, language in ((KOTLIN, "kotlin"), (TSX, "typescriptreact")):
        uri = await _open(client, app / relative, language)
        assert _seen(client, uri) == _cli_findings(app, relative), relative
        assert _seen(client, uri)  # (the demo app has findings in both)
        diagnostic = client.diagnostics[uri][0]
        assert diagnostic.source == "consentlint"
        assert diagnostic.code_description.href.endswith(f"/docs/rules/{diagnostic.code}.md")


@pytest.mark.asyncio
async def test_an_unsaved_edit_is_judged_and_a_guard_in_it_counts(client: LanguageClient, app: Path):
    path = app / "demo" / "sensors.py"
    unguarded = "from plyer import gps\n\n\ndef start():\n    gps.start()\n"
    path.write_text("", "utf-8")  # (on disk: empty; the buffer holds the code)
    uri = await _open(client, path, "python", "")
    assert _seen(client, uri) == []
    await _change(client, uri, 2, unguarded)
    assert ("PDC201", 4, 8, 13) in _seen(client, uri)
    guarded = ("from plyer import gps\n\nfrom demo.privacy import has_consent\n\n\n"
               "def start():\n    if has_consent(\"location.precise\"):\n        gps.start()\n")
    await _change(client, uri, 3, guarded)
    assert not [d for d in _seen(client, uri) if d[0] == "PDC201"]


@pytest.mark.asyncio
async def test_positions_count_utf16_units(client: LanguageClient, app: Path):
    # a character outside the BMP takes two UTF-16 units before the call
    text = "from plyer import gps\n\n\ndef start():\n    s = '\U0001f600'; gps.start()\n"
    path = app / "demo" / "emoji.py"
    path.write_text(text, "utf-8")
    uri = await _open(client, path, "python")
    columns = [d[2] for d in _seen(client, uri) if d[0] == "PDC201"]
    assert columns == [text.splitlines()[4].index("start()") + 1]  # code points + 1 for the surrogate pair


@pytest.mark.asyncio
async def test_hover_tells_category_entry_and_guard(client: LanguageClient, app: Path):
    uri = await _open(client, app / KOTLIN, "kotlin")
    site = next(d for d in client.diagnostics[uri] if d.code == "PDC201")
    hover = await client.text_document_hover_async(T.HoverParams(T.TextDocumentIdentifier(uri), site.range.start))
    assert hover is not None
    text = hover.contents.value
    assert "collected by" in text and "catalog entry" in text and "not guarded" in text


@pytest.mark.asyncio
async def test_quick_fixes_suppress_and_declare(client: LanguageClient, app: Path):
    uri = await _open(client, app / "demo" / "views.py", "python")
    undeclared = next(d for d in client.diagnostics[uri] if d.code == "PDC101")
    actions = await client.text_document_code_action_async(T.CodeActionParams(
        T.TextDocumentIdentifier(uri), undeclared.range, T.CodeActionContext(diagnostics=[undeclared])))
    titles = [a.title for a in actions]
    assert any(t.startswith("Suppress PDC101") for t in titles)  # (its rule offers no noqa: the server's)
    declare = next(a for a in actions if a.title.startswith("Declare "))
    manifest_uri = (app / "privacy-manifest.toml").as_uri()
    (edit,) = declare.edit.changes[manifest_uri]
    assert "[[data]]" in edit.new_text and 'purposes = ["TODO"]' in edit.new_text
    # applied and saved, the manifest is read again: that finding is gone
    manifest = app / "privacy-manifest.toml"
    manifest.write_text(_applied(manifest.read_text("utf-8"), edit), "utf-8")
    client.text_document_did_save(T.DidSaveTextDocumentParams(T.TextDocumentIdentifier(manifest_uri)))
    await _published(client, uri)
    assert (undeclared.range.start.line, undeclared.range.start.character) not in [
        (d.range.start.line, d.range.start.character) for d in client.diagnostics[uri] if d.code == "PDC101"]


@pytest.mark.asyncio
async def test_noqa_quick_fix_silences_the_finding(client: LanguageClient, app: Path):
    path = app / "demo" / "tracking.py"
    uri = await _open(client, path, "python")
    target = next(d for d in client.diagnostics[uri] if d.code == "PDC201")
    actions = await client.text_document_code_action_async(T.CodeActionParams(
        T.TextDocumentIdentifier(uri), target.range, T.CodeActionContext(diagnostics=[target])))
    suppress = next(a for a in actions if "noqa" in a.title)
    (edit,) = suppress.edit.changes[uri]
    await _change(client, uri, 2, _applied(path.read_text("utf-8"), edit))
    assert target.range.start.line not in [d.range.start.line for d in client.diagnostics[uri] if d.code == "PDC201"]


@pytest.mark.asyncio
async def test_the_manifest_shows_its_project_findings(client: LanguageClient, app: Path):
    manifest = app / "privacy-manifest.toml"
    uri = await _open(client, manifest, "toml")
    codes = {d.code for d in client.diagnostics[uri]}
    assert "PDC102" in codes


@pytest.mark.asyncio
async def test_a_helper_in_another_open_buffer_guards(client: LanguageClient, app: Path):
    helper, caller = app / "demo" / "perms.py", app / "demo" / "radar.py"
    helper.write_text("", "utf-8")
    caller.write_text("", "utf-8")
    helper_uri = await _open(client, helper, "python", "")
    text = "from plyer import gps\n\nfrom demo.perms import allowed\n\n\ndef scan():\n    if allowed():\n        gps.start()\n"
    uri = await _open(client, caller, "python", text)
    assert [d for d in _seen(client, uri) if d[0] == "PDC201"]  # the helper checks nothing yet
    await _change(client, helper_uri, 2, "from demo.privacy import has_consent\n\n\n"
                                         "def allowed():\n    return has_consent(\"location.precise\")\n")
    await _published(client, uri)  # (the other buffers are judged again too)
    assert not [d for d in _seen(client, uri) if d[0] == "PDC201"]


@pytest.mark.asyncio
async def test_the_rules_fixes_are_code_actions_worked_out_on_the_buffer(client: LanguageClient, app: Path):
    """The fix model (issue 17) reaches the editor: a guard around an unguarded
    Python collection, computed on the unsaved buffer, not the file on disk."""
    path = app / "demo" / "beacon.py"
    path.write_text("", "utf-8")
    text = "from plyer import gps\n\n\ndef start():\n    gps.start()\n"
    uri = await _open(client, path, "python", text)
    target = next(d for d in client.diagnostics[uri] if d.code == "PDC201")
    actions = await client.text_document_code_action_async(T.CodeActionParams(
        T.TextDocumentIdentifier(uri), target.range, T.CodeActionContext(diagnostics=[target])))
    guard = next(a for a in actions if a.title.startswith("Guard it with"))
    fixed = text
    for edit in sorted(guard.edit.changes[uri], key=lambda e: (e.range.start.line, e.range.start.character),
                       reverse=True):
        fixed = _applied(fixed, edit)
    assert "has_consent(" in fixed
    await _change(client, uri, 2, fixed)
    assert not [d for d in _seen(client, uri) if d[0] == "PDC201"]
