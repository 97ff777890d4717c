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

from consentlint import facts as F

MAX_DEPTH = 3  # project functions followed from the start callback
# Kotlin scope functions and the like: their lambda runs at once, where it is written
_RUN_NOW = frozenset(("run", "runCatching", "apply", "also", "let", "with", "synchronized", "use"))


def find(facts: F.FileFacts, model, index) -> list[tuple]:
    """``(call, api, start, function)`` for each such call in ``facts``'s
    start callbacks: ``start`` is the callback (``Application.onCreate``, or
    ``module`` for top-level code) and ``function`` the one the call is in."""
    agreements = model.catalog.consent_records
    records = frozenset(model.manifest.records) if model.manifest else frozenset()
    if not (agreements or records):
        return []
    out = []
    for function in facts.functions:
        start = _start(function, facts.language, model, index)
        if start is not None:
            for call, inner in _now(function, index, 0, set()):
                api = _granting(call, model, agreements, records, index)
                if api is not None:
                    out.append((call, api, start, inner.qualname))
    return out


def _start(function: F.Function, language: str, model, index) -> str | None:
    """The app-start callback ``function`` is, as ``Class.method``."""
    if function.name == "<module>":
        return "module" if language in ("python", "javascript", "typescript") else None
    starts = model.catalog.app_starts
    owner, _, name = function.qualname.rpartition(".")
    if not starts or owner not in index.classes:
        return None
    for cls in (owner, *index.supertypes(owner)):
        decl = index.classes.get(cls)
        for parent in decl.supers if decl is not None else ():
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
            targets = index.targets(call.callee)
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
