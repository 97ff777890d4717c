"""Values across functions and files (DESIGN section 7, *values and types*):
what a URI or string argument can be where a catalogued API receives it.

A value is followed through literals and concatenations or templates, locals
(every assignment of the name in the enclosing functions), fields, properties
and constants anywhere in the project (``F.Store`` writes), provider constants
the catalog maps to a URI (``[[uri]]``), calls that build one value from
another (``[[value_flow]]``: ``Uri.parse``, ``Uri.withAppendedPath``,
``ContentUris.withAppendedId``, ``buildUpon()...build()``), what project
functions return, and parameters: a thin wrapper that hands its parameter to a
catalogued API takes the values its project callers pass.

Each result is a ``Text``: the whole value, or only how it starts. Evaluation
is bounded in depth and never loops; what cannot be followed is unknown (no
``Text``), never a guess. ``constants`` answers the other question catalogs
ask: which constants an argument names (a projection's columns).
"""

from __future__ import annotations

from dataclasses import dataclass

from consentlint import facts as F

MAX_DEPTH = 8
MAX_CALLERS = 64  # callers of one wrapper followed for one parameter
_NONE: frozenset = frozenset()
# Lambdas handed to stream and scope operators (Kotlin collections and scope
# functions, RxJava/RxKotlin, Java streams, JS arrays), by method name on a
# receiver of any type: the lambda's parameter is each element of the
# receiver (``just(a).map { ... }.mapNotNull { uri -> }``), or the receiver
# itself (``x.let { uri -> }``).
_EACH = frozenset(("map", "mapNotNull", "filter", "filterNotNull", "forEach", "onEach", "doOnNext",
                   "doOnSuccess", "subscribe", "flatMap", "switchMap", "concatMap", "flatMapSingle",
                   "flatMapMaybe", "flatMapCompletable", "firstOrNull", "find", "any", "all"))
_ITSELF = frozenset(("let", "also", "takeIf", "takeUnless"))  # (run/apply/with bind `this`, not a parameter)
_MAPS = frozenset(("map", "mapNotNull", "mapCatching"))  # the elements after are what the lambda returns
_KEEPS = frozenset(("filter", "filterNotNull", "distinct", "distinctUntilChanged", "take", "skip", "observeOn",
                    "subscribeOn", "doOnNext", "onEach", "doOnSuccess", "toList", "firstOrError", "singleOrError",
                    "sorted", "sortedBy", "asSequence", "asFlow"))
_MAKES = frozenset(("just", "listOf", "setOf", "arrayOf", "sequenceOf", "of", "listOfNotNull", "flowOf"))
_BLOCK_VALUES = frozenset(("<when>", "<try>"))  # expressions lowered as a block that returns its value


@dataclass(frozen=True, slots=True)
class Text:
    """A string value: all of it (``whole``) or only its start."""

    text: str
    whole: bool

    def under(self, prefix: str) -> bool:
        """Whether the value is ``prefix`` or continues it at a URI boundary
        (``content://sms`` covers ``content://sms/inbox``, not ``content://smsx``)."""
        text = self.text
        if not text.startswith(prefix):
            return False
        if len(text) == len(prefix):
            return True
        return prefix.endswith("/") or text[len(prefix)] in "/?#"


@dataclass(frozen=True, slots=True)
class _Context:
    """Where an expression is evaluated: its file and enclosing functions,
    innermost first."""

    path: str
    chain: tuple[F.Function, ...]


class Values:
    def __init__(self, files, summaries, catalogs: dict):
        self.files = {facts.path: facts for facts in files}
        self.index = summaries.index
        self.summaries = summaries  # its calls_of: every project call of a function
        self.catalogs = catalogs  # language -> LanguageCatalog
        self._chains: dict[str, dict[int, tuple[F.Function, ...]]] = {}
        self._stores: dict[str, list] | None = None
        # what a parameter, a field or a function's returns can be, once
        # known (inside a cycle that may be less than all: never a guess)
        self._memo: dict = {}

    def texts(self, expr, path: str, call: F.Call) -> frozenset[Text]:
        """What ``expr``, an argument of ``call`` in file ``path``, can be."""
        chain = self._chain_of(path, call)
        return self._eval(expr, _Context(path, chain), 0, frozenset())

    def constants(self, expr, path: str, call: F.Call) -> frozenset[str]:
        """The constants ``expr`` names (``arrayOf(Events.DTSTART, Events.DTEND)``),
        also through locals and project constants holding such a list."""
        out: set[str] = set()
        self._names(expr, _Context(path, self._chain_of(path, call)), 0, frozenset(), out)
        return frozenset(out)

    def _names(self, expr, ctx: _Context, depth: int, seen: frozenset, out: set) -> None:
        if expr is None or depth > MAX_DEPTH:
            return
        for node in F.walk(expr):
            if type(node) is not F.Name:
                continue
            if node.local:
                for function in ctx.chain:
                    values = _assignments(function, node.name)
                    if values:
                        for value in values:
                            self._names(value, ctx, depth + 1, seen, out)
                        break
            elif node.resolved is not None:
                out.add(node.resolved)
                if ("store", node.resolved) not in seen:
                    for spath, function, value in self._stores_of(node.resolved):
                        self._names(value, _Context(spath, (function,)), depth + 1,
                                    seen | {("store", node.resolved)}, out)

    def elements(self, expr, path: str, call: F.Call) -> tuple | None:
        """The items of the one list ``expr`` is: a list or array literal
        (``new String[]{A, B}``, ``arrayOf(A, B)``, ``[a, b]``), also through
        a local or a field or constant written once with one. None when it is
        not such a list, or may be another one (assigned twice, a parameter)."""
        ctx_chain = self._chain_of(path, call)
        for _ in range(MAX_DEPTH):
            items = list_items(expr)
            if items is not None:
                return items
            if type(expr) is not F.Name:
                return None
            if expr.resolved is not None and not expr.local:
                values = [value for _, _, value in self._stores_of(expr.resolved)]
            else:  # a local, or a Python global (the module body assigns it)
                module = () if expr.local else tuple(
                    f for f in self.files[path].functions if f.name == "<module>") if path in self.files else ()
                values = next((v for v in (_assignments(f, expr.name) for f in (*ctx_chain, *module)) if v), [])
            if len(values) != 1:
                return None
            expr = values[0]
        return None

    # ------------------------------------------------------------ evaluation

    def _eval(self, expr, ctx: _Context, depth: int, seen: frozenset) -> frozenset[Text]:
        if expr is None or depth > MAX_DEPTH:
            return _NONE
        kind = type(expr)
        if kind is F.Lit:
            return frozenset((Text(expr.value, True),)) if isinstance(expr.value, str) else _NONE
        if kind is F.Concat:
            return self._concat(expr, ctx, depth, seen)
        if kind is F.Name:
            if expr.local:
                return self._local(expr.name, ctx, depth, seen)
            if expr.resolved is not None:
                return self._global(expr.resolved, ctx, depth, seen)
            return _NONE
        if kind is F.Call:
            return self._call(expr, ctx, depth, seen)
        if kind is F.IfExp:
            return self._eval(expr.body, ctx, depth + 1, seen) | self._eval(expr.orelse, ctx, depth + 1, seen)
        if kind is F.Lambda and expr.function.name in _BLOCK_VALUES:
            # a Kotlin `when`/`try` used as a value: what its arms return
            inner = _Context(ctx.path, (expr.function, *ctx.chain))
            out = _NONE
            for stmt in F.walk(expr.function.body, expressions=False):
                if type(stmt) is F.Exit and stmt.kind == "return":
                    out |= self._eval(stmt.value, inner, depth + 1, seen)
            return out
        if kind is F.BoolOp and expr.op == "or":  # Kotlin ?:, JS ||
            out: frozenset = _NONE
            for value in expr.values:
                out |= self._eval(value, ctx, depth + 1, seen)
            return out
        return _NONE

    def _concat(self, expr: F.Concat, ctx, depth, seen) -> frozenset[Text]:
        items = expr.items
        if not items:
            return _NONE
        out = set()
        for start in self._eval(items[0], ctx, depth + 1, seen):
            text, whole = start.text, start.whole
            for item in items[1:]:
                if not whole:
                    break
                nxt = self._eval(item, ctx, depth + 1, seen) if isinstance(item, (F.Lit, F.Name)) else _NONE
                if len(nxt) != 1:
                    whole = False
                    break
                (part,) = nxt
                text, whole = text + part.text, part.whole
            out.add(Text(text, whole))
        return frozenset(out)

    def _local(self, name: str, ctx: _Context, depth, seen) -> frozenset[Text]:
        for i, function in enumerate(ctx.chain):
            values = _assignments(function, name)
            if values:
                inner = _Context(ctx.path, ctx.chain[i:])
                out: frozenset = _NONE
                for value in values:
                    out |= self._eval(value, inner, depth + 1, seen)
                return out
            if name in function.params:
                if function.name == "<lambda>":
                    return self._lambda_param(function, function.params.index(name), ctx.chain[i + 1:], ctx, depth,
                                              seen)
                return self._param(function, function.params.index(name), name, depth, seen)
            if name == "it" and function.name == "<lambda>" and not function.params:
                return self._lambda_param(function, 0, ctx.chain[i + 1:], ctx, depth, seen)
        return _NONE

    def _lambda_param(self, function: F.Function, position: int, outer, ctx: _Context, depth, seen):
        """A lambda's parameter, from the operator it is handed to."""
        call = self._handed_to(ctx.path).get(id(function))
        if call is None or position != 0:
            return _NONE
        inner = _Context(ctx.path, outer)
        if type(call) is tuple:  # (Kotlin lowers x.let { } to the pair of x and the lambda)
            return self._eval(call[0], inner, depth + 1, seen)
        method = call.text.rpartition(".")[2]
        if call.receiver is None:
            return _NONE
        if method in _ITSELF:
            return self._eval(call.receiver, inner, depth + 1, seen)
        if method in _EACH:
            return self._elements(call.receiver, inner, depth + 1, seen)
        return _NONE

    def _elements(self, expr, ctx: _Context, depth, seen) -> frozenset[Text]:
        """What each element of a stream or collection ``expr`` can be."""
        if type(expr) is not F.Call or depth > MAX_DEPTH:
            return _NONE
        method = expr.text.rpartition(".")[2]
        if method in _MAKES:
            out: frozenset = _NONE
            for arg in expr.args:
                out |= self._eval(arg, ctx, depth + 1, seen)
            return out
        if method in _KEEPS:
            return self._elements(expr.receiver, ctx, depth + 1, seen)
        if method in _MAPS and expr.args and type(expr.args[-1]) is F.Lambda:
            mapper = expr.args[-1].function
            inner = _Context(ctx.path, (mapper, *ctx.chain))
            out = _NONE
            for value in _results(mapper.body):
                out |= self._eval(value, inner, depth + 1, seen)
            return out
        return _NONE

    def _handed_to(self, path: str) -> dict:
        """id(lambda's function) -> the call it is an argument of in ``path``,
        or the value a Kotlin scope function runs it on."""
        key = ("handed", path)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = {}
            facts = self.files.get(path)
            for function in F.functions_in(facts.functions if facts else (), lambdas=True):
                for node in F.walk(function.body):
                    if type(node) is F.Call:
                        for arg in node.args:
                            if type(arg) is F.Lambda:
                                found[id(arg.function)] = node
                    elif type(node) is F.Seq and len(node.items) == 2 and type(node.items[1]) is F.Lambda:
                        found.setdefault(id(node.items[1].function), (node.items[0],))
        return found

    def _param(self, function: F.Function, position: int, name: str, depth, seen) -> frozenset[Text]:
        """A parameter of a project function: what its project callers pass."""
        key = ("param", function.qualname, position)
        if key in seen or function.qualname not in self.index.functions:
            return _NONE
        if key in self._memo:
            return self._memo[key]
        seen = seen | {key}
        out: frozenset = _NONE
        # a Python method's first parameter is the object: calls pass the rest
        shift = 1 if _bound_method(function, self.index) else 0
        for path, call in self.summaries.calls_of.get(function.qualname, ())[:MAX_CALLERS]:
            if position < shift:
                break
            arg = _argument(call, position - shift, name)
            if arg is not None:
                out |= self._eval(arg, _Context(path, self._chain_of(path, call)), depth + 1, seen)
        self._memo[key] = out
        return out

    def _global(self, qualname: str, ctx: _Context, depth, seen) -> frozenset[Text]:
        """A constant, field or property, by its qualified name."""
        catalog = self._catalog(ctx)
        if catalog is not None:
            uri = catalog.uri_of(qualname)
            if uri is not None:
                return frozenset((Text(uri, False),))
        key = ("store", qualname)
        if key in seen:
            return _NONE
        if key in self._memo:
            return self._memo[key]
        seen = seen | {key}
        out: frozenset = _NONE
        for path, function, value in self._stores_of(qualname):
            out |= self._eval(value, _Context(path, (function,)), depth + 1, seen)
        self._memo[key] = out
        return out

    def _catalog(self, ctx: _Context):
        facts = self.files.get(ctx.path)
        return self.catalogs.get(facts.language) if facts is not None else None

    def _call(self, call: F.Call, ctx: _Context, depth, seen) -> frozenset[Text]:
        catalog = self._catalog(ctx)
        flow = None
        if catalog is not None and catalog.flows:
            if call.callee is not None:
                flow = catalog.flows.get(call.callee)
            elif call.receiver is not None:
                # a method of a value whose type the front-end did not know
                # (``Events.CONTENT_URI.buildUpon()``): a flow of that name,
                # when the receiver is a known URI
                flow = catalog.flows_by_name.get(call.text)
        if flow is not None:
            source, keeps = flow
            arg = call.receiver if source == "receiver" else (call.args[source] if source < len(call.args) else None)
            found = self._eval(arg, ctx, depth + 1, seen)
            return found if keeps == "all" else frozenset(Text(t.text, False) for t in found)
        out: frozenset = _NONE
        for target in self.index.call_targets(call):
            key = ("return", target.qualname, target.path, target.function.span.line)
            if key in seen:
                continue
            found = self._memo.get(key)
            if found is None:
                inner_seen, found = seen | {key}, _NONE
                for stmt in F.walk(target.function.body, expressions=False):
                    if type(stmt) is F.Exit and stmt.kind == "return" and stmt.value is not None:
                        found |= self._eval(stmt.value, _Context(target.path, (target.function,)), depth + 1,
                                            inner_seen)
                self._memo[key] = found
            out |= found
        return out

    def replaced(self, read: F.Call, function: str, method: str) -> bool:
        """Whether ``read``, a field read in ``function``, holds what a method
        of its class made in place of the field (Django's ``clean_<field>``):
        outside that method, when none of its returns may hold the field's
        own value (the read, a local holding it, a method of it, a project
        function handed it)."""
        owner = function.rpartition(".")[0]
        qualname = f"{owner}.{method}"
        if not owner or function == qualname or not (type(read.receiver) is F.Name and read.receiver.name == "self"):
            return False  # (another object's data, a form handed in, is not what this class made)
        infos = self.index.functions.get(qualname, ())
        for info in infos:
            returns = [s.value for s in F.walk(info.function.body, expressions=False)
                       if type(s) is F.Exit and s.kind == "return" and s.value is not None]
            if not returns or any(self._holds(v, info.function, read, 0) for v in returns):
                return False
        return bool(infos)

    def _holds(self, expr, function: F.Function, read: F.Call, depth: int) -> bool:
        """Whether ``expr`` in ``function`` may hold the value of ``read``
        (same API and key)."""
        if expr is None or depth > MAX_DEPTH:
            return False
        kind = type(expr)
        if kind is F.Name:
            if expr.resolved == read.callee:
                return True
            if not expr.local or expr.resolved is not None:
                return False
            if expr.name in function.params[1:]:
                return True  # what a caller passes: unknown
            return any(self._holds(v, function, read, depth + 1) for v in _assignments(function, expr.name))
        if kind is F.Call:
            if expr.callee == read.callee:
                return expr.key == read.key or expr.key is None
            if expr.callee is not None and self.index.targets(expr.callee):
                # a project function may return what it is handed
                return any(self._holds(a, function, read, depth + 1)
                           for a in (*expr.args, *(v for _, v in expr.keywords), expr.receiver))
            return self._holds(expr.receiver, function, read, depth + 1)
        if kind in (F.IfExp, F.BoolOp, F.Concat, F.Seq):
            return any(self._holds(e, function, read, depth + 1) for e in F.walk(expr) if e is not expr
                       and type(e) in (F.Name, F.Call))
        return False

    # --------------------------------------------------------------- lookups

    def _chain_of(self, path: str, call: F.Call) -> tuple[F.Function, ...]:
        """The functions enclosing ``call`` in its file, innermost first."""
        chains = self._chains.get(path)
        if chains is None:
            chains = self._chains[path] = {}
            facts = self.files.get(path)
            for node, chain in F.calls_in(facts.functions if facts else ()):
                chains[node.id] = chain
        return chains.get(call.id, ())

    def _stores_of(self, qualname: str):
        """``(path, function, value)`` for every write of a field or constant
        (initialisers and assignments are statements of named functions)."""
        if self._stores is None:
            self._stores = {}
            for path, facts in self.files.items():
                for function in facts.functions:
                    for stmt in F.walk(function.body, enter=(F.Def,), expressions=False):
                        if type(stmt) is F.Store:
                            self._stores.setdefault(stmt.target, []).append((path, function, stmt.value))
        return self._stores.get(qualname, ())


# calls that build a list of their arguments: Kotlin's (unqualified), Java's
_LIST_BUILDERS = frozenset(("arrayOf", "listOf", "setOf", "mutableListOf", "arrayListOf", "mutableSetOf",
                            "hashSetOf"))
_LIST_FACTORIES = frozenset(("java.util.Arrays.asList", "java.util.List.of", "java.util.Set.of"))


def list_items(expr) -> tuple | None:
    """The items of a list or array literal, or of a call that builds one."""
    if type(expr) is F.Seq:
        return expr.items
    if type(expr) is F.Call and expr.kind == "call" and not expr.keywords and (
            expr.callee in _LIST_FACTORIES or (expr.receiver is None and expr.text in _LIST_BUILDERS)):
        return expr.args
    return None


def _results(block: F.Block) -> list:
    """What a lambda's body evaluates to: its returns, and its last
    expression (through the arms of a last ``if``/``when``)."""
    out = [s.value for s in F.walk(block, expressions=False) if type(s) is F.Exit and s.kind == "return"]
    last = block.stmts[-1] if block.stmts else None
    if type(last) is F.Eval:
        out.append(last.expr)
    elif type(last) is F.If:
        out += _results(last.body) + _results(last.orelse)
    return out


def _assignments(function: F.Function, name: str) -> list:
    """The values a function's statements assign to the local ``name``."""
    return [s.value for s in F.walk(function.body, expressions=False)
            if type(s) is F.Assign and s.target == name and s.field is None]


def _bound_method(function: F.Function, index) -> bool:
    """A Python method (of a project class, taking the object first): what
    its callers pass starts at its second parameter."""
    owner = function.qualname.rpartition(".")[0]
    infos = index.functions.get(function.qualname, ())
    return owner in index.classes and any(i.language == "python" for i in infos) \
        and bool(function.params) and function.params[0] in ("self", "cls") \
        and not any(d.name in ("staticmethod", "builtins.staticmethod") for d in function.decorators)


def _argument(call: F.Call, position: int, name: str):
    for keyword, value in call.keywords:
        if keyword == name:
            return value
    if position < len(call.args):
        return call.args[position]
    return None
