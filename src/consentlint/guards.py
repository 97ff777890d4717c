"""The guard analysis (DESIGN section 7), written once over the facts.

It walks each function's structured program in evaluation order, carrying the
set of guards that hold on every path to the current point: the then-branch of
a check (the else-branch of a negated one), what remains after an early exit,
the right operand of ``and``/``or``, the arms of conditional expressions,
nested blocks and loop bodies, decorators, consent-request callbacks, and check
results kept in local variables. At a join the guards of all incoming paths
are intersected. A check whose result is ignored adds nothing; a check that
runs after a call does not reach back to it.

Across functions it reads the project's summaries (``summaries.py``): a call
of a helper whose result implies a check is that check, and a call of a
helper that returns only when a check held guards what follows it.
"""

from __future__ import annotations

from consentlint import facts as F
from consentlint import startup
from consentlint.consent import ConsentModel, Guard, either, leaf_name

_NONE: frozenset = frozenset()
# the checks a user can refuse (a parameter's truth or a decorator is not one)
_REFUSABLE = frozenset(("consent", "permission", "setting", "request"))
_BLOCK_VALUES = frozenset(("<when>", "<try>"))  # expressions lowered as a block that returns its value
# languages whose fields are declared, so the project can list a field's
# readers (a lambda kept in a Python attribute runs where it is made)
_FIELD_LANGUAGES = frozenset(("java", "kotlin"))


class GuardAnalysis:
    """Finds, for every call and read in a file, the guards that dominate it."""

    def __init__(self, model: ConsentModel, summaries=None, on_return=None):
        self.model = model
        # project summaries: ``check(call)`` -> (when true, when false) guards or
        # None, ``after(call)`` -> guards that hold once the call returned
        self.summaries = summaries
        # ``on_return(value, guards, env)`` for each normal exit of a top-level
        # function (value None for a bare return or the end of the body)
        self.on_return = on_return
        self.sites: list[tuple[F.Call, frozenset, str]] = []
        # ``(check, call, the app exit it is, enclosing function)``: a call that
        # closes the app on the branch where the check was refused (PDC205)
        self.refusals: list[tuple[Guard, F.Call, str, str]] = []
        # (Java, Kotlin) ``(store, guards, enclosing function)`` for every field store met
        self.stores: list[tuple[F.Store, frozenset, str]] = []
        self._typed_fields = model.catalog.language in _FIELD_LANGUAGES and summaries is not None
        self.used: set[str] = set()  # manifest consent functions seen in use
        self._breaks: list[bool] = []
        self._continues: list[bool] = []
        self._function = ""
        self._at_start = False  # the function walked runs at every app start (Application.onCreate)
        self._left: frozenset | None = None  # checks refused on the path past the if just walked
        self._params: tuple[str, ...] = ()
        self._depth = 0
        self._after: set = set()  # guards established by helper calls just evaluated
        self._enclosing: list[F.Function] = []  # the functions being walked, innermost last
        # (shared by every analysis of a run: the summaries re-analyse functions)
        self._once: dict[int, frozenset] = summaries.assigned_once if summaries is not None else {}
        self._gatherings: dict[int, frozenset] = summaries.gathered if summaries is not None else {}
        self._gathered: frozenset = frozenset()  # the locals of the function being walked that _Gathered follows
        self._held: dict[str, _Kept] = {}  # locals holding a lambda or anonymous object
        self._created: list[_Kept] = []  # those made in the body being walked
        self._fields: dict[str, _Field] = {}  # fields of this file holding one

    def run(self, facts: F.FileFacts, only=None) -> list[tuple[F.Call, frozenset, str]]:
        """``(call, guards, enclosing function)`` for every call in ``facts``
        (in the top-level functions ``only(function)`` accepts)."""
        self._fields = self._kept_fields(facts)
        for function in facts.functions:
            if only is None or only(function) or (self._fields and _reads(function, self._fields)):
                self._walk(function, _NONE)
        # what fields keep runs where any method of the file hands it over
        fields, self._fields = self._fields, {}
        for kept in fields.values():
            for functions, made in kept.objects:
                guards = made if kept.escaped or not kept.uses else any_of(kept.uses)
                for inner in functions:
                    self._walk(inner, guards)
        return self.sites

    def _kept_fields(self, facts: F.FileFacts) -> dict:
        """The fields that ``facts`` store a lambda or anonymous object in
        (``Runnable mTask = new Runnable() {..}``); one another file reads may
        be handed over anywhere."""
        found = {}
        if facts.language not in _FIELD_LANGUAGES:
            return found
        for function in facts.functions:
            for stmt in F.walk(function.body, expressions=False):
                if type(stmt) is F.Store and stmt.target not in found and _handed(stmt.value):
                    kept = found[stmt.target] = _Field()
                    if self.summaries is None or not self.summaries.read_only_in(stmt.target, facts.path):
                        kept.escaped = True
        return found

    def function(self, function: F.Function) -> None:
        """Analyse one function on its own (``on_return`` sees its exits)."""
        self._walk(function, _NONE)

    def nonnull(self, expr, env, depth: int = 0) -> frozenset:
        """The guards that hold when ``expr`` is not null: ``c ? x : null``
        (Kotlin ``x.takeIf { c }``) holds what ``c`` implies; a call of a
        project function, what it returns only under (its summary)."""
        if expr is None or depth > 8:
            return _NONE
        kind = type(expr)
        if kind is F.IfExp:
            # a value on the arms that give one: ``c ? x : null``, also
            # chained (a Kotlin ``when`` with a ``false -> null`` arm)
            # (the depth goes on: a local's value may test that local, a cycle)
            when_true, when_false = self._cond(expr.test, env, depth + 1)
            arms = [guards | self.nonnull(value, env, depth + 1)
                    for value, guards in ((expr.body, when_true), (expr.orelse, when_false))
                    if not (type(value) is F.Lit and value.value is None)]
            return any_of(arms) if arms else _NONE
        if kind is F.Lambda and expr.function.name in _BLOCK_VALUES:
            # a Kotlin ``when``/``try`` used as a value, lowered as a block
            # that binds its subject and returns: what that return holds
            stmts = expr.function.body.stmts
            last = stmts[-1] if stmts else None
            if type(last) is not F.Exit or last.kind != "return" \
                    or not all(type(s) is F.Assign and s.field is None for s in stmts[:-1]):
                return _NONE
            inner = {**env, **{s.target: s.value for s in stmts[:-1]}}
            return self.nonnull(last.value, inner, depth + 1)
        if kind is F.Name and expr.local and env.get(expr.name) is not None:
            return self.nonnull(env[expr.name], env, depth + 1)
        if kind is F.Name and not expr.local and self._typed_fields and expr.resolved is not None \
                and expr.resolved in self.summaries.index.private:
            # a private field holds a value: what held where one was stored (summaries.stored)
            return frozenset((Guard("stored", expr.resolved, (), 0),))
        if kind is F.Call:
            found = self.summaries.nonnull(expr, self.model, self._params) if self.summaries is not None else _NONE
            # x?.m(..) is a value only when x is (Kotlin chains: cursor()?.map(..)?.let { .. })
            return found | self.nonnull(expr.receiver, env, depth + 1) if expr.safe else found
        return _NONE

    def condition(self, expr, env) -> tuple[frozenset, frozenset]:
        """The guards that hold when ``expr`` is true, and when it is false
        (a collection returned as it is means nothing here: ``emptiness``)."""
        return self._cond(expr, env, 0, truthy=False)

    # ----------------------------------------------------------------- bodies

    def _walk(self, function: F.Function, inherited: frozenset, scope=None) -> None:
        """Analyse ``function`` with the guards ``inherited`` from where it is
        written; a lambda or nested function also sees what the enclosing
        function's locals hold there (``scope``), except those its parameters
        shadow (``val ok = check(); list.forEach { if (ok) ... }``)."""
        guards = set(inherited)
        for decorator in function.decorators:
            guard = self.model.decorator_guard(decorator)
            if guard is not None:
                guards.add(guard)
                self.used.add(guard.api)
        # a lambda's calls belong to the function it is written in (it runs
        # with the guards in force there, and that function's callers' guards)
        outer, at_start = self._function, self._at_start
        if not (outer and function.name.startswith("<")):
            self._function = function.qualname
            index = self.summaries.index if self.summaries is not None else None
            self._at_start = index is not None and \
                startup.start_callback(function, self.model.catalog.language, self.model, index) is not None
        breaks, self._breaks = self._breaks, []
        continues, self._continues = self._continues, []
        gathered, self._gathered = self._gathered, self._gathered_in(function)
        params, self._params = self._params, function.params
        pending, self._after = self._after, set()
        self._depth += 1
        env = {}
        if scope:
            # a local assigned again elsewhere may hold something else when the closure runs
            once = self._assigned_once(self._enclosing[-1]) if self._enclosing else frozenset()
            env = {k: v for k, v in scope.items() if k in once and k not in function.params}
        self._enclosing.append(function)
        held, self._held = self._held, {k: h for k, h in self._held.items() if k not in function.params}
        created, self._created = self._created, []
        end = self._block(function.body, (frozenset(guards), env))
        if end is not None and self._depth == 1 and self.on_return is not None:
            self.on_return(None, end[0], end[1])
        # what this body kept in locals runs where it was handed over (the
        # latest first: it may hand over one made before it)
        for kept in reversed(self._created):
            for inner in kept.functions:
                self._walk(inner, kept.guards(), kept.scope)
        self._held, self._created = held, created
        self._depth -= 1
        self._enclosing.pop()
        self._function, self._breaks, self._params, self._after = outer, breaks, params, pending
        self._at_start = at_start
        self._continues, self._gathered = continues, gathered

    def _assigned_once(self, function: F.Function) -> frozenset:
        """The locals ``function`` (with the functions nested in it) assigns
        exactly once."""
        found = self._once.get(id(function))
        if found is None:
            counts: dict[str, int] = {}
            for stmt in F.walk(function.body, enter=(F.Lambda, F.Def)):
                if type(stmt) is F.Assign and stmt.field is None:
                    counts[stmt.target] = counts.get(stmt.target, 0) + 1
            found = self._once[id(function)] = frozenset(k for k, n in counts.items() if n == 1)
        return found

    def _gathered_in(self, function: F.Function) -> frozenset:
        """The locals of ``function`` whose emptiness is followed (``_Gathered``)."""
        collections = self.model.catalog.collections
        if not collections.add:
            return frozenset()
        found = self._gatherings.get(id(function))
        if found is None:
            found = self._gatherings[id(function)] = _gathering(function, collections, self._assigned_once(function))
        return found

    def emptiness(self, expr, env) -> frozenset | None:
        """The guards that hold when the collection ``expr`` is empty (None:
        it holds something on every path): a followed local, or what a
        project helper returns (its summary)."""
        kind = type(expr)
        if kind is F.Name and expr.local:
            value = env.get(expr.name)
            if type(value) is _Gathered:
                return value.when_empty
            # a local that keeps what a helper returned, and is not changed
            return self.emptiness(value, env) if type(value) is F.Call and expr.name in self._gathered else _NONE
        if kind is F.Call and self.summaries is not None:
            return self.summaries.empty(expr, self.model, self._params, env)
        return _NONE

    def _gather(self, stmt, state):
        """A statement that makes, adds to or fills a followed local."""
        guards, env = state
        if type(stmt) is F.Assign:
            return self._effects(stmt.value, guards, env), {**env, stmt.target: _Gathered(_NONE)}
        call = stmt.expr
        guards = self._effects(call, guards, env)
        gathered = env[call.receiver.name]
        if gathered.when_empty is None:
            return guards, env
        collections = self.model.catalog.collections
        if leaf_name(call.text) in collections.add:
            when_empty = None  # it holds something now
        else:
            added = [self.emptiness(a, env) for a in call.args]
            when_empty = None if any(a is None for a in added) else gathered.when_empty.union(*added)
        return guards, {**env, call.receiver.name: _Gathered(when_empty)}

    def _keep(self, stmt: F.Assign, functions, guards: frozenset, env):
        """``val observer = object : ContentObserver(..) {..}``, ``Runnable r =
        () -> ..``: the lambda or anonymous object is analysed where it is
        handed over (an argument of a call, or the receiver of its own
        method), with the guards common to those places; kept any other way
        (returned, stored, copied) it may run anywhere after it was made."""
        previous = self._held.get(stmt.target)
        if previous is not None:
            previous.escaped = True  # the local now holds something else
        for part in stmt.value.items if type(stmt.value) is F.Seq else ():
            if type(part) is not F.Lambda:
                self._eval(part, guards, env)
        kept = _Kept(functions, guards, env)
        self._held[stmt.target] = kept
        self._created.append(kept)
        return guards, {**env, stmt.target: None}

    def _handing(self, expr, guards: frozenset, release: bool) -> bool:
        """Whether ``expr`` is a kept lambda or object handed to a call (its
        place is recorded, unless the call only takes it back)."""
        if type(expr) is not F.Name:
            return False
        kept = self._held.get(expr.name) if expr.local else self._fields.get(expr.resolved)
        if kept is None:
            return False
        if not release:
            kept.uses.append(guards)
        return True

    def _effects(self, expr, guards: frozenset, env) -> frozenset:
        """Evaluate ``expr``; the guards that hold after it (helpers that
        return only when a check held add theirs)."""
        self._after = set()
        self._eval(expr, guards, env)
        if self._after:
            guards = guards | self._after
            self._after = set()
        return guards

    def _block(self, block: F.Block, state):
        stmts = block.stmts
        for i, stmt in enumerate(stmts):
            state = self._stmt(stmt, state)
            if state is None:
                return None
            if self._left is not None:
                # one arm of an if left the function: what follows runs only on the other
                left, self._left = self._left, None
                self._refused(F.Block(stmts[i + 1:]), left)
        return state

    def _stmt(self, stmt, state):
        guards, env = state
        kind = type(stmt)
        if self._gathered and _gathers(stmt, self._gathered, env, self.model.catalog.collections):
            return self._gather(stmt, state)
        if kind is F.Store and self._fields and stmt.target in self._fields:
            functions = _handed(stmt.value)
            if functions:
                for part in stmt.value.items if type(stmt.value) is F.Seq else ():
                    if type(part) is not F.Lambda:
                        self._eval(part, guards, env)
                self._fields[stmt.target].objects.append((functions, guards))
                return state
        if kind is F.Store and self._typed_fields:
            self.stores.append((stmt, guards, self._function))
        if kind is F.Eval or kind is F.Store:
            after = self._effects(stmt.expr if kind is F.Eval else stmt.value, guards, env)
            return state if after is guards else (after, env)
        if kind is F.Assign:
            if stmt.field is None:
                functions = _handed(stmt.value)
                if functions:
                    return self._keep(stmt, functions, guards, env)
            if stmt.field is None and stmt.target in self._held:
                del self._held[stmt.target]  # the local now holds something else
            guards = self._effects(stmt.value, guards, env)
            value = stmt.value
            if isinstance(value, F.Name) and value.local and value.name in env:
                value = env[value.name]
            return guards, {**env, stmt.target: value if stmt.field is None else None}
        if kind is F.If:
            self._eval(stmt.test, guards, env)
            when_true, when_false = self._cond(stmt.test, env, 0)
            if when_true != when_false:
                self._refused(stmt.body, when_false - when_true - guards)
                self._refused(stmt.orelse, when_true - when_false - guards)
            body = self._block(stmt.body, (guards | when_true, env))
            orelse = self._block(stmt.orelse, (guards | when_false, env))
            if when_true != when_false and (body is None) != (orelse is None):
                # (``if (granted) return; exitProcess(0)``: the rest is the refused branch)
                self._left = (when_true - when_false - guards) if body is None else (when_false - when_true - guards)
            return _join(body, orelse)
        if kind is F.Exit:
            self._eval(stmt.value, guards, env)
            if stmt.kind == "return" and self._depth == 1 and self.on_return is not None:
                self.on_return(stmt.value, guards, env)
            if stmt.kind == "break" and self._breaks:
                self._breaks[-1] = True
            if stmt.kind == "continue" and self._continues:
                self._continues[-1] = True
            return None
        if kind is F.Loop:
            self._eval(stmt.test, guards, env)
            when_true, when_false = self._cond(stmt.test, env, 0) if stmt.test is not None else (_NONE, _NONE)
            self._breaks.append(False)
            self._continues.append(False)
            end = self._block(stmt.body, (guards | when_true, env))
            broke = self._breaks.pop()
            # (a path that went on to the next element skipped the rest of the body)
            continued = self._continues.pop()
            after = (guards | (when_false if not broke else _NONE), env)
            if stmt.test is None and end is not None and not broke and not continued:
                # a for-each that exits unless each element passed a check of a
                # value from a parameter, or of an element of a constant list
                # (``for (p : REQUIRED_PERMISSIONS)``): every element passed
                first = stmt.body.stmts[0] if stmt.body.stmts else None
                constant = type(first) is F.Assign and type(first.value) is F.Name \
                    and first.value.resolved is not None and not first.value.local

                def each(found):
                    return frozenset(g for g in found - guards if g.param is not None or (
                        constant and g.kind in ("permission", "consent") and not g.values))

                after = (after[0] | each(end[0]), _gathered_after(env, end, each))
            if stmt.orelse.stmts:
                done = self._block(stmt.orelse, after)
                return _join(done, state) if broke else done
            return after
        if kind is F.Try:
            body = self._block(stmt.body, state)
            outs = [self._block(stmt.orelse, body) if body is not None else None]
            outs += [self._block(handler, state) for handler in stmt.handlers]
            result = _join(*outs)
            if stmt.final.stmts and self._block(stmt.final, state) is None:
                return None
            return result
        if kind is F.Choice:
            self._eval(stmt.subject, guards, env)
            if stmt.breaks:
                self._breaks.append(False)
            outs = [self._block(arm, state) for arm in stmt.arms]
            # (Java, JS) an arm that breaks leaves the switch, not the
            # function: what follows runs with the guards from before it
            broke = self._breaks.pop() if stmt.breaks else False
            if broke or not stmt.exhaustive:
                outs.append(state)
            return _join(*outs)
        if kind is F.Def:
            self._walk(stmt.function, guards, env)
            return state
        return state

    def _refused(self, block: F.Block, checks: frozenset) -> None:
        """Record the calls in ``block`` (not in functions it defines) that
        close the app, when it runs only once one of ``checks`` was refused."""
        checks = [g for g in checks if g.check.kind in _REFUSABLE]
        if not checks or not self.model.catalog.exits or not block.stmts:
            return
        check = min(checks, key=lambda g: g.line)
        for node in F.walk(block):
            if type(node) is F.Call and node.kind == "call":
                api = self._closes_app(node.callee)
                if api is not None:
                    self.refusals.append((check, node, api, self._function))
            elif type(node) is F.Exit and node.kind == "raise" and type(node.value) is F.Call \
                    and node.value.callee is None and f"builtins.{node.value.text}" in self.model.catalog.exits:
                # (Python) ``raise SystemExit(1)``: a builtin exception no import resolves
                self.refusals.append((check, node.value, f"builtins.{node.value.text}", self._function))

    def _closes_app(self, callee: str | None) -> str | None:
        """The catalogued app exit ``callee`` is, or one a project class
        inherits (``finishAffinity()`` in an ``AppCompatActivity``)."""
        index = self.summaries.index if self.summaries is not None else None
        return self.model.platform_api(callee, self.model.catalog.exits, index)

    # ------------------------------------------------------------ expressions

    def _eval(self, expr, guards: frozenset, env) -> None:
        if expr is None:
            return
        kind = type(expr)
        if kind is F.Call:
            kept = self._held or self._fields
            if not (kept and self._handing(expr.receiver, guards, False)):
                self._eval(expr.receiver, guards, env)
            if expr.safe:
                # x?.m(): made only when x is not null
                guards = guards | self.nonnull(expr.receiver, env)
            request = self.model.request_guard(expr)
            release = bool(kept) and self.model.catalog.releases_argument(expr)
            for arg in expr.args:
                if request is not None and isinstance(arg, F.Lambda):
                    self._walk(arg.function, guards | {request}, env)
                elif not (kept and self._handing(arg, guards | ({request} if request else _NONE), release)):
                    self._eval(arg, guards, env)
            for _, value in expr.keywords:
                if request is not None and isinstance(value, F.Lambda):
                    self._walk(value.function, guards | {request}, env)
                elif not (kept and self._handing(value, guards, release)):
                    self._eval(value, guards, env)
            self.sites.append((expr, guards, self._function))
            # the user's yes is stored: what follows runs once they agreed (not when it is
            # stored at every app start: default consent, PDC203, which consents to nothing)
            recorded = self.model.recorded(expr, self._params, env) if not self._at_start else None
            if recorded is not None:
                self._after.add(recorded)
            if expr.callee in self.model.names:
                self.used.add(expr.callee)
            if self.summaries is not None and expr.callee != self._function:
                # (not a call of the function itself: ``super.onCreate()`` is lowered so, and its
                # exits do not come before what follows)
                after = self.summaries.after(expr, self.model, self._params)
                if self._at_start:
                    after = frozenset(g for g in after if g.check.kind != "recorded")
                self._after |= after
        elif kind is F.BoolOp:
            for value in expr.values:
                self._eval(value, guards, env)
                when_true, when_false = self._cond(value, env, 0)
                guards = guards | (when_true if expr.op == "and" else when_false)
        elif kind is F.IfExp:
            self._eval(expr.test, guards, env)
            when_true, when_false = self._cond(expr.test, env, 0)
            self._eval(expr.body, guards | when_true, env)
            self._eval(expr.orelse, guards | when_false, env)
        elif kind is F.Not:
            self._eval(expr.value, guards, env)
        elif kind is F.Compare:
            self._eval(expr.left, guards, env)
            self._eval(expr.right, guards, env)
        elif kind is F.Seq or kind is F.Concat:
            for item in expr.items:
                self._eval(item, guards, env)
        elif kind is F.Lambda:
            self._walk(expr.function, guards, env)
        elif kind is F.Name:
            kept = self._held.get(expr.name) if expr.local else self._fields.get(expr.resolved)
            if kept is not None:
                kept.escaped = True  # copied, stored or returned: it may run anywhere

    def _setting(self, call: F.Call) -> tuple[frozenset, frozenset]:
        """A read of a consent-named value: a key (``config["telemetry_enabled"]``),
        a property or a getter without arguments (``settings.optIn``,
        ``isDoNotTrackEnabled()``), or a stored setting named by the first
        argument (``prefs.getBoolean("analytics_consent", false)``). A call
        that takes what to check (``has_consent("location")``) is a consent
        check only when the manifest names it."""
        for name in self.model.read_names(call):
            found = self._named(name, call.span.line)
            if found[0] or found[1]:
                return found
        return _NONE, _NONE

    def _named(self, name: str, line: int) -> tuple[frozenset, frozenset]:
        """The guards a true (and a false) value named ``name`` implies."""
        found = self.model.setting_guard(name, line)
        if found is None:
            return _NONE, _NONE
        guard, granted = found
        return (frozenset((guard,)), _NONE) if granted else (_NONE, frozenset((guard,)))

    def _cond(self, expr, env, depth: int, truthy: bool = True) -> tuple[frozenset, frozenset]:
        """The guards that hold when ``expr`` is true, and when it is false.
        With ``truthy`` (Python), a collection tested as it is means it holds
        something; not for what a local kept unless the local is followed
        (``_gathering``: it may have been emptied since), nor for what a
        helper returns (a caller may keep it and change it)."""
        if expr is None or depth > 20:
            return _NONE, _NONE
        kind = type(expr)
        if kind is F.Call:
            guard = self.model.check_guard(expr, self._params, env)
            if guard is not None:
                return frozenset((guard,)), _NONE
            if self.model.catalog.collections.tests and not expr.args and expr.receiver is not None:
                # a test of what a helper gathered (``if (!missing.isEmpty()) throw ..``)
                name = leaf_name(expr.text)
                collections = self.model.catalog.collections
                if name in collections.tests:
                    when_empty = self.emptiness(expr.receiver, env) or _NONE
                    return (when_empty, _NONE) if name in collections.empty_test else (_NONE, when_empty)
            if self.summaries is not None:
                found = self.summaries.check(expr, self.model, self._params)
                if found is not None:
                    return found
            if truthy and self.model.catalog.collections.truthy:
                when_empty = self.emptiness(expr, env)
                if when_empty:
                    return _NONE, when_empty  # ``if missing_permissions(..): return``
            caught = _caught(expr)
            if caught is not None:
                # true only when the wrapped expression ran and was true
                return self._cond(caught, env, depth + 1)[0], _NONE
            return self._setting(expr)
        if kind is F.Name:
            if expr.local and env.get(expr.name) is not None:
                found = self._cond(env[expr.name], env, depth + 1, truthy=False)
                if truthy and self.model.catalog.collections.truthy and expr.name in self._gathered:
                    when_empty = self.emptiness(expr, env)
                    if when_empty:
                        found = found[0], found[1] | when_empty  # ``if missing: raise ..``
                if found[0] or found[1] or type(env[expr.name]) is F.Lit:
                    return found
            elif self.on_return is not None and expr.local and expr.name in self._params:
                # (summarising a helper) true only when the caller's argument
                # was: what that argument implies is filled in at each call
                # (``allGranted(grantResults)``)
                return frozenset((Guard("value", "", (), 0, param=self._params.index(expr.name)),)), _NONE
            return self._named(leaf_name(expr.name), 0)  # (a name read carries no position)
        if kind is F.Lit:
            return _NONE, _NONE
        if kind is _Gathered:
            return _NONE, _NONE  # (tested through the local that holds it)
        if kind is _Merged:
            parts = [self._cond(v, env, depth + 1, truthy=False) for v in expr.values]
            return any_of([p[0] for p in parts]), any_of([p[1] for p in parts])
        if kind is F.Not:
            when_true, when_false = self._cond(expr.value, env, depth + 1)
            return when_false, when_true
        if kind is F.BoolOp:
            parts = [self._cond(v, env, depth + 1) for v in expr.values]
            trues = [p[0] for p in parts]
            falses = [p[1] for p in parts]
            if expr.op == "and":
                return frozenset().union(*trues), any_of(falses)
            return any_of(trues), frozenset().union(*falses)
        if kind is F.Compare and expr.op in ("eq", "ne"):
            for side, other in ((expr.left, expr.right), (expr.right, expr.left)):
                if type(other) is F.Lit and other.value is None:
                    # x != null: what x's being a value implies
                    present = self.nonnull(side, env, depth)
                    return (present, _NONE) if expr.op == "ne" else (_NONE, present)
                meaning = self.model.grant_meaning(other)
                if meaning is None:
                    # a setting stored as text compared with its yes or no (``getString("donottrack",
                    # "0") != "1"``): what the text means
                    meaning = self.model.text_truth(other)
                    if meaning is None:
                        continue
                    when_true, when_false = self._cond(side, env, depth + 1)
                    if not all(g.kind == "setting" for g in when_true | when_false):
                        continue
                else:
                    when_true, when_false = self._cond(side, env, depth + 1)
                if not meaning:
                    when_true, when_false = when_false, when_true
                return (when_true, when_false) if expr.op == "eq" else (when_false, when_true)
        return _NONE, _NONE


def _caught(call: F.Call):
    """The expression a Kotlin ``runCatching { x }.getOrDefault(false)``
    (``.getOrElse { false }``, ``.getOrNull()``) evaluates, when its value is
    true only if ``x`` was: the lambda's one expression."""
    name = leaf_name(call.text)
    inner = call.receiver
    if name not in ("getOrDefault", "getOrElse", "getOrNull") or type(inner) is not F.Call \
            or leaf_name(inner.text) != "runCatching" or len(inner.args) != 1 or type(inner.args[0]) is not F.Lambda:
        return None
    if name != "getOrNull":
        fallback = call.args[0] if len(call.args) == 1 else None
        if type(fallback) is F.Lambda:  # getOrElse { false }
            stmts = fallback.function.body.stmts
            fallback = stmts[0].value if len(stmts) == 1 and type(stmts[0]) is F.Exit else None
        if not (type(fallback) is F.Lit and fallback.value in (False, None)):
            return None
    stmts = inner.args[0].function.body.stmts
    return stmts[0].value if len(stmts) == 1 and type(stmts[0]) is F.Exit and stmts[0].kind == "return" else None


def any_of(parts) -> frozenset:
    """The guards that hold when one of ``parts`` held (``a or b``): those
    common to all, plus "one of these held" when each part has its own."""
    common = frozenset.intersection(*parts)
    rest = [p - common for p in parts]
    return common | {either(rest)} if all(rest) else common


def _join(*states):
    """Guards and local values that hold on every incoming path (None: no path)."""
    live = [s for s in states if s is not None]
    if not live:
        return None
    if len(live) == 1:
        return live[0]
    # every path has its own guards: keep "one of these held" for each path
    guards = any_of([s[0] for s in live])
    env = {}
    for key, value in live[0][1].items():
        values = [s[1].get(key, _MISSING) for s in live]
        if _MISSING in values:
            continue
        if all(type(v) is _Gathered for v in values):
            env[key] = _Gathered.join(values, [s[0] for s in live])
            continue
        # a local set differently on the merged paths holds one of the values
        env[key] = value if all(v == value for v in values) else _Merged(tuple(values))
    return guards, env


class _Merged:
    """The value of a local after paths that set it differently merged
    (``let s = get(); if (s !== "granted") s = request();``): a check of it
    holds what the check of each value would."""

    __slots__ = ("values",)

    def __init__(self, values):
        self.values = values

    def __eq__(self, other):
        return isinstance(other, _Merged) and self.values == other.values

    __hash__ = None


_MISSING = object()


class _Gathered:
    """A local holding a collection made empty here, whose emptiness is
    followed: the guards that hold whenever it is still empty
    (``when_empty``; None when it holds something on every path)."""

    __slots__ = ("when_empty",)

    def __init__(self, when_empty: frozenset | None):
        self.when_empty = when_empty

    def __eq__(self, other):
        return isinstance(other, _Gathered) and self.when_empty == other.when_empty

    __hash__ = None

    @staticmethod
    def join(values, guards) -> _Gathered:
        """Paths merged: it is empty after them only along a path on which
        it was empty, with that path's guards."""
        empty = [g | v.when_empty for v, g in zip(values, guards) if v.when_empty is not None]
        return _Gathered(any_of(empty) if empty else None)


def _gathered_after(env: dict, end, each) -> dict:
    """What followed collections hold after a for-each whose body ends in
    ``end``: still empty, no element was added, so what held then for each
    element (``each``) holds. A body that always adds leaves it empty only
    when there were no elements: it keeps what held before the loop."""
    out = env
    for key, before in env.items():
        if type(before) is not _Gathered or before.when_empty is None:
            continue
        inside = end[1].get(key)
        if type(inside) is _Gathered and inside.when_empty is not None:
            out = {**out, key: _Gathered(before.when_empty | each(end[0] | inside.when_empty))}
    return out


def _gathers(stmt, gathered: frozenset, env, collections) -> bool:
    """Whether ``stmt`` makes one of the followed locals an empty collection
    (``new HashSet<>()``, Python ``[]``) or adds to one."""
    kind = type(stmt)
    if kind is F.Assign:
        value = stmt.value
        return stmt.field is None and stmt.target in gathered and (
            type(value) is F.Lit and value.value == ()
            or type(value) is F.Call and not value.args and value.callee in collections.empty)
    if kind is F.Eval:
        call = stmt.expr
        return type(call) is F.Call and type(call.receiver) is F.Name and call.receiver.local \
            and call.receiver.name in gathered and type(env.get(call.receiver.name)) is _Gathered
    return False


def _gathering(function: F.Function, collections, once: frozenset) -> frozenset:
    """The locals of ``function`` that hold a collection whose emptiness can be
    followed: assigned once, and every use (nested functions included) is an
    addition in a statement of its own (``missing.add(p)``), a test for
    emptiness (``missing.isEmpty()``; Python ``if missing:``), or a return
    or throw of it. Handed to any other call, aliased, read in a lambda or
    changed any other way (``clear()``), it is not followed."""
    uses: dict[str, int] = {}
    for node in F.walk(function.body, enter=(F.Lambda, F.Def)):
        if type(node) is F.Name and node.local and node.name in once:
            uses[node.name] = uses.get(node.name, 0) + 1
    if not uses:
        return frozenset()
    fills = collections.add | collections.add_all
    allowed: dict[str, int] = {}

    def allow(name):
        allowed[name] = allowed.get(name, 0) + 1

    def truths(expr):
        kind = type(expr)
        if kind is F.Name and expr.local:
            allow(expr.name)
        elif kind is F.Not:
            truths(expr.value)
        elif kind is F.BoolOp:
            for value in expr.values:
                truths(value)

    for stmt in F.walk(function.body, expressions=False):
        kind = type(stmt)
        if kind is F.Eval and type(stmt.expr) is F.Call and type(stmt.expr.receiver) is F.Name \
                and stmt.expr.receiver.local and leaf_name(stmt.expr.text) in fills:
            allow(stmt.expr.receiver.name)
        elif kind is F.Exit and stmt.kind in ("return", "raise"):
            value = stmt.value
            if type(value) is F.Name and value.local:
                allow(value.name)
            elif stmt.kind == "raise":
                # what is thrown may carry it (new MissingPermissionException(missing)): that path ends
                for node in F.walk(value, enter=()) if value is not None else ():
                    if type(node) is F.Name and node.local:
                        allow(node.name)
        elif (kind is F.If or kind is F.Loop) and collections.truthy:
            truths(stmt.test)
    for node in F.walk(function.body):
        if type(node) is F.Call and not node.args and type(node.receiver) is F.Name and node.receiver.local \
                and leaf_name(node.text) in collections.tests:
            allow(node.receiver.name)
    return frozenset(name for name, n in uses.items() if allowed.get(name) == n)


class _Kept:
    """A lambda or anonymous object kept in a local: where it was made
    (``made``, with the locals then in ``scope``) and the guards at each
    place it was handed over (``uses``)."""

    __slots__ = ("functions", "made", "scope", "uses", "escaped")

    def __init__(self, functions, made: frozenset, scope):
        self.functions = functions
        self.made = made
        self.scope = scope
        self.uses: list[frozenset] = []
        self.escaped = False

    def guards(self) -> frozenset:
        """The guards its code runs under: those common to every place it was
        handed over, or, kept any other way (or never handed over), those
        where it was made."""
        if self.escaped or not self.uses:
            return self.made
        return any_of(self.uses)


class _Field:
    """A field that keeps lambdas or anonymous objects: each with the guards
    where it was stored (``objects``), and the guards at each place a method
    of the file hands the field over (``uses``)."""

    __slots__ = ("objects", "uses", "escaped")

    def __init__(self):
        self.objects: list[tuple[tuple, frozenset]] = []
        self.uses: list[frozenset] = []
        self.escaped = False


def _reads(function: F.Function, fields: dict) -> bool:
    """Whether ``function`` reads one of ``fields``."""
    return any(type(n) is F.Name and not n.local and n.resolved in fields
               for n in F.walk(function.body, enter=(F.Lambda, F.Def)))


def _handed(value) -> tuple:
    """The functions of a lambda or anonymous object (``new Runnable() {..}``
    lowers to its methods, after the constructor call). A lambda among other
    parts (``X().apply { .. }``, ``list.map { .. }``) has run already."""
    if type(value) is F.Lambda:
        return (value.function,)
    if type(value) is F.Seq:
        methods = tuple(item.function for item in value.items if type(item) is F.Lambda)
        if methods and all(not m.name.startswith("<") for m in methods):
            return methods
    return ()
