"""flake8 plugin (``PDC`` entry point): the CLI's engine, in process, on the
file flake8 hands over.

It reports for a ``.py`` file exactly the CLI's file-scope findings, at the
same line and column (flake8 columns are 0-based), judged over the whole
project as the CLI judges a one-file check (DESIGN section 7: a helper's
check or a caller's guard in another file counts). The project is scanned
once per flake8 process, through the facts cache, and each file's findings
read from that scan; a file whose text flake8 holds is not what is on disk
(standard input, an editor's buffer) is judged on its own text among the
project's other files. flake8 itself handles ``noqa``,
``--select``/``--extend-ignore``, per-file-ignores and config files. Syntax
errors are flake8's own (E999), so PDC001 is not reported here. A broken
manifest becomes one PDC002 finding, any internal error one PDC001 at line
1: the plugin never exits or aborts the host.
"""

from __future__ import annotations

import os
from contextlib import nullcontext
from pathlib import Path

from consentlint import __version__, languages

_ENGINES: dict = {}
# (manifest, project root) -> findings by path of the whole project's scan, once per process
_PROJECTS: dict = {}


_MANIFESTS: dict = {}  # folder -> the manifest nearest to it (None: none), once per process


def _nearest_manifest(path: Path, find_manifest) -> Path | None:
    """``find_manifest`` for ``path``, looked up once per folder: flake8 hands
    over the files of a folder one by one, and climbing to the root for
    each was a tenth of the plugin's time."""
    if path.is_symlink():  # (its manifest is the real file's)
        return find_manifest(path)
    folder = path.parent if path.is_file() else path
    key = os.path.abspath(folder)
    if key not in _MANIFESTS:
        _MANIFESTS[key] = find_manifest(path)
    return _MANIFESTS[key]


class Plugin:
    name = "consentlint"
    version = __version__
    manifest_option: str | None = None

    def __init__(self, tree, filename: str, lines: list[str]):
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager) -> None:
        manager.add_option(
            "--pdc-manifest", default=None, parse_from_config=True, metavar="FILE",
            help="consentlint: the privacy manifest (default: nearest privacy-manifest.toml "
                 "upward from each file)",
        )

    @classmethod
    def parse_options(cls, options) -> None:
        cls.manifest_option = options.pdc_manifest

    def run(self):
        from consentlint.errors import internal_error

        try:
            diagnostics = self._diagnostics()
        except Exception as exc:  # noqa: BLE001 -- a bug in the plugin must never abort flake8
            diagnostics = [(1, 0, f"PDC001 consentlint could not analyse this file: {internal_error(exc)}")]
        for line, column, message in diagnostics:
            yield line, column, message, type(self)

    def _diagnostics(self) -> list[tuple[int, int, str]]:
        from consentlint.engine import Engine, Settings
        from consentlint.errors import ConsentlintError
        from consentlint.manifest import find_manifest

        path = Path(self.filename)
        if path.suffix not in languages.extensions("python"):
            path = path.with_suffix(".py")
        from consentlint import engine as E
        from consentlint.cache import FOLDER
        from consentlint.manifest import load_manifest

        try:
            manifest = Path(self.manifest_option) if self.manifest_option else _nearest_manifest(
                path if path.exists() else Path.cwd(), find_manifest)
            key = str(manifest.resolve()) if manifest else None
            if key not in _ENGINES:
                loaded = load_manifest(Path(key)) if key else None
                root = E.project_root(loaded, path)
                settings = Settings(key, suppressions=False, project_root=str(root) if root else None,
                                    cache_dir=str(root / FOLDER) if root else None)
                _ENGINES[key] = Engine(settings, manifest=loaded), root
            engine, root = _ENGINES[key]
        except ConsentlintError as exc:
            return [(1, 0, f"PDC002 invalid manifest: {'; '.join(str(exc).splitlines())}")]  # one line for flake8
        source = "".join(self.lines).encode("utf-8", "surrogateescape")
        findings = self._in_project(engine, root, key, path, source)
        return [(f.line, f.column - 1, f"{f.code} {f.message}") for f in findings if f.code != "PDC001"]

    def _in_project(self, engine, root: Path | None, key, path: Path, source: bytes):
        """The file's findings judged over its project."""
        from consentlint import engine as E
        from consentlint.discovery import DEFAULT_EXCLUDES, discover

        if root is None:
            return engine.analyze_source(source, path, self.filename).findings
        try:
            on_disk = path.read_bytes() == source
        except OSError:
            on_disk = False
        display = E.display_path(path)
        project = _PROJECTS.get((key, str(root)))
        if on_disk and project is None:
            files = discover([root], exclude=DEFAULT_EXCLUDES, force_exclude=True).files
            # one of flake8's worker processes (-j) scans the project, the
            # others wait for it and read its results from the cache
            with engine.cache.exclusive() if engine.cache is not None else nullcontext():
                result = E.run(engine, files, 1, False, "")
            found: dict[str, list] = {}
            for finding in result.findings:
                found.setdefault(finding.path, []).append(finding)
            project = _PROJECTS[(key, str(root))] = found, frozenset(map(E.display_path, files)), files
        if on_disk and display in project[1]:
            return project[0].get(display, [])
        # its text is not the file's (or the file is outside the project):
        # judged on that text among the project's other files
        files = project[2] if project is not None else \
            discover([root], exclude=DEFAULT_EXCLUDES, force_exclude=True).files
        others = [p for p in files if os.path.abspath(p) != os.path.abspath(path)]
        lowered = [engine.lower_source(source, path, self.filename, keep_source=True),
                   *E.lower_files(engine, others, 1)]
        return engine.judge(lowered, report=1)[0].findings
