"""Catalogs (DESIGN section 6): what counts as collection and as a permission
check, as TOML data under ``checks/`` (shipped) and user folders (``--catalog``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from consentlint import schema, taxonomy
from consentlint.catalog_files import checks_dir
from consentlint.errors import CatalogError
from consentlint.languages import NAMES as LANGUAGES


@dataclass(frozen=True)
class Constraint:
    """One condition on a call or read; all of an entry's constraints must hold.

    ``arg``/``keyword`` select an argument; ``key`` is the key read through a
    subscript or ``.get()``; ``equals`` lists accepted literal values."""

    arg: int | None = None
    keyword: str | None = None
    key: tuple[str, ...] | None = None
    equals: tuple | None = None
    uri: tuple[str, ...] | None = None  # a URI under one of these
    text: tuple[str, ...] | None = None  # a string equal to one of these, followed across the project
    columns: tuple[str, ...] | None = None  # names columns (constants) of one of these classes
    ignore_case: bool = False
    value_type: str | None = None  # "absent" | "not-string"


@dataclass(frozen=True)
class Source:
    """A collecting API."""

    id: str
    languages: tuple[str, ...]
    apis: tuple[str, ...]
    kind: str  # "call" | "read"
    category: str | None
    fields: bool
    where: tuple[Constraint, ...]
    permissions: tuple[str, ...]
    references: tuple[str, ...]
    notes: str = ""
    sdk: str | None = None  # the third-party SDK the call starts, which then collects by itself
    # in place of a category: a purpose the call needs consent for ("install-apps":
    # PDC501); ``category`` then holds it, and the site is no collection
    purpose: str | None = None
    # (fields) a method of the reading class, ``{key}`` the field, whose return
    # value the framework stores in place of the field's (Django's clean_<field>)
    replaced_by: str | None = None
    # the member exists on this one class: it also matches where the receiver's
    # type is not known at all (a finding of confidence "inferred")
    distinctive: bool = False


@dataclass(frozen=True)
class PermissionCheck:
    """A runtime-permission check: true when the permission is granted."""

    id: str
    languages: tuple[str, ...]
    apis: tuple[str, ...]
    kind: str
    permission_arg: int | None
    permissions: tuple[str, ...]


@dataclass(frozen=True)
class Sink:
    """A call that writes or sends the value of its arguments (``[[sink]]``):
    a log (PDC402), a network request or a text message (PDC401), a
    third-party SDK (PDC104)."""

    id: str
    kind: str  # "log" | "network" | "sms" | "sdk"
    apis: tuple[str, ...]
    args: tuple[int, ...] | None  # the arguments written or sent (None: all)
    keywords: tuple[str, ...] | None  # the keyword arguments written or sent (None: all)
    url_arg: int | None = None
    url_keyword: str | None = None
    party: str | None = None
    references: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()  # method names matched when the callee is not known
    receiver: bool = False  # the receiver's value goes in too
    pattern_arg: int | None = None  # (code) the pattern's argument; None: the receiver is the pattern


@dataclass(frozen=True)
class DataFlows:
    """How collected data moves through calls outside the project
    (``[[data_flow]]``, ``[[sanitiser]]``, ``[[listener]]``): api or method
    name -> (from, into); what ends a flow; framework callbacks that receive data."""

    apis: dict = field(default_factory=dict)
    methods: dict = field(default_factory=dict)
    sanitisers: frozenset = frozenset()
    sanitiser_methods: frozenset = frozenset()
    # listener method (``android.location.LocationListener.onLocationChanged``)
    # -> (its id, the parameter, the category)
    listeners: dict = field(default_factory=dict)
    # reads of one column of a collected row, what names a column, and the
    # columns that hold no personal data (``row_reads``, ``column_index``, ``columns``)
    row_reads: frozenset = frozenset()
    column_index: frozenset = frozenset()
    plain_columns: frozenset = frozenset()

    def plain_column(self, name: str) -> bool:
        """Whether column ``name`` (``thread_id``, ``_id``, ``resp_status``) holds no personal data."""
        return name in self.plain_columns or any(name.endswith("_" + c) for c in self.plain_columns)

    def through(self, call) -> tuple[str, str] | None:
        """(from, into) for a call the data flows through, or None."""
        if call.callee is not None:
            hit = self.apis.get(call.callee)
            if hit is not None:
                return hit
        return self.methods.get(_method_name(call.text))

    def ends(self, call) -> bool:
        return call.callee in self.sanitisers or _method_name(call.text) in self.sanitiser_methods


def _method_name(text: str) -> str:
    return text.rpartition(".")[2]


@dataclass(frozen=True)
class Collections:
    """The collections whose emptiness the guard analysis follows
    (``[[collection]]``): what makes an empty one, and the method names that
    add to one or test it."""

    empty: frozenset = frozenset()  # qualified constructors / factories, called without arguments
    add: frozenset = frozenset()
    add_all: frozenset = frozenset()
    empty_test: frozenset = frozenset()
    nonempty_test: frozenset = frozenset()
    truthy: bool = False  # true in a condition when it holds something (Python)

    @property
    def tests(self) -> frozenset:
        return self.empty_test | self.nonempty_test


@dataclass(frozen=True)
class FieldPattern:
    category: str
    pattern: re.Pattern


@dataclass(frozen=True)
class ConsentNames:
    """Names that hold the user's consent decision (``checks/consent_names.toml``)."""

    patterns: tuple = ()  # (regex, granted?, category or None), first match wins
    not_decision: re.Pattern | None = None
    gate: re.Pattern | None = None  # source text that may hold one
    gate_bytes: re.Pattern | None = None  # the same, over the lower-cased bytes of a source file

    def meaning(self, name: str) -> tuple[bool, str | None] | None:
        """``(True, category)`` when a true ``name`` means the user agreed,
        ``(False, category)`` when it means they refused, else None."""
        key = normalise_name(name)
        if not key or (self.not_decision is not None and self.not_decision.search(key)):
            return None
        for pattern, granted, category in self.patterns:
            if pattern.search(key):
                return granted, category
        return None


def normalise_name(name: str) -> str:
    """``isDoNotTrackEnabled`` -> ``is_do_not_track_enabled``, ``Clipboard-Read`` -> ``clipboard_read``."""
    return _SEPARATORS.sub("_", _WORDS.sub("_", name)).strip("_").lower()


_WORDS = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[-. _]+")


@dataclass(frozen=True)
class LanguageCatalog:
    """Everything one front-end and the guard analysis need for a language,
    indexed for lookup."""

    language: str
    sources: dict  # api -> tuple[Source, ...]
    permission_checks: dict  # api -> PermissionCheck
    type_aliases: dict  # name -> target
    constants: tuple  # (prefix, value_prefix)
    parameters: tuple  # (name, type, when_imported, followed_by)
    fields: tuple[FieldPattern, ...]
    grant_values: dict  # literal or constant qualname -> True (granted) / False (denied)
    returns: dict | None = None  # api -> qualified type of its result (Java/Kotlin factories)
    attributes: dict | None = None  # (class, attribute) -> qualified type of that attribute
    uris: tuple = ()  # (class qualname, URI its *URI constants start with), longest class first
    flows: dict | None = None  # api -> ("receiver" | argument index, "all" | "start")
    supertypes: dict = field(default_factory=dict)  # platform class -> its catalogued supertypes, nearest first
    callbacks: dict = field(default_factory=dict)  # trigger api -> ("receiver" | argument index, methods it runs)
    releases: frozenset = frozenset()  # apis that take back a callback handed over earlier
    exits: frozenset = frozenset()  # apis that close or exit the app
    launcher_exits: frozenset = frozenset()  # of those, the ones that do only in the launcher activity (finish)
    # SDKs that start by themselves unless the AndroidManifest says not to:
    # (id, sdk, apis, categories, ((meta-data, value that turns it off), ...))
    auto_starts: tuple = ()
    # runtime-permission requests: api -> (argument listing the permissions, varargs from there)
    permission_requests: dict = field(default_factory=dict)
    consent_records: dict = field(default_factory=dict)  # SDK privacy-agreement api -> argument true when agreed
    app_starts: frozenset = frozenset()  # framework methods run at app start (Application.onCreate)
    # calls whose function argument runs at start: api -> (its argument, the
    # argument that must be an empty array literal, or None): useEffect(fn, [])
    app_start_calls: dict = field(default_factory=dict)
    initialisers: frozenset = frozenset()  # calls whose one argument is the initial value (useState)
    setting_writes: dict = field(default_factory=dict)  # api -> (key argument, value argument)
    account_creations: frozenset = frozenset()  # apis that create a user account
    # keyed reads with a default: api -> (key argument, default argument), and
    # the same by method name on receivers of unknown type
    default_reads: dict = field(default_factory=dict)
    default_methods: dict = field(default_factory=dict)
    class_loaders: dict = field(default_factory=dict)  # api -> index of the argument naming the class it returns
    consent_names: ConsentNames = field(default_factory=ConsentNames)
    # registration api -> ((arity or None, parameter types by position, "" untyped), ...): route handlers
    handlers: dict = field(default_factory=dict)
    collections: Collections = field(default_factory=Collections)
    sinks: dict = field(default_factory=dict)  # api -> tuple[Sink, ...]
    sink_methods: dict = field(default_factory=dict)  # method name -> tuple[Sink, ...] (receiver of unknown type)
    one_time_code: re.Pattern | None = None  # what a one-time code's pattern or text looks like (PDC403)
    window_text: tuple = ()  # (accessibility services, their window-text reads) (PDC403)
    data_flows: DataFlows = field(default_factory=DataFlows)

    @cached_property
    def distinctive(self) -> dict:
        """Member name -> the APIs of ``distinctive`` entries by that name
        (``getLine1Number`` -> TelephonyManager.getLine1Number), for calls
        whose receiver's type is not known at all."""
        out: dict[str, tuple] = {}
        for api, sources in self.sources.items():
            if any(s.distinctive for s in sources):
                name = api.rpartition(".")[2]
                out[name] = (*out.get(name, ()), api)
        return out

    @cached_property
    def releases_by_name(self) -> frozenset:
        """Method names of ``releases``, for calls whose receiver's type a
        front-end did not know (``view.removeCallbacks(task)``)."""
        return frozenset(api.rpartition(".")[2].rpartition("#")[2] for api in self.releases)

    def releases_argument(self, call) -> bool:
        """Whether ``call`` takes back the callbacks passed to it."""
        if call.callee is not None:
            return call.callee in self.releases
        return call.text.rpartition(".")[2] in self.releases_by_name

    @cached_property
    def handler_methods(self) -> frozenset:
        """The method names of the registrations (``get``, ``post``, ``use``):
        a call on a receiver of unknown type may be one only by those names."""
        return frozenset(api.rpartition(".")[2] for api in self.handlers)

    def handler_params(self, api: str, arity: int) -> tuple[str, ...]:
        """The types a function of ``arity`` parameters registered through
        ``api`` receives (an entry for that arity first, else the general one)."""
        entries = self.handlers.get(api, ())
        for wanted in (arity, None):
            for count, params in entries:
                if count == wanted:
                    return params
        return ()

    @cached_property
    def flows_by_name(self) -> dict:
        """Flows from a receiver by method name, for calls whose receiver's
        type a front-end did not know (a name two flows share is left out)."""
        found, clash = {}, set()
        for api, flow in (self.flows or {}).items():
            if flow[0] == "receiver":
                name = api.rpartition(".")[2]
                if name in found and found[name] != flow:
                    clash.add(name)
                found[name] = flow
        return {n: f for n, f in found.items() if n not in clash}

    @cached_property
    def permission_categories(self) -> dict:
        """Each runtime permission a catalogued source needs -> the categories
        of those sources, the one most of them collect first
        (``ACCESS_FINE_LOCATION`` -> location.precise, ..., network.wifi)."""
        found: dict[str, dict] = {}
        for sources in self.sources.values():
            for source in sources:
                for permission in source.permissions:
                    if source.category is not None:
                        counts = found.setdefault(permission, {})
                        counts[source.category] = counts.get(source.category, 0) + 1
        return {p: tuple(sorted(c, key=lambda k: (-c[k], k))) for p, c in found.items()}

    def uri_of(self, qualname: str) -> str | None:
        """What a provider's URI constant starts with (CalendarContract.Events.CONTENT_URI
        -> content://com.android.calendar), or None."""
        if not qualname.endswith("URI"):
            return None
        for cls, value in self.uris:
            if qualname.startswith(cls) and qualname[len(cls):len(cls) + 1] in ("", "."):
                return value
        return None

    @cached_property
    def prefixes(self) -> frozenset[str]:
        """Every dotted prefix of a catalogued name: resolved names outside this
        set can never matter, so front-ends stop tracking them."""
        names = [*self.sources, *self.permission_checks, *self.type_aliases,
                 *self.type_aliases.values(), *(p[1] for p in self.parameters)]
        names += [*self.handlers, *(t for entries in self.handlers.values() for _, params in entries
                                    for t in params if t)]
        names += [*(self.returns or {}), *(self.returns or {}).values()]
        names += [n for (cls, _), type_ in (self.attributes or {}).items() for n in (cls, type_)]
        names += [c[0].rstrip(".") for c in self.constants]
        names += [cls for cls, _ in self.uris]  # classes whose *URI constants are known (a star import finds them)
        names += list(self.class_loaders)
        names += [*self.exits, *self.default_reads, *self.account_creations, *self.permission_requests,
                  *self.consent_records, *self.setting_writes, *self.app_start_calls]
        names += [api for entry in self.auto_starts for api in entry[2]]
        names += [*self.sinks, *self.data_flows.apis, *self.data_flows.sanitisers,
                  *(m.rpartition(".")[0] for m in self.data_flows.listeners)]
        names += [n for services, reads in self.window_text for n in (*services, *reads)]
        return frozenset(_prefixes(names))

    def field_category(self, key: str) -> str | None:
        """The category of an identity field named ``key``, if it is one
        (camelCase keys are matched as snake_case)."""
        key = _CAMEL.sub("_", key)
        for known in self.fields:
            if known.pattern.search(key):
                return known.category
        return None

    def constant_value(self, qualname: str) -> str | None:
        """The string a catalogued constant stands for (Permission.CAMERA ->
        android.permission.CAMERA)."""
        for prefix, value_prefix in self.constants:
            if qualname.startswith(prefix):
                return value_prefix + qualname[len(prefix):]
        return None


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _prefixes(names):
    out = set()
    for name in names:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            out.add(".".join(parts[:i]))
    return out


@dataclass(frozen=True)
class Catalog:
    sources: tuple[Source, ...]
    permission_checks: tuple[PermissionCheck, ...]
    by_language: dict  # language -> LanguageCatalog

    def for_language(self, language: str) -> LanguageCatalog:
        return self.by_language[language]


def load_catalog(extra_dirs: tuple[Path, ...] = ()) -> Catalog:
    """Load the shipped catalogs plus user folders; a problem raises
    ``CatalogError`` naming file, line and key."""
    roots = (checks_dir(), *extra_dirs)
    sources: list[Source] = []
    checks: list[PermissionCheck] = []
    aliases: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    constants: dict[str, list] = {lang: [] for lang in LANGUAGES}
    parameters: dict[str, list] = {lang: [] for lang in LANGUAGES}
    grants: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    returns: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    attributes: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    uris: dict[str, list] = {lang: [] for lang in LANGUAGES}
    flows: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    supers: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    callbacks: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    releases: dict[str, set] = {lang: set() for lang in LANGUAGES}
    exits: dict[str, set] = {lang: set() for lang in LANGUAGES}
    requests: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    agreements: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    launcher_exits: dict[str, set] = {lang: set() for lang in LANGUAGES}
    start_calls: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    auto_starts: dict[str, list] = {lang: [] for lang in LANGUAGES}
    starts: dict[str, set] = {lang: set() for lang in LANGUAGES}
    initialisers: dict[str, set] = {lang: set() for lang in LANGUAGES}
    writes: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    accounts: dict[str, set] = {lang: set() for lang in LANGUAGES}
    default_reads: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    default_methods: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    loaders: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    handlers: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    collections: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    sinks: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    sink_methods: dict[str, dict] = {lang: {} for lang in LANGUAGES}
    one_time_codes: dict[str, list] = {lang: [] for lang in LANGUAGES}
    window_text: dict[str, list] = {lang: [] for lang in LANGUAGES}
    flows_through: dict[str, dict] = {lang: {"apis": {}, "methods": {}, "sanitisers": set(),
                                             "sanitiser_methods": set(), "listeners": {}, "row_reads": set(),
                                             "column_index": set(), "columns": set()} for lang in LANGUAGES}
    fields: list[FieldPattern] = []
    consent_names = ConsentNames()
    seen_ids: dict[str, Path] = {}
    valid = taxonomy.valid_ids()
    for root in roots:
        if not root.is_dir():
            raise CatalogError(f"{root}: catalog folder not found")
        for path in sorted(root.rglob("*.toml")):
            if path.name == "taxonomy.toml" and root == checks_dir():
                continue
            text, raw = schema.read_toml(path, CatalogError, "catalog")
            if path.name == "consent_names.toml":
                _validate(path, text, raw, "consent_names.schema.json")
                consent_names = _consent_names(path, text, raw, valid)
                continue
            if path.name == "fields.toml":
                _validate(path, text, raw, "fields.schema.json")
                for i, f in enumerate(raw["field"]):
                    _check_category(path, text, ("field", i, "category"), f["category"], valid)
                    try:
                        fields.append(FieldPattern(f["category"], re.compile(f["pattern"], re.I)))
                    except re.error as exc:
                        line = schema.locate(text, ("field", i, "pattern"))
                        raise CatalogError(f"{path}:{line}: key field[{i}].pattern: {exc}") from None
                continue
            _validate(path, text, raw, "catalog.schema.json")
            langs = (raw["language"], *raw.get("also_languages", ()))
            for i, s in enumerate(raw.get("source", ())):
                where = ("source", i)
                _unique(path, text, where, s["id"], seen_ids)
                given = [k for k in ("category", "categories", "purpose") if k in s] + (["fields"] if s.get("fields") else [])
                if len(given) != 1 or ("categories" in s and "sdk" not in s):
                    line = schema.locate(text, where + ("id",))
                    raise CatalogError(f"{path}:{line}: key source[{i}]: give exactly one of 'category', "
                                       f"'purpose', 'fields = true' or, with 'sdk', 'categories'")
                categories = s.get("categories") or [s.get("category") or s.get("purpose")]
                for j, category in enumerate(categories):
                    if category is not None and "purpose" not in s:
                        key = ("categories", j) if "categories" in s else ("category",)
                        _check_category(path, text, where + key, category, valid)
                    sources.append(Source(
                        id=s["id"], languages=langs, apis=tuple(s["api"]), kind=s["kind"],
                        category=category, fields=s.get("fields", False),
                        where=tuple(_constraint(c) for c in s.get("where", ())),
                        permissions=tuple(s.get("permissions", ())),
                        references=tuple(s.get("references", ())), notes=s.get("notes", ""), sdk=s.get("sdk"),
                        replaced_by=s.get("replaced_by"), purpose=s.get("purpose"),
                        distinctive=s.get("distinctive", False),
                    ))
            for i, a in enumerate(raw.get("auto_start", ())):
                _unique(path, text, ("auto_start", i), a["id"], seen_ids)
                for j, category in enumerate(a["categories"]):
                    _check_category(path, text, ("auto_start", i, "categories", j), category, valid)
            for i, s in enumerate(raw.get("sink", ())):
                _unique(path, text, ("sink", i), s["id"], seen_ids)
            for i, entry in enumerate(raw.get("listener", ())):
                _unique(path, text, ("listener", i), entry["id"], seen_ids)
                _check_category(path, text, ("listener", i, "category"), entry["category"], valid)
            for i, c in enumerate(raw.get("permission_check", ())):
                _unique(path, text, ("permission_check", i), c["id"], seen_ids)
                checks.append(PermissionCheck(
                    id=c["id"], languages=langs, apis=tuple(c["api"]), kind=c["kind"],
                    permission_arg=c.get("permission_arg"), permissions=tuple(c.get("permissions", ())),
                ))
            for lang in langs:
                for a in raw.get("type_alias", ()):
                    aliases[lang][a["name"]] = a["target"]
                constants[lang] += [(c["prefix"], c["value_prefix"]) for c in raw.get("constant", ())]
                parameters[lang] += [(p["name"], p["type"], tuple(p.get("when_imported", ())),
                                      tuple(p.get("followed_by", ()))) for p in raw.get("parameter", ())]
                grants[lang].update({g["value"]: g["means"] == "granted" for g in raw.get("grant_value", ())})
                returns[lang].update({api: r["type"] for r in raw.get("return_type", ()) for api in r["api"]})
                attributes[lang].update({(a["class"], a["name"]): a["type"] for a in raw.get("attribute", ())})
                uris[lang] += [(cls, u["value"]) for u in raw.get("uri", ()) for cls in u["classes"]]
                flows[lang].update({api: (f["from"], f["keeps"]) for f in raw.get("value_flow", ()) for api in f["api"]})
                callbacks[lang].update({api: (c["on"], tuple(c["runs"])) for c in raw.get("callback", ())
                                        for api in c["trigger"]})
                releases[lang].update(api for r in raw.get("release", ()) for api in r["api"])
                exits[lang].update(api for e in raw.get("app_exit", ()) for api in e["api"])
                launcher_exits[lang].update(api for e in raw.get("app_exit", ()) if e.get("launcher")
                                            for api in e["api"])
                auto_starts[lang] += [(a["id"], a["sdk"], frozenset(a["api"]), tuple(a["categories"]),
                                       tuple((o["meta_data"], o["value"]) for o in a["off"]))
                                      for a in raw.get("auto_start", ())]
                requests[lang].update({api: (r["arg"], r.get("rest", False))
                                       for r in raw.get("permission_request", ()) for api in r["api"]})
                agreements[lang].update({api: r["granted_arg"]
                                         for r in raw.get("consent_record", ()) for api in r["api"]})
                starts[lang].update(api for a in raw.get("app_start", ()) if "callback_arg" not in a for api in a["api"])
                start_calls[lang].update({api: (a["callback_arg"], a.get("once_when_empty_arg"))
                                          for a in raw.get("app_start", ()) if "callback_arg" in a for api in a["api"]})
                initialisers[lang].update(n for i in raw.get("initialiser", ()) for n in i["names"])
                writes[lang].update({api: (w["key_arg"], w["value_arg"])
                                     for w in raw.get("setting_write", ()) for api in w["api"]})
                accounts[lang].update(api for a in raw.get("account_creation", ()) for api in a["api"])
                for d in raw.get("default_read", ()):
                    default_reads[lang].update({api: (d["key_arg"], d["default_arg"]) for api in d.get("api", ())})
                    default_methods[lang].update({m: (d["key_arg"], d["default_arg"]) for m in d.get("methods", ())})
                loaders[lang].update({api: c["arg"] for c in raw.get("class_by_name", ()) for api in c["api"]})
                for h in raw.get("handler", ()):
                    for api in h["api"]:
                        handlers[lang].setdefault(api, []).append((h.get("arity"), tuple(h["params"])))
                for c in raw.get("collection", ()):
                    found = collections[lang]
                    for key in ("empty", "add", "add_all", "empty_test", "nonempty_test"):
                        found.setdefault(key, set()).update(c.get(key, ()))
                    found["truthy"] = found.get("truthy", False) or c.get("truthy", False)
                for s in raw.get("sink", ()):
                    sink = Sink(s["id"], s["kind"], tuple(s["api"]), tuple(s["args"]) if "args" in s else None,
                                tuple(s["keywords"]) if "keywords" in s else None, s.get("url_arg"),
                                s.get("url_keyword"), s.get("party"), tuple(s["references"]),
                                tuple(s.get("methods", ())), s.get("receiver", False), s.get("pattern_arg"))
                    for api in sink.apis:
                        sinks[lang].setdefault(api, []).append(sink)
                    for method in sink.methods:
                        sink_methods[lang].setdefault(method, []).append(sink)
                for entry in raw.get("one_time_code", ()):
                    one_time_codes[lang].extend(entry["regex"])
                for entry in raw.get("window_text", ()):
                    window_text[lang].append((tuple(entry["services"]), tuple(entry["api"])))
                through = flows_through[lang]
                for d in raw.get("data_flow", ()):
                    through["apis"].update({api: (d["from"], d["into"]) for api in d.get("api", ())})
                    through["methods"].update({m: (d["from"], d["into"]) for m in d.get("methods", ())})
                for d in raw.get("sanitiser", ()):
                    through["sanitisers"].update(d.get("api", ()))
                    through["sanitiser_methods"].update(d.get("methods", ()))
                    for key in ("row_reads", "column_index", "columns"):
                        through[key].update(d.get(key, ()))
                for entry in raw.get("listener", ()):
                    through["listeners"].update({m: (entry["id"], entry.get("param", 0), entry["category"])
                                                 for m in entry["methods"]})
                for t in raw.get("supertype", ()):
                    for name in t["types"]:
                        supers[lang].setdefault(name, []).append(t["super"])
    by_language = {}
    for lang in LANGUAGES:
        index: dict[str, list] = {}
        for s in sources:
            if lang in s.languages:
                for api in s.apis:
                    index.setdefault(api, []).append(s)
        by_language[lang] = LanguageCatalog(
            language=lang,
            sources={k: tuple(v) for k, v in index.items()},
            permission_checks={api: c for c in checks if lang in c.languages for api in c.apis},
            type_aliases=aliases[lang],
            constants=tuple(constants[lang]),
            parameters=tuple(parameters[lang]),
            fields=tuple(fields),
            grant_values=grants[lang],
            returns=returns[lang],
            attributes=attributes[lang],
            uris=tuple(sorted(uris[lang], key=lambda u: -len(u[0]))),
            flows=flows[lang],
            supertypes={name: _closure(name, supers[lang]) for name in supers[lang]},
            callbacks=callbacks[lang],
            releases=frozenset(releases[lang]),
            exits=frozenset(exits[lang]),
            launcher_exits=frozenset(launcher_exits[lang]),
            auto_starts=tuple(auto_starts[lang]),
            permission_requests=requests[lang],
            consent_records=agreements[lang],
            app_start_calls=start_calls[lang],
            app_starts=frozenset(starts[lang]),
            initialisers=frozenset(initialisers[lang]),
            setting_writes=writes[lang],
            account_creations=frozenset(accounts[lang]),
            default_reads=default_reads[lang],
            default_methods=default_methods[lang],
            class_loaders=loaders[lang],
            consent_names=consent_names,
            handlers={api: tuple(entries) for api, entries in handlers[lang].items()},
            collections=Collections(**{k: v if k == "truthy" else frozenset(v) for k, v in collections[lang].items()}),
            sinks={api: tuple(entries) for api, entries in sinks[lang].items()},
            sink_methods={name: tuple(entries) for name, entries in sink_methods[lang].items()},
            one_time_code=re.compile("|".join(f"(?:{r})" for r in one_time_codes[lang]), re.IGNORECASE)
            if one_time_codes[lang] else None,
            window_text=tuple(window_text[lang]),
            data_flows=DataFlows(flows_through[lang]["apis"], flows_through[lang]["methods"],
                                 frozenset(flows_through[lang]["sanitisers"]),
                                 frozenset(flows_through[lang]["sanitiser_methods"]), flows_through[lang]["listeners"],
                                 frozenset(flows_through[lang]["row_reads"]), frozenset(flows_through[lang]["column_index"]),
                                 frozenset(flows_through[lang]["columns"])),
        )
    return Catalog(tuple(sources), tuple(checks), by_language)


def _consent_names(path, text, raw, valid) -> ConsentNames:
    def compile_(where, pattern, flags=0):
        try:
            return re.compile(pattern, flags)
        except re.error as exc:
            line = schema.locate(text, where)
            raise CatalogError(f"{path}:{line}: key {schema.format_path(where)}: {exc}") from None

    patterns = []
    for i, entry in enumerate(raw["name"]):
        if "category" in entry:
            _check_category(path, text, ("name", i, "category"), entry["category"], valid)
        patterns.append((compile_(("name", i, "pattern"), entry["pattern"]), entry["means"] == "granted",
                         entry.get("category")))
    return ConsentNames(tuple(patterns), compile_(("not_decision",), raw["not_decision"]),
                        compile_(("gate",), raw["gate"], re.I), re.compile(raw["gate"].lower().encode()))


def _closure(name: str, supers: dict) -> tuple[str, ...]:
    """Every supertype of ``name``, nearest first."""
    out, queue = [], list(supers.get(name, ()))
    while queue:
        sup = queue.pop(0)
        if sup not in out and sup != name:
            out.append(sup)
            queue += supers.get(sup, ())
    return tuple(out)


def _validate(path, text, raw, schema_name):
    problems = schema.validate(raw, schema.load_schema(schema_name))
    if problems:
        where, message = problems[0]
        line = schema.locate(text, where)
        raise CatalogError(f"{path}:{line}: key {schema.format_path(where)}: {message}")


def _check_category(path, text, where, category, valid):
    if category not in valid:
        line = schema.locate(text, where)
        raise CatalogError(f"{path}:{line}: key {schema.format_path(where)}: unknown category {category!r}")


def _unique(path, text, where, entry_id, seen):
    if entry_id in seen:
        line = schema.locate(text, where + ("id",))
        raise CatalogError(f"{path}:{line}: key {schema.format_path(where)}.id: duplicate id {entry_id!r} (also in {seen[entry_id]})")
    seen[entry_id] = path


def _constraint(raw: dict) -> Constraint:
    return Constraint(
        arg=raw.get("arg"), keyword=raw.get("keyword"),
        key=tuple(raw["key"]) if "key" in raw else None,
        equals=tuple(raw["equals"]) if "equals" in raw else None,
        uri=tuple(raw["uri"]) if "uri" in raw else None,
        text=tuple(raw["text"]) if "text" in raw else None,
        columns=tuple(raw["columns"]) if "columns" in raw else None,
        ignore_case=raw.get("ignore_case", False), value_type=raw.get("value_type"),
    )
