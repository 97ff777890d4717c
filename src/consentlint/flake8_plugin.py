"""flake8 plugin (``PDC`` entry point): the CLI's engine, in process, on the
file flake8 hands over.

It reports for a ``.py`` file exactly the CLI's file-scope findings, at the
same line and column (flake8 columns are 0-based). flake8 itself handles
``noqa``, ``--select``/``--extend-ignore``, per-file-ignores and config
files. Syntax errors are flake8's own (E999), so PDC001 is not reported here.
A broken manifest becomes one PDC002 finding, any internal error one PDC001
at line 1: the plugin never exits or aborts the host.
"""

from __future__ import annotations

from pathlib import Path

from consentlint import __version__

_ENGINES: dict = {}


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
        if path.suffix not in (".py", ".pyi"):
            path = path.with_suffix(".py")
        try:
            manifest = Path(self.manifest_option) if self.manifest_option else find_manifest(path if path.exists() else Path.cwd())
            key = str(manifest.resolve()) if manifest else None
            if key not in _ENGINES:
                _ENGINES[key] = Engine(Settings(key, suppressions=False))
            engine = _ENGINES[key]
        except ConsentlintError as exc:
            return [(1, 0, f"PDC002 invalid manifest: {exc}")]
        source = "".join(self.lines).encode("utf-8", "surrogateescape")
        result = engine.analyze_source(source, path, self.filename)
        return [(f.line, f.column - 1, f"{f.code} {f.message}") for f in result.findings if f.code != "PDC001"]
