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

from consentlint.frontends import ALL_EXTENSIONS

MAX_DEPTH = 10_000  # folder levels the walk may recurse (paths end far sooner)
DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", "node_modules", "build", "dist", "out", ".gradle", "Pods", "/vendor/",
    "venv", ".venv", "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".consentlint_cache", "*.min.js", "*.d.ts", "*_pb2.py", "*_pb2_grpc.py", "*.generated.*",
)


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    # the paths whose stat (or absence) decided the result: every folder
    # listed and every ignore file looked for (``stamps``, ``unchanged``)
    watched: set[str] = field(default_factory=set)


def stamps(paths) -> dict[str, tuple | None]:
    """Each path's ``stat`` stamp (size, modification and change times,
    inode, device), or None when it is not there."""
    out: dict[str, tuple | None] = {}
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError:
            out[path] = None
        else:
            out[path] = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev)
    return out


def unchanged(seen: dict[str, tuple | None]) -> bool:
    """Whether every path still has the stamp it had (``stamps``): a folder's
    entries cannot change without its modification time moving, so a listing
    whose folders and ignore files are all unchanged is still the listing."""
    return stamps(seen) == seen


class _Excludes:
    """Exclude patterns, gitignore-style: a pattern without ``/`` matches a file
    or folder name anywhere; one with ``/`` matches the path from the current
    directory. ``/name`` (``/name/``: a folder) is a name at the top: in the
    current directory or the project's root (``/vendor/``: a project's vendored
    dependencies, not its own ``.../vendor/`` package deeper down; ruff's
    relative patterns are anchored the same way). Names, top names and plain
    globs are checked without pathspec (fast path)."""

    def __init__(self, patterns, root: str | None = None):
        self.names: set[str] = set()
        self.top: dict[str, bool] = {}  # top-level name -> folders only
        globs = []
        anchored = []
        for pattern in patterns:
            body = pattern.rstrip("/")
            top = body[1:]
            if body.startswith("/") and top and not any(c in top for c in "/*?[!"):
                self.top[top] = self.top.get(top, True) and pattern.endswith("/")
            elif pattern.startswith("!") or "/" in body or "**" in body:
                anchored.append(pattern)
            elif any(c in body for c in "*?["):
                globs.append(fnmatch.translate(body))
            else:
                self.names.add(body)
        self.glob = re.compile("|".join(globs)) if globs else None
        self.spec = _gitignore_spec(anchored) if anchored else None
        self.cwd = os.getcwd()
        self.tops = {self.cwd, os.path.abspath(root)} if root is not None else {self.cwd}

    def match(self, absolute: str, name: str, is_dir: bool) -> bool:
        if name in self.names or (self.glob is not None and self.glob.match(name)):
            return True
        if name in self.top and (is_dir or not self.top[name]) and os.path.dirname(absolute) in self.tops:
            return True
        if self.spec is None:
            return False
        rel = os.path.relpath(absolute, self.cwd).replace(os.sep, "/")
        return self.spec.match_file(rel + "/" if is_dir else rel)


class _Ignores:
    """The .gitignore files that apply in a folder, outermost first."""

    def __init__(self, watched: set[str]):
        self.cache: dict = {}  # folder -> its pathspec.GitIgnoreSpec, or None
        self.watched = watched

    def spec_for(self, folder: str):
        if folder not in self.cache:
            lines = []
            for name in (".gitignore", os.path.join(".git", "info", "exclude")):
                self.watched.add(os.path.join(folder, name))
                try:
                    with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
                        lines += f.read().splitlines()
                except OSError:
                    pass
            self.cache[folder] = _gitignore_spec(lines) if lines else None
        return self.cache[folder]

    def ignored(self, absolute: str, is_dir: bool, stack: tuple) -> bool:
        decision = False
        for folder, spec in stack:
            rel = absolute[len(folder):].lstrip(os.sep).replace(os.sep, "/")
            result = spec.check_file(rel + "/" if is_dir else rel)
            if result.include is not None:
                decision = result.include
        return decision


def _gitignore_spec(lines: list[str]):
    """A ``pathspec.GitIgnoreSpec`` (imported here: it took a sixth of start-up)."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def discover(paths: list[Path], exclude=DEFAULT_EXCLUDES, extend_exclude=(), force_exclude=False,
             respect_gitignore=True, extensions=ALL_EXTENSIONS, root: Path | None = None) -> Discovery:
    """Files to scan under ``paths``, each once (by real path), in walk order.
    Files named explicitly are scanned even when excluded, unless
    ``force_exclude``. ``root`` is the project's root (for top-level
    excludes). An entry that would be scanned but is not a regular file or
    folder is reported in ``errors``, never dropped without a word."""
    # one frame per folder level: a 1,100-deep tree outgrew the default limit
    # (restored after: TOML read later must still stop at the usual depth)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, MAX_DEPTH))
    try:
        return _discover(paths, exclude, extend_exclude, force_exclude, respect_gitignore, extensions, root)
    finally:
        sys.setrecursionlimit(limit)


def _discover(paths, exclude, extend_exclude, force_exclude, respect_gitignore, extensions, root) -> Discovery:
    out = Discovery()
    excludes = _Excludes([*exclude, *extend_exclude], root)
    ignores = _Ignores(out.watched)
    seen: set[str] = set()  # real paths of the files taken
    walked: set[str] = set()  # real paths of the folders walked
    # symlinked folders and files wait until the real ones are taken: a link
    # to a file of the scan adds nothing, and the findings keep the real path
    deferred: list[tuple] = []
    linked: list[tuple[str, str]] = []

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
            out.watched.add(os.path.join(current, ".git"))
            if os.path.exists(os.path.join(current, ".git")):
                break
        stack: tuple = ()
        for item in reversed(chain):
            stack = push(stack, item)
        return stack

    def add(shown: str, real: str):
        if real not in seen:
            seen.add(real)
            out.files.append(Path(shown))

    def walk(shown: str, absolute: str, real: str, stack: tuple, visiting: frozenset):
        # `real` is the folder's resolved path: only a symlink can lead back up
        if real in visiting:
            out.errors.append((shown, "symlink loop, skipped"))
            return
        if real in walked:
            return  # the same folder by another path: scanned once
        walked.add(real)
        visiting = visiting | {real}
        out.watched.add(absolute)
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
            except OSError:  # a symlink loop: reported below if it is a source file's name
                is_dir = False
            if not is_dir and not name.endswith(extensions):
                continue
            child_abs = entry.path
            if excludes.match(child_abs, name, is_dir):
                continue
            if stack and ignores.ignored(child_abs, is_dir, stack):
                continue
            child_shown = name if shown == "." else f"{shown}/{name}"
            link = entry.is_symlink()
            if is_dir:
                if link:
                    deferred.append((child_shown, child_abs, os.path.realpath(child_abs), stack, visiting))
                else:
                    walk(child_shown, child_abs, os.path.join(real, name), stack, visiting)
            elif _is_file(entry):
                if link:
                    linked.append((child_shown, os.path.realpath(child_abs)))
                else:
                    add(child_shown, os.path.join(real, name))
            else:
                out.errors.append((child_shown, _not_scanned(Path(child_abs))))

    for path in paths:
        shown = path.as_posix()
        absolute = os.path.abspath(path)
        if path.is_dir():
            if force_exclude and _excluded_path(excludes, absolute, True):
                continue
            item = (shown, absolute, os.path.realpath(absolute), repository_stack(absolute), frozenset())
            if os.path.islink(absolute):
                deferred.append(item)
            else:
                walk(*item)
        elif path.is_file():
            if force_exclude and _excluded_path(excludes, absolute, False):
                continue
            if not path.name.endswith(extensions):  # named, but never read: not "1 file checked"
                out.errors.append((shown, "not a source file consentlint reads, skipped"))
                continue
            add(shown, os.path.realpath(absolute))
        else:
            out.errors.append((shown, _not_scanned(path)))
    while deferred:
        walk(*deferred.pop(0))
    for shown, real in linked:
        add(shown, real)
    return out


def excluded_folder(folder: Path, exclude=DEFAULT_EXCLUDES, extend_exclude=(), root: Path | None = None) -> bool:
    """Whether ``--force-exclude`` would leave out ``folder`` named on its own."""
    return _excluded_path(_Excludes([*exclude, *extend_exclude], root), os.path.abspath(folder), True)


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


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
