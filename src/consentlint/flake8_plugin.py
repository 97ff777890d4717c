"""flake8 plugin (``PDC`` entry point): the CLI's engine, in process, on the
file flake8 hands over.

It reports for a ``.py`` file exactly the CLI's file-scope findings, at the
same line and column (flake8 columns are 0-based). flake8 itself handles
``noqa``, ``--select``/``--extend-ignore``, per-file-ignores and config
files. Syntax errors are flake8's own (E999), so PDC001 is not reported here.
A broken manifest becomes one PDC002 finding: the plugin never exits the host.
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
            yield 1, 0, f"PDC002 invalid manifest: {exc}", type(self)
            return
        source = "".join(self.lines).encode("utf-8", "surrogateescape")
        result = engine.analyze_source(source, path, self.filename)
        for finding in result.findings:
            if finding.code == "PDC001":
                continue
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
