"""The facts cache (DESIGN section 7): each file's facts, keyed by content.

An entry is the pickled facts and ``noqa`` comments of one file, stored under
the hash of everything lowering depends on: the tool (its version and the
code that lowers: a change there is a new tool), the tree-sitter and grammar
versions, what lowering still reads of the catalogs and the manifest (the
front-ends are not yet policy-free: DESIGN section 7 wants them to be, and
then this part of the key goes), the file's language, path and module, and
its bytes. Files that cannot be read or decoded are never cached.

Two more things are kept beside the facts, so a warm run neither reads nor
parses what did not change. ``stats`` maps each file's path and ``stat`` (size,
modification time, inode) to the digest of its bytes, as git's index does: a
file whose ``stat`` is unchanged is not read again (the change time moves on
every write and cannot be set back). An entry is only kept when the file was
read well after its last change (``SETTLED_NS``), so two
writes within one tick of the file system's clock are never mistaken for one.
The catalogs as last loaded and checked (keyed by the tool and the bytes of
every catalog file) are kept apart, in the user's cache folder
(``CompiledCatalogs``), so start-up parses no TOML even with ``--no-cache``.
``runs/`` holds the results of the project stage, keyed by everything it
reads (the tool, the settings, the manifest's text and every file's facts
key): a re-run of an unchanged project, or a one-file check in a project
scanned before, reads its findings from there (the newest ``RUNS_KEPT``).
``snapshots/`` maps the ``stat`` of every file of a project (and the run
key's other parts) to its run key, so such a run need not even read the
files' stats entries or work out their facts keys. ``listings/`` holds the
project's files as a walk of its folders found them, with the ``stat`` of
every folder listed and ignore file looked for: a one-file check reads the
rest of the project from there while none of them changed.

Entries live in ``<project>/.consentlint_cache/`` (``--cache-dir``;
``--no-cache`` turns it off). Writes go through a temporary file and an atomic
rename, so concurrent runs and a killed run never leave a torn entry; an
unreadable or unwritable cache is skipped silently (read-only CI), and a
corrupt entry is a miss. The folder holds a ``CACHEDIR.TAG`` and a
``.gitignore`` so backups and version control leave it alone.
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import pickle
import sys
import time
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from consentlint.languages import GRAMMAR_MODULES

FOLDER = ".consentlint_cache"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# consentlint's facts cache; safe to delete\n"
SETTLED_NS = 2_000_000_000
RUNS_KEPT = 8
_GRAMMARS = ("tree-sitter", *(module.replace("_", "-") for module in GRAMMAR_MODULES))


@cache
def tool_key() -> bytes:
    """What identifies the lowering code: the version, the sources of the
    package (a development checkout changes without a new version) and the
    installed tree-sitter binding and grammars, by their files' names and
    ``stat`` (sizes, modification and change times, inodes: the change time
    moves on every write and cannot be set back; reading and hashing the
    sources was a tenth of start-up, ``importlib.metadata`` took a tenth of
    a second to import; a reinstalled or upgraded wheel rewrites its files)."""
    import importlib.util

    from consentlint import __version__

    digest = hashlib.blake2b(__version__.encode(), digest_size=20)
    package = os.path.dirname(os.path.abspath(__file__))
    for folder, folders, names in os.walk(package):
        folders.sort()
        for name in sorted(names):
            if name.endswith((".py", ".scm", ".json")):
                path = os.path.join(folder, name)
                digest.update(f"{os.path.relpath(path, package)}:{stamp(os.stat(path))}\0".encode())
    for name in _GRAMMARS:
        spec = importlib.util.find_spec(name.replace("-", "_"))
        folder = Path(spec.origin).parent if spec is not None and spec.origin else None
        digest.update(f"\0{name}".encode())
        for path in sorted(folder.iterdir()) if folder is not None else ():
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.digest()


def stamp(stat: os.stat_result) -> tuple:
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev


def _keep_newest(folder: Path, count: int) -> None:
    """Remove all but the ``count`` newest entries of ``folder``."""
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for stale in entries[count:]:
            stale.unlink()
    except OSError:
        pass


class FactsCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.facts = self.folder / "facts"
        self.runs = self.folder / "runs"
        self.snapshots = self.folder / "snapshots"
        self.writable = True
        self.hits = self.misses = 0
        self._stats: dict | None = None  # path -> (*stamp(stat), digest)
        self._stats_changed = False

    # ------------------------------------------------------ content digests

    def digest(self, path: str, stat: os.stat_result) -> bytes | None:
        """The digest of the file's bytes when its ``stat`` is unchanged
        since it was last read (else None: read it)."""
        if self._stats is None:
            self._stats = self._read_stats()
        entry = self._stats.get(path)
        if entry is not None and entry[:-1] == stamp(stat):
            return entry[-1]
        return None

    def remember(self, path: str, stat: os.stat_result, data: bytes) -> bytes:
        """The digest of ``data``, just read from ``path``; kept for the next
        run when the file had settled before it was read."""
        digest = hashlib.blake2b(data, digest_size=20).digest()
        if self._stats is None:
            self._stats = self._read_stats()
        if time.time_ns() - max(stat.st_mtime_ns, stat.st_ctime_ns) > SETTLED_NS:
            entry = (*stamp(stat), digest)
            if self._stats.get(path) != entry:
                self._stats[path] = entry
                self._stats_changed = True
        return digest

    def save_stats(self) -> None:
        if self._stats_changed:
            self._write(self.folder / "stats", self._stats)
            self._stats_changed = False

    def _read_stats(self) -> dict:
        value = self._read(self.folder / "stats")
        return value if isinstance(value, dict) else {}

    # ------------------------------------------------------ project results

    def load_run(self, key: str, paths) -> dict | None:
        """The project stage's results for ``paths`` under ``key``, when
        all of them are there. (Each result is pickled on its own inside
        the entry: a one-file check unpickles one, not the project's.)"""
        value = self._read(self.runs / key)
        if not isinstance(value, dict) or any(type(value.get(p)) is not bytes for p in paths):
            return None
        try:
            return {p: pickle.loads(value[p]) for p in paths}
        except Exception:  # a corrupt entry is a miss
            return None

    def store_run(self, key: str, results: dict) -> None:
        """Add ``results`` (path -> result) to the entry for ``key``; the
        oldest entries beyond ``RUNS_KEPT`` go."""
        try:
            packed = {p: pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL) for p, r in results.items()}
        except (pickle.PicklingError, RecursionError):
            return
        old = self._read(self.runs / key)
        if isinstance(old, dict):
            packed = {**old, **packed}
        self._write(self.runs / key, packed)
        _keep_newest(self.runs, RUNS_KEPT)

    def load_snapshot(self, key: str) -> str | None:
        """The run key a project snapshot (``Engine.snapshot_key``) was seen with, or None."""
        value = self._read(self.snapshots / key)
        return value if isinstance(value, str) else None

    def store_snapshot(self, key: str, run_key: str) -> None:
        """Remember that the project as ``key`` shows it has the results of
        ``run_key``; the oldest snapshots beyond ``RUNS_KEPT`` go."""
        if self.load_snapshot(key) == run_key:
            return
        self._write(self.snapshots / key, run_key)
        _keep_newest(self.snapshots, RUNS_KEPT)

    def load_listing(self, key: str):
        """A project's listing (``discovery.stamps`` of what decided it, and
        its files by manifest), or None."""
        value = self._read(self.folder / "listings" / key)
        return value if isinstance(value, tuple) and len(value) == 2 else None

    def store_listing(self, key: str, listing: tuple) -> None:
        self._write(self.folder / "listings" / key, listing)
        _keep_newest(self.folder / "listings", RUNS_KEPT)

    # ------------------------------------------------------ facts

    def key(self, *parts: bytes) -> str:
        digest = hashlib.blake2b(tool_key(), digest_size=20)
        for part in parts:
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        return digest.hexdigest()

    def load(self, key: str):
        """The entry stored under ``key``, or None."""
        value = _read(self.facts / key[:2] / key[2:], unpack)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def store(self, key: str, value) -> None:
        self._write(self.facts / key[:2] / key[2:], value, pack)

    def _read(self, path: Path):
        return _read(path)

    def _write(self, target: Path, value, dumps=None) -> None:
        if self.writable:
            if not self.folder.is_dir():
                try:
                    self._create()
                except OSError:
                    self.writable = False
                    return
            self.writable = _write(target, value, dumps)

    @contextmanager
    def exclusive(self):
        """Hold an exclusive lock on the cache while the block runs (others
        wait), where files can be locked and the cache can be written."""
        try:
            import fcntl
        except ImportError:  # (Windows)
            yield
            return
        handle = None
        try:
            if not self.folder.is_dir():
                self._create()
            handle = open(self.folder / ".lock", "a")
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError:
            if handle is not None:
                handle.close()
            handle = None
        try:
            yield
        finally:
            if handle is not None:
                handle.close()  # (which releases the lock)

    def _create(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "CACHEDIR.TAG").write_text(_TAG)
        (self.folder / ".gitignore").write_text("# created by consentlint\n*\n")


def pack(value) -> bytes:
    """``value`` pickled with each string as a persistent reference, so that
    ``unpack`` keeps one copy of every string however many files' facts
    name it (the same names in every file: a third of a project's facts)."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = _string_id
    pickler.dump(value)
    return out.getvalue()


def _string_id(value):
    return value if type(value) is str else None


def unpack(data: bytes):
    """What ``pack`` pickled, its strings shared with everything unpacked before."""
    unpickler = pickle.Unpickler(io.BytesIO(data))
    unpickler.persistent_load = sys.intern
    return unpickler.load()


def _read(path: Path, loads=pickle.loads):
    """The value pickled at ``path``, or None (absent, unreadable, corrupt or foreign)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    enabled = gc.isenabled()
    gc.disable()  # many small acyclic objects: collections only slow loading
    try:
        return loads(data)
    except Exception:  # a corrupt or foreign entry is a miss
        return None
    finally:
        if enabled:
            gc.enable()


def _write(target: Path, value, dumps=None) -> bool:
    """Pickle ``value`` (with ``dumps``, else plainly) to ``target`` through a
    temporary file and an atomic rename; False when it cannot be written
    (read-only CI, a full disk)."""
    import tempfile  # (here: a run that writes nothing never needs it)

    try:
        data = dumps(value) if dumps is not None else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except (OSError, pickle.PicklingError, RecursionError):
        return False
    return True


def user_folder() -> Path:
    """The user's cache folder for consentlint: ``$CONSENTLINT_CACHE_HOME``,
    else the platform's (``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux,
    ``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on Windows)."""
    own = os.environ.get("CONSENTLINT_CACHE_HOME")
    if own:
        return Path(own)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~/AppData/Local")
    elif sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base) / "consentlint"


class CompiledCatalogs:
    """The catalogs as loaded and checked once (``catalog.Catalog``), in the
    user's cache folder (``user_folder()/catalogs``), keyed by the tool and
    the bytes of every catalog file: like Python's ``.pyc`` files, derived
    from the tool and its data alone, so kept with or without a facts cache.
    Only the newest entry is kept; one that cannot be read or written is
    skipped silently."""

    def __init__(self, folder: Path | None = None):
        self.folder = (folder or user_folder()) / "catalogs"

    def key(self, digest: str) -> str:
        return hashlib.blake2b(tool_key() + digest.encode(), digest_size=20).hexdigest()

    def load(self, key: str):
        return _read(self.folder / key)

    def store(self, key: str, catalog) -> None:
        try:
            for stale in self.folder.iterdir() if self.folder.is_dir() else ():
                if stale.name != key and not stale.name.startswith(".tmp-"):
                    stale.unlink()
        except OSError:
            pass
        _write(self.folder / key, catalog)
