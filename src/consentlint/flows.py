"""Value flow from collection to sink (DESIGN section 13), written once over
the facts of the whole project.

Collected data starts at a collecting expression (a catalogued call or read:
its result, the object it returns and that object's getters and fields), at
a callback handed to a collecting call (``getCurrentPosition(pos => ..)``),
or at the parameter of a framework listener a project method overrides
(``onLocationChanged(location)``). It moves through locals, fields of the
same class (written and read by that class's own code), string building and
collections (``[[data_flow]]`` catalog data), returns and parameters of
project functions (data summaries, computed once per function and re-run
only when a callee's summary changes), and ends at a ``[[sink]]``'s argument.

Conservative on purpose: a call the project does not define and the catalog
does not name carries nothing, a comparison or a sanitiser (a hash, a
length, an emptiness test) ends the flow, and a field flows only within its
own class. Flows are policy-free: rules judge them (PDC104, PDC401, PDC402).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from consentlint import facts as F
from consentlint import sites as S
from consentlint.catalog import Sink
from consentlint.consent import short_name

MAX_HOPS = 8  # steps kept on one flow's path
MAX_VISITS = 6  # analyses of one function (cycles end)
_GETTER = re.compile(r"^(get|to)[A-Z_]")
_INDEX_WORD = re.compile(r"(^|_)(index|idx|col|column)(?=_|$)")  # EVENT_INDEX_ID -> event_id


@dataclass(frozen=True, slots=True)
class Origin:
    """Where collected data comes from."""

    path: str
    span: F.Span
    category: str
    api: str
    catalog_id: str
    # a wrapper's collection whose URI is its parameter ``param`` (0-based):
    # a caller gets it back only when what it passes is under one of ``uris``
    wrapper: str | None = None
    param: int = 0
    uris: tuple = ()

    def describe(self) -> str:
        return f"{self.category} from `{short_name(self.api)}`"


@dataclass(frozen=True, slots=True)
class Hop:
    """One step on a flow's path: where, and what happens there."""

    path: str
    span: F.Span
    message: str


@dataclass(frozen=True, slots=True)
class Flow:
    """Collected data reaching a sink's argument."""

    origin: Origin
    hops: tuple[Hop, ...]
    sink: Sink
    api: str  # the sink's API
    path: str  # the sink's file
    span: F.Span  # the sink call's identifier
    function: str  # the function the sink call is in
    url: str | None = None  # (network) the http:// URL it goes to
    text: str = ""  # the sink call as written (``logger.info``, ``print``)
    matched: str | None = None  # (code) the one-time code's pattern or text it is matched against

    @property
    def shown(self) -> str:
        """The sink as messages name it: as written when that names its
        receiver (``logger.info``, ``print``), else ``Log.i``."""
        if "." in self.text or self.api.startswith("builtins."):
            return self.text
        return short_name(self.api)


@dataclass(frozen=True, slots=True)
class _Param:
    index: int


@dataclass(frozen=True, slots=True)
class _SinkHit:
    """A sink reached from a function's parameter: the flow's end."""

    sink: Sink
    api: str
    path: str
    span: F.Span
    function: str
    url: str | None
    hops: tuple[Hop, ...]  # from the parameter to the sink
    text: str = ""
    matched: str | None = None

    @property
    def key(self):
        return self.path, self.span, self.sink.id


class _Summary:
    __slots__ = ("returns", "sinks", "stores")

    def __init__(self):
        self.returns: dict = {}  # label (Origin | _Param) -> hops
        self.sinks: dict[int, dict] = {}  # parameter -> {sink key: _SinkHit}
        self.stores: dict[int, set] = {}  # parameter -> fields it is stored in

    def state(self):
        return (frozenset(self.returns), frozenset((i, frozenset(h)) for i, h in self.sinks.items()),
                frozenset((i, frozenset(f)) for i, f in self.stores.items()))


_EMPTY = _Summary().state()


class DataFlow:
    """Every flow of the project, computed once (``flows_in`` by sink file)."""

    def __init__(self, files, index, catalogs: dict, values=None, summaries=None):
        self.index = index
        self.catalogs = catalogs
        self.values = values
        self.summaries: dict[str, _Summary] = {}
        self.fields: dict[str, dict] = {}  # field -> label -> hops (concrete origins only)
        self.flows: dict[tuple, Flow] = {}
        self._readers: dict[str, set] = {}  # field -> functions that read it
        self._callers: dict[str, set] = {}  # qualname -> functions that call it
        self._language = {f.path: f.language for f in files}
        units = []  # (key, function, path, language)
        for info_list in index.functions.values():
            for info in info_list:
                units.append((info.qualname, info.function, info.path, info.language))
        for function, path, language in index.unnamed:
            units.append((f"{path}\0{function.qualname}", function, path, language))
        self._units = {key: (function, path, language) for key, function, path, language in units}
        # Demand-driven: data starts only in functions with a possible
        # collection site (``summaries``' superset), a listener override or
        # code outside named functions; from there the analysis reaches the
        # project functions that data (or a parameter that may hold it) is
        # passed to, the callers of a function that returns or stores
        # collected data, and the code of a class whose field holds it.
        # Every other function can hold no collected data: not analysed
        # (it was half of the project stage). Without ``summaries``: all.
        self._callers_of = summaries.callers_of if summaries is not None else {}
        work = list(self._units) if summaries is None else self._starts(summaries, index.unnamed)
        self._work, self._queued = work, set(work)
        visits: dict[str, int] = {}
        while work:
            key = work.pop()
            self._queued.discard(key)
            visits[key] = visits.get(key, 0) + 1
            if visits[key] > MAX_VISITS:
                continue
            function, path, language = self._units[key]
            changed, concrete, fields = self._analyse(key, function, path, language)
            again = set(self._callers.get(key, ())) if changed else set()
            if concrete:  # every caller gets collected data back, analysed before or not
                again |= self._callers_of.get(key, set())
            for field in fields:
                again |= self._readers.get(field, set())
                if summaries is not None:  # the code of its class (and what is nested in it) may read it
                    prefix = field.rpartition(".")[0] + "."
                    again.update(k for k in self._units if k.startswith(prefix))
            for other in again:
                self.demand(other)

    def _starts(self, summaries, unnamed) -> list[str]:
        """The functions data can start in."""
        starts = [key for key in summaries.collecting if key in self._units]
        starts += [f"{path}\0{function.qualname}" for function, path, _ in unnamed]
        methods = {api.rpartition(".")[2]: None for catalog in self.catalogs.values()
                   for api in catalog.data_flows.listeners}
        if methods:
            seen = set(starts)
            for key, (function, path, language) in self._units.items():
                if function.name in methods and key not in seen \
                        and self._listener(function, self.catalogs[language], path) is not None:
                    starts.append(key)
        return list(dict.fromkeys(starts))

    def demand(self, key: str) -> None:
        """Analyse ``key`` (again): data reaches it, or what it gets back changed."""
        if key not in self._queued and key in self._units:
            self._queued.add(key)
            self._work.append(key)

    def flows_in(self, path: str) -> list[Flow]:
        """The flows whose sink is in ``path``, one per (source, sink), in source order of the sink."""
        found = [f for f in self.flows.values() if f.path == path]
        return sorted(found, key=lambda f: (f.span.line, f.span.column, f.origin.path, f.origin.span.line,
                                            f.origin.span.column, f.origin.category))

    # ---------------------------------------------------------- one function

    def _analyse(self, key: str, function: F.Function, path: str, language: str):
        """Analyse one function: (whether its summary changed, the fields whose content did)."""
        catalog = self.catalogs[language]
        before = self.summaries[key].state() if key in self.summaries else _EMPTY
        summary = _Summary()
        run = _Run(self, key, function, path, language, catalog, summary)
        env: dict[str, dict] = {}
        offset = 1 if language == "python" and function.params[:1] in (("self",), ("cls",)) else 0
        for i, name in enumerate(function.params[offset:]):
            env[name] = {_Param(i): ()}
        listener = self._listener(function, catalog, path)
        if listener is not None:
            position, origin = listener
            if position + offset < len(function.params):
                name = function.params[position + offset]
                env[name] = {**env.get(name, {}), origin: ()}
        run.block(function.body, env)
        self.summaries[key] = summary
        state = summary.state()
        concrete = state != before and any(type(label) is not _Param for label in summary.returns)
        return state != before, concrete, run.changed

    def _listener(self, function: F.Function, catalog, path: str):
        """(parameter, origin) when ``function`` overrides a catalogued
        listener method of a supertype outside the project."""
        listeners = catalog.data_flows.listeners
        if not listeners or function.name.startswith("<"):
            return None
        owner = function.qualname.rpartition(".")[0]
        if owner not in self.index.classes:
            return None
        for parent in self.index.supers_of(owner):
            for name in (parent, *catalog.supertypes.get(parent, ())):
                hit = listeners.get(f"{name}.{function.name}")
                if hit is not None:
                    entry, position, category = hit
                    return position, Origin(path, function.span, category, f"{name}.{function.name}", entry)
        return None

    # ------------------------------------------------------------ recording

    def add_flow(self, origin: Origin, hops: tuple, hit: _SinkHit) -> None:
        key = (origin.path, origin.span, origin.category, hit.key)
        if key not in self.flows:
            self.flows[key] = Flow(origin, (hops + hit.hops)[:MAX_HOPS], hit.sink, hit.api, hit.path, hit.span,
                                   hit.function, hit.url, hit.text, hit.matched)


class _Run:
    """The analysis of one function body (lambdas inside it included)."""

    def __init__(self, flow: DataFlow, key: str, function: F.Function, path: str, language: str, catalog, summary):
        self.flow = flow
        self.key = key
        self.function = function
        self.path = path
        self.language = language
        self.catalog = catalog
        self.summary = summary
        self.changed: set[str] = set()
        self.owner = function.qualname.rpartition(".")[0]

    # statements
    def block(self, block: F.Block, env: dict) -> None:
        for stmt in block.stmts:
            self.stmt(stmt, env)

    def stmt(self, stmt, env: dict) -> None:
        kind = type(stmt)
        if kind is F.Eval:
            self.expr(stmt.expr, env)
        elif kind is F.Assign:
            value = self.expr(stmt.value, env)
            if value:  # (flow-sensitive: a new value replaces the old)
                env[stmt.target] = value
            else:
                env.pop(stmt.target, None)
        elif kind is F.Store:
            value = self.expr(stmt.value, env)
            if value:
                self._store(stmt.target, value)
        elif kind is F.Exit:
            value = self.expr(stmt.value, env)
            if stmt.kind == "return" and value:
                _merge(self.summary.returns, value)
        elif kind is F.If:
            self.expr(stmt.test, env)
            body, orelse = dict(env), dict(env)
            self.block(stmt.body, body)
            self.block(stmt.orelse, orelse)
            _replace(env, _join(body, orelse))
        elif kind is F.Loop:
            self.expr(stmt.test, env)
            for _ in range(2):  # (a value assigned late in the body reaches its start the next time)
                inner = dict(env)
                self.block(stmt.body, inner)
                _replace(env, _join(env, inner))
            self.block(stmt.orelse, env)
        elif kind is F.Choice:
            self.expr(stmt.subject, env)
            arms = []
            for arm in stmt.arms:
                inner = dict(env)
                self.block(arm, inner)
                arms.append(inner)
            if not stmt.exhaustive:
                arms.append(dict(env))
            _replace(env, _join(*arms))
        elif kind is F.Try:
            before = dict(env)
            self.block(stmt.body, env)
            handled = []
            for handler in stmt.handlers:
                inner = _join(before, env)  # (the body may stop anywhere)
                self.block(handler, inner)
                handled.append(inner)
            self.block(stmt.orelse, env)
            _replace(env, _join(env, *handled))
            self.block(stmt.final, env)

    def _store(self, target: str, value: dict) -> None:
        owner = target.rpartition(".")[0]
        if not self._same_class(owner):
            return
        for label, hops in value.items():
            if type(label) is _Param:
                self.summary.stores.setdefault(label.index, set()).add(target)
            else:
                self.flow_field(target, {label: hops})

    def flow_field(self, target: str, value: dict) -> None:
        held = self.flow.fields.setdefault(target, {})
        hop = Hop(self.path, self.function.span, f"stored in `{short_name(target)}`")
        for label, hops in value.items():
            if label not in held:
                held[label] = (*hops, hop)[:MAX_HOPS]
                self.changed.add(target)

    def _same_class(self, owner: str) -> bool:
        """Whether this function's code belongs to class ``owner`` (its
        methods, initialisers and the lambdas and anonymous classes in them)."""
        return bool(owner) and (self.function.qualname.startswith(owner + ".") or self.owner == owner)

    # expressions
    def expr(self, expr, env: dict) -> dict:
        if expr is None:
            return {}
        kind = type(expr)
        if kind is F.Name:
            if expr.local:
                return env.get(expr.name, {})
            return self._field(expr.resolved)
        if kind is F.Call:
            return self.call(expr, env)
        if kind is F.Lit or kind is F.Not or kind is F.Compare:
            if kind is F.Compare:  # (calls inside still run: sinks there)
                self.expr(expr.left, env)
                self.expr(expr.right, env)
            elif kind is F.Not:
                self.expr(expr.value, env)
            return {}
        if kind is F.Concat or kind is F.Seq:
            out: dict = {}
            for item in expr.items:
                out = _union(out, self.expr(item, env))
            return out
        if kind is F.BoolOp:
            out = {}
            for item in expr.values:
                out = _union(out, self.expr(item, env))
            return out
        if kind is F.IfExp:
            self.expr(expr.test, env)
            return _union(self.expr(expr.body, env), self.expr(expr.orelse, env))
        if kind is F.Lambda:
            self.closure(expr.function, env, {})
            return {}
        return {}

    def _field(self, resolved: str | None) -> dict:
        if not resolved:
            return {}
        owner = resolved.rpartition(".")[0]
        if not self._same_class(owner):
            return {}
        self.flow._readers.setdefault(resolved, set()).add(self.key)
        return self.flow.fields.get(resolved, {})

    def closure(self, function: F.Function, env: dict, first: dict) -> None:
        """A lambda or callback body: it sees the enclosing locals; its first
        parameter holds ``first``."""
        inner = dict(env)
        for name in function.params:
            inner.pop(name, None)
        if first and function.params:
            inner[function.params[0]] = first
        elif first and self.language == "kotlin":
            inner["it"] = first
        listener = self.flow._listener(function, self.catalog, self.path)
        if listener is not None and listener[0] < len(function.params):
            name = function.params[listener[0]]
            inner[name] = _union(inner.get(name), {listener[1]: ()})
        self.block(function.body, inner)

    def call(self, call: F.Call, env: dict) -> dict:
        if call.kind == "read" and call.receiver is None and call.callee is None and call.text in env:
            return env[call.text]  # (JS) the root of a member chain on a parameter: the local itself
        receiver = self.expr(call.receiver, env)
        if call.receiver is None and call.callee is None and "." in call.text:
            # (JS) a method of a local, as written (trail.push(..))
            receiver = env.get(call.text.partition(".")[0], {})
        args = [self.expr(a, env) if not _functions(a) else {} for a in call.args]
        keywords = [(k, self.expr(v, env) if not _functions(v) else {}) for k, v in call.keywords]
        lambdas = [f for a in (*call.args, *(v for _, v in call.keywords)) for f in _functions(a)]
        flows = self.catalog.data_flows
        result: dict = {}
        # collected here
        origins = self._origins(call)
        if origins:
            result = {o: () for o in origins}
            for function in lambdas:
                self.closure(function, env, result)
            lambdas = []
        through = flows.through(call)
        ends = flows.ends(call)
        if through is not None and not ends:
            source, into = through
            data = {}
            if source in ("receiver", "both"):
                data = _union(data, receiver)
            if source in ("arguments", "both"):
                for value in (*args, *(v for _, v in keywords)):
                    data = _union(data, value)
            if into == "result":
                result = _union(result, data)
            elif into == "receiver":
                result = _union(result, data)
                name = _root_local(call.receiver)
                if name is None and call.receiver is None and call.callee is None and "." in call.text:
                    name = call.text.partition(".")[0]
                if name is not None and data:
                    env[name] = _union(env.get(name), data)
            elif into == "callback" and data:
                for function in lambdas:
                    self.closure(function, env, data)
                lambdas = []
        elif receiver and not ends and (call.kind == "read" or call.key is not None
                                        or _GETTER.search(_leaf(call.text))
                                        or _GETTER.search(_leaf(call.callee or ""))):
            # a getter or field of a collected object (location.getLatitude(), pos.coords)
            if not (_leaf(call.text) in flows.row_reads and call.args and self._plain_column(call, env)):
                result = _union(result, receiver)
        for function in lambdas:
            self.closure(function, env, {})
        # project functions: their data summaries
        targets = self.flow.index.call_targets(call) if call.callee is not None else ()
        if targets and call.kind in ("call", "read"):
            result = _union(result, self._through(call, targets, args))
        # sinks
        sinks = self._sinks(call)
        for api, sink in sinks:
            data = self._sent(sink, call, args, keywords, receiver)
            if not data:
                continue
            url = matched = None
            if sink.kind == "network":
                url = self._cleartext(sink, call)
                if url is None:
                    continue
            elif sink.kind == "code":
                matched = self._one_time_code(sink, call)
                if matched is None:
                    continue
            hit = _SinkHit(sink, api, self.path, call.span, self._context(), url, (), call.text, matched)
            self._reach(data, hit)
        return result

    def _plain_column(self, call: F.Call, env: dict) -> bool:
        """Whether a row read (``cursor.getLong(..)``) reads a column that
        holds no personal data: the column ``getColumnIndex`` names, the
        projection's column at a known index, or the column an index
        constant is named after (``EVENT_INDEX_ID``)."""
        flows = self.catalog.data_flows
        index = call.args[0]
        if type(index) is F.Call and _leaf(index.text) in flows.column_index and index.args:
            return any(flows.plain_column(n) for n in self._column_names(index.args[0], index))
        if type(index) is F.Name and not index.local and index.resolved:
            name = _INDEX_WORD.sub("", index.resolved.rpartition(".")[2].lower())
            if flows.plain_column(name):
                return True
        position = self._int(index)
        if position is None:
            return False
        projection = self._projection(call.receiver)
        if projection is None or position >= len(projection):
            return False
        return any(flows.plain_column(n) for n in self._column_names(projection[position], call))

    def _column_names(self, expr, call: F.Call) -> set:
        """What a column-naming expression can be: its string values and the
        name of the constant it is, lower-cased."""
        names = set()
        if type(expr) is F.Lit and isinstance(expr.value, str):
            names.add(expr.value.lower())
        elif type(expr) is F.Name and expr.resolved and not expr.local:
            names.add(expr.resolved.rpartition(".")[2].lower())
        values = self.flow.values
        if values is not None and type(expr) is not F.Lit:
            names |= {t.text.lower() for t in values.texts(expr, self.path, call) if t.whole}
        return names

    def _int(self, expr) -> int | None:
        """An index literal, or a project constant written once with one."""
        if type(expr) is F.Lit and type(expr.value) is int:
            return expr.value
        values = self.flow.values
        if type(expr) is F.Name and not expr.local and expr.resolved and values is not None:
            stores = [v for _, _, v in values._stores_of(expr.resolved)]
            if len(stores) == 1 and type(stores[0]) is F.Lit and type(stores[0].value) is int:
                return stores[0].value
        return None

    def _projection(self, receiver) -> tuple | None:
        """The columns of the query a row's local was assigned from: the
        first argument of that call that is a list of column names."""
        name = _local(receiver)
        values = self.flow.values
        if name is None or values is None:
            return None
        defs = [s.value for s in F.walk(self.function.body, expressions=False)
                if type(s) is F.Assign and s.target == name]
        if len(defs) != 1 or type(defs[0]) is not F.Call:
            return None
        query = defs[0]
        for arg in query.args:
            items = values.elements(arg, self.path, query)
            if items and all(type(i) is F.Name or (type(i) is F.Lit and isinstance(i.value, str)) for i in items):
                return tuple(items)
        return None

    def _context(self) -> str:
        return self.function.qualname

    def _origins(self, call: F.Call) -> list[Origin]:
        if call.callee is None and call.kind != "read":
            return []
        found = S.match(call, self.catalog, self.flow.values, self.path)
        return [Origin(self.path, call.span, category, api, source.id, *self._wrapped(call, source))
                for api, source, category in found
                if source.purpose is None and source.sdk is None and category is not None]

    def _wrapped(self, call: F.Call, source) -> tuple:
        """(this function, the parameter, the URIs) when the URI that decides
        the category is a parameter of this function (a wrapper of
        ``ContentResolver.query``): what it collects depends on the caller."""
        offset = 1 if self.language == "python" and self.function.params[:1] in (("self",), ("cls",)) else 0
        for constraint in source.where:
            if constraint.uri is None:
                continue
            expr = S.argument(constraint, call)
            name = _local(expr)
            if name in self.function.params[offset:] and not any(
                    type(s) is F.Assign and s.target == name for s in F.walk(self.function.body, expressions=False)):
                return self.key, self.function.params.index(name) - offset, tuple(constraint.uri)
        return ()

    def _through(self, call: F.Call, targets, args: list) -> dict:
        """What a call of project functions returns, and the sinks and fields
        its arguments reach (their data summaries)."""
        out: dict = {}
        for target in targets:
            key = target.qualname
            self.flow._callers.setdefault(key, set()).add(self.key)
            summary = self.flow.summaries.get(key)
            if summary is None:
                if any(args):  # data, or a parameter that may hold it, goes in: what does it do there?
                    self.flow.demand(key)
                continue
            passed = Hop(self.path, call.span, f"passed to `{short_name(key)}`")
            returned = Hop(target.path, target.function.span, f"returned by `{short_name(key)}`")
            for label, hops in summary.returns.items():
                if type(label) is _Param:
                    if label.index < len(args):
                        for inner, before in args[label.index].items():
                            _add(out, inner, (*before, passed, *hops, returned))
                elif label.wrapper != key or self._passes_uri(call, label):
                    _add(out, label, (*hops, returned))
            for index, hits in summary.sinks.items():
                if index < len(args) and args[index]:
                    for hit in hits.values():
                        self._reach(args[index], hit, passed)
            for index, fields in summary.stores.items():
                if index < len(args) and args[index]:
                    concrete = {k: v for k, v in args[index].items() if type(k) is not _Param}
                    for field in fields:
                        if concrete:
                            self.flow_field(field, {k: (*v, passed) for k, v in concrete.items()})
        return out

    def _passes_uri(self, call: F.Call, origin: Origin) -> bool:
        """Whether ``call`` of a wrapper hands it a URI of ``origin``'s category."""
        values = self.flow.values
        if values is None or origin.param >= len(call.args):
            return values is None
        texts = values.texts(call.args[origin.param], self.path, call)
        return any(t.under(prefix) for t in texts for prefix in origin.uris)

    def _reach(self, data: dict, hit: _SinkHit, passed: Hop | None = None) -> None:
        for label, hops in data.items():
            path = (*hops, passed) if passed is not None else hops
            if type(label) is _Param:
                hits = self.summary.sinks.setdefault(label.index, {})
                if hit.key not in hits:
                    hits[hit.key] = _SinkHit(hit.sink, hit.api, hit.path, hit.span, hit.function, hit.url,
                                             (*path, *hit.hops)[:MAX_HOPS], hit.text, hit.matched)
            else:
                self.flow.add_flow(label, path, hit)

    def _sinks(self, call: F.Call):
        sinks = self.catalog.sinks
        if not sinks:
            return ()
        api = call.callee
        if api is None and self.language == "python" and call.receiver is None and "." not in call.text:
            api = f"builtins.{call.text}"  # (an unresolved bare name is the builtin: print)
        elif self.language == "kotlin" and call.receiver is None and api is not None \
                and api.rpartition(".")[0] == self.owner and not self.flow.index.targets(api):
            # a call the class does not define comes from Kotlin's default imports (println)
            api = f"kotlin.io.{call.text}"
        if api is None:
            return self._sink_methods(call)
        found = sinks.get(api)
        if found:
            return [(api, s) for s in found]
        for inherited in self.flow.index.inherited(api):
            found = sinks.get(inherited)
            if found:
                return [(inherited, s) for s in found]
        return self._sink_methods(call)

    def _sink_methods(self, call: F.Call):
        """Sinks named by method for a receiver whose type is not known (``body.matches(..)``)."""
        found = self.catalog.sink_methods.get(_leaf(call.text)) \
            if call.receiver is not None or "." in call.text else None
        if not found or (call.callee is not None and self.flow.index.call_targets(call)):
            return ()
        return [(call.callee or call.text, s) for s in found]

    def _sent(self, sink: Sink, call: F.Call, args: list, keywords: list, receiver: dict) -> dict:
        data: dict = dict(receiver) if sink.receiver and receiver else {}
        for i, value in enumerate(args):
            if sink.args is None or i in sink.args:
                data = _union(data, value)
        for name, value in keywords:
            if sink.keywords is None or name in sink.keywords:
                data = _union(data, value)
        return data

    def _one_time_code(self, sink: Sink, call: F.Call) -> str | None:
        """The pattern or text a ``code`` sink matches against, when it
        recognises a one-time code (``\\d{6}``, ``"验证码"``), or None."""
        test = self.catalog.one_time_code
        if test is None:
            return None
        if sink.pattern_arg is not None:
            expr = call.args[sink.pattern_arg] if sink.pattern_arg < len(call.args) else None
            if type(expr) in (F.Call, F.Name):  # body.matches(Regex("..")), body.match(CODE)
                expr = self._pattern_of(expr, 0) or expr
        elif call.receiver is None and call.callee is None and "." in call.text:
            # (JS) a method of a local, as written: CODE.test(body)
            expr = self._pattern_of(F.Name(call.text.partition(".")[0], local=True), 0)
        else:
            expr = self._pattern_of(call.receiver, 0)
        if expr is None:
            return None
        values = self.flow.values
        texts = {t.text for t in values.texts(expr, self.path, call)} if values is not None else set()
        if type(expr) is F.Lit and isinstance(expr.value, str):
            texts.add(expr.value)
        return next((t for t in sorted(texts) if test.search(t)), None)

    def _pattern_of(self, expr, depth: int):
        """The source text expression of a compiled pattern: ``Pattern.compile(P)``,
        ``Regex(P)``, ``P.toRegex()``, through a local or a constant holding one."""
        if expr is None or depth > 3:
            return None
        if type(expr) is F.Lit:  # a regex literal (JS), a string
            return expr
        if type(expr) is F.Call:
            if expr.args:
                return expr.args[0]
            return expr.receiver  # "\\d{6}".toRegex()
        if type(expr) is F.Name:
            if expr.local:
                defs = [s.value for s in F.walk(self.function.body, expressions=False)
                        if type(s) is F.Assign and s.target == expr.name]
                if not defs and self.flow.values is not None and self.path in self.flow.values.files:
                    # (JS, Python) a module-level constant: the module body assigns it
                    defs = [s.value for f in self.flow.values.files[self.path].functions if f.name == "<module>"
                            for s in F.walk(f.body, expressions=False)
                            if type(s) is F.Assign and s.target == expr.name]
            elif expr.resolved and self.flow.values is not None:
                defs = [v for _, _, v in self.flow.values._stores_of(expr.resolved)]
            else:
                defs = []
            return self._pattern_of(defs[0], depth + 1) if len(defs) == 1 else None
        return None

    def _cleartext(self, sink: Sink, call: F.Call) -> str | None:
        """The visible ``http://`` URL a request goes to, or None."""
        expr = None
        if sink.url_keyword is not None:
            expr = next((v for k, v in call.keywords if k == sink.url_keyword), None)
        if expr is None and sink.url_arg is not None and sink.url_arg < len(call.args):
            expr = call.args[sink.url_arg]
        if expr is None:
            return None
        values = self.flow.values
        texts = values.texts(expr, self.path, call) if values is not None else ()
        if not texts:
            # a literal, or a string built from one (Python's lowering of ``API + "/x"``)
            first = expr
            while type(first) in (F.Seq, F.Concat) and first.items:
                first = first.items[0]
            if type(first) is F.Lit and isinstance(first.value, str) and first.value.lower().startswith("http://"):
                return first.value
            return None
        for text in sorted(texts, key=lambda t: t.text):
            if text.text.lower().startswith("http://"):
                return text.text
        return None


def _functions(expr) -> tuple:
    """The functions an argument is: a lambda, or the methods of an object
    expression or anonymous class (``new LocationListener() {..}``)."""
    if type(expr) is F.Lambda:
        return (expr.function,)
    if type(expr) is F.Seq and expr.items and all(type(i) is F.Lambda for i in expr.items):
        return tuple(i.function for i in expr.items)
    return ()


def _local(expr) -> str | None:
    return expr.name if type(expr) is F.Name and expr.local else None


def _root_local(expr) -> str | None:
    """The local a chain of calls starts from (``sb`` of ``sb.append(a).append(b)``)."""
    while type(expr) is F.Call and expr.receiver is not None:
        expr = expr.receiver
    return _local(expr)


def _leaf(text: str) -> str:
    return text.rpartition(".")[2]


def _add(out: dict, label, hops: tuple) -> None:
    if label not in out:
        out[label] = tuple(hops)[:MAX_HOPS]


def _join(*envs) -> dict:
    """Locals after branches: what any of them holds."""
    out: dict = {}
    for env in envs:
        for name, value in env.items():
            out[name] = _union(out.get(name), value)
    return out


def _replace(env: dict, new: dict) -> None:
    env.clear()
    env.update(new)


def _merge(into: dict, value: dict) -> None:
    for label, hops in value.items():
        if label not in into:
            into[label] = hops


def _union(a: dict | None, b: dict | None) -> dict:
    if not a:
        return dict(b) if b else {}
    if not b:
        return a
    out = dict(a)
    for label, hops in b.items():
        if label not in out:
            out[label] = hops
    return out
