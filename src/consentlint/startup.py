"""Consent recorded as granted when the app starts (PDC203, DESIGN section
13): a ``[consent] records`` call or an SDK's privacy-agreement call (catalog
``[[consent_record]]``: AMap's ``updatePrivacyAgree(context, true)``, Baidu's
``setAgreePrivacy``, Umeng's ``submitPolicyGrantResult``) that says "granted"
with a fixed value, and runs whenever the app starts: in an override of an
app-start callback (catalog ``[[app_start]]``: ``Application.onCreate``), or
at a Python or JS/TS module's top level, on no branch (an early return, a
condition or a loop before it ends the search), directly or through project
functions it calls so. The user was asked nothing before it ran."""

from __future__ import annotations

from consentlint import android_manifest
from consentlint import facts as F

MAX_DEPTH = 3  # project functions followed from the start callback
# Kotlin scope functions and the like: their lambda runs at once, where it is written
_RUN_NOW = frozenset(("run", "runCatching", "apply", "also", "let", "with", "synchronized", "use"))


def find(facts: F.FileFacts, model, index, summaries=None) -> list[tuple]:
    """``(call, api, start, function)`` for each such call in ``facts``'s
    start callbacks: ``start`` is the callback (``Application.onCreate``, or
    ``module`` for top-level code) and ``function`` the one the call is in.
    Besides the record calls, a write of a consent-named setting with a yes
    (``edit().putBoolean("privacy_agreed", true)``), or a call of an app
    function that stores one (``summaries``: ``setAgreed(ctx, true)``),
    records consent as given."""
    agreements = model.catalog.consent_records
    records = frozenset(model.manifest.records) if model.manifest else frozenset()
    if not (agreements or records or model.catalog.setting_writes):
        return []
    out = []
    for function in facts.functions:
        start = start_callback(function, facts.language, model, index)
        if start is not None:
            out += _granted_in(function, start, model, agreements, records, index, summaries)
    if model.catalog.app_start_calls:
        for call, _ in F.calls_in(facts.functions):
            callback = _start_callback(call, model, index)
            if callback is not None:
                out += _granted_in(callback, f"a mount-only effect, `{call.text}(.., [])`", model, agreements,
                                   records, index, summaries)
    return out


def _granted_in(function, start, model, agreements, records, index, summaries) -> list[tuple]:
    out = []
    for call, inner in _now(function, index, 0, set()):
        api = _granting(call, model, agreements, records, index) or _stored(call, model, summaries, inner)
        if api is not None:
            out.append((call, api, start, inner.qualname))
    return out


def _stored(call: F.Call, model, summaries, function: F.Function) -> str | None:
    """The API when ``call`` stores the user's yes in a consent-named setting
    with a fixed value, itself or through an app function it hands the yes to
    (not the function it is in: ``super.onCreate()`` is lowered as a call of
    it). A helper that stores a fixed yes itself is searched by ``_now``."""
    recorded = model.recorded(call)
    if recorded is not None and recorded.param is None and recorded.api != call.callee:
        return call.callee or call.text  # a setting write (record calls are _granting's)
    if summaries is None or call.callee is None or call.callee == function.qualname:
        return None
    return call.callee if summaries.stores_yes(call, model) else None


def _start_callback(call: F.Call, model, index) -> F.Function | None:
    """The function ``call`` hands over to run at start (catalog
    ``[[app_start]]`` with ``callback_arg``): ``useEffect(fn, [])``'s ``fn``."""
    starts = model.catalog.app_start_calls
    api = next((a for a in (call.callee, *index.inherited(call.callee)) if a in starts), None) \
        if call.callee is not None else None
    if api is None:
        return None
    at, empty = starts[api]
    if at >= len(call.args) or type(call.args[at]) is not F.Lambda:
        return None
    if empty is not None and not (empty < len(call.args) and type(call.args[empty]) is F.Lit
                                  and call.args[empty].value == ()):
        return None
    return call.args[at].function


def start_callback(function: F.Function, language: str, model, index) -> str | None:
    """The app-start callback ``function`` is, as ``Class.method`` (``module``
    for a Python or JS/TS module's top level)."""
    if function.name == "<module>":
        return "module" if language in ("python", "javascript", "typescript") else None
    starts = model.catalog.app_starts
    owner, _, name = function.qualname.rpartition(".")
    if not starts or owner not in index.classes:
        return None
    for parent in index.supers_of(owner):
        for sup in (parent, *model.catalog.supertypes.get(parent, ())):
            if f"{sup}.{name}" in starts:
                return f"{sup.rpartition('.')[2]}.{name}"
    return None


def _granting(call: F.Call, model, agreements, records, index) -> str | None:
    """The API when ``call`` records the user's yes with a fixed value."""
    api = model.platform_api(call.callee, agreements, index)
    if api is not None:
        at = agreements[api]
        return api if at < len(call.args) and model.granted_value(call.args[at]) is True else None
    if call.callee in records:
        values = [*call.args[1:], *(v for _, v in call.keywords)]
        if values and all(model.granted_value(v) is True for v in values):
            return call.callee
    return None


def _now(function: F.Function, index, depth: int, seen: set):
    """``(call, function it is in)`` for the calls that run whenever
    ``function`` runs, up to the first statement that may end it early or
    that decides what runs; through the project functions they call."""
    if function.qualname in seen:
        return
    seen.add(function.qualname)
    for call in _block(function.body):
        yield call, function
        if depth < MAX_DEPTH and call.callee is not None:
            targets = index.call_targets(call)
            if len(targets) == 1:
                yield from _now(targets[0].function, index, depth + 1, seen)


def _block(block: F.Block):
    for stmt in block.stmts:
        kind = type(stmt)
        if kind is F.Eval or kind is F.Assign or kind is F.Store:
            yield from _expr(stmt.expr if kind is F.Eval else stmt.value)
        elif kind is F.Exit:
            yield from _expr(stmt.value)
            return
        elif kind is F.Try:
            yield from _block(stmt.body)
            if any(_exits(h) for h in stmt.handlers):
                return
            yield from _block(stmt.final)
        elif kind is F.Def:
            continue
        else:  # a branch, a choice or a loop: what follows may not run
            yield from _expr(stmt.test if kind is not F.Choice else stmt.subject)
            return


def _expr(expr):
    """The calls in ``expr`` that run each time it is evaluated."""
    kind = type(expr)
    if kind is F.Call:
        yield from _expr(expr.receiver)
        now = expr.text.rpartition(".")[2] in _RUN_NOW
        for arg in (*expr.args, *(v for _, v in expr.keywords)):
            if type(arg) is F.Lambda:
                if now:
                    yield from _block(arg.function.body)
            else:
                yield from _expr(arg)
        yield expr
    elif kind is F.BoolOp:
        yield from _expr(expr.values[0] if expr.values else None)
    elif kind is F.IfExp:
        yield from _expr(expr.test)
    elif kind is F.Not:
        yield from _expr(expr.value)
    elif kind is F.Compare:
        yield from _expr(expr.left)
        yield from _expr(expr.right)
    elif kind is F.Seq or kind is F.Concat:
        for item in expr.items:
            yield from _expr(item)


def _exits(block: F.Block) -> bool:
    return any(type(s) is F.Exit for s in F.walk(block, expressions=False))


def auto_started(facts: F.FileFacts, catalog, index, android) -> list[tuple]:
    """``(call, api, sdk, categories, function)`` for the first use in
    ``facts`` of each SDK that starts collecting with the app (catalog
    ``[[auto_start]]``: Firebase Analytics, the Facebook SDK) while the app's
    ``AndroidManifest.xml`` (``android``, see ``android_manifest``) does not
    turn that off. Without a manifest nothing is known, and nothing is said;
    a meta-data value written as a resource or placeholder is not known
    either, and counts as off."""
    if android is None or not catalog.auto_starts:
        return []
    pending = [a for a in catalog.auto_starts if not _off(a[4], android.meta_data)]
    out = []
    for call, chain in sorted(F.calls_in(facts.functions), key=lambda c: (c[0].span.line, c[0].span.column)):
        if not pending or call.callee is None:
            continue
        apis = (call.callee, *index.inherited(call.callee))
        for entry in list(pending):
            api = next((a for a in apis if a in entry[2]), None)
            if api is not None:
                pending.remove(entry)
                out.append((call, api, entry[1], entry[3], chain[0].qualname))
    return out


def _off(settings, meta: dict) -> bool:
    for name, value in settings:
        if name in meta and (meta[name] is None or meta[name].strip().lower() == value):
            return True
    return False


def closes_app(refusal, catalog, android) -> bool:
    """Whether a refusal's closing call closes the app: every catalogued app
    exit does, except those that do only from the launcher activity
    (``Activity.finish``), which count when called bare or on ``this`` in a
    method of the class the app's ``AndroidManifest.xml`` launches."""
    _, call, api, function = refusal
    if api not in catalog.launcher_exits:
        return True
    if android is None or (call.receiver is not None and not _this(call.receiver)):
        return False
    owner = function
    while owner:
        owner = owner.rpartition(".")[0]
        if android_manifest.is_launcher(android, owner):
            return True
    return False


def _this(expr) -> bool:
    return type(expr) is F.Name and expr.name == "this"
