"""Which files a scan covers (DESIGN section 12, "Files"): extensions, default
excludes, ``--exclude``/``--extend-exclude``/``--force-exclude``, and
``.gitignore`` files (plus ``.git/info/exclude``) like ruff."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from consentlint.frontends import ALL_EXTENSIONS

DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", "node_modules", "build", "dist", "out", ".gradle", "Pods", "vendor",
    "venv", ".venv", "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".consentlint_cache", "*.min.js", "*.d.ts", "*_pb2.py", "*_pb2_grpc.py", "*.generated.*",
)


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, message)


def _spec(patterns) -> pathspec.PathSpec:
    return pathspec.GitIgnoreSpec.from_lines(list(patterns))


class _Ignores:
    """The .gitignore files that apply in a folder, innermost last."""

    def __init__(self):
        self.cache: dict[Path, pathspec.PathSpec | None] = {}

    def spec_for(self, folder: Path) -> pathspec.PathSpec | None:
        if folder not in self.cache:
            lines = []
            for name in (".gitignore", ".git/info/exclude"):
                try:
                    lines += (folder / name).read_text("utf-8", "replace").splitlines()
                except OSError:
                    pass
            self.cache[folder] = _spec(lines) if lines else None
        return self.cache[folder]

    def ignored(self, path: Path, is_dir: bool, stack: list[Path]) -> bool:
        decision = False
        absolute = _absolute(path)
        for folder in stack:
            spec = self.spec_for(folder)
            if spec is None:
                continue
            rel = absolute.relative_to(folder).as_posix() + ("/" if is_dir else "")
            result = spec.check_file(rel)
            if result.include is not None:
                decision = result.include
        return decision


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


def discover(paths: list[Path], exclude=DEFAULT_EXCLUDES, extend_exclude=(), force_exclude=False,
             respect_gitignore=True, extensions=ALL_EXTENSIONS) -> Discovery:
    """Files to scan under ``paths``, sorted, each once. Files named explicitly
    are scanned even when excluded, unless ``force_exclude``."""
    out = Discovery()
    excluded = _spec([*exclude, *extend_exclude])
    ignores = _Ignores()
    seen: set[Path] = set()
    cwd = Path.cwd()

    def is_excluded(path: Path, is_dir: bool) -> bool:
        name = path.name + ("/" if is_dir else "")
        if excluded.match_file(name):
            return True
        try:
            rel = _absolute(path).relative_to(cwd).as_posix()
        except ValueError:
            rel = path.as_posix()
        return excluded.match_file(rel + ("/" if is_dir else ""))

    def gitignore_stack(folder: Path) -> list[Path]:
        # .gitignore files from the repository root (or filesystem root) down
        chain = []
        for parent in (folder, *folder.parents):
            chain.append(parent)
            if (parent / ".git").exists():
                break
        return list(reversed(chain))

    def add(path: Path):
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            out.files.append(path)

    def walk(folder: Path, stack: list[Path], visiting: set):
        real = folder.resolve()
        if real in visiting:
            out.errors.append((folder.as_posix(), "symlink loop, skipped"))
            return
        visiting = visiting | {real}
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            out.errors.append((folder.as_posix(), f"cannot list folder: {exc.strerror or exc}"))
            return
        stack = stack + [_absolute(folder)] if respect_gitignore else stack
        for entry in entries:
            path = folder / entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_excluded(path, is_dir):
                continue
            if respect_gitignore and ignores.ignored(path, is_dir, stack):
                continue
            if is_dir:
                walk(path, stack, visiting)
            elif entry.name.endswith(extensions) and entry.is_file():
                add(path)

    for path in paths:
        if path.is_dir():
            if force_exclude and is_excluded(path, True):
                continue
            stack = gitignore_stack(_absolute(path))[:-1] if respect_gitignore else []
            walk(path, stack, set())
        elif path.is_file():
            if force_exclude and (is_excluded(path, False) or any(
                    is_excluded(p, True) for p in path.parents if p != Path("."))):
                continue
            add(path)
        else:
            out.errors.append((path.as_posix(), "no such file or folder"))
    return out
