"""The pipeline (DESIGN section 7): files -> front-end -> facts (per file)
-> project index -> summaries -> guard analysis -> collection sites -> rules
-> findings.

``Engine`` holds what is loaded once per run (catalog, manifest, what each
language is interested in). ``lower_file`` runs the per-file stage (read,
parse, lower to facts) and never raises for bad input: an unreadable,
undecodable or broken file becomes a PDC001 finding and the run goes on.
``judge`` runs the rest for a set of lowered files over one project index, so
a helper's check in one file guards a call in another. ``analyze_file`` does
both for a single file (its own index).
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import os
import re
import sys
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from consentlint import android_manifest, budget, bundles, startup, window_text
from consentlint import facts as F
from consentlint import rules as R
from consentlint import sites as S
from consentlint import treesitter as ts
from consentlint.cache import SETTLED_NS, CompiledCatalogs, FactsCache, pack, stamp, unpack
from consentlint.catalog import Catalog, load_catalog
from consentlint.catalog_files import checks_dir
from consentlint.consent import ConsentModel
from consentlint.flows import DataFlow
from consentlint.findings import ERROR, FileResult, Finding, fingerprint
from consentlint.frontends import FRONTENDS
from consentlint.frontends.names import Interest
from consentlint.guards import GuardAnalysis
from consentlint.index import ProjectIndex
from consentlint.manifest import MANIFEST_NAME, Manifest, load_manifest
from consentlint.params import ParamTypes
from consentlint.summaries import Summaries
from consentlint.values import Values

MAX_FILE_BYTES = 5_000_000

# Languages where every use of a catalogued API or manifest function spells its
# last segment in the file (an alias must name it in its import; Python has no
# getter-property syntax): there, a statement without one cannot collect or check.
SPELLED_LANGUAGES = frozenset(("python",))


@dataclass(frozen=True)
class Settings:
    """What a worker needs to rebuild the engine (cheap to send to a process)."""

    manifest_path: str | None
    catalog_dirs: tuple[str, ...] = ()
    prefilter: bool = True
    # in-source `noqa` suppressions (off under flake8, which handles its own)
    suppressions: bool = True
    # the facts cache folder (None: no cache)
    cache_dir: str | None = None
    # the project's folder (DESIGN section 7) when no manifest gives one: JS/TS
    # modules are named by their path from it (None: no project, no module names)
    project_root: str | None = None
    # CPU seconds each file's parse and lowering may take (budget.py); reading is bounded by size
    budget: float = budget.SECONDS


@dataclass
class Identity:
    """A file before the per-file stage (``Engine.identify``)."""

    key: str | None  # its facts key (None: not cacheable)
    data: bytes | None = None  # its bytes, when read and kept
    early: Lowered | None = None  # its result, when it cannot be lowered
    names: tuple | None = None  # its module (and package)


@dataclass
class Lowered:
    """One file after the per-file stage: its facts (None when it could not
    be analysed), what went wrong, and the `noqa` comments found in it (by
    line), for the project stage."""

    path: str  # as given
    result: FileResult
    language: str | None = None
    facts: F.FileFacts | None = None
    noqa: dict | None = None
    source: bytes | None = None  # kept only in process (flake8, stdin)


class Engine:
    def __init__(self, settings: Settings, catalog: Catalog | None = None, manifest: Manifest | None = None):
        self.settings = settings
        self.cache = FactsCache(Path(settings.cache_dir)) if settings.cache_dir else None
        self._catalog_digest: str | None = None  # of the catalog files, read once
        self.catalog = catalog or self._load_catalog()
        if manifest is None and settings.manifest_path:
            manifest = load_manifest(Path(settings.manifest_path))
        self.manifest = manifest
        self._languages: dict[str, tuple] = {}
        self._policy_keys: dict[str, bytes] = {}

    def language(self, name: str):
        """(catalog, consent model, interest) for a language."""
        if name not in self._languages:
            catalog = self.catalog.for_language(name)
            model = ConsentModel(self.manifest, catalog)
            names = [*catalog.prefixes, *model.names]
            interest = Interest.build(names, catalog.type_aliases)
            if name in SPELLED_LANGUAGES:
                endpoints = [*catalog.sources, *catalog.permission_checks, *catalog.exits, *model.names]
                interest = replace(interest, leaves=frozenset(re.split(r"[.#]", e)[-1] for e in endpoints))
            if not self.settings.prefilter:
                interest = replace(interest, leaves=frozenset(), everything=True)
            # whole-program: every function, call edge and return is lowered
            interest = replace(interest, project=True, consent_names=catalog.consent_names,
                               settings=frozenset(self.manifest.settings) if self.manifest else frozenset())
            self._languages[name] = (catalog, model, interest)
        return self._languages[name]

    def analyze_file(self, path: Path, display: str) -> FileResult:
        """Run one file through the whole pipeline, on its own."""
        return self.judge([self.lower_file(path, display)])[0]

    def analyze_source(self, data: bytes, path: Path, display: str) -> FileResult:
        """Run source text (flake8, stdin) through the whole pipeline, on its own."""
        return self.judge([self.lower_source(data, path, display, keep_source=True)])[0]

    def identify(self, path: Path, display: str, keep: bool = False) -> Identity:
        """What the per-file stage needs to know before lowering: the file's
        facts key (from its ``stat`` when the cache knows it unchanged, else
        from its bytes, read here and, with ``keep``, kept for lowering), or
        its result when it cannot be lowered."""
        if FRONTENDS.get(path.suffix) is None:
            return Identity("-", early=Lowered(str(path), FileResult(display)))
        try:
            stat = path.stat()
            if stat.st_size > MAX_FILE_BYTES:  # never read whole: the size is known from stat
                early = self._unreadable(str(path), display, _too_large(stat.st_size))
                return Identity(f"large:{stat.st_size}", early=early)
            digest = self.cache.digest(str(path), stat) if self.cache is not None else None
            data = path.read_bytes() if digest is None else None
        except OSError as exc:
            return Identity(None, early=self._unreadable(str(path), display, f"cannot read file: {exc.strerror or exc}"))
        if self.cache is None:
            return Identity(None, data)
        if digest is None:
            digest = self.cache.remember(str(path), stat, data)
        language = FRONTENDS[path.suffix][0]
        names = self._names(language, path)
        key = self.cache.key(self._policy_key(language), display.encode("utf-8", "surrogateescape"),
                             repr(names).encode(), digest)
        return Identity(key, data if keep else None, names=names)

    def lower_file(self, path: Path, display: str, identity: Identity | None = None) -> Lowered:
        """The per-file stage for a file on disk, from the facts cache when it
        holds them; bad input becomes PDC001."""
        identity = identity or self.identify(path, display, keep=True)
        if identity.early is not None:
            return identity.early
        if self.cache is None:
            return self.lower_source(identity.data, path, display)
        hit = self.cached(path, display, identity)
        if hit is not None:
            return hit
        data = identity.data
        if data is None:  # unchanged, but its facts are gone from the cache
            try:
                data = path.read_bytes()
            except OSError as exc:
                return self._unreadable(str(path), display, f"cannot read file: {exc.strerror or exc}")
        lowered = self.lower_source(data, path, display, names=identity.names)
        if lowered.facts is not None:
            self.cache.store(identity.key, (lowered.facts, lowered.noqa))
        return lowered

    def cached(self, path: Path, display: str, identity: Identity) -> Lowered | None:
        """The file's result without lowering it: from the cache, or when it
        cannot be lowered (None: lower it)."""
        if identity.early is not None:
            return identity.early
        hit = self.cache.load(identity.key) if self.cache is not None and identity.key else None
        if hit is None:
            return None
        facts, noqa = hit
        return Lowered(str(path), FileResult(display), FRONTENDS[path.suffix][0], facts=facts, noqa=noqa)

    def run_key(self, files: list[Path], identities: list[Identity] | None) -> str | None:
        """The key of the project stage's results for ``files``: the tool,
        the settings, the catalogs, the manifest's text, every file's facts
        key and the Android manifests' bytes (None without a cache, or when
        a file's key is unknown)."""
        if identities is None or any(i.key is None for i in identities):
            return None
        parts = self._run_inputs()
        for display, identity in sorted(zip(map(display_path, files), identities), key=lambda pair: pair[0]):
            parts.append(f"{display}\0{identity.key}".encode("utf-8", "surrogateescape"))
        for path in self._android_manifests(files):  # (read by the project stage: PDC205, PDC206)
            try:
                content = hashlib.blake2b(Path(path).read_bytes(), digest_size=20).hexdigest()
            except OSError:
                content = "unreadable"
            parts.append(f"android\0{path}\0{content}".encode("utf-8", "surrogateescape"))
        return self.cache.key(*parts)

    def _run_inputs(self) -> list[bytes]:
        """What the project stage reads besides the source files and the
        Android manifests: the settings, the catalogs and the manifest's text."""
        manifest = self.manifest
        return [repr(replace(self.settings, cache_dir=None)).encode(), self._catalogs_digest().encode(),
                (f"{manifest.path}\0{manifest.text}" if manifest is not None else "").encode("utf-8", "surrogateescape")]

    def _android_manifests(self, files: list[Path]) -> list[str]:
        """The ``AndroidManifest.xml`` files the project stage reads for ``files``' Java and Kotlin files."""
        found: set[str] = set()
        folders: set[str] = set()  # (a file's manifests are its folder's, unless it is a symlink)
        root = self._root()
        for path in files:
            entry = FRONTENDS.get(os.path.splitext(path)[1])
            if entry is not None and entry[0] in ("java", "kotlin"):
                folder = os.path.dirname(os.path.abspath(path))
                if os.path.islink(path):
                    found.update(android_manifest.sources(path, root))
                elif folder not in folders:
                    folders.add(folder)
                    found.update(android_manifest.sources(path, root))
        return sorted(found)

    def snapshot_key(self, files: list[Path]) -> str | None:
        """The key of the project as the ``stat`` of its files shows it (as
        git's index does): the run key's other parts, and each file's path,
        real folder, Python package and ``stat`` (size, modification and
        change times, inode), and the ``stat`` of the Android manifests the
        project stage reads. A project whose files all match a snapshot of a
        run before is that run's project, known without reading a file or
        working out a facts key. None without a cache, or when a file cannot
        be looked at or changed too recently to tell two writes apart
        (``SETTLED_NS``)."""
        if self.cache is None:
            return None
        parts = [b"snapshot", *self._run_inputs()]
        now = time.time_ns()
        folders: dict[str, str] = {}
        entries = []
        cwd = os.path.join(os.getcwd(), "")
        try:
            for path in files:  # (written out: a one-file check in a large project does this for every file)
                absolute = os.path.abspath(path)
                folder = os.path.dirname(absolute)
                if folder not in folders:
                    folders[folder] = f"{_real_folder(folder)}\0{_package_of(folder)}"
                shown = absolute[len(cwd):].replace(os.sep, "/") if absolute.startswith(cwd) else Path(path).as_posix()
                entries.append(f"{shown}\0{absolute}\0{folders[folder]}\0{_settled(absolute, now)}")
            entries += [f"android\0{path}\0{_settled(path, now)}" for path in self._android_manifests(files)]
        except (OSError, ValueError, _Unsettled):
            return None
        parts += [e.encode("utf-8", "surrogateescape") for e in sorted(entries)]
        return self.cache.key(*parts)

    def _load_catalog(self) -> Catalog:
        """The catalogs, compiled once into the user's cache folder and read
        from there while their files are as it saw them (parsing and checking
        the TOML was most of a one-file check's start-up)."""
        folders = tuple(Path(d) for d in self.settings.catalog_dirs)
        compiled = CompiledCatalogs()
        try:
            key = compiled.key(self._catalogs_digest())
        except OSError:  # (a folder that is not there: load_catalog says so)
            return load_catalog(folders)
        catalog = compiled.load(key)
        if not isinstance(catalog, Catalog):
            catalog = load_catalog(folders)
            compiled.store(key, catalog)
        return catalog

    def _catalogs_digest(self) -> str:
        if self._catalog_digest is None:
            digest = hashlib.blake2b(digest_size=20)
            for folder in (checks_dir(), *(Path(d) for d in self.settings.catalog_dirs)):
                digest.update(f"\0{folder}\0".encode("utf-8", "surrogateescape"))
                for toml in sorted(Path(folder).rglob("*.toml")):
                    digest.update(toml.relative_to(folder).as_posix().encode("utf-8", "surrogateescape"))
                    digest.update(toml.read_bytes())
            self._catalog_digest = digest.hexdigest()
        return self._catalog_digest

    def _policy_key(self, language: str) -> bytes:
        """What lowering still reads of the catalogs and the manifest (until
        the front-ends are policy-free, DESIGN section 7): part of the cache key."""
        key = self._policy_keys.get(language)
        if key is None:
            _, model, _ = self.language(language)
            parts = [language, repr(sorted(model.names)), repr(sorted(model.manifest.settings) if model.manifest else []),
                     repr(self.settings.prefilter),
                     repr(self.settings.suppressions), self._catalogs_digest()]
            key = self._policy_keys[language] = hashlib.blake2b("\0".join(parts).encode(), digest_size=20).digest()
        return key

    def _names(self, language: str, path: Path) -> tuple[str | None, str | None]:
        """The file's module (and Python package), as facts name it: by its
        real folder when that is in the project, so a file reached through a
        symlinked folder (or current folder) is the module the rest of the
        project imports; a file linked in from outside keeps its path here."""
        real = _in_real_folder(path)
        root = self._root()
        if root is not None and real.startswith(_real_folder(str(root)) + os.sep):
            path = Path(real)
        if language == "python":
            return module_name_of(path)
        return self._module_path(path), None

    def _root(self) -> Path | None:
        return self.manifest.root if self.manifest is not None else self.settings.project_root

    def lower_source(self, data: bytes, path: Path, display: str, keep_source: bool = False,
                     names: tuple[str | None, str | None] | None = None) -> Lowered:
        language, grammar, module_name = FRONTENDS[path.suffix]
        if len(data) > MAX_FILE_BYTES:
            return self._unreadable(str(path), display, _too_large(len(data)))
        if _is_binary(data):
            return self._unreadable(str(path), display, "binary file, not source text")
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            return self._unreadable(str(path), display,
                                    f"not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line})", line)
        data = F.lf_line_ends(data)
        catalog, _, interest = self.language(language)
        module, package = names if names is not None else self._names(language, path)
        lowered = Lowered(str(path), FileResult(display), language, source=data if keep_source else None)
        frontend = importlib.import_module(module_name)  # outside the budget: never half-imported
        seconds = self.settings.budget
        parse_seconds = budget.parse_seconds(len(data), seconds)
        tree = None
        try:
            with budget.limit(seconds):
                with budget.limit(parse_seconds):
                    tree = ts.parse(grammar, data)
                lowered.facts = F.with_callees(frontend.extract(data, tree, display, module, package, catalog, interest))
                if self.settings.suppressions and b"noqa" in data:
                    from consentlint import suppressions

                    text = data.decode("utf-8", "replace")
                    lowered.noqa = suppressions.scan(text, language, lambda i: ts.is_comment_at(tree, text, i))
        except RecursionError:
            return self._unreadable(str(path), display, "too deeply nested to analyse")
        except budget.OverBudget as over:
            if over.stalled:  # the wall-clock ceiling: no CPU spent, but no progress either
                message = f"analysis stalled for {budget.wall_seconds(seconds if tree else parse_seconds):g} s"
            elif tree is None:
                message = f"parser gave up after {round(parse_seconds, 1):g} s of CPU time"
            else:
                message = f"analysis stopped after {seconds:g} s of CPU time (the time budget per file)"
            return self._unreadable(str(path), display, f"{message}: not analysed")
        return lowered

    def judge(self, files: list[Lowered], report: int | None = None) -> list[FileResult]:
        """The project stage: index and summaries over ``files``' facts, then
        guards, sites and file-scope rules for each of the first ``report``
        files (all by default; the others are the project around them)."""
        reported = files if report is None else files[:report]
        analysable = [f for f in files if f.facts is not None]
        android_manifest.forget()
        index = ProjectIndex(f.facts for f in analysable)
        models = {lang: self.language(lang)[1] for lang in {f.language for f in analysable}}
        summaries = Summaries(index, models)
        catalogs = {lang: self.language(lang)[0] for lang in models}
        # what untyped JS/TS parameters hold, from registrations and callers
        types = ParamTypes((f.facts for f in analysable), index, catalogs)

        by_callee: dict = {}  # (callee, language) -> whether it collects (asked once per callee)

        def collects(call, language):
            sources = catalogs[language].sources
            if call.callee is None:
                return bool(types.resolved(call) or S.returned_members(call, catalogs[language], index)
                            or S.inferred(call, catalogs[language]))
            hit = by_callee.get((call.callee, language))
            if hit is None:
                hit = by_callee[call.callee, language] = call.callee in sources or any(
                    api in sources for api in index.inherited(call.callee))
            return hit

        callbacks_of: dict = {}  # (callees, language) -> (callee, its callback entry) or None

        def started(call, language):
            callbacks = catalogs[language].callbacks
            if not callbacks:
                return ()
            # (a method of what a project call returns: getBackupTask().execute(..))
            callees = (call.callee,) if call.callee is not None else index.returned_callees(call)
            if not callees:
                return ()
            found = callbacks_of.get((callees, language), False)
            if found is False:
                found = callbacks_of[callees, language] = next(
                    ((callee, callbacks[a]) for callee in callees
                     for a in (callee, *index.inherited(callee)) if a in callbacks), None)
            if found is None:
                return ()
            callee, (on, runs) = found
            if on == "receiver":
                owner = callee.rpartition(".")[0]
            else:
                arg = call.args[on] if on < len(call.args) else None
                owner = arg.resolved if type(arg) is F.Name else None
            if owner not in index.classes:
                return ()
            return tuple(t.qualname for method in runs for t in index.targets(f"{owner}.{method}"))

        summaries.compute(collects, started)
        # the guard analysis runs where a verdict may need it: functions with a
        # possible site and their callers, and code outside named functions
        paths = None if report is None else {f.facts.path for f in reported if f.facts}
        relevant = summaries.relevant(paths)
        # (and, in the reported files, those whose conditions may be checks:
        # what refusing them does)
        relevant |= {q for q in summaries.checking
                     if paths is None or any(i.path in paths for i in index.functions.get(q, ()))}

        wanted: dict[int, bool] = {}  # id(function) -> needed (the functions live until the run ends)

        def needed(function):
            hit = wanted.get(id(function))
            if hit is None:
                hit = wanted[id(function)] = function.name.startswith("<") or any(
                    f.qualname in relevant for f in F.functions_in((function,)))
            return hit

        analysed = []
        for lowered in analysable:
            analysis = GuardAnalysis(models[lowered.language], summaries)
            sites = analysis.run(lowered.facts, needed)
            summaries.add_sites(sites, lowered.language)
            summaries.add_stores(analysis.stores)
            analysed.append((lowered, sites, analysis.used | summaries.used))
            android = self._android_manifest(lowered)
            lowered.result.refusals = [r for r in _unique_calls(analysis.refusals)
                                       if startup.closes_app(r, catalogs[lowered.language], android)]
            lowered.result.defaults = _unique_calls(summaries.defaults.get(lowered.facts.path, []))
            lowered.result.accounts = [(call.callee, call.span.line)
                                       for call, _ in _unique_calls(summaries.accounts.get(lowered.facts.path, []))]
            lowered.result.defines = self._defines(lowered.facts, index)
        values = Values([f.facts for f in analysable], summaries, catalogs)
        # where collected data goes: computed over the whole project, so a
        # one-file scan sees the flows through the other files
        dataflow = DataFlow([f.facts for f in analysable], index, catalogs, values, summaries) \
            if any(c.sinks for c in catalogs.values()) else None
        shown = {id(f) for f in reported}
        for lowered, sites, used in analysed:
            if id(lowered) not in shown:
                continue
            catalog, model, _ = self.language(lowered.language)
            found = S.collections(lowered.result.path, sites, catalog, model, values, types)
            found = S.by_callers(found, summaries, model)
            # sites for a purpose (installing apps: PDC501) are no collection
            lowered.result.collections = [c for c in found if c.source.purpose is None]
            lowered.result.installs = [c for c in found if c.source.purpose is not None]
            lowered.result.bundles = bundles.find(lowered.facts, model, values, index)
            lowered.result.started = startup.find(lowered.facts, model, index, summaries)
            lowered.result.auto_started = startup.auto_started(lowered.facts, catalog, index,
                                                               self._android_manifest(lowered))
            lowered.result.initials = [i for i in lowered.facts.initials if model.granted_initial(i)]
            lowered.result.used_names = frozenset(used)
            lowered.result.flows = dataflow.flows_in(lowered.facts.path) if dataflow is not None else []
            lowered.result.window_reads = window_text.find(lowered.facts, catalog, index)
        return [self._rules(lowered) for lowered in reported]

    def _android_manifest(self, lowered: Lowered):
        """The ``AndroidManifest.xml`` of a Java or Kotlin file, or None."""
        if lowered.language not in ("java", "kotlin"):
            return None
        return android_manifest.find(lowered.path, self._root())

    def _defines(self, facts: F.FileFacts, index: ProjectIndex) -> frozenset[str]:
        """The manifest's `[rights]` handlers that ``facts`` define (a
        function, or a class such as a class-based view)."""
        names = {name for _, name in self.manifest.rights} if self.manifest is not None else set()
        if not names:
            return frozenset()
        found = {n for n in names if any(t.path == facts.path for t in index.targets(n))}
        return frozenset(found | {c.qualname for c in facts.classes if c.qualname in names})

    def _rules(self, lowered: Lowered) -> FileResult:
        """File-scope rules, suppressions and fingerprints for one file."""
        result = lowered.result
        if lowered.facts is None:
            return result
        problems = lowered.facts.problems
        ctx = R.FileContext(result.path, problems, tuple(result.collections), self.manifest,
                            refusals=tuple(result.refusals), defaults=tuple(result.defaults),
                            started=tuple(result.started), initials=tuple(result.initials),
                            bundles=tuple(result.bundles), installs=tuple(result.installs),
                            auto_started=tuple(result.auto_started), flows=tuple(result.flows),
                            window_reads=tuple(result.window_reads))
        findings = [f for rule in R.FILE_RULES for f in rule.check(ctx)]
        if problems:
            result.errors = [p.message for p in problems]
        if not findings and not lowered.noqa:
            return result
        data = lowered.source
        if data is None:
            try:
                data = Path(lowered.path).read_bytes()
            except OSError:
                data = b""
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        lines = F.source_lines(data.decode("utf-8", "replace"))
        if lowered.noqa:
            return _suppress(result, findings, lines, lowered.noqa)
        result.findings = fingerprint(findings, lines)
        return result

    def _module_path(self, path: Path) -> str | None:
        """For JS/TS/Java/Kotlin: the file's path from the manifest's folder,
        without extension (``src/privacy``), as manifest names use it; without
        a manifest, from the project's folder (the version-control root), so
        the project index still sees every module. None outside a project."""
        root = self._root()
        if root is None:
            return None
        for path, root in ((path, _real_folder(str(root))), (Path(os.path.abspath(path)), os.path.abspath(root))):
            try:
                return path.relative_to(root).with_suffix("").as_posix()
            except ValueError:
                pass
        return None

    def _unreadable(self, path: str, display: str, message: str, line: int = 1) -> Lowered:
        result = FileResult(display)
        problem = F.SyntaxProblem(F.Span(line, 1, line, 1), message)
        ctx = R.FileContext(display, (problem,), (), self.manifest)
        result.findings = fingerprint([f for rule in R.FILE_RULES for f in rule.check(ctx)], [])
        result.errors = [message]
        return Lowered(path, result)


def _unique_calls(found: list) -> list:
    """Items that hold a call (the first ``facts.Call`` in each) once per call
    (a body may be walked more than once), in source order."""
    seen = {}
    for item in found:
        call = next(part for part in item if type(part) is F.Call)
        seen.setdefault(call.id, (call, item))
    return [item for call, item in sorted(seen.values(), key=lambda pair: (pair[0].span.line, pair[0].span.column))]


# C0 control bytes that source text does not hold (tab, line ends, form feed
# and escape it may); more than one in CONTROL_SHARE bytes, or any NUL, is binary
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b")
CONTROL_SHARE = 100


def _is_binary(data: bytes) -> bool:
    """Over the whole file, in C: a NUL past the first 8 KiB once sent a parser
    into minutes of error recovery."""
    if b"\0" in data:
        return True
    return (len(data) - len(data.translate(None, _CONTROL))) * CONTROL_SHARE > len(data)


def _too_large(size: int) -> str:
    return f"file too large to analyse ({size // 1_000_000} MB)"


def _suppress(result: FileResult, findings: list[Finding], lines: list[str], found: dict) -> FileResult:
    """Apply the file's `noqa` comments (``found``, by line): silenced findings
    move to ``result.suppressed``; unused PDC codes become PDC003."""
    from consentlint import suppressions
    from consentlint.rules import unused_suppression

    kept, silenced, unused = suppressions.apply(fingerprint(findings, lines), found)
    # fingerprints hash the code, so PDC003's own never disturb the others'
    extra = fingerprint(list(unused_suppression.check(R.FileContext(result.path, (), (), None, tuple(unused)))), lines)
    result.findings = sorted([*kept, *extra], key=Finding.sort_key)
    result.suppressed = silenced
    return result


class _Unsettled(Exception):
    """A file changed too recently to tell two writes apart by ``stat``."""


def _settled(path: str, now: int) -> tuple:
    """The ``stat`` stamp of ``path``; ``_Unsettled`` when it changed within ``SETTLED_NS`` of ``now``."""
    stat = os.stat(path)
    if now - max(stat.st_mtime_ns, stat.st_ctime_ns) <= SETTLED_NS:
        raise _Unsettled(path)
    return stamp(stat)


@lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    """A folder's real path, once per folder (realpath costs ~20 us a call)."""
    return os.path.realpath(folder)


def _in_real_folder(path) -> str:
    """``path`` with its folder's symlinks resolved (not the file's own)."""
    absolute = os.path.abspath(path)
    return os.path.join(_real_folder(os.path.dirname(absolute)), os.path.basename(absolute))


@lru_cache(maxsize=4096)
def _package_of(folder: str) -> str | None:
    """The dotted package a folder is, or None when it is not a package."""
    if not os.path.isfile(os.path.join(folder, "__init__.py")):
        return None
    parent = os.path.dirname(folder)
    name = os.path.basename(folder)
    if not name.isidentifier():
        return None
    if parent == folder:
        return name
    above = _package_of(parent)
    return f"{above}.{name}" if above else name


def module_name_of(path: Path) -> tuple[str | None, str | None]:
    """(module, package) of a Python file from the ``__init__.py`` files above it."""
    folder = os.path.dirname(os.path.abspath(path))
    package = _package_of(folder)
    stem = path.name.rsplit(".", 1)[0]
    if stem == "__init__":
        return package, package
    if not stem.isidentifier():
        return None, package
    return (f"{package}.{stem}" if package else stem), package


# ------------------------------------------------------------------ the run


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    collections: list[S.Collection] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    files: int = 0
    # findings an in-source suppression silenced, with its reason (or None)
    suppressed: list[tuple[Finding, str | None]] = field(default_factory=list)
    baselined: int = 0  # known findings a --baseline dropped

    def exit_code(self, fail_on_warning: bool = False) -> int:
        return 1 if any(f.severity == ERROR or fail_on_warning for f in self.findings) else 0


_WORKER: Engine | None = None
PARALLEL_FROM = 2
POOL_FROM_FILES = 16  # fewer files are lowered in this process
# Facts live until the run ends and hold no cycles: the garbage collector need
# not walk them again and again (that took a third of a warm run), so those
# built so far are moved out of its way every FREEZE_EVERY files.
FREEZE_EVERY = 256


def _init_worker(settings: Settings) -> None:
    global _WORKER
    gc.enable()  # forked from a parent that had it off while receiving results
    sys.setrecursionlimit(10000)
    _WORKER = Engine(settings)


def _work(batch: list[tuple[str, str]]) -> bytes:
    """A batch of files lowered in a worker, packed so that the facts of all
    batches share their strings (``cache.pack``)."""
    return pack([_WORKER.lower_file(Path(p), d) for p, d in batch])


def display_path(path: str | Path) -> str:
    """POSIX path relative to the current directory when under it, else as given."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute.startswith(cwd + os.sep):
        return absolute[len(cwd) + 1:].replace(os.sep, "/")
    return Path(path).as_posix()


def lower_files(engine: Engine, files: list[Path], jobs: int, progress=None,
                identities: list[Identity] | None = None) -> list[Lowered]:
    """The per-file stage for ``files``; results in input order.

    Files whose facts the cache holds are read in this process; the others
    are lowered here or, from ``PARALLEL_FROM`` jobs on, in a pool of worker
    processes. Shipping facts back costs little once the collector stays off
    while they arrive (it used to make two workers slower than one)."""
    items = [(str(p), display_path(p)) for p in files]
    if engine.cache is None:
        return _lower(engine, items, jobs, progress)
    if identities is None:
        identities = [engine.identify(Path(p), d) for p, d in items]
    # what the cache holds is read first, here (cheaper than shipping it back
    # from a worker); only the misses are lowered, here or in the pool
    done = _gather((engine.cached(Path(p), d, i) for (p, d), i in zip(items, identities)), None, len(items),
                   collect=False)
    missing = [item for item, hit in zip(items, done) if hit is None]
    lowered = iter(_lower(engine, missing, jobs, progress) if missing else ())
    return [hit if hit is not None else next(lowered) for hit in done]


def _gather(results, progress, total: int, collect: bool = True) -> list:
    """``results`` in a list, the facts built so far kept out of the
    collector's way (``FREEZE_EVERY``), with progress reports. Without
    ``collect`` (facts read from the cache, which makes no cycles) the
    collector stays off until they are all in."""
    enabled = gc.isenabled()
    if not collect:
        gc.disable()
    out = []
    try:
        for result in results:
            out.append(result)
            if len(out) % FREEZE_EVERY == 0:
                gc.freeze()
            if progress is not None:
                progress(len(out), total)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    return out


def _lower(engine: Engine, items: list[tuple[str, str]], jobs: int, progress) -> list[Lowered]:
    if jobs < PARALLEL_FROM or len(items) < POOL_FROM_FILES:
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
        return _gather((engine.lower_file(Path(p), d) for p, d in items), progress, len(items))
    size = max(1, min(64, len(items) // (jobs * 4)))
    batches = [items[i:i + size] for i in range(0, len(items), size)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    enabled = gc.isenabled()
    gc.disable()  # results arrive as many small acyclic objects: see FREEZE_EVERY
    try:
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                                 initargs=(engine.settings,)) as pool:
            results = []
            for batch in pool.map(_work, batches):
                results += unpack(batch)
                if progress is not None:
                    progress(len(results), len(items))
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
    return results


def run(engine: Engine, files: list[Path], jobs: int, project_scope: bool, expected_manifest: str,
        discovery_errors=(), progress=None, context: list[str | Path] = (), stdin: bytes | None = None) -> RunResult:
    """The whole scan: every file, then the run- and project-scope rules.
    ``context`` are the project's other files: lowered for the project index
    (so a guard in a caller or helper there counts) but not reported on
    (paths as text are taken: a one-file check whose project is known by
    its snapshot never makes thousands of ``Path`` objects).
    ``stdin`` is the text of the one file in ``files`` (an editor's buffer,
    ``check - --stdin-filename``), judged instead of what is on disk."""
    named = {_in_real_folder(p) for p in files} if context else set()
    # (a named file is not context again; only a file of the same name can be one)
    names = {os.path.basename(p) for p in named}
    items = [*files, *(p for p in context if os.path.basename(p) not in names or _in_real_folder(p) not in named)]
    cache = engine.cache
    reported = [display_path(p) for p in files]
    android_manifest.forget()  # (read afresh for the keys: an editor's session outlives edits)
    # a project whose files' stat match a snapshot is known by it: no file is
    # read and no facts key worked out (a one-file check in a large project)
    snapshot = engine.snapshot_key(items) if stdin is None else None
    key = cache.load_snapshot(snapshot) if snapshot is not None else None
    known = cache.load_run(key, reported) if key is not None else None
    identities = None
    if known is None:
        items = [Path(p) for p in items]
    if known is None and cache is not None:
        identities = [engine.identify(p, display_path(p)) for p in items]
        key = engine.run_key(items, identities) if stdin is None else None
        known = cache.load_run(key, reported) if key is not None else None
        if known is not None and snapshot is not None:
            cache.store_snapshot(snapshot, key)
    if known is not None:  # the project is as a scan left it: its results stand
        results = [known[path] for path in reported]
    else:
        if stdin is None:
            lowered = lower_files(engine, items, jobs, progress, identities)
        else:
            lowered = [engine.lower_source(stdin, files[0], reported[0], keep_source=True),
                       *lower_files(engine, items[1:], jobs, progress, identities and identities[1:])]
        results = engine.judge(lowered, report=len(files))
        if key is not None:
            cache.store_run(key, dict(zip(reported, results)))
            if snapshot is not None:
                cache.store_snapshot(snapshot, key)
    if cache is not None:
        cache.save_stats()
    out = RunResult(files=len(files))
    used: set[str] = set()
    defined: set[str] = set()
    accounts = []
    for result in results:
        out.findings += result.findings
        out.collections += result.collections
        out.errors += [(result.path, message) for message in result.errors]
        out.suppressed += result.suppressed
        used |= result.used_names
        defined |= result.defines
        accounts += [(result.path, line, api) for api, line in result.accounts]
    out.errors += list(discovery_errors)
    manifest = engine.manifest
    manifest_display = display_path(manifest.path) if manifest else None
    ctx = R.ProjectContext(manifest, manifest_display, expected_manifest, project_scope,
                           tuple(out.collections), frozenset(used), frozenset(defined), tuple(sorted(accounts)))
    project = [f for rule in R.RUN_RULES for f in rule.check(ctx)]
    if project:
        text = manifest.text if manifest else ""
        if engine.settings.suppressions and "noqa" in text:
            from consentlint import suppressions

            done = _suppress(FileResult(manifest_display), project, F.source_lines(text),
                             suppressions.scan(text, "toml"))
            out.findings += done.findings
            out.suppressed += done.suppressed
        else:
            out.findings += fingerprint(project, F.source_lines(text))
    out.findings.sort(key=Finding.sort_key)
    out.suppressed.sort(key=lambda item: item[0].sort_key())
    out.collections.sort(key=lambda c: (c.path, c.span.line, c.span.column, c.category, c.source.id))
    out.errors.sort()
    return out


def project_root(manifest: Manifest | None, first: Path) -> Path | None:
    """The project whose index a scan uses (DESIGN section 7): the manifest's
    folder, else the version-control root above the first path."""
    if manifest is not None:
        return Path(manifest.root)
    folder = Path(os.path.abspath(first if first.is_dir() else first.parent))
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def scanned_folder(paths) -> Path:
    """Without a manifest or a version-control root: the deepest folder that
    holds every path named, so the files scanned together are one project (an
    exported tree, an unpacked archive) whose modules import one another."""
    folders = [os.path.abspath(p if Path(p).is_dir() else Path(p).parent) for p in paths]
    return Path(os.path.commonpath(folders)) if folders else Path(os.getcwd())


def expected_manifest_path(first: Path) -> str:
    folder = first if first.is_dir() else first.parent
    return display_path(folder / MANIFEST_NAME)
