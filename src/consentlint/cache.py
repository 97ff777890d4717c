"""The facts cache (DESIGN section 7): each file's facts, keyed by content.

An entry is the pickled facts and ``noqa`` comments of one file, stored under
the hash of everything lowering depends on: the tool (its version and the
code that lowers: a change there is a new tool), the tree-sitter and grammar
versions, what lowering still reads of the catalogs and the manifest (the
front-ends are not yet policy-free: DESIGN section 7 wants them to be, and
then this part of the key goes), the file's language, path and module, and
its bytes. Files that cannot be read or decoded are never cached.

Entries live in ``<project>/.consentlint_cache/facts/`` (``--cache-dir``;
``--no-cache`` turns it off). Writes go through a temporary file and an atomic
rename, so concurrent runs and a killed run never leave a torn entry; an
unreadable or unwritable cache is skipped silently (read-only CI), and a
corrupt entry is a miss. The folder holds a ``CACHEDIR.TAG`` and a
``.gitignore`` so backups and version control leave it alone.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path

FOLDER = ".consentlint_cache"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# consentlint's facts cache; safe to delete\n"
_GRAMMARS = ("tree-sitter", "tree-sitter-python", "tree-sitter-java", "tree-sitter-kotlin",
             "tree-sitter-javascript", "tree-sitter-typescript")


@cache
def tool_key() -> bytes:
    """What identifies the lowering code: the version, the sources of the
    package (a development checkout changes without a new version) and the
    tree-sitter and grammar versions."""
    import importlib.metadata  # slow to import: only when a cache is used

    from consentlint import __version__

    digest = hashlib.blake2b(__version__.encode(), digest_size=20)
    package = Path(__file__).parent
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.scm")]):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    for name in _GRAMMARS:
        try:
            digest.update(f"{name}={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name}=-".encode())
    return digest.digest()


class FactsCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.facts = self.folder / "facts"
        self.writable = True
        self.hits = self.misses = 0

    def key(self, *parts: bytes) -> str:
        digest = hashlib.blake2b(tool_key(), digest_size=20)
        for part in parts:
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        return digest.hexdigest()

    def load(self, key: str):
        """The entry stored under ``key``, or None."""
        try:
            data = (self.facts / key[:2] / key[2:]).read_bytes()
        except OSError:
            self.misses += 1
            return None
        enabled = gc.isenabled()
        gc.disable()  # many small acyclic objects: collections only slow loading
        try:
            value = pickle.loads(data)
        except Exception:  # a corrupt or foreign entry is a miss
            value = None
        finally:
            if enabled:
                gc.enable()
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def store(self, key: str, value) -> None:
        if not self.writable:
            return
        target = self.facts / key[:2] / key[2:]
        try:
            if not self.folder.is_dir():
                self._create()
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as out:
                    pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, target)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except (OSError, pickle.PicklingError, RecursionError):
            self.writable = False  # read-only CI, a full disk: run without it

    def _create(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "CACHEDIR.TAG").write_text(_TAG)
        (self.folder / ".gitignore").write_text("# created by consentlint\n*\n")
