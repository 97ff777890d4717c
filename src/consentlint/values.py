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
                return self._param(function, function.params.index(name), name, depth, seen)
        return _NONE

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
        for target in self.index.targets(call.callee):
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
