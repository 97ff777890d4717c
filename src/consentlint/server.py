"""The language server (``consentlint server``): LSP over stdio, on pygls.

Diagnostics for every extension the CLI scans, on open, on change (the
unsaved buffer) and on save. Each file is judged over its whole project, as
``consentlint check FILE`` judges it (DESIGN section 7): the project's other
files come from the facts cache or the disk, and an open buffer stands for
its file, so a helper's check edited in one buffer guards a call in another.
The manifest, when open, shows the project-scope findings that point into it
(PDC002, PDC102, ...), or why it cannot be read.

Hover on a collection site tells its category, the catalog entry and how it
is guarded. Quick fixes are the rules' own (``Finding.fixes``: a ``[[data]]``
entry for an undeclared category, a guard around a Python collection, ...),
worked out against the open buffers, and a ``noqa`` with a reason
placeholder for a finding whose rule offers none.
Saving or changing the manifest, a configuration file or a catalog file
reloads everything; a source file changed on disk (a checkout) is read again.
Positions are sent in the encoding the client negotiated (UTF-16 by default).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from lsprotocol import types as T
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from consentlint import __version__, languages
from consentlint import engine as E
from consentlint.errors import ConsentlintError
from consentlint.findings import ERROR, FileResult, Finding
from consentlint.frontends import FRONTENDS
from consentlint.manifest import MANIFEST_NAME, find_manifest, load_manifest
from consentlint.rules import docs_url

SOURCE = "consentlint"
DEBOUNCE = 0.3  # seconds of quiet after a change before the buffers are judged again
# files whose change reloads every project (manifests, configuration, catalogs)
RELOADS = frozenset((MANIFEST_NAME, "consentlint.toml", "pyproject.toml"))
_WATCHED = ["**/privacy-manifest.toml", "**/consentlint.toml", "**/pyproject.toml", "**/checks/**/*.toml",
            *(f"**/*{suffix}" for suffix in sorted(FRONTENDS))]


class Project:
    """One app: its manifest (or the lack of one), an engine, the facts of its
    files as they are on disk, and the open buffers standing for some of them."""

    def __init__(self, manifest_path: Path | None, anchor: Path):
        from consentlint.cache import FOLDER

        self.manifest_path = manifest_path
        self.error: str | None = None  # why the manifest cannot be read
        manifest = None
        if manifest_path is not None:
            try:
                manifest = load_manifest(manifest_path)
            except ConsentlintError as exc:
                self.error = str(exc)
        self.root = E.project_root(manifest, anchor)
        root = str(self.root) if self.root is not None else None
        settings = E.Settings(str(manifest_path) if manifest is not None else None, project_root=root,
                              cache_dir=str(self.root / FOLDER) if self.root is not None else None)
        self.engine = E.Engine(settings, manifest=manifest)
        self.chosen = _selection(self.root)
        self._disk: dict[str, E.Lowered] | None = None  # absolute path -> its facts from the disk
        self.buffers: dict[str, E.Lowered] = {}  # absolute path -> its facts from the open buffer
        self.results: dict[str, FileResult] = {}  # absolute path -> the last judgement of its buffer

    def files(self) -> list[Path]:
        from consentlint.discovery import DEFAULT_EXCLUDES, discover

        if self.root is None:
            return []
        return discover([self.root], exclude=DEFAULT_EXCLUDES, force_exclude=True, root=self.root).files

    def disk(self) -> dict[str, E.Lowered]:
        """The project's files as lowered from the disk (through the cache),
        read once and then kept up to date by ``changed_on_disk``."""
        if self._disk is None:
            files = self.files()
            # in this process: forking a server that has threads is not safe
            lowered = E.lower_files(self.engine, files, 1)
            self._disk = {os.path.abspath(p): low for p, low in zip(files, lowered)}
        return self._disk

    def changed_on_disk(self, path: str) -> None:
        if self._disk is None:
            return
        if os.path.isfile(path):
            self._disk[path] = self.engine.lower_file(Path(path), E.display_path(Path(path)))
        else:
            self._disk.pop(path, None)

    def open(self, path: str, text: str) -> None:
        self.buffers[path] = self.engine.lower_source(text.encode("utf-8", "surrogateescape"), Path(path),
                                                      E.display_path(Path(path)), keep_source=True)

    def close(self, path: str) -> None:
        self.buffers.pop(path, None)
        self.results.pop(path, None)

    def judge(self, path: str) -> FileResult:
        """The open buffer ``path`` judged among the project's other files
        (open buffers standing for theirs)."""
        own = self.buffers[path]
        others = [low for p, low in self.buffers.items() if p != path]
        others += [low for p, low in self.disk().items() if p != path and p not in self.buffers]
        result = self.engine.judge([_fresh(own), *map(_fresh, others)], report=1)[0]
        result.findings = [f for f in result.findings if self.chosen(f.code)]
        self.results[path] = result
        return result

    def manifest_findings(self) -> list[Finding]:
        """The project-scope findings that point into the manifest."""
        if self.manifest_path is None or self.error is not None or self.root is None:
            return []
        files = self.files()
        result = E.run(self.engine, files, 1, True, E.expected_manifest_path(self.root))
        shown = E.display_path(self.manifest_path)
        return [f for f in result.findings if f.path == shown and self.chosen(f.code)]


def _fresh(lowered: E.Lowered) -> E.Lowered:
    """A copy whose result the project stage may fill in (the facts are shared)."""
    return E.Lowered(lowered.path, FileResult(lowered.result.path, findings=list(lowered.result.findings),
                                              errors=list(lowered.result.errors)),
                     lowered.language, lowered.facts, lowered.noqa, lowered.source)


def _selection(root: Path | None):
    """The project's `select`/`ignore` (its configuration file), as a test on codes."""
    from consentlint.cli import _selected
    from consentlint.config import find_config, load_config

    path = find_config(root) if root is not None else None
    if path is None:
        return _selected(None, ())
    try:
        values = load_config(path, "check", ("text",), {})
    except ConsentlintError:
        return _selected(None, ())
    return _selected(values.get("select"), values.get("ignore", ()))


class ConsentlintServer(LanguageServer):
    def __init__(self):
        super().__init__(SOURCE, __version__)
        self.projects: dict[str | None, Project] = {}  # by manifest path (None: no manifest)
        self._pending: asyncio.Task | None = None

    def project_of(self, path: str) -> Project:
        manifest = find_manifest(Path(path).parent)
        key = str(manifest.resolve()) if manifest is not None else None
        project = self.projects.get(key)
        if project is None:
            project = self.projects[key] = Project(Path(key) if key else None, Path(path))
        return project

    def reload(self) -> None:
        """Forget every project (a manifest, configuration or catalog changed);
        the open buffers are read again into the new ones."""
        buffers = {p: low for project in self.projects.values() for p, low in project.buffers.items()}
        self.projects.clear()
        for path in buffers:
            document = self.workspace.get_text_document(from_fs_path(path))
            self.project_of(path).open(path, document.source)

    def files_changed(self, paths) -> None:
        """Files saved or changed on disk: a manifest, configuration or catalog
        file reloads everything; a source file is read again. Then every open
        buffer is judged again."""
        paths = [p for p in paths if p is not None]
        if any(Path(p).name in RELOADS or Path(p).suffix == ".toml" for p in paths):
            self.reload()
        else:
            for path in paths:
                for project in self.projects.values():
                    project.changed_on_disk(os.path.abspath(path))
        self.publish_all()

    def schedule(self) -> None:
        """Judge the open buffers again once edits pause."""
        if self._pending is not None:
            self._pending.cancel()
        self._pending = asyncio.ensure_future(self._publish_later())

    async def _publish_later(self) -> None:
        await asyncio.sleep(DEBOUNCE)
        self.publish_all()

    def publish_all(self) -> None:
        for project in list(self.projects.values()):
            for path in list(project.buffers):
                self.publish(project, path)
        for document in list(self.workspace.text_documents.values()):
            path = to_fs_path(document.uri)
            if path is not None and Path(path).name == MANIFEST_NAME:
                self.publish_manifest(path)

    def publish(self, project: Project, path: str) -> None:
        document = self.workspace.get_text_document(from_fs_path(path))
        lines = document.lines
        if project.error is not None:
            diagnostics = [self._diagnostic(lines, 1, 1, 1, 1, "PDC002", ERROR,
                                            f"invalid manifest: {project.error}")]
        else:
            result = project.judge(path)
            diagnostics = [self._diagnostic(lines, f.line, f.column, f.end_line, f.end_column, f.code,
                                            f.severity, f.message) for f in result.findings]
        self.text_document_publish_diagnostics(T.PublishDiagnosticsParams(document.uri, diagnostics,
                                                                          version=document.version))

    def publish_manifest(self, path: str) -> None:
        project = self.projects.get(str(Path(path).resolve())) or Project(Path(path), Path(path))
        self.projects.setdefault(str(Path(path).resolve()), project)
        document = self.workspace.get_text_document(from_fs_path(path))
        lines = document.lines
        if project.error is not None:
            line = _error_line(project.error)
            diagnostics = [self._diagnostic(lines, line, 1, line, 1, "PDC002", ERROR, project.error)]
        else:
            diagnostics = [self._diagnostic(lines, f.line, f.column, f.end_line, f.end_column, f.code,
                                            f.severity, f.message) for f in project.manifest_findings()]
        self.text_document_publish_diagnostics(T.PublishDiagnosticsParams(document.uri, diagnostics,
                                                                          version=document.version))

    def _diagnostic(self, lines, line, column, end_line, end_column, code, severity, message) -> T.Diagnostic:
        start = self._position(lines, line, column)
        end = self._position(lines, end_line, end_column)
        if (end.line, end.character) <= (start.line, start.character):  # a whole-line finding
            end = self._position(lines, line, len(lines[line - 1]) + 1 if 0 < line <= len(lines) else column)
        return T.Diagnostic(
            range=T.Range(start, end), message=message, source=SOURCE, code=code,
            code_description=T.CodeDescription(href=docs_url(code)),
            severity=T.DiagnosticSeverity.Error if severity == ERROR else T.DiagnosticSeverity.Warning)

    def _position(self, lines, line: int, column: int) -> T.Position:
        """A 1-based code-point position as the client counts (0-based, in its units)."""
        position = T.Position(max(line - 1, 0), max(column - 1, 0))
        return self.workspace.position_codec.position_to_client_units(lines, position)


def _error_line(message: str) -> int:
    """The line a manifest error names (``privacy-manifest.toml:7: ...``), else 1."""
    head = message.split(": ", 1)[0]
    number = head.rpartition(":")[2]
    return int(number) if number.isdigit() else 1


server = ConsentlintServer()


def _path(uri: str) -> str | None:
    """A local source file's absolute path, or None (not a file, or not a language we scan)."""
    path = to_fs_path(uri)
    if path is None or Path(path).suffix not in FRONTENDS:
        return None
    return os.path.abspath(path)


@server.feature(T.INITIALIZED)
def _initialized(ls: ConsentlintServer, params: T.InitializedParams) -> None:
    watching = ls.client_capabilities.workspace
    if watching and watching.did_change_watched_files and watching.did_change_watched_files.dynamic_registration:
        options = T.DidChangeWatchedFilesRegistrationOptions(
            watchers=[T.FileSystemWatcher(glob_pattern=glob) for glob in _WATCHED])
        ls.client_register_capability(T.RegistrationParams(registrations=[
            T.Registration(id="consentlint-watch", method=T.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                           register_options=options)]))


@server.feature(T.TEXT_DOCUMENT_DID_OPEN)
def _did_open(ls: ConsentlintServer, params: T.DidOpenTextDocumentParams) -> None:
    document = params.text_document
    fs_path = to_fs_path(document.uri)
    if fs_path is not None and Path(fs_path).name == MANIFEST_NAME:
        ls.publish_manifest(os.path.abspath(fs_path))
        return
    path = _path(document.uri)
    if path is None:
        return
    project = ls.project_of(path)
    project.open(path, document.text)
    ls.publish(project, path)


@server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
def _did_change(ls: ConsentlintServer, params: T.DidChangeTextDocumentParams) -> None:
    path = _path(params.text_document.uri)
    if path is None:
        return
    document = ls.workspace.get_text_document(params.text_document.uri)
    ls.project_of(path).open(path, document.source)
    ls.schedule()


@server.feature(T.TEXT_DOCUMENT_DID_SAVE)
def _did_save(ls: ConsentlintServer, params: T.DidSaveTextDocumentParams) -> None:
    ls.files_changed([to_fs_path(params.text_document.uri)])


@server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
def _did_close(ls: ConsentlintServer, params: T.DidCloseTextDocumentParams) -> None:
    path = _path(params.text_document.uri)
    if path is None:
        return
    for project in ls.projects.values():
        project.close(path)
    ls.text_document_publish_diagnostics(T.PublishDiagnosticsParams(params.text_document.uri, []))
    ls.schedule()  # (its buffer no longer stands for the file)


@server.feature(T.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def _watched(ls: ConsentlintServer, params: T.DidChangeWatchedFilesParams) -> None:
    ls.files_changed([to_fs_path(change.uri) for change in params.changes])


@server.feature(T.TEXT_DOCUMENT_HOVER)
def _hover(ls: ConsentlintServer, params: T.HoverParams) -> T.Hover | None:
    path = _path(params.text_document.uri)
    if path is None:
        return None
    project = ls.project_of(path)
    result = project.results.get(path)
    if result is None:
        return None
    document = ls.workspace.get_text_document(params.text_document.uri)
    position = ls.workspace.position_codec.position_from_client_units(document.lines, params.position)
    line, column = position.line + 1, position.character + 1
    for site in result.collections:
        span = site.span
        if (span.line, span.column) <= (line, column) < (span.end_line, span.end_column):
            return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.Markdown,
                                                    value=describe(site, project.engine.manifest)),
                           range=T.Range(ls._position(document.lines, span.line, span.column),
                                         ls._position(document.lines, span.end_line, span.end_column)))
    return None


def describe(site, manifest) -> str:
    """What a hover says about a collection site."""
    from consentlint.report.json import guard

    declared = manifest is not None and manifest.declaration(site.category) is not None
    lines = [f"**{site.category}** collected by `{site.api}`",
             f"catalog entry `{site.source.id}`" + (f" ({site.source.references[0]})" if site.source.references
                                                    else ""),
             "declared in the manifest" if declared else "**not declared** in the manifest"]
    if not site.needs_consent:
        lines.append("no consent needed: the manifest's legal basis for it is not consent")
    elif site.status == "guarded":
        how = guard(site.guard)
        check = f"`{how['api']}`" + (f" (line {how['line']})" if how["line"] else "")
        via = f" via {' -> '.join(how['via'])}" if how["via"] else ""
        lines.append(f"guarded ({how['kind']}) by {check}{via}")
    elif site.status == "mismatched":
        lines.append("**not guarded**: the consent check before it is for another category")
    else:
        lines.append("**not guarded** by a consent or permission check on every path")
    if site.via:
        lines.append("unguarded path: " + " -> ".join(step.function for step in site.via))
    return "\n\n".join(lines)


@server.feature(T.TEXT_DOCUMENT_CODE_ACTION,
                T.CodeActionOptions(code_action_kinds=[T.CodeActionKind.QuickFix]))
def _code_actions(ls: ConsentlintServer, params: T.CodeActionParams) -> list[T.CodeAction]:
    """The fixes the rules offer for each diagnostic (``Finding.fixes``,
    worked out against the open buffers), and a ``noqa`` for any finding
    whose rule offers none."""
    path = _path(params.text_document.uri)
    if path is None:
        return []
    result = ls.project_of(path).results.get(path)
    document = ls.workspace.get_text_document(params.text_document.uri)
    actions = []
    for diagnostic in params.context.diagnostics:
        if diagnostic.source != SOURCE or not isinstance(diagnostic.code, str):
            continue
        finding = _finding_at(ls, document, result, diagnostic)
        fixes = finding.fixes if finding is not None else ()
        for fix in fixes:
            action = _action(ls, fix, diagnostic)
            if action is not None:
                actions.append(action)
        if not any("noqa" in fix.title for fix in fixes):
            line = diagnostic.range.start.line
            noqa = noqa_edit(document.lines[line] if line < len(document.lines) else "", Path(path).suffix,
                             diagnostic.code)
            if noqa is not None:
                column, text = noqa
                at = ls._position(document.lines, line + 1, column)
                actions.append(T.CodeAction(
                    title=f"Suppress {diagnostic.code} on this line (noqa, with a reason to fill in)",
                    kind=T.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                    edit=T.WorkspaceEdit(changes={document.uri: [T.TextEdit(T.Range(at, at), text)]})))
    return actions


def _finding_at(ls, document, result, diagnostic):
    """The finding a diagnostic of ``document`` was made from."""
    for finding in result.findings if result is not None else ():
        if finding.code != diagnostic.code:
            continue
        start = ls._position(document.lines, finding.line, finding.column)
        if (start.line, start.character) == (diagnostic.range.start.line, diagnostic.range.start.character):
            return finding
    return None


def _action(ls: ConsentlintServer, fix, diagnostic: T.Diagnostic) -> T.CodeAction | None:
    """A fix as a code action: its edits worked out against the text of the
    file it changes as the editor holds it (an open buffer, else the disk)."""
    from consentlint import fixes

    target = os.path.abspath(fix.path)
    uri = from_fs_path(target)
    document = ls.workspace.text_documents.get(uri)
    old = document.source if document is not None else fixes.read(target)
    if old is None:
        return None
    new = fixes.render(target, old, [fix.action])
    if new == old or (fix.applicability != "display-only" and not fixes.parses(target, new)):
        return None
    lines = old.splitlines(keepends=True) or [""]
    edits = [T.TextEdit(T.Range(ls._position(lines, e.line, e.column), ls._position(lines, e.end_line, e.end_column)),
                        e.text) for e in fixes.edits(target, old, new)]
    return T.CodeAction(title=fix.title, kind=T.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                        is_preferred=fix.applicability == "safe", edit=T.WorkspaceEdit(changes={uri: edits}))


def noqa_edit(line: str, suffix: str, code: str) -> tuple[int, str] | None:
    """Where and what to add to ``line`` to suppress ``code``: a new comment
    at its end, or the code added to the comment already there (1-based column)."""
    opener = languages.comments(suffix)[0]
    text = line.rstrip("\r\n")
    marker = f"{opener} noqa: "
    at = text.find(marker)
    if at >= 0:
        if code in text[at:]:
            return None
        end = at + len(marker)
        while end < len(text) and (text[end].isalnum() or text[end] in ", "):
            end += 1
        codes = text[at + len(marker):end].rstrip(", ")
        return at + len(marker) + len(codes) + 1, f", {code}"
    stripped = text.rstrip()
    return len(stripped) + 1, f"  {opener} noqa: {code} -- TODO: why this is allowed"


def main() -> int:
    server.start_io()
    return 0
