"""Consent asked for or given as one bundle (PDC204, DESIGN section 13): the
evidence, found once over a file's facts; ``rules/bundled_consent.py`` owns
the verdict's words.

Three forms:

- a ``[consent] records`` call or consent request whose argument lists
  several categories or purposes (a list or array literal, or an object or
  keywords setting several of them to granted: ``record_consent(["analytics",
  "ads"])``, ``recordConsent({analytics: true, ads: true})``);
- several ``[consent] records`` calls, or writes of consent-named settings
  (catalog ``[[setting_write]]``), in one block, each recording a different
  purpose as granted with a literal value, with no branch between them: one
  user action agrees to all of them, with no choice;
- one runtime-permission request (catalog ``[[permission_request]]``) for
  permissions of unrelated categories (location with contacts); permissions
  whose categories share a top-level category are one (fine and coarse
  location; location with Bluetooth scanning, which the platform needs it
  for)."""

from __future__ import annotations

from dataclasses import dataclass

from consentlint import facts as F
from consentlint import taxonomy
from consentlint.consent import leaf_name
from consentlint.values import list_items


@dataclass(frozen=True, slots=True)
class Bundle:
    """One action that asks for or grants several things at once.

    ``kind`` is ``permissions`` (a runtime-permission request; ``groups`` are
    the permissions by unrelated category: ``(("location", (perm, ..)),
    ("contacts", (..,)))``), ``records`` (consent recorded) or ``request``
    (consent asked for); for those two ``groups`` are ``(purpose, ())`` in
    order. ``calls`` are the calls that make up the action, the reported one
    first; ``optional`` and ``required`` name the purposes the manifest
    declares ``required = false`` and ``true`` when both are in the bundle."""

    kind: str
    api: str
    calls: tuple[F.Call, ...]
    groups: tuple[tuple[str, tuple[str, ...]], ...]
    function: str
    optional: tuple[str, ...] = ()
    required: tuple[str, ...] = ()


def find(facts: F.FileFacts, model, values, index) -> list[Bundle]:
    """The bundles in one file, in source order."""
    records = frozenset(model.manifest.records) if model.manifest else frozenset()
    asks = model.requests
    requests = model.catalog.permission_requests
    if not (records or asks or requests or model.catalog.setting_writes):
        return []
    leaves = frozenset(leaf_name(api) for api in requests)
    writes = model.catalog.setting_writes
    callees = facts.callees
    if callees.isdisjoint(records) and callees.isdisjoint(asks) and callees.isdisjoint(writes) and (
            not leaves or leaves.isdisjoint(leaf_name(c) for c in callees)):
        return []  # (every form is made of calls of these)
    found = []
    for function in F.functions_in(facts.functions, lambdas=True):
        if records or writes:
            blocks = [function.body.stmts]
            blocks += [b for stmt in F.walk(function.body, expressions=False) for b in _blocks(stmt)]
            for stmts in blocks:
                found += _recorded_one_by_one(stmts, model, records, function)
        for node in F.walk(function.body):
            if type(node) is not F.Call or node.kind != "call":
                continue
            if node.callee in records or node.callee in asks:
                purposes = _purposes(node, model)
                if len(purposes) > 1:
                    kind = "records" if node.callee in records else "request"
                    found.append(_purpose_bundle(model, kind, node.callee, (node,), purposes, function))
                continue
            if node.callee is None or leaf_name(node.callee) not in leaves:
                continue
            api = model.platform_api(node.callee, requests, index)
            if api is not None:
                bundle = _permission_bundle(node, api, requests[api], model, values, facts.path, function)
                if bundle is not None:
                    found.append(bundle)
    unique = {}
    for bundle in found:
        unique.setdefault(bundle.calls[0].id, bundle)
    return sorted(unique.values(), key=lambda b: (b.calls[0].span.line, b.calls[0].span.column))


def _blocks(stmt) -> list[tuple]:
    """The statement lists directly under ``stmt``."""
    kind = type(stmt)
    if kind is F.If or kind is F.Loop:
        return [stmt.body.stmts, stmt.orelse.stmts]
    if kind is F.Choice:
        return [arm.stmts for arm in stmt.arms]
    if kind is F.Try:
        return [part.stmts for part in (stmt.body, *stmt.handlers, stmt.orelse, stmt.final)]
    return []


def _purposes(call: F.Call, model) -> tuple[str, ...]:
    """The categories or purposes one record or request call names at once:
    the items of a list argument, or the keys an object or keywords set to
    granted."""
    for arg in call.args:
        items = list_items(arg)
        if items is not None:
            named = [model.value_of(item) for item in items]
            if len(named) > 1 and all(named):
                return _distinct(named)
    granted = [key for key, value in call.keywords if key and model.granted_value(value) is True]
    return _distinct(granted) if len(granted) > 1 else ()


# statements that decide what runs next: a run of records ends at them
_BRANCHES = (F.If, F.Loop, F.Choice, F.Try, F.Exit)


def _recorded_one_by_one(stmts, model, records, function) -> list[Bundle]:
    """Record calls (and writes of consent-named settings) in one straight
    run of statements, each granting another purpose with a literal: one
    action, no choice between them."""
    out = []
    run: list[tuple[F.Call, str, str]] = []
    writes = model.catalog.setting_writes
    for stmt in (*stmts, None):
        recorded = _record_statement(stmt, model, records) if stmt is not None else None
        if recorded:
            run += recorded
            continue
        if stmt is not None and not isinstance(stmt, _BRANCHES) and not any(
                type(n) is F.Call and (n.callee in records or n.callee in writes) for n in F.walk(stmt)):
            continue  # a statement that records nothing and decides nothing
        purposes = _distinct([p for _, p, _ in run])
        if len(purposes) > 1:
            calls = tuple(c for c, _, _ in run)
            out.append(_purpose_bundle(model, "records", run[0][2], calls, purposes, function))
        run = []
    return out


def _record_statement(stmt, model, records) -> list[tuple[F.Call, str, str]]:
    """``(call, purpose, api)`` for each grant ``stmt`` makes with a literal:
    a record call of one purpose (``record("analytics", true)``,
    ``record("ads")``), or writes of consent-named settings to yes, also
    chained (``edit().putBoolean("analytics_consent", true).putBoolean(..)``).
    Empty when any of them is a value the user chose, or a refusal."""
    if type(stmt) is not F.Eval or type(stmt.expr) is not F.Call:
        return []
    call = stmt.expr
    if call.callee in records and call.kind == "call" and call.args:
        purpose = model.value_of(call.args[0])
        if purpose is None or any(model.granted_value(value) is not True
                                  for value in (*call.args[1:], *(v for _, v in call.keywords))):
            return []  # a value the user chose (a checkbox), or a refusal
        return [(call, purpose, call.callee)]
    writes = model.catalog.setting_writes
    out = []
    for node in F.walk(call):
        if type(node) is not F.Call or node.callee not in writes:
            continue
        key_arg, value_arg = writes[node.callee]
        if max(key_arg, value_arg) >= len(node.args):
            return []
        key = model.value_of(node.args[key_arg])
        found = model.setting_guard(key, node.span.line) if key else None
        if found is None:
            continue  # another setting
        if model.granted_value(node.args[value_arg]) is not found[1]:
            return []
        out.append((node, key, node.callee))
    return out


def _distinct(values) -> tuple[str, ...]:
    """The values, once each; a category covered by another one given is
    that one (``location`` with ``location.precise``)."""
    out: list[str] = []
    for value in values:
        if any(taxonomy.covers(kept, value) or taxonomy.covers(value, kept) for kept in out):
            continue
        out.append(value)
    return tuple(out)


def _purpose_bundle(model, kind, api, calls, purposes, function) -> Bundle:
    """The bundle, with its optional and required purposes when it mixes them."""
    optional, required = [], []
    for purpose in purposes:
        data = model.manifest.data if model.manifest is not None else ()
        declared = [d for d in data if purpose in d.purposes or taxonomy.covers(d.category, purpose)]
        if declared and all(d.required for d in declared):
            required.append(purpose)
        elif declared and not any(d.required for d in declared):
            optional.append(purpose)
    if not (optional and required):
        optional, required = [], []
    return Bundle(kind, api, calls, tuple((p, ()) for p in purposes), function.qualname,
                  tuple(optional), tuple(required))


def _permission_bundle(call, api, where, model, values, path, function) -> Bundle | None:
    """The request's permissions, grouped by top-level category, when they
    fall into more than one group."""
    index, rest = where
    if index >= len(call.args):
        return None
    items = call.args[index:] if rest and len(call.args) > index + 1 else values.elements(call.args[index], path, call)
    if not items:
        return None
    categories = model.catalog.permission_categories
    groups: list[tuple[set, list, int]] = []  # (top-level categories, permissions, first position)
    for position, item in enumerate(items):
        permission = model.value_of(item)
        tops = {c.split(".", 1)[0] for c in categories.get(permission, ())} if permission else set()
        if not tops:
            continue  # not a permission for personal data the catalogs know (notifications, ...)
        merged = (set(tops), [], position)
        for group in [g for g in groups if g[0] & tops]:
            groups.remove(group)
            merged = (merged[0] | group[0], group[1] + merged[1], min(merged[2], group[2]))
        merged[1].append(permission)
        groups.append(merged)
    if len(groups) < 2:
        return None
    groups.sort(key=lambda g: g[2])
    # each group named by what its permissions are mostly for
    named = tuple((", ".join(dict.fromkeys(categories[p][0].split(".", 1)[0] for p in perms)),
                   tuple(dict.fromkeys(perms))) for _, perms, _ in groups)
    return Bundle("permissions", api, (call,), named, function.qualname)
