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

*Stored values* (Java, Kotlin): a private field that holds a value
(``overlay?.enable()``, ``if (overlay != null)``) holds what every store of a
value in it was guarded for, in its function or by that function's callers
(``FileFacts.private``: fields every write of which is a ``Store``); a store
the analysis did not see, or a value from an initialiser, leaves it
unguarded.

*Private classes* (Java, ``ClassDecl.private``): a method of one runs on an
instance, made only where its file constructs it: it is guarded when every
construction of the class and of those below it is.

*Caller guards*: a function is guarded for a category when every project call
of it is guarded for that category, directly or through its own callers.
Entry points are never guarded by callers: functions with no known call,
functions passed on as values (a reference, or their name used as a value),
and methods the framework calls: overrides (``Function.override``) of a
method no project supertype declares, and their overrides below.
"""

from __future__ import annotations

from dataclasses import replace

from consentlint import facts as F
from consentlint.consent import Guard, leaf_name, param_index
from consentlint.frontends.jvm import kotlin_property
from consentlint.guards import GuardAnalysis, any_of
from consentlint.index import reachable

ROUNDS = 4
MAX_DEPTH = 40
_NONE: frozenset = frozenset()


class Summaries:
    def __init__(self, index, models: dict):
        self.index = index
        self.models = models  # language -> ConsentModel
        self._checks: dict[str, tuple[frozenset, frozenset]] = {}
        self._after: dict[str, frozenset] = {}
        self._nonnull: dict[str, frozenset] = {}  # guards that hold when it returned a value (not null)
        self._empty: dict[str, frozenset] = {}  # guards that hold when the collection it returned is empty
        self._stores: dict[str, dict[int, F.Store]] = {}  # (JVM) field -> every store of a value in it
        self._storing: dict[str, set[str]] = {}  # field -> named functions that store a value in it
        self._checked_fields: set[str] = set()  # fields tested for null (x?.m(), x != null)
        self._stored: dict[int, list] = {}  # id(store) -> [(guards, function)] where the analysis met it
        self._callees: set[str] = set()  # every resolved callee (Kotlin setters called from Java)
        self._resolving: set[str] = set()  # fields whose stores are being judged
        self._made: dict[str, dict[int, F.Call]] = {}  # private class -> every call that constructs it
        self._making: set[str] = set()  # named functions that construct one
        self._made_at: dict[int, list] = {}  # id(construction) -> [(guards, function)] where the analysis met it
        self._made_by_ref: set[str] = set()  # private classes whose constructor is passed on (K::new)
        self._callers: dict[str, list] = {}
        self._escapes: set[str] = set()
        self._memo: dict = {}
        # target -> (path, call) for every project call that may run it
        self.calls_of: dict[str, list] = {}
        self._callers_of: dict[str, set[str]] = {}  # target -> functions calling it
        self._collecting: dict[str, set[str]] = {}  # function with a possible collection site -> its files
        # functions that call a check or a helper with a check summary (their
        # conditions may be checks: the refused branch is looked at, PDC205)
        self.checking: frozenset[str] = frozenset()
        # by file: ``(call, setting, default, function)`` for each read of a
        # consent-named setting whose default is the user's yes (PDC203)
        self.defaults: dict[str, list] = {}
        self.accounts: dict[str, list] = {}  # by file: ``(call, function)`` creating a user account
        self._callbacks: set[str] = set()  # methods the framework runs only because of a project call
        self._started = None
        self._field_files: dict[str, set[str]] = {}  # field of a project class -> files that read it
        self._untyped: dict[str, list[str]] | None = None  # method name -> Python/JS methods of that name
        self._untyped_called: set[str] = set()  # methods a call on a value of unknown type may run
        self.assigned_once: dict[int, frozenset] = {}  # id(function) -> locals it assigns once (guards.py)
        self.gathered: dict[int, frozenset] = {}  # id(function) -> locals whose emptiness is followed (guards.py)
        self.used: set[str] = set()  # manifest consent functions called or applied in named functions

    @property
    def collecting(self):
        """The named functions with a possible collection site."""
        return self._collecting

    @property
    def callers_of(self) -> dict[str, set[str]]:
        """Each project function's callers (qualnames)."""
        return self._callers_of

    def relevant(self, paths=None) -> set[str]:
        """Named functions whose guards a verdict may need: those with a
        possible collection site (in ``paths``, when only those files are
        reported), and every function that calls one of them, directly or
        through others (caller guards walk up to the entry points)."""
        starts = [q for q, files in self._collecting.items() if paths is None or files & paths]
        # and the functions that store a value in a private field tested for
        # null: what held there may guard what runs while it holds one
        for field in self._checked_fields & self.index.private:
            starts += self._storing.get(field, ())
        starts += self._making  # (instances of a private class exist only where it is constructed)
        return reachable(starts, self._callers_of)

    # ------------------------------------------------------ check summaries

    def compute(self, collects=None, started=None) -> None:
        """Check summaries to a fixpoint: start from functions that call a
        check, then re-analyse the callers of every function whose summary
        changed. ``collects(call, language)`` says whether a call may be a
        collection site: the functions that hold one, and their callers, are
        ``relevant()``. ``started(call, language)`` names the project methods
        the framework runs because of a call (``startQuery`` ->
        ``onQueryComplete``): that call is their caller."""
        self._started = started
        callers_of = self._callers_of
        named: set[str] = set()  # names used as values (``onPress={handler}``)
        work: list[str] = []
        for qualname, infos in self.index.functions.items():
            for info in infos:
                model = self.models[info.language]
                for decorator in info.function.decorators:
                    guard = model.decorator_guard(decorator)
                    if guard is not None:
                        self.used.add(guard.api)
                names: set[str] = set()
                stores: list = [] if info.language in _JVM else None
                calls = list(_calls(info.function.body, names, stores, self._checked_fields))
                for store in stores or ():
                    self._stores.setdefault(store.target, {})[id(store)] = store
                    self._storing.setdefault(store.target, set()).add(qualname)
                for call in calls:
                    if call.callee is not None:
                        self._callees.add(call.callee)
                        if self._construction(call):
                            self._making.add(qualname)
                    if model.check_guard(call) is not None or any(
                            model.setting_guard(n, 0) for n in model.read_names(call)) \
                            or model.recorded(call, info.function.params) is not None:
                        work.append(qualname)
                    self._notable(model, call, info.path, qualname)
                    if call.callee in model.names:
                        self.used.add(call.callee)
                    if collects is not None and collects(call, info.language):
                        self._collecting.setdefault(qualname, set()).add(info.path)
                    targets = self.index.call_targets(call)
                    for target in targets:
                        callers_of.setdefault(target.qualname, set()).add(qualname)
                        if call.kind == "call":
                            self.calls_of.setdefault(target.qualname, []).append((info.path, call))
                    if not targets and call.kind == "call":
                        # a summary found by method name re-runs this one too
                        for target in self._checked(call):
                            callers_of.setdefault(target.qualname, set()).add(qualname)
                        self._untyped_called.update(self._untyped_targets(call, info.language))
                    if started is not None:
                        for target in started(call, info.language):
                            callers_of.setdefault(target, set()).add(qualname)
                            self._callbacks.add(target)
                self._read_fields(names, info.path, calls)
                if any(model.setting_guard(leaf_name(n), 0) for n in names):
                    work.append(qualname)  # reads a consent-named field
                named |= names
                # compares a grant constant with what a parameter holds
                # (``allGranted(int[] results)``): summarised, as a check
                if info.function.params and any(n in model.catalog.grant_values for n in names):
                    work.append(qualname)
        for function, path, language in self.index.unnamed:
            names: set[str] = set()
            stores = []
            calls = list(_calls(function.body, names, stores))
            model = self.models[language]
            for call in calls:
                self._notable(model, call, path, function.qualname)
                self._construction(call)
            # initialisers read fields too (fields are stored by the JVM front-ends)
            if function.qualname.endswith("<init>"):
                self._read_fields(names, path, calls)
            for store in stores:
                self._stores.setdefault(store.target, {})[id(store)] = store
        for name in named:
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
        self.checking = frozenset(visits)

    def _notable(self, model, call, path: str, function: str) -> None:
        """Record what the consent duties look at in every call: a consent
        setting read with a granted default, an account created."""
        if len(call.args) > 1:
            found = model.granted_default(call)
            if found is not None:
                self.defaults.setdefault(path, []).append((call, *found, function))
        if call.callee is not None and call.callee in model.catalog.account_creations:
            self.accounts.setdefault(path, []).append((call, function))

    def _summarise(self, qualname: str) -> bool:
        """Re-analyse one function; True when its summary changed."""
        trues, falses, afters, values, empties = [], [], [], [], []
        for info in self.index.functions[qualname]:
            returns: list = []

            def on_return(value, guards, env):
                # evaluated at the return, where the function's parameters are in scope
                cond = analysis.condition(value, env) if value is not None else (_NONE, _NONE)
                present = analysis.nonnull(value, env) if value is not None else _NONE
                empty = analysis.emptiness(value, env) if value is not None else _NONE
                returns.append((value, guards, cond, present, empty))

            analysis = GuardAnalysis(self.models[info.language], self, on_return=on_return)
            analysis.function(info.function)
            for value, guards, (when_true, when_false), present, empty in returns:
                afters.append(guards)
                if empty is not None:  # (None: what it returns here always holds something)
                    empties.append(guards | empty)  # (Python: returning nothing is as empty)
                if value is None:
                    continue
                if not (type(value) is F.Lit and value.value is None):
                    values.append(guards | present)
                literal = value.value if isinstance(value, F.Lit) and isinstance(value.value, bool) else None
                if literal is not False:
                    trues.append(guards | (when_true if literal is None else _NONE))
                if literal is not True:
                    falses.append(guards | (when_false if literal is None else _NONE))
        summary = (_all_of(trues), _all_of(falses)), _all_of(afters), _all_of(values), _all_of(empties)
        before = self._checks.get(qualname, (_NONE, _NONE)), self._after.get(qualname, _NONE), \
            self._nonnull.get(qualname, _NONE), self._empty.get(qualname, _NONE)
        self._checks[qualname], self._after[qualname], self._nonnull[qualname], self._empty[qualname] = summary
        return summary != before

    def _checked(self, call: F.Call):
        """The project functions a call may run, for its check summary: its
        targets, else, for a method called on a value whose type is unknown
        (``self._telemeter.check_permission(p)``, an unresolved JVM call), the
        project methods of that name (each must imply the check)."""
        targets = self.index.call_targets(call)
        if targets:
            return targets
        holder = None
        if call.callee is None:
            # JVM: only on a field of a project class whose type is not known
            receiver = call.receiver
            if type(receiver) is not F.Name or receiver.local or receiver.resolved is None:
                return ()
            holder = receiver.resolved.rpartition(".")[0]
            if holder not in self.index.classes:
                return ()
            name = call.text.rpartition(".")[2]
        else:
            owner, _, name = call.callee.rpartition(".")
            holder = owner.rpartition(".")[0]
            if holder not in self.index.classes:
                return ()  # not an attribute of a project object
        if not name:
            return ()
        # an attribute of a Sensor is not taken to hold another Sensor (delegation)
        return tuple(t for t in self.index.methods_named(name) if not t.qualname.startswith(f"{holder}."))

    def _untyped_targets(self, call: F.Call, language: str) -> tuple[str, ...]:
        """(Python, JS/TS) the project methods a call on a receiver of unknown
        type may run: every method of its name. Such a method is not guarded
        by its callers (``is_entry``): one guarded call of ``Gps.start`` must
        not guard it while ``self.sensors[n].start()`` runs it unchecked.
        (Java and Kotlin receivers have declared types.)"""
        if language not in _UNTYPED or not _unknown_receiver(call, self.index):
            return ()
        if self._untyped is None:
            self._untyped = {}
            for qualname, infos in self.index.functions.items():
                owner, _, name = qualname.rpartition(".")
                if owner in self.index.classes and any(i.language in _UNTYPED for i in infos):
                    self._untyped.setdefault(name, []).append(qualname)
        return tuple(self._untyped.get(leaf_name(call.callee or call.text), ()))

    def check(self, call: F.Call, model, params=()):
        """(guards when the call returned true, when false), or None."""
        targets = _concrete(self._checked(call))
        if not targets:
            return None
        parts = [self._checks.get(t.qualname, (_NONE, _NONE)) for t in targets]
        when_true, when_false = any_of([p[0] for p in parts]), any_of([p[1] for p in parts])
        if not when_true and not when_false:
            return None
        return (_wrapped(when_true, call, model, params), _wrapped(when_false, call, model, params))

    def nonnull(self, call: F.Call, model, params=()) -> frozenset:
        """The guards that hold when ``call`` returned something other than
        null (``val sm get() = field?.takeIf { permissions.hasPhone() }``)."""
        targets = _concrete(self._checked(call))
        if not targets:
            return _NONE
        return _wrapped(any_of([self._nonnull.get(t.qualname, _NONE) for t in targets]), call, model, params)

    def empty(self, call: F.Call, model, params=(), env=None) -> frozenset:
        """The guards that hold when the collection ``call`` returned is empty
        (``Set<String> missing(ctx)`` adds each permission a check denies).
        Called on the element of a for-each over a parameter (``for (t :
        types) missing.addAll(t.missing(ctx))``), a check whose permission
        the helper takes from its receiver is about that element: it is
        marked as coming from that parameter, so the loop's for-each rule
        keeps it."""
        targets = _concrete(self._checked(call))
        if not targets:
            return _NONE
        found = _wrapped(any_of([self._empty.get(t.qualname, _NONE) for t in targets]), call, model, params)
        receiver = call.receiver
        element = env.get(receiver.name) if env is not None and type(receiver) is F.Name and receiver.local \
            and receiver.name not in params else None
        param = param_index(element, params) if type(element) is F.Name else None
        if param is None:
            return found
        return frozenset(replace(g, param=param) if g.kind == "helper" and g.param is None and not g.check.values
                         else g for g in found)

    def after(self, call: F.Call, model, params=()) -> frozenset:
        """The guards that hold once ``call`` has returned."""
        targets = self._checked(call)
        if not targets:
            return _NONE
        parts = [self._after.get(t.qualname, _NONE) for t in targets]
        return _wrapped(any_of(parts), call, model, params)

    def stores_yes(self, call: F.Call, model) -> bool:
        """Whether ``call`` stores the user's yes through an app function that
        takes the answer as an argument (``setAgreed(ctx, true)``, which
        writes its parameter to a consent-named setting)."""
        targets = _concrete(self._checked(call))
        if not targets:
            return False

        def stored(g):
            if g.check.kind != "recorded" or g.check.param is None:
                return False
            wrapped = _wrap(g, call, model, ())
            return wrapped is not None and wrapped.param is None

        return all(any(stored(g) for g in self._after.get(t.qualname, _NONE)) for t in targets)

    def _read_fields(self, names, path: str, calls=()) -> None:
        """Record the project fields that ``path`` reads: resolved names, and
        Kotlin property getters (``refresher.refresh`` is ``getRefresh()``)."""
        for name in names:
            if name.rpartition(".")[0] in self.index.classes:
                self._field_files.setdefault(name, set()).add(path)
        for call in calls:
            owner, _, method = (call.callee or "").rpartition(".")
            prop = kotlin_property(method) if owner in self.index.classes else None
            if prop is not None:
                self._field_files.setdefault(f"{owner}.{prop}", set()).add(path)

    def read_only_in(self, field: str, path: str) -> bool:
        """Whether no file but ``path`` reads the project field ``field``."""
        return self._field_files.get(field, {path}) <= {path}

    # ------------------------------------------------------- caller guards

    def add_sites(self, sites, language: str | None = None) -> None:
        """Record the project calls among ``(call, guards, function)`` sites,
        and the calls that start framework callbacks."""
        for call, guards, function in sites:
            if call.callee in self._made and id(call) in self._made[call.callee]:
                self._made_at.setdefault(id(call), []).append((guards, function))
            if self._started is not None and language is not None:
                for target in self._started(call, language):
                    self._callers.setdefault(target, []).append((function, guards, None))
            if call.callee is None:
                continue
            arguments = len(call.args) + len(call.keywords)
            for target in self.index.call_targets(call):
                if call.kind == "ref":
                    self._escapes.add(target.qualname)
                else:
                    self._callers.setdefault(target.qualname, []).append((function, guards, arguments))

    def _arities(self, qualname: str) -> frozenset:
        """How many parameters the overloads of a Java/Kotlin method take,
        when they differ (empty otherwise)."""
        infos = self.index.functions.get(qualname, ())
        if len(infos) < 2 or any(i.language not in _JVM for i in infos):
            return frozenset()
        found = frozenset(len(i.function.params) for i in infos)
        return found if len(found) > 1 else frozenset()

    def overload(self, qualname: str, path: str, line: int) -> int | None:
        """The number of parameters of the overload of ``qualname`` written
        around ``line`` of ``path``, when its overloads differ in that."""
        if not self._arities(qualname):
            return None
        for info in self.index.functions[qualname]:
            span = info.function.span
            if info.path == path and span.line <= line <= span.end_line:
                return len(info.function.params)
        return None

    def _construction(self, call: F.Call) -> bool:
        """Record a call that constructs a private class (or passes its
        constructor on); True for a construction."""
        cls = self.index.classes.get(call.callee)
        if cls is None or not cls.private:
            return False
        if call.kind == "ref":
            self._made_by_ref.add(call.callee)
            return False
        self._made.setdefault(call.callee, {})[id(call)] = call
        return True

    def made(self, cls: str, covers, key=None):
        """``(check, chain)`` when every construction of the private class
        ``cls``, and of each class below it (private too), is guarded
        (``covers``), in its function or by its callers: its methods run only
        on such an instance. None otherwise (also when nothing constructs it)."""
        classes = [cls, *sorted(self.index.subtypes(cls))]
        if not self._made.get(cls) or any(
                c not in self.index.classes or not self.index.classes[c].private or c in self._made_by_ref
                for c in classes):
            return None
        made = (self._made_at.get(id(call)) for c in classes for call in self._made.get(c, {}).values())
        return self._everywhere(made, covers, (key, "made"))

    def add_stores(self, stores) -> None:
        """Record the guards at each field store an analysis met."""
        for store, guards, function in stores:
            self._stored.setdefault(id(store), []).append((guards, function))

    def stored(self, field: str, covers, key=None):
        """``(check, chain)`` when every store of a value in ``field`` is
        guarded (``covers``), in its function or by its callers (``chain``:
        the functions from the guarded one to the store's), else None."""
        owner, _, name = field.rpartition(".")
        stores = self._stores.get(field)
        if not stores or field in self._resolving or field not in self.index.private \
                or owner not in self.index.classes or f"{owner}.set{name[:1].upper()}{name[1:]}" in self._callees:
            return None
        self._resolving.add(field)
        try:
            stored = (self._stored.get(id(store)) for store in stores.values())
            return self._everywhere(stored, covers, (key, "stored"))
        finally:
            self._resolving.discard(field)

    def _everywhere(self, places, covers, key):
        """``(check, chain)`` when at each of ``places`` (for each store or
        construction, the ``(guards, function)`` where an analysis met it) a
        check ``covers``, there or by that function's callers; None
        otherwise, also for one that no analysis met."""
        witness = None
        for met in places:
            for guards, function in met or [(None, None)]:
                if guards is None:
                    return None  # a store or construction no analysis saw
                covering = [g for g in guards if covers(g)]
                if covering:
                    found = min(covering, key=lambda g: g.line), (function,)
                else:
                    ok, _, found = self.by_callers(function, covers, key)
                    if not ok:
                        return None
                witness = witness or found
        return witness

    def is_entry(self, qualname: str) -> bool:
        infos = self.index.functions.get(qualname)
        if not infos or qualname in self._escapes or not self._callers.get(qualname):
            return True
        if qualname in self._untyped_called:
            return True  # run from calls whose guards are not followed: not guarded by callers
        if qualname in self._callbacks:
            return False  # the framework runs it only after a project call started it
        return any(self.index.framework_called(info) for info in infos)

    def by_callers(self, function: str, covers, key=None, arity: int | None = None):
        """``(guarded, path, witness)``: whether every project call of
        ``function`` is guarded (``covers(guard)``), directly or through its
        callers. When guarded, ``witness`` is one guarded call (the guard and
        the chain of functions from that caller down to ``function``); when
        not, ``path`` is one chain from an unguarded caller (outermost first),
        or () when no caller is guarded at all (or ``function`` is an entry).
        With ``arity``, the overload of ``function`` taking that many
        parameters: a call with as many arguments as another overload takes
        runs that one (Java, Kotlin)."""
        memo = self._memo.setdefault((key, arity), {}) if key is not None else {}
        ok, grounded, path, witness = self._walk(function, covers, [], memo, arity)
        if ok and grounded:
            return True, (), witness
        return False, (path if witness is not None else ()), None

    def _walk(self, function, covers, stack, memo, arity=None):
        if function in stack:
            return True, False, (), None
        if function in memo:
            return memo[function]
        if len(stack) > MAX_DEPTH or self.is_entry(function):
            return False, False, (function,), None
        overloads = self._arities(function) if arity is not None else ()
        stack.append(function)
        grounded, witness, result = False, None, None
        for caller, guards, arguments in self._callers[function]:
            if arguments in overloads and arguments != arity:
                continue  # a call of another overload
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


_UNTYPED = frozenset(("python", "javascript", "typescript"))
_JVM = frozenset(("java", "kotlin"))


def _unknown_receiver(call: F.Call, index) -> bool:
    """Whether ``call`` is a method call on a value whose type is not known:
    no callee, or an attribute path of a project object
    (``app.sensors.Telemeter.sensors.start``)."""
    if call.callee is None:
        return "." in call.text
    owner = call.callee.rpartition(".")[0]
    return owner.rpartition(".")[0] in index.classes and owner not in index.classes


def _concrete(targets):
    """Targets that can return a value: a method without a body (abstract, or
    declared by an interface) runs one of its implementations, which the index
    lists beside it, and an empty body returns nothing to test."""
    return tuple(t for t in targets if t.function.body.stmts)


def _all_of(parts) -> frozenset:
    """Guards that hold on every one of ``parts`` (none when there are none)."""
    if not parts:
        return _NONE
    return any_of(parts)


def _wrapped(guards, call: F.Call, model, params) -> frozenset:
    return frozenset(w for w in (_wrap(g, call, model, params) for g in guards) if w is not None)


def _wrap(guard: Guard, call: F.Call, model, params) -> Guard | None:
    """A summary guard seen at a call of the helper: a value the check took
    from a parameter is filled in from the call's argument; "the parameter
    was true" becomes what the argument implies (a check's result handed in),
    or None when it implies nothing."""
    if guard.kind == "either":
        options = tuple(_wrapped(option, call, model, params) for option in guard.options)
        return replace(guard, options=options) if all(options) else None
    if guard.check.kind == "recorded" and guard.param is not None:
        # a yes stored only if the argument is one (``setAgreed(ctx, true)``), or the caller's parameter
        arg = call.args[guard.param] if guard.param < len(call.args) else None
        param = param_index(arg, params)
        if param is None and model.granted_value(arg) is not True:
            return None
        inner = replace(guard.check, param=param)
        via = (call.callee, *guard.via) if guard.kind == "helper" else (call.callee,)
        return Guard("helper", call.callee, inner.values, call.span.line, inner=inner, via=via, param=param)
    if guard.kind == "value":
        arg = call.args[guard.param] if guard.param < len(call.args) else None
        inner = model.check_guard(arg) if isinstance(arg, F.Call) else None
        if inner is None:
            param = param_index(arg, params)
            return replace(guard, line=call.span.line, param=param) if param is not None else None
        return Guard("helper", call.callee, inner.values, call.span.line, inner=inner, via=(call.callee,))
    inner = guard
    if guard.param is not None:
        arg = call.args[guard.param] if guard.param < len(call.args) else None
        value = model.value_of(arg)
        inner = replace(guard, values=(value,) if value else (), param=None if value else param_index(arg, params))
    via = (call.callee, *guard.via) if guard.kind == "helper" else (call.callee,)
    return Guard("helper", call.callee, inner.values, call.span.line, inner=inner, via=via, param=inner.param)


def _calls(block: F.Block, named: set[str], stores: list | None = None, checked: set | None = None):
    """Every call in a body, lambdas included; the resolved names used as
    values go to ``named``: a function named so is passed on, and may be
    called from anywhere (a receiver counted too only adds entry points).
    With ``stores``, each store of a value in a field is added there, and
    with ``checked`` the fields tested for null (``x?.m()``, ``x != null``)."""
    for node in F.walk(block, enter=(F.Lambda,)):
        kind = type(node)
        if kind is F.Call:
            if checked is not None and node.safe and type(node.receiver) is F.Name and not node.receiver.local:
                checked.add(node.receiver.resolved)
            yield node
        elif kind is F.Name and node.resolved is not None and not node.local:
            named.add(node.resolved)
        elif kind is F.Store and stores is not None and not (type(node.value) is F.Lit and node.value.value is None):
            stores.append(node)
        elif kind is F.Compare and checked is not None:
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if type(other) is F.Lit and other.value is None and type(side) is F.Name and not side.local:
                    checked.add(side.resolved)
