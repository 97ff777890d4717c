"""The JSON contract of DESIGN section 3 (fields may be added, never renamed)."""

from __future__ import annotations

import json

from consentlint import __version__


def finding(f) -> dict:
    return {
        "path": f.path, "line": f.line, "column": f.column, "end_line": f.end_line,
        "end_column": f.end_column, "code": f.code, "severity": f.severity, "message": f.message,
        "category": f.category, "api": f.api, "catalog_id": f.catalog_id,
        "confidence": f.confidence, "fingerprint": f.fingerprint,
        "fix": fix(f.fix) if f.fix is not None else None,
        "fixes": [fix(x) for x in f.fixes],
        # how collected data reached the finding's place, source first (PDC104, PDC401, PDC402)
        "flow": [{"path": path, "line": span.line, "column": span.column, "message": text}
                 for path, span, text in f.flow],
    }


def fix(x) -> dict:
    """A fix: ``applicability`` safe, unsafe or display-only; each edit
    replaces the text from (line, column) up to (end_line, end_column),
    exclusive, with ``text``."""
    return {"title": x.title, "applicability": x.applicability,
            "edits": [{"path": e.path, "line": e.line, "column": e.column, "end_line": e.end_line,
                       "end_column": e.end_column, "text": e.text} for e in x.edits]}


# how a site is guarded (DESIGN section 7), from the kind of its guard
_HOW = {"consent": "check", "permission": "check", "setting": "check", "recorded": "check", "either": "check",
        "helper": "helper",
        "callers": "callers", "decorator": "decorator", "request": "callback"}


def _check(guard) -> dict:
    if guard.kind == "either":
        guard = min((g for option in guard.options for g in option), key=lambda g: g.line)
    inner = guard.check
    permission = inner.kind == "permission"
    return {"kind": inner.kind, "api": inner.api, "line": inner.line or None,
            "category": guard.values[0] if guard.values and not permission else None,
            "permissions": list(guard.values) if permission else None}


def guard(g) -> dict:
    """``kind`` (check, helper, callers, decorator, callback), ``via`` (the
    helpers or callers between the site and the check) and the ``check``; the
    check's fields are repeated at the top level, as before."""
    check = _check(g)
    return {"kind": _HOW.get(g.kind, g.kind), "via": list(g.via), "check": check,
            **{k: check[k] for k in ("api", "line", "category", "permissions")}}


def collection(c) -> dict:
    return {
        "path": c.path, "line": c.span.line, "column": c.span.column, "end_line": c.span.end_line,
        "end_column": c.span.end_column, "category": c.category, "api": c.api, "catalog_id": c.source.id,
        "confidence": c.confidence, "function": c.function, "guarded": c.status == "guarded",
        "guard": guard(c.guard) if c.guard is not None and c.status == "guarded" else None,
        "needs_consent": c.needs_consent,
        "via": [step.function for step in c.via],
    }


def render(run, report_suppressions: bool = False) -> str:
    doc = {
        "version": 1,
        "tool": {"name": "consentlint", "version": __version__},
        "findings": [finding(f) for f in run.findings],
        "collections": [collection(c) for c in run.collections],
        "errors": [{"path": p, "message": m} for p, m in run.errors],
    }
    if report_suppressions:
        doc["suppressions"] = [{**finding(f), "reason": reason} for f, reason in run.suppressed]
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
