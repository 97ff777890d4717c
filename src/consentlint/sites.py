"""Collection sites: calls and reads matched against the catalog, each with the
verdict of the guard analysis (guarded, mismatched or unguarded)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from consentlint import facts as F
from consentlint.catalog import Constraint, LanguageCatalog, Source
from consentlint.consent import ConsentModel, Guard, short_name
from consentlint.values import Text, Values


@dataclass(frozen=True, slots=True)
class Step:
    """One function on a call path, where it is defined."""

    function: str
    path: str | None
    span: F.Span | None

    @property
    def name(self) -> str:
        """``Class.method`` (or ``module.function``), as messages print it."""
        return short_name(self.function)


@dataclass(frozen=True, slots=True)
class Collection:
    """One place where the code collects one category of personal data."""

    path: str
    span: F.Span
    category: str
    api: str
    text: str
    source: Source
    function: str
    status: str  # "guarded" | "mismatched" | "unguarded"
    guard: Guard | None  # the guard that covers it, or the mismatched one
    needs_consent: bool
    # functions from an unguarded caller down to this site's function, when
    # other callers are guarded (``MainActivity.onCreate -> Tracker.start``)
    via: tuple[Step, ...] = ()
    # "resolved": the API was known from the receiver's type (or the call's
    # import); "inferred": only from a distinctive member name, the receiver's
    # type being unknown
    confidence: str = "resolved"

    @property
    def guarded(self) -> bool:
        return self.status == "guarded"


def match(call: F.Call, catalog: LanguageCatalog, values: Values | None = None,
          path: str | None = None) -> list[tuple[str, Source, str]]:
    """The catalog entries ``call`` matches: (the API, the entry, the category
    it collects). With the project's ``values``, a URI argument is followed
    across functions, and a method a project class inherits from a catalogued
    class is that class's."""
    if call.callee is None:
        # a method of what a project function returns (ServiceUtil.getTelephonyManager(ctx).getLine1Number())
        apis = returned_members(call, catalog, values.index) if values is not None else ()
        if not apis:
            return inferred(call, catalog)
    else:
        apis = (call.callee,)
    project = None
    if values is not None:
        apis += values.index.inherited(call.callee)
        project = (lambda expr: values.texts(expr, path, call), lambda expr: values.constants(expr, path, call))
    out, categories = [], set()
    for api in apis:
        for source, category in _match(call, api, catalog, project):
            if category not in categories:  # two entries may see one category (URI, columns)
                categories.add(category)
                out.append((api, source, category))
        if out:
            break
    return out


def inferred(call: F.Call, catalog: LanguageCatalog) -> list[tuple[str, Source, str]]:
    """What a call on a receiver of unknown type matches by its member name
    alone: the ``distinctive`` entries by that name (a Kotlin property read is
    its Java getter). The site's confidence is "inferred"."""
    if not catalog.distinctive or "." in call.text:
        return []
    names = [call.text]
    if catalog.language == "kotlin":  # a property is its Java getter
        names.append(_java_getter(call.text))
    as_call = replace(call, kind="call") if call.kind == "read" else call
    out, categories = [], set()
    for name in names:
        for api in catalog.distinctive.get(name, ()):
            for source, category in _match(as_call if name != call.text else call, api, catalog, None):
                if source.distinctive and category not in categories:
                    categories.add(category)
                    out.append((api, source, category))
    return out


def returned_members(call: F.Call, catalog: LanguageCatalog, index) -> tuple[str, ...]:
    """For a call the front-end could not resolve, made on the result of a
    project call: the member of the type that function declares (or, Kotlin,
    evaluates to), or of a catalogued supertype of it; a Kotlin property read
    is also its Java getter."""
    names = (call.text, _java_getter(call.text))
    out = []
    for callee in index.returned_callees(call):
        type_ = callee.rpartition(".")[0]
        for owner in (type_, *catalog.supertypes.get(type_, ())):
            out += [f"{owner}.{name}" for name in names if f"{owner}.{name}" in catalog.sources]
    return tuple(dict.fromkeys(out))


def _java_getter(prop: str) -> str:
    """The Java getter a Kotlin property read stands for (``lastLocation`` -> ``getLastLocation``)."""
    return "get" + prop[:1].upper() + prop[1:]


def _match(call: F.Call, api: str, catalog: LanguageCatalog, project):
    out = []
    for source in catalog.sources.get(api, ()):
        if source.kind != call.kind:
            continue
        if not all(_holds(c, call, project) for c in source.where):
            continue
        if source.fields:
            category = catalog.field_category(call.key) if call.key else None
            if category is None:
                continue
        else:
            category = source.category
        out.append((source, category))
    return out


def argument(constraint: Constraint, call: F.Call):
    """The constrained argument's expression, or ``_ABSENT``."""
    if constraint.keyword is not None:
        for name, value in call.keywords:
            if name == constraint.keyword:
                return value
        if constraint.arg is None:
            return _ABSENT
    if constraint.arg is not None and constraint.arg < len(call.args):
        return call.args[constraint.arg]
    return _ABSENT


def _value(expr):
    if isinstance(expr, F.Lit):
        return expr.value
    if isinstance(expr, F.Name) and expr.resolved:
        return _Ref(expr.resolved)
    return _UNKNOWN


def _literal_texts(expr):
    return (Text(expr.value, True),) if isinstance(expr, F.Lit) and isinstance(expr.value, str) else ()


class _Ref(str):
    """A resolved constant: equal to its qualified name, but not a string literal."""


_ABSENT = object()
_UNKNOWN = object()


def _holds(constraint: Constraint, call: F.Call, project=None) -> bool:
    """Whether ``call`` meets ``constraint``; ``project`` is (what a URI
    argument can be, which constants an argument names) across the project."""
    if constraint.key is not None:
        value = call.key if call.key is not None else _ABSENT
    else:
        value = argument(constraint, call)
        if constraint.uri is not None:
            if value is _ABSENT:
                return False
            found = project[0](value) if project is not None else _literal_texts(value)
            return any(t.under(prefix) for t in found for prefix in constraint.uri)
        if constraint.text is not None:
            if value is _ABSENT:
                return False
            found = project[0](value) if project is not None else _literal_texts(value)
            fold = str.lower if constraint.ignore_case else str
            accepted = {fold(a) for a in constraint.text}
            return any(t.whole and fold(t.text) in accepted for t in found)
        if constraint.columns is not None:
            if value is _ABSENT:
                return False
            names = project[1](value) if project is not None else ()
            return any(n.startswith(cls + ".") for n in names for cls in constraint.columns)
        if constraint.value_type == "not-string" and value is not _ABSENT and project is not None \
                and project[0](value):
            return False  # a string reaches it (a URL handed to a constructor, kept in a field)
        if value is not _ABSENT:
            value = _value(value)
    if constraint.value_type == "absent":
        return value is _ABSENT
    if value is _ABSENT:
        return False
    if constraint.value_type == "not-string":
        return not isinstance(value, str) or isinstance(value, _Ref)
    accepted = constraint.key if constraint.key is not None else constraint.equals
    if accepted is None:
        return True
    if value is _UNKNOWN:
        return False
    if constraint.ignore_case and isinstance(value, str):
        return value.lower() in {str(a).lower() for a in accepted}
    if isinstance(value, _Ref):
        return str(value) in accepted
    return any(value == a and type(value) is type(a) for a in accepted)


def collections(path: str, sites, catalog: LanguageCatalog, model: ConsentModel,
                values: Values | None = None, types=None) -> list[Collection]:
    """Match every site against the catalog and judge its guards; ``values``
    follows URI arguments across functions and files; with ``types``
    (``params.ParamTypes``), a member chain on a parameter the project types
    is the catalogued read or call it resolves to."""
    manifest = model.manifest
    out = []
    # one field read through nested keys is one site: (chain, category) of
    # resolved chains (whose reads of one chain share an id), and of keyed reads
    reported: set = set()
    for site, guards, function in sites:
        for call, api, source, category, confidence in _matches(site, catalog, values, path, types):
            if call.key is not None:
                if _reported_below(call, site, category, reported):
                    continue
                reported.add(("chain", call.id, category) if call is not site else ("read", id(call), category))
            owner = api.rsplit(".", 1)[0]
            if function.startswith(owner + ".") and (
                    values is None or owner in values.index.classes or owner in values.index.modules):
                # the catalogued class calling itself (a library's own source
                # is scanned); an app's extension function on it is not that
                continue
            if source.replaced_by and call.key and values is not None and \
                    values.replaced(call, function, source.replaced_by.replace("{key}", call.key)):
                continue  # what the class made in place of the field (a User the e-mail named)
            needs = manifest.needs_consent(category) if manifest else True
            covering = [g for g in guards if model.covers(g, category, source.permissions)]
            stored = _stored(guards, function, values, model, category, source.permissions) \
                if not covering and values is not None else None
            checks = [g for g in guards if g.kind != "stored"]
            if covering:
                status, guard = "guarded", min(covering, key=_order)
            elif stored is not None:
                status, guard = "guarded", stored
            elif checks:
                status, guard = "mismatched", min(checks, key=_order)
            else:
                status, guard = "unguarded", None
            out.append(Collection(path, call.span, category, api, call.text, source,
                                  function, status, guard, needs, confidence=confidence))
    return out


def _matches(site: F.Call, catalog, values, path, types):
    """(call, API, entry, category, confidence) for what ``site`` matches:
    itself, or what a chain on a typed parameter resolves to."""
    resolved = types.resolved(site) if types is not None and site.callee is None else ()
    for call in resolved or (site,):
        returned = None
        for api, source, category in match(call, catalog, values, path):
            confidence = "resolved"
            if call.callee is None:
                if returned is None:
                    returned = returned_members(call, catalog, values.index) if values is not None else ()
                if api not in returned:
                    confidence = "inferred"  # by its distinctive name alone
            yield call, api, source, category, confidence


def _reported_below(call: F.Call, site: F.Call, category: str, reported: set) -> bool:
    """Whether a shallower key of the same read was reported for ``category``
    (``req.body.address.postcode``: the site is ``address``): the resolved
    chain's id, or a keyed read of the same API below ``site``."""
    if call is not site:
        return ("chain", call.id, category) in reported
    below = site.receiver
    while type(below) is F.Call and below.key is not None and below.callee == site.callee:
        if ("read", id(below), category) in reported:
            return True
        below = below.receiver
    return False


def _covering(model: ConsentModel, summaries, category: str, permissions):
    """Whether a guard is consent for ``category``; a private field's holding
    a value is, when every store of a value in it was guarded for it."""
    key = (category, permissions, id(model))

    def covers(guard):
        if guard.kind == "stored":
            return summaries.stored(guard.api, covers, key) is not None
        return model.covers(guard, category, permissions)

    return covers


def _stored(guards, function: str, values: Values, model: ConsentModel, category: str, permissions):
    """A ``callers`` guard for a site that runs only while a private field
    holds a value every store of which was guarded (``overlay?.enable()``)."""
    summaries = values.summaries
    covers = _covering(model, summaries, category, permissions)
    for guard in sorted((g for g in guards if g.kind == "stored"), key=_order):
        found = summaries.stored(guard.api, covers, (category, permissions, id(model)))
        if found is not None:
            check, chain = found
            return Guard("callers", chain[0], check.values, check.line, inner=check, via=(*chain, function))
    return None


def _order(guard: Guard):
    return guard.line, guard.kind, guard.api, guard.values


def by_callers(sites: list[Collection], summaries, model: ConsentModel) -> list[Collection]:
    """Sites not guarded in their own function that every project caller
    guards become guarded (guard kind ``callers``); the others keep one
    unguarded path when some caller is guarded."""
    out = []
    for site in sites:
        if site.status == "guarded" or not site.needs_consent:
            out.append(site)
            continue
        category, permissions = site.category, site.source.permissions
        covers = _covering(model, summaries, category, permissions)

        arity = summaries.overload(site.function, site.path, site.span.line)
        key = (category, permissions, id(model))
        guarded, path, witness = summaries.by_callers(site.function, covers, key, arity)
        if not guarded:
            # a method of a private class runs on an instance: made only where it is constructed
            made = summaries.made(site.function.rpartition(".")[0], covers, key)
            if made is not None:
                guarded, witness = True, (made[0], (*made[1], site.function))
        if guarded:
            check, chain = witness
            guard = Guard("callers", chain[0], check.values, check.line, inner=check, via=chain)
            out.append(replace(site, status="guarded", guard=guard))
        elif path:
            out.append(replace(site, via=tuple(_step(summaries.index, f) for f in path)))
        else:
            out.append(site)
    return out


def _step(index, function: str) -> Step:
    infos = index.functions.get(function)
    if not infos:
        return Step(function, None, None)
    return Step(function, infos[0].path, infos[0].function.span)
