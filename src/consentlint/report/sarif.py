"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run: the driver lists every rule with its documentation (the rule
module's docstring is the help text), each finding is a result at a path
relative to ``%SRCROOT%`` (the directory consentlint ran in, which in CI is the
repository root), with ``partialFingerprints`` that contain no line number so
code scanning can follow an alert when lines move. Findings an in-source
suppression silenced are results with ``suppressions``; PDC001 problems are
also tool execution notifications. Deterministic: no timestamps, sorted.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from consentlint import __version__
from consentlint.rules import RULES, docs, docs_url, security_severity, summary

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/consentlint/consentlint"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "consentlint/v1"
UNREADABLE = "PDC001"

# What each code family is about (DESIGN section 2), shown as tags in code scanning.
FAMILY_TAGS = {
    "PDC0": "setup",
    "PDC1": "declaration",
    "PDC2": "consent",
    "PDC3": "user-rights",
    "PDC4": "data-security",
    "PDC5": "hidden-behaviour",
}


def render(run) -> str:
    codes = sorted(RULES)
    index = {code: i for i, code in enumerate(codes)}
    entries = [(f, False, None) for f in run.findings] + [(f, True, reason) for f, reason in run.suppressed]
    entries.sort(key=lambda e: (e[0].sort_key(), e[1], e[2] or ""))
    sarif_run = {
        "tool": {"driver": {
            "name": "consentlint",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [rule(RULES[code]) for code in codes],
        }},
        "invocations": [invocation(run.errors, index)],
        "originalUriBaseIds": {SRCROOT: {
            "uri": Path(os.getcwd()).as_uri().rstrip("/") + "/",
            "description": {"text": "The directory consentlint ran in; result paths are relative to it."},
        }},
        "results": [result(f, index, suppressed, reason) for f, suppressed, reason in entries],
        "columnKind": "unicodeCodePoints",
    }
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [sarif_run]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def rule(module) -> dict:
    sections = docs(module)
    text = (module.__doc__ or "").strip()
    tags = ["security", "privacy"]
    family = FAMILY_TAGS.get(module.CODE[:4])
    if family:
        tags.append(family)
    return {
        "id": module.CODE,
        "name": module.NAME,
        "shortDescription": {"text": summary(module)},
        "fullDescription": {"text": sections.get("what it does") or summary(module)},
        "help": {"text": text, "markdown": f"# {module.CODE} ({module.NAME})\n\n{text}"},
        "helpUri": docs_url(module.CODE),
        "defaultConfiguration": {"level": module.SEVERITY},
        "properties": {"tags": tags, "precision": "high", "security-severity": security_severity(module)},
    }


def result(f, index: dict[str, int], suppressed: bool, reason: str | None) -> dict:
    out = {"ruleId": f.code}
    if f.code in index:
        out["ruleIndex"] = index[f.code]
    out["level"] = f.severity
    out["message"] = {"text": f.message}
    location = {"artifactLocation": artifact(f.path)}
    if f.line >= 1:
        location["region"] = region(f)
    out["locations"] = [{"physicalLocation": location}]
    if f.related:
        out["relatedLocations"] = [
            {"id": i, "message": {"text": text},
             "physicalLocation": {"artifactLocation": artifact(path), "region": region_of(span)}}
            for i, (path, span, text) in enumerate(f.related, 1)]
    if f.flow:
        # where the collected data went, source to sink
        out["codeFlows"] = [{"threadFlows": [{"locations": [
            {"location": {"physicalLocation": {"artifactLocation": artifact(path), "region": region_of(span)},
                          "message": {"text": text}}, "nestingLevel": 0, "executionOrder": i}
            for i, (path, span, text) in enumerate(f.flow, 1)]}]}]
    if f.fingerprint:
        out["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    if suppressed:
        suppression = {"kind": "inSource"}
        if reason:
            suppression["justification"] = reason
        out["suppressions"] = [suppression]
    fixes = [fix(x) for x in f.fixes if x.edits]
    if fixes:
        out["fixes"] = fixes
    properties = {k: v for k, v in (("category", f.category), ("api", f.api), ("catalogId", f.catalog_id),
                                    ("confidence", f.confidence)) if v}
    if f.confidence == "inferred":
        properties["precision"] = "medium"  # the rule's is high: this match rests on a member name alone
    if properties:
        out["properties"] = properties
    return out


def fix(x) -> dict:
    """A SARIF fix: one artifact change per file, its applicability (safe,
    unsafe, display-only) as a property."""
    changes: dict[str, list] = {}
    for e in x.edits:
        changes.setdefault(e.path, []).append({
            "deletedRegion": {"startLine": e.line, "startColumn": e.column, "endLine": e.end_line,
                              "endColumn": e.end_column},
            "insertedContent": {"text": e.text}})
    return {"description": {"text": x.title},
            "artifactChanges": [{"artifactLocation": artifact(path), "replacements": replacements}
                                for path, replacements in changes.items()],
            "properties": {"applicability": x.applicability}}


def region(f) -> dict:
    """1-based; ``endColumn`` is exclusive in SARIF as in our spans."""
    start_column = max(f.column, 1)
    end_line = max(f.end_line, f.line)
    end_column = max(f.end_column, 1)
    if end_line == f.line:
        end_column = max(end_column, start_column)
    return {"startLine": f.line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column}


def region_of(span) -> dict:
    return {"startLine": span.line, "startColumn": max(span.column, 1)}


def artifact(path: str) -> dict:
    """A path under the working directory as a relative URI from ``%SRCROOT%``;
    anything else (absolute, or above it) as an absolute ``file:`` URI."""
    posix = path.replace(os.sep, "/")
    parts = posix.split("/")
    if os.path.isabs(path) or ".." in parts:
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    relative = "/".join(p for p in parts if p not in ("", "."))
    return {"uri": quote(relative.encode("utf-8", "surrogateescape"), safe="/"), "uriBaseId": SRCROOT}


def invocation(errors, index: dict[str, int]) -> dict:
    notifications = []
    for path, message in errors:
        notification = {
            "level": "warning",
            "message": {"text": message},
            "locations": [{"physicalLocation": {"artifactLocation": artifact(path)}}],
        }
        if UNREADABLE in index:
            notification["associatedRule"] = {"id": UNREADABLE, "index": index[UNREADABLE]}
        notifications.append(notification)
    out = {"executionSuccessful": True}
    if notifications:
        out["toolExecutionNotifications"] = notifications
    return out
