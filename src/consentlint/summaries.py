"""Summaries over the project index (DESIGN section 7), computed once per run.

*Check summaries*: for each project function, the guards that hold when it
returns true, when it returns false, and once it has returned at all (a helper
that throws or exits unless granted). ``hasLocationPermission()`` wrapping
``checkSelfPermission(..) == PERMISSION_GRANTED`` is then that check wherever
it is called, and a permission or category that reaches the check through a
parameter is filled in from each call's argument. Summaries are computed with
the one guard analysis, to a fixpoint over the call graph (each function is
re-analysed at most ``ROUNDS`` times, so cycles end). A helper whose returns
do not all imply a check (or that only requests one) implies nothing.

*Caller guards*: a function is guarded for a category when every project call
of it is guarded for that category, directly or through its own callers.
Entry points are never guarded by callers: functions with no known call,
functions passed on as values (a reference, or their name used as a value),
and methods the framework calls (overrides of
a type outside the project, and in Java ``on*`` methods of such classes).
"""

from __future__ import annotations

from dataclasses import replace

from consentlint import facts as F
from consentlint.consent import Guard, _param
from consentlint.guards import GuardAnalysis, _any_of

ROUNDS = 4
MAX_DEPTH = 40
_NONE: frozenset = frozenset()


class Summaries:
    def __init__(self, index, models: dict):
        self.index = index
        self.models = models  # language -> ConsentModel
        self._checks: dict[str, tuple[frozenset, frozenset]] = {}
        self._after: dict[str, frozenset] = {}
        self._callers: dict[str, list] = {}
        self._escapes: set[str] = set()
        self._memo: dict = {}
        self._named: set[str] = set()  # functions named as values (``onPress={handler}``)

    def _escaping(self, name: F.Name) -> None:
        if name.resolved is not None and not name.local:
            self._named.add(name.resolved)

    # ------------------------------------------------------ check summaries

    def compute(self) -> None:
        """Check summaries to a fixpoint: start from functions that call a
        check, then re-analyse the callers of every function whose summary
        changed."""
        callers_of: dict[str, set[str]] = {}
        work: list[str] = []
        for qualname, infos in self.index.functions.items():
            for info in infos:
                model = self.models[info.language]
                for call in _calls(info.function.body, self._escaping):
                    if model.check_guard(call) is not None:
                        work.append(qualname)
                    for target in self.index.targets(call.callee):
                        callers_of.setdefault(target.qualname, set()).add(qualname)
        for name in self._named:
            self._escapes.update(t.qualname for t in self.index.targets(name))
        visits: dict[str, int] = {}
        queued = set(work)
        while work:
            qualname = work.pop()
            queued.discard(qualname)
            visits[qualname] = visits.get(qualname, 0) + 1
            if visits[qualname] > ROUNDS:
                continue
            if self._summarise(qualname):
                for caller in callers_of.get(qualname, ()):
                    if caller not in queued:
                        queued.add(caller)
                        work.append(caller)

    def _summarise(self, qualname: str) -> bool:
        """Re-analyse one function; True when its summary changed."""
        trues, falses, afters = [], [], []
        for info in self.index.functions[qualname]:
            returns: list = []

            def on_return(value, guards, env):
                # evaluated at the return, where the function's parameters are in scope
                cond = analysis._cond(value, env, 0) if value is not None else (_NONE, _NONE)
                returns.append((value, guards, cond))

            analysis = GuardAnalysis(self.models[info.language], self, on_return=on_return)
            analysis._walk(info.function, _NONE)
            for value, guards, (when_true, when_false) in returns:
                afters.append(guards)
                if value is None:
                    continue
                literal = value.value if isinstance(value, F.Lit) and isinstance(value.value, bool) else None
                if literal is not False:
                    trues.append(guards | (when_true if literal is None else _NONE))
                if literal is not True:
                    falses.append(guards | (when_false if literal is None else _NONE))
        check = (_all_of(trues), _all_of(falses))
        after = _all_of(afters)
        changed = check != self._checks.get(qualname, (_NONE, _NONE)) or after != self._after.get(qualname, _NONE)
        if check != (_NONE, _NONE):
            self._checks[qualname] = check
        if after:
            self._after[qualname] = after
        return changed

    def check(self, call: F.Call, model, params=()):
        """(guards when the call returned true, when false), or None."""
        targets = _concrete(self.index.targets(call.callee))
        if not targets:
            return None
        parts = [self._checks.get(t.qualname) for t in targets]
        if any(p is None for p in parts):
            return None
        when_true = _any_of([p[0] for p in parts]) if all(p[0] for p in parts) else _NONE
        when_false = _any_of([p[1] for p in parts]) if all(p[1] for p in parts) else _NONE
        if not when_true and not when_false:
            return None
        return (frozenset(_wrap(g, call, model, params) for g in when_true),
                frozenset(_wrap(g, call, model, params) for g in when_false))

    def after(self, call: F.Call, model, params=()) -> frozenset:
        """The guards that hold once ``call`` has returned."""
        targets = self.index.targets(call.callee)
        if not targets:
            return _NONE
        parts = [self._after.get(t.qualname, _NONE) for t in targets]
        if not all(parts):
            return _NONE
        return frozenset(_wrap(g, call, model, params) for g in _any_of(parts))

    # ------------------------------------------------------- caller guards

    def add_sites(self, sites) -> None:
        """Record the project calls among ``(call, guards, function)`` sites."""
        for call, guards, function in sites:
            if call.callee is None:
                continue
            for target in self.index.targets(call.callee):
                if call.kind == "ref":
                    self._escapes.add(target.qualname)
                else:
                    self._callers.setdefault(target.qualname, []).append((function, guards))

    def is_entry(self, qualname: str) -> bool:
        infos = self.index.functions.get(qualname)
        if not infos or qualname in self._escapes or not self._callers.get(qualname):
            return True
        for info in infos:
            owner, _, name = qualname.rpartition(".")
            if info.function.override and not self.index.declared_by_project_super(info):
                return True
            if info.language in _NAMED_CALLBACKS and name[:2] == "on" and name[2:3].isupper() \
                    and self.index.external_supers(owner) and not self.index.declared_by_project_super(info):
                return True
        return False

    def by_callers(self, function: str, covers, key=None):
        """``(guarded, path, witness)``: whether every project call of
        ``function`` is guarded (``covers(guard)``), directly or through its
        callers. When guarded, ``witness`` is one guarded call (the guard and
        the chain of functions from that caller down to ``function``); when
        not, ``path`` is one chain from an unguarded caller (outermost first),
        or () when no caller is guarded at all (or ``function`` is an entry)."""
        memo = self._memo.setdefault(key, {}) if key is not None else {}
        ok, grounded, path, witness = self._walk(function, covers, [], memo)
        if ok and grounded:
            return True, (), witness
        return False, (path if witness is not None else ()), None

    def _walk(self, function, covers, stack, memo):
        if function in stack:
            return True, False, (), None
        if function in memo:
            return memo[function]
        if len(stack) > MAX_DEPTH or self.is_entry(function):
            return False, False, (function,), None
        stack.append(function)
        grounded, witness, result = False, None, None
        for caller, guards in self._callers[function]:
            covering = [g for g in guards if covers(g)]
            if covering:
                grounded = True
                if witness is None:
                    witness = (min(covering, key=lambda g: g.line), (caller, function))
                continue
            ok, sub_grounded, path, sub_witness = self._walk(caller, covers, stack, memo)
            if witness is None and sub_witness is not None:
                witness = (sub_witness[0], (*sub_witness[1], function))
            if not ok:
                result = (False, False, (*path, function), witness)
                break
            grounded = grounded or sub_grounded
        stack.pop()
        if result is None:
            result = (True, grounded, (), witness)
        if not stack:
            memo[function] = result
        return result


# Java marks overrides only by convention (@Override is optional): framework
# callbacks there are recognised by name as well
_NAMED_CALLBACKS = frozenset(("java",))


def _concrete(targets):
    """Targets that can return a value: a method without a body (abstract, or
    declared by an interface) runs one of its implementations, which the index
    lists beside it, and an empty body returns nothing to test."""
    return tuple(t for t in targets if t.function.body.stmts)


def _all_of(parts) -> frozenset:
    """Guards that hold on every one of ``parts`` (none when there are none)."""
    if not parts:
        return _NONE
    return _any_of(parts)


def _wrap(guard: Guard, call: F.Call, model, params) -> Guard:
    """A summary guard seen at a call of the helper: a value the check took
    from a parameter is filled in from the call's argument."""
    if guard.kind == "either":
        options = tuple(frozenset(_wrap(g, call, model, params) for g in option) for option in guard.options)
        return replace(guard, options=options)
    inner = guard
    if guard.param is not None:
        arg = call.args[guard.param] if guard.param < len(call.args) else None
        value = model.value_of(arg)
        inner = replace(guard, values=(value,) if value else (), param=None if value else _param(arg, params))
    via = (call.callee, *guard.via) if guard.kind == "helper" else (call.callee,)
    return Guard("helper", call.callee, inner.values, call.span.line, inner=inner, via=via, param=inner.param)


def _calls(block: F.Block, on_name=None):
    """Every call in a body, lambdas included; ``on_name(name)`` for each
    resolved name used as a value (not a receiver): a function named so is
    passed on, and may be called from anywhere."""
    stack = list(block.stmts)
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is F.Call:
            yield node
            if type(node.receiver) is not F.Name:
                stack.append(node.receiver)
            stack.extend(node.args)
            stack.extend(v for _, v in node.keywords)
        elif kind is F.Name:
            if on_name is not None:
                on_name(node)
        elif node is None or kind is F.Lit:
            continue
        elif kind is F.Eval:
            stack.append(node.expr)
        elif kind is F.Assign:
            stack.append(node.value)
        elif kind is F.If:
            stack += [node.test, *node.body.stmts, *node.orelse.stmts]
        elif kind is F.Loop:
            stack += [node.test, *node.body.stmts, *node.orelse.stmts]
        elif kind is F.Try:
            for part in (node.body, *node.handlers, node.orelse, node.final):
                stack += part.stmts
        elif kind is F.Choice:
            stack.append(node.subject)
            for arm in node.arms:
                stack += arm.stmts
        elif kind is F.Exit:
            stack.append(node.value)
        elif kind is F.Def:
            continue
        elif kind is F.BoolOp or kind is F.Seq:
            stack.extend(node.values if kind is F.BoolOp else node.items)
        elif kind is F.Not:
            stack.append(node.value)
        elif kind is F.Compare:
            stack += [node.left, node.right]
        elif kind is F.IfExp:
            stack += [node.test, node.body, node.orelse]
        elif kind is F.Lambda:
            stack += node.function.body.stmts
