"""Parameter types across the project (DESIGN section 7, *values and types*):
what a JS/TS parameter that its file leaves untyped holds, from the calls
that reach its function.

- A function handed to a route registration (``[[handler]]`` in
  ``checks/node/servers.toml``: ``app.post(path, users.create)``, by reference
  or inline) receives the types the framework passes (``req`` ->
  ``express#Request``).
- A project function's parameter holds what its project calls pass it
  (``addressForApi(req.body)``: ``body`` holds ``express#Request.body``), to a
  bounded fixpoint over the call graph; a registration on a parameter
  (``exports.bind = function (app) { app.post(...) }``) is one once a caller
  passes ``express()``.

A type is a qualified name in the form front-ends give values
(``express#default`` for ``express()``, ``express#Request.body`` for a member
of a request). Member chains on untyped parameters (reads and calls without
callee whose receivers lead to a root naming the local, see the JS
front-end's ``_link``) then resolve to the catalogued API that a read on a
typed ``req`` names (``resolved``). Any typed caller suffices: this finds
sites and never marks one guarded.
"""

from __future__ import annotations

from collections import deque

from consentlint import facts as F

LANGUAGES = frozenset(("javascript", "typescript"))
MAX_ROUNDS = 6
MAX_TYPES = 8  # types one parameter may hold
MAX_DEPTH = 16  # nested evaluation (locals through locals)
MAX_KEYS = 4  # members followed below a keyed API (req.body.a.b.c.d)
_NONE: frozenset = frozenset()


class ParamTypes:
    def __init__(self, files, index, catalogs: dict):
        self.index = index
        self._types: dict[int, list[set]] = {}  # id(function) -> types by position
        self._assigned: dict[int, dict[str, list]] = {}  # id(function) -> local -> values
        self._memo: dict[int, frozenset] = {}
        # id(chain call) -> the catalogued calls it resolves to
        self.sites: dict[int, tuple[F.Call, ...]] = {}
        flows, chains = [], []
        for facts in files:
            catalog = catalogs.get(facts.language)
            if facts.language not in LANGUAGES or catalog is None:
                continue
            methods = catalog.handler_methods
            for call, chain in F.calls_in(facts.functions):
                if call.callee is None:
                    if call.receiver is not None and (call.kind == "call" or F.is_link(call)):
                        chains.append((call, chain, catalog))
                        if call.kind == "call" and call.args and call.text.rpartition(".")[2] in methods:
                            flows.append((call, chain, catalog))  # app.post(...) on a parameter
                elif call.kind == "call" and (call.callee in catalog.handlers or (
                        any(_typable(a) for a in call.args) and self.index.call_targets(call))):
                    flows.append((call, chain, catalog))
        self._fixpoint(flows)
        self._memo.clear()
        if not self._types:
            return  # no parameter got a type: no chain can resolve
        for call, chain, catalog in chains:
            found = self._resolve(call, chain, catalog)
            if found:
                self.sites[id(call)] = found

    def resolved(self, call: F.Call) -> tuple[F.Call, ...]:
        """The catalogued reads or calls a chain on a typed parameter is."""
        return self.sites.get(id(call), ())

    # ------------------------------------------------------------ the flow

    def _fixpoint(self, flows) -> None:
        """Run every flow, then again each flow that reads a parameter whose
        types changed (one in its enclosing functions), each at most
        ``MAX_ROUNDS`` times."""
        readers: dict[int, list[int]] = {}
        for i, (_, chain, _) in enumerate(flows):
            for function in chain:
                readers.setdefault(id(function), []).append(i)
        queue, queued = deque(range(len(flows))), set(range(len(flows)))
        visits = [0] * len(flows)
        while queue:
            i = queue.popleft()
            queued.discard(i)
            visits[i] += 1
            if visits[i] > MAX_ROUNDS:
                continue
            changed = self._flow(*flows[i])
            if changed:
                self._memo.clear()  # what was evaluated may hold more now
            for function in changed:
                for j in readers.get(id(function), ()):
                    if j not in queued:
                        queued.add(j)
                        queue.append(j)

    def _flow(self, call: F.Call, chain, catalog) -> list:
        """Types ``call`` hands on: to the handlers a registration receives,
        and to the parameters of the project functions it calls. Returns the
        functions whose parameters got new types."""
        changed = []
        for api in self._apis(call, chain, catalog):
            if api not in catalog.handlers:
                continue
            for arg in call.args:
                for function in self._functions_of(arg):
                    params = catalog.handler_params(api, len(function.params))
                    for position, type_ in enumerate(params[:len(function.params)]):
                        if type_ and self._add(function, position, (type_,)):
                            changed.append(function)
        if call.callee is not None and call.args:
            for target in self.index.call_targets(call):
                function = target.function
                for position, arg in enumerate(call.args[:len(function.params)]):
                    found = self._type(arg, chain, catalog, 0, frozenset()) if _typable(arg) else _NONE
                    if found and self._add(function, position, found):
                        changed.append(function)
        return changed

    def _apis(self, call: F.Call, chain, catalog) -> frozenset:
        """What ``call`` calls: its callee, or the member of what its
        receiver holds (``app.post`` with ``app`` an ``express#default``)."""
        if call.callee is not None:
            return frozenset((call.callee,))
        method = call.text.rpartition(".")[2]
        if call.receiver is None or not method:
            return _NONE
        return frozenset(f"{t}.{method}" for t in self._type(call.receiver, chain, catalog, 0, frozenset()))

    def _functions_of(self, arg):
        """The functions an argument hands on: a lambda, or project functions
        named by reference (a module namespace stands for its default export)."""
        if type(arg) is F.Lambda:
            return (arg.function,)
        if type(arg) is F.Name and arg.resolved is not None and arg.resolved.startswith("."):
            name = arg.resolved + "default" if arg.resolved.endswith("#") else arg.resolved
            return tuple(t.function for t in self.index.targets(name))
        return ()

    def _add(self, function: F.Function, position: int, types) -> bool:
        slots = self._types.get(id(function))
        if slots is None:
            slots = self._types[id(function)] = [set() for _ in function.params]
        slot = slots[position]
        before = len(slot)
        for type_ in types:
            if len(slot) >= MAX_TYPES:
                break
            slot.add(type_)
        return len(slot) != before

    # ---------------------------------------------------------- evaluation

    def _type(self, expr, chain, catalog, depth: int, seen: frozenset) -> frozenset:
        """The types ``expr`` may hold where ``chain`` (its enclosing
        functions, innermost first) evaluates it."""
        if expr is None or depth > MAX_DEPTH or id(expr) in seen:
            return _NONE
        hit = self._memo.get(id(expr))
        if hit is not None:
            return hit
        seen = seen | {id(expr)}
        kind = type(expr)
        out: frozenset = _NONE
        if kind is F.Name:
            if expr.resolved is not None and not expr.resolved.startswith("."):
                out = frozenset((expr.resolved,))
            elif expr.local and expr.resolved is None:
                out = self._local(expr.name, chain, catalog, depth, seen)
        elif kind is F.Call:
            if expr.callee is not None:
                if not expr.callee.startswith("."):
                    out = frozenset((f"{expr.callee}.{expr.key}" if expr.key else expr.callee,))
            elif F.is_link(expr):
                if expr.receiver is None:  # the root: an untyped local
                    out = self._local(expr.text, chain, catalog, depth, seen)
                else:
                    inner = self._type(expr.receiver, chain, catalog, depth + 1, seen)
                    out = frozenset(t for t in (f"{i}.{expr.text}" for i in inner) if _kept(t, catalog))
        elif kind is F.IfExp:
            out = self._type(expr.body, chain, catalog, depth + 1, seen) | \
                self._type(expr.orelse, chain, catalog, depth + 1, seen)
        elif kind is F.BoolOp and expr.op == "or":
            for value in expr.values:
                out |= self._type(value, chain, catalog, depth + 1, seen)
        self._memo[id(expr)] = out
        return out

    def _local(self, name: str, chain, catalog, depth: int, seen: frozenset) -> frozenset:
        """A local of the enclosing functions: what is assigned to it, else
        the types of the parameter it is."""
        for i, function in enumerate(chain):
            values = self._assignments(function).get(name)
            if values:
                out: frozenset = _NONE
                for value in values:
                    out |= self._type(value, chain[i:], catalog, depth + 1, seen)
                return out
            if name in function.params:
                slots = self._types.get(id(function))
                return frozenset(slots[function.params.index(name)]) if slots else _NONE
        return _NONE

    def _assignments(self, function: F.Function) -> dict[str, list]:
        found = self._assigned.get(id(function))
        if found is None:
            found = self._assigned[id(function)] = {}
            for stmt in F.walk(function.body, expressions=False):
                if type(stmt) is F.Assign and stmt.field is None:
                    found.setdefault(stmt.target, []).append(stmt.value)
        return found

    # ---------------------------------------------------------- resolution

    def _resolve(self, call: F.Call, chain, catalog) -> tuple[F.Call, ...]:
        """The catalogued reads or calls a chain link is, given what its root
        holds: ``req.body.email`` with ``req`` an ``express#Request`` is a read
        of ``express#Request.body`` with key ``email``, reported where the API
        ends (``body``; the root local when it holds the API's value). The
        result's id is that of the first link below the API, so the reads
        of one chain (``req.body.a.b``: keys ``a`` and ``b``) are one site."""
        if call.receiver is None:
            return ()
        out = []
        for full in sorted(self._type(call.receiver, chain, catalog, 0, frozenset())):
            api, keys = _api_of(f"{full}.{call.text.rpartition('.')[2] if call.kind == 'call' else call.text}",
                                catalog)
            if api is None or len(keys) > MAX_KEYS or (keys and call.kind == "call"):
                continue
            if not any(s.kind == call.kind for s in catalog.sources[api]):
                continue
            # the link where the API ends, and the first below it: links of one
            # chain below one API (req.body.a, req.body.a.b) share that id
            # (keys the type brought from a caller end at the root local)
            end, head = call, call
            for _ in keys:
                if end.receiver is None:
                    break
                head, end = end, end.receiver
            text = _text(end) if call.kind == "read" else call.text
            out.append(F.Call(head.id, api, text, call.kind, end.span, call.receiver if call.kind == "call" else None,
                              call.args, call.keywords, keys[-1] if keys else None))
        return tuple(out)


def _typable(expr) -> bool:
    """Whether an argument can hold a type (a name, a read or call, a choice
    between values); literals and lambdas cannot."""
    return expr is not None and type(expr) in (F.Name, F.Call, F.IfExp, F.BoolOp)


def _kept(type_: str, catalog) -> bool:
    """Whether a type can still lead to a catalogued API."""
    if type_ in catalog.prefixes:
        return True
    api, keys = _api_of(type_, catalog)
    return api is not None and 0 < len(keys) <= MAX_KEYS


def _api_of(type_: str, catalog):
    """(the longest catalogued API ``type_`` starts with, the member names
    after it), or (None, ())."""
    head, hash_, rest = type_.partition("#")
    parts = rest.split(".") if hash_ else type_.split(".")
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        api = f"{head}#{name}" if hash_ else name
        if api in catalog.sources:
            return api, tuple(parts[end:])
    return None, ()


def _text(call: F.Call) -> str:
    """A chain as written (``req.body``)."""
    parts = []
    while call is not None:
        parts.append(call.text)
        call = call.receiver
    return ".".join(reversed(parts))
