"""The Android app manifest (``AndroidManifest.xml``) as project facts: its
``<application>`` meta-data and the activities it launches from the home
screen (an intent filter with ``MAIN`` and ``LAUNCHER``). Syntax only: what
the facts mean (an SDK that starts by itself, the screen whose closing exits
the app) is catalog data and the rules' business.

The manifest of a source file is the nearest ``AndroidManifest.xml`` in the
file's folder or a folder above it (``app/src/main/AndroidManifest.xml`` for
``app/src/main/java/...``), up to the project root, merged as the Android
build merges it with the manifests of the other modules of its Gradle build
(the folder with ``settings.gradle``): their meta-data and launchers are
added, the nearest's own values win. A manifest that cannot be read or
parsed gives no facts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

NAME = "AndroidManifest.xml"
_ANDROID = "{http://schemas.android.com/apk/res/android}"
_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class AndroidManifest:
    path: str
    package: str
    meta_data: dict  # <application>'s <meta-data> name -> value as written (None: a resource or no value)
    launchers: frozenset[str]  # qualified class names of the MAIN/LAUNCHER activities (and aliases' targets)
    line: int = 1  # the <application> element's line


def find(source: str | Path, root: str | Path | None = None) -> AndroidManifest | None:
    """The manifest that governs the source file ``source``, or None."""
    nearest = _nearest(*_start(source, root))
    return _merged(nearest) if nearest is not None else None


def sources(source: str | Path, root: str | Path | None = None) -> tuple[str, ...]:
    """The ``AndroidManifest.xml`` files that ``find`` reads for the source
    file ``source`` (the nearest and the other modules of its build): what
    a cached result for that file depends on besides the source files."""
    nearest = _nearest(*_start(source, root))
    return (nearest, *_modules(nearest)) if nearest is not None else ()


def _start(source, root) -> tuple[str, str | None]:
    """Where the search for ``source``'s manifest starts and stops: the real
    folder of the file (its own symlink followed) and the real root. (Once
    per folder: a project's keys ask for every Java and Kotlin file.)"""
    absolute = os.path.abspath(source)
    if os.path.islink(absolute):
        folder = os.path.dirname(os.path.realpath(absolute))
    else:
        folder = _realpath(os.path.dirname(absolute))
    return folder, _realpath(os.path.abspath(root)) if root is not None else None


_realpath = lru_cache(maxsize=None)(os.path.realpath)  # (once per folder and run: ``forget``)


_SETTINGS = ("settings.gradle", "settings.gradle.kts")
_SKIP = frozenset(("build", ".git", ".gradle", "node_modules", "intermediates", "generated"))


@lru_cache(maxsize=None)  # (once per folder and run: ``forget``)
def _nearest(folder: str, stop: str | None) -> str | None:
    """The ``AndroidManifest.xml`` in ``folder`` or the nearest folder above
    it, up to ``stop``."""
    candidate = os.path.join(folder, NAME)
    if os.path.isfile(candidate):
        return candidate
    if stop is not None and (folder == stop or not folder.startswith(stop + os.sep)):
        return None
    parent = os.path.dirname(folder)
    if parent == folder:
        return None
    return _nearest(parent, stop)


@lru_cache(maxsize=64)
def _merged(path: str) -> AndroidManifest | None:
    """The manifest at ``path`` with those of the other modules of its build."""
    own = read(path)
    if own is None:
        return None
    others = [m for m in map(read, _modules(path)) if m is not None and m.path != own.path]
    if not others:
        return own
    meta: dict = {}
    for other in others:
        meta.update(other.meta_data)
    meta.update(own.meta_data)
    launchers = own.launchers.union(*(m.launchers for m in others))
    return AndroidManifest(own.path, own.package, meta, launchers, own.line)


@lru_cache(maxsize=64)
def _modules(path: str) -> tuple[str, ...]:
    """The other ``AndroidManifest.xml`` files of the Gradle build ``path`` is
    in (below the nearest folder above it with a settings file)."""
    folder = Path(path).parent
    for _ in range(8):
        if any((folder / name).is_file() for name in _SETTINGS):
            break
        if folder.parent == folder:
            return ()
        folder = folder.parent
    else:
        return ()
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        # (a folder with a settings file of its own is another build)
        dirnames[:] = [d for d in dirnames if d not in _SKIP and not d.startswith(".")
                       and not any(os.path.isfile(os.path.join(dirpath, d, n)) for n in _SETTINGS)]
        if NAME in filenames:
            found.append(os.path.join(dirpath, NAME))
        if len(found) > 200:
            break
    return tuple(sorted(found))


@lru_cache(maxsize=256)
def read(path: str) -> AndroidManifest | None:
    import xml.etree.ElementTree as ET  # (here: most files have no Android manifest)

    try:
        if os.path.getsize(path) > _MAX_BYTES:
            return None
        data = Path(path).read_bytes()
        root = ET.fromstring(data)
    except (OSError, ET.ParseError, ValueError):
        return None
    if root.tag != "manifest":
        return None
    package = root.get("package") or ""
    application = root.find("application")
    if application is None:
        return AndroidManifest(path, package, {}, frozenset())
    meta = {}
    for item in application.findall("meta-data"):
        name = item.get(_ANDROID + "name")
        if name:
            value = item.get(_ANDROID + "value")
            meta[name] = value if value is not None and not value.startswith(("@", "${")) else None
    launchers = set()
    for tag, attribute in (("activity", "name"), ("activity-alias", "targetActivity")):
        for activity in application.findall(tag):
            if _launches(activity):
                name = activity.get(_ANDROID + attribute)
                if name:
                    launchers.add(_qualified(name, package))
    return AndroidManifest(path, package, meta, frozenset(launchers), _line(data, b"<application"))


def _launches(activity) -> bool:
    for intent_filter in activity.findall("intent-filter"):
        actions = {a.get(_ANDROID + "name") for a in intent_filter.findall("action")}
        categories = {c.get(_ANDROID + "name") for c in intent_filter.findall("category")}
        if "android.intent.action.MAIN" in actions and "android.intent.category.LAUNCHER" in categories:
            return True
    return False


def _qualified(name: str, package: str) -> str:
    """``.ui.Main`` in package ``com.acme`` is ``com.acme.ui.Main``; ``Main`` too (no dot)."""
    if name.startswith("."):
        return package + name
    return name if "." in name else f"{package}.{name}" if package else name


def _line(data: bytes, marker: bytes) -> int:
    at = data.find(marker)
    return data.count(b"\n", 0, at) + 1 if at >= 0 else 1


def is_launcher(manifest: AndroidManifest, cls: str) -> bool:
    """Whether the class ``cls`` (qualified) is a launcher activity of
    ``manifest`` (a name relative to an unknown package matches by its end)."""
    return any(cls == name or (name.startswith(".") and cls.endswith(name)) for name in manifest.launchers)


def forget() -> None:
    """Read the manifests afresh (each run: an editor's session outlives edits)."""
    for cached in (_nearest, _modules, _merged, read, _realpath):
        cached.cache_clear()
