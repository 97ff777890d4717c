"""Which files a scan covers (DESIGN section 12, "Files"): extensions, default
excludes, ``--exclude``/``--extend-exclude``/``--force-exclude``, and
``.gitignore`` files (plus ``.git/info/exclude``) like ruff."""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from consentlint.frontends import ALL_EXTENSIONS

MAX_DEPTH = 10_000  # folder levels the walk may recurse (paths end far sooner)
DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", "node_modules", "build", "dist", "out", ".gradle", "Pods", "vendor",
    "venv", ".venv", "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".consentlint_cache", "*.min.js", "*.d.ts", "*_pb2.py", "*_pb2_grpc.py", "*.generated.*",
)


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, message)


class _Excludes:
    """Exclude patterns, gitignore-style: a pattern without ``/`` matches a file
    or folder name anywhere; one with ``/`` matches the path from the current
    directory. Names and plain globs are checked without pathspec (fast path)."""

    def __init__(self, patterns):
        self.names: set[str] = set()
        globs = []
        anchored = []
        for pattern in patterns:
            body = pattern.rstrip("/")
            if pattern.startswith("!") or "/" in body or "**" in body:
                anchored.append(pattern)
            elif any(c in body for c in "*?["):
                globs.append(fnmatch.translate(body))
            else:
                self.names.add(body)
        self.glob = re.compile("|".join(globs)) if globs else None
        self.spec = pathspec.GitIgnoreSpec.from_lines(anchored) if anchored else None
        self.cwd = os.getcwd()

    def match(self, absolute: str, name: str, is_dir: bool) -> bool:
        if name in self.names or (self.glob is not None and self.glob.match(name)):
            return True
        if self.spec is None:
            return False
        rel = os.path.relpath(absolute, self.cwd).replace(os.sep, "/")
        return self.spec.match_file(rel + "/" if is_dir else rel)


class _Ignores:
    """The .gitignore files that apply in a folder, outermost first."""

    def __init__(self):
        self.cache: dict[str, pathspec.PathSpec | None] = {}

    def spec_for(self, folder: str) -> pathspec.PathSpec | None:
        if folder not in self.cache:
            lines = []
            for name in (".gitignore", os.path.join(".git", "info", "exclude")):
                try:
                    with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
                        lines += f.read().splitlines()
                except OSError:
                    pass
            self.cache[folder] = pathspec.GitIgnoreSpec.from_lines(lines) if lines else None
        return self.cache[folder]

    def ignored(self, absolute: str, is_dir: bool, stack: tuple) -> bool:
        decision = False
        for folder, spec in stack:
            rel = absolute[len(folder):].lstrip(os.sep).replace(os.sep, "/")
            result = spec.check_file(rel + "/" if is_dir else rel)
            if result.include is not None:
                decision = result.include
        return decision


def discover(paths: list[Path], exclude=DEFAULT_EXCLUDES, extend_exclude=(), force_exclude=False,
             respect_gitignore=True, extensions=ALL_EXTENSIONS) -> Discovery:
    """Files to scan under ``paths``, sorted, each once. Files named explicitly
    are scanned even when excluded, unless ``force_exclude``."""
    # one frame per folder level: a 1,100-deep tree outgrew the default limit
    sys.setrecursionlimit(max(sys.getrecursionlimit(), MAX_DEPTH))
    out = Discovery()
    excludes = _Excludes([*exclude, *extend_exclude])
    ignores = _Ignores()
    seen: set[str] = set()

    def push(stack: tuple, folder: str) -> tuple:
        spec = ignores.spec_for(folder) if respect_gitignore else None
        return stack + ((folder, spec),) if spec is not None else stack

    def repository_stack(folder: str) -> tuple:
        # .gitignore files from the repository root (or filesystem root) down to folder's parent
        chain = []
        current = folder
        while True:
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
            chain.append(current)
            if os.path.exists(os.path.join(current, ".git")):
                break
        stack: tuple = ()
        for item in reversed(chain):
            stack = push(stack, item)
        return stack

    def add(shown: str, absolute: str):
        key = absolute
        if key not in seen:
            seen.add(key)
            out.files.append(Path(shown))

    def walk(shown: str, absolute: str, real: str, stack: tuple, visiting: frozenset):
        # `real` is the folder's resolved path: only a symlink can lead back up
        if real in visiting:
            out.errors.append((shown, "symlink loop, skipped"))
            return
        visiting = visiting | {real}
        try:
            with os.scandir(absolute) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            out.errors.append((shown, f"cannot list folder: {exc.strerror or exc}"))
            return
        stack = push(stack, absolute)
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if not is_dir and not name.endswith(extensions):
                continue
            child_abs = entry.path
            if excludes.match(child_abs, name, is_dir):
                continue
            if stack and ignores.ignored(child_abs, is_dir, stack):
                continue
            child_shown = name if shown == "." else f"{shown}/{name}"
            if is_dir:
                child_real = os.path.realpath(child_abs) if entry.is_symlink() else os.path.join(real, name)
                walk(child_shown, child_abs, child_real, stack, visiting)
            elif entry.is_file():
                add(child_shown, child_abs)

    for path in paths:
        shown = path.as_posix()
        absolute = os.path.abspath(path)
        if path.is_dir():
            if force_exclude and _excluded_path(excludes, absolute, True):
                continue
            walk(shown, absolute, os.path.realpath(absolute), repository_stack(absolute), frozenset())
        elif path.is_file():
            if force_exclude and _excluded_path(excludes, absolute, False):
                continue
            add(shown, absolute)
        else:
            out.errors.append((shown, _not_scanned(path)))
    return out


def _not_scanned(path: Path) -> str:
    """Why a path named on the command line is neither a file nor a folder."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop, skipped"
        if exc.errno == errno.ENOENT:
            return "broken symlink, skipped" if os.path.islink(path) else "no such file or folder"
        return f"cannot read: {exc.strerror or exc}"
    return "not a regular file or folder, skipped"


def _excluded_path(excludes: _Excludes, absolute: str, is_dir: bool) -> bool:
    """For --force-exclude: the path or one of its folders (below the current
    directory) is excluded."""
    if excludes.match(absolute, os.path.basename(absolute), is_dir):
        return True
    cwd = excludes.cwd
    folder = os.path.dirname(absolute)
    while folder.startswith(cwd + os.sep):
        if excludes.match(folder, os.path.basename(folder), True):
            return True
        folder = os.path.dirname(folder)
    return False
