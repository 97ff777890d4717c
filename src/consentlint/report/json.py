"""The JSON contract of DESIGN section 3 (fields may be added, never renamed)."""

from __future__ import annotations

import json

from consentlint import __version__


def finding(f) -> dict:
    return {
        "path": f.path, "line": f.line, "column": f.column, "end_line": f.end_line,
        "end_column": f.end_column, "code": f.code, "severity": f.severity, "message": f.message,
        "category": f.category, "api": f.api, "catalog_id": f.catalog_id, "fingerprint": f.fingerprint,
    }


def collection(c) -> dict:
    guard = None
    if c.guard is not None and c.status == "guarded":
        guard = {"kind": c.guard.kind, "api": c.guard.api, "line": c.guard.line,
                 "category": c.guard.values[0] if c.guard.values and c.guard.kind != "permission" else None,
                 "permissions": list(c.guard.values) if c.guard.kind == "permission" else None}
    return {
        "path": c.path, "line": c.span.line, "column": c.span.column, "end_line": c.span.end_line,
        "end_column": c.span.end_column, "category": c.category, "api": c.api, "catalog_id": c.source.id,
        "function": c.function, "guarded": c.status == "guarded", "guard": guard,
        "needs_consent": c.needs_consent,
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
