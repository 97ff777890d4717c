"""GitLab code quality report (the ``codequality`` artifact of a job): a JSON
array of issues, each with ``description``, ``check_name``, a unique
``fingerprint``, a ``severity`` and its ``location`` (path and begin/end
positions). Error-level findings are ``major``, warnings ``minor``."""

from __future__ import annotations

import hashlib
import json

from consentlint.report.github import title

_SEVERITY = {"error": "major", "warning": "minor"}


def issue(f) -> dict:
    begin = {"line": max(f.line, 1), "column": max(f.column, 1)}
    end = {"line": max(f.end_line, begin["line"]), "column": max(f.end_column, 1)}
    # (GitLab needs one per issue: the finding's own, else one from what it is)
    basis = f.fingerprint or f"{f.code}\0{f.path}\0{f.line}\0{f.column}\0{f.message}"
    return {
        "description": f"{f.code} {f.message}",
        "check_name": title(f.code),
        "fingerprint": hashlib.sha256(basis.encode("utf-8", "surrogateescape")).hexdigest(),
        "severity": _SEVERITY.get(f.severity, "info"),
        "location": {"path": f.path, "positions": {"begin": begin, "end": end}},
        "categories": ["Security"],
        "type": "issue",
    }


def render(run) -> str:
    return json.dumps([issue(f) for f in run.findings], indent=2, ensure_ascii=False) + "\n"
