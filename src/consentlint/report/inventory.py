"""The data map (``consentlint inventory``): every category the code collects
or the manifest declares, with its purposes, legal basis, recipients and
app-store labels, and every collection site with its guard; as text,
markdown, JSON or one self-contained HTML page (no network), for the
privacy officer who files it."""

from __future__ import annotations

import json
from html import escape

from consentlint import __version__
from consentlint.consent import short_name
from consentlint.datamap import DataMap, Entry, build
from consentlint.report.json import collection

FORMATS = ("text", "markdown", "json", "html")


def _declared(data: DataMap, entry: Entry) -> str:
    if data.manifest is None:
        return "no manifest"
    decl = entry.declaration
    return f"declared ({decl.category}, basis {decl.basis})" if decl else "NOT DECLARED"


def _guard(site) -> str:
    if site.status == "guarded":
        return f"guarded by {site.guard.describe()}"
    if site.status == "mismatched":
        return f"mismatched check {site.guard.describe()}"
    return "unguarded" if site.needs_consent else "no consent needed"


def _status(data: DataMap, entry: Entry) -> str:
    if not entry.collected:
        return "declared, never collected"
    if data.manifest is not None and entry.declaration is None:
        return "collected, NOT DECLARED"
    if entry.basis not in (None, "consent"):
        n = len(entry.sites)
        return f"{n} site{'s' * (n != 1)}, no consent needed ({entry.basis})"
    return f"{entry.guarded} of {len(entry.sites)} sites guarded"


def render(run, manifest, fmt: str) -> str:
    data = build(run, manifest)
    return {"json": _json, "markdown": _markdown, "html": _html}.get(fmt, _text)(data)


def _text(data: DataMap) -> str:
    out = []
    for entry in data.entries:
        if not entry.collected:
            continue
        n = len(entry.sites)
        out.append(f"{entry.category}: {n} site{'s' * (n != 1)}, {_declared(data, entry)}\n")
        for s in entry.sites:
            out.append(f"  {s.path}:{s.span.line}:{s.span.column}: {short_name(s.api)} [{s.source.id}] {_guard(s)}\n")
    unused = [e.category for e in data.unused]
    if unused:
        out.append(f"declared, never collected: {', '.join(unused)}\n")
    if not any(e.collected for e in data.entries):
        out.append("no collection sites found\n")
    return "".join(out)


def _json(data: DataMap) -> str:
    doc = {
        "version": 1,
        "tool": {"name": "consentlint", "version": __version__},
        "app": data.app,
        "policy": {"url": data.policy_url, "file": data.policy_file},
        "categories": [
            {"category": e.category, "declared": e.declaration is not None, "collected": e.collected,
             "purposes": list(e.purposes), "basis": e.basis, "required": e.required,
             "shared_with": list(e.shared_with), "labels": e.labels,
             "sites": [collection(s) for s in e.sites]}
            for e in data.entries
        ],
        "undeclared": [e.category for e in data.undeclared],
        "never_collected": [e.category for e in data.unused],
        "third_parties": [{"id": t.id, "name": t.name, "sdk": list(t.sdk), "policy_url": t.policy_url}
                          for t in data.third_parties],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _markdown(data: DataMap) -> str:
    out = [f"# Personal-data inventory: {data.app}\n\n"]
    out.append(f"Privacy policy: {data.policy_url or data.policy_file or '**none named**'}\n\n")
    if not data.entries:
        out.append("No collection sites found.\n")
        return "".join(out)
    out.append("| category | status | purposes | basis | shared with | Google Play | Apple | fideslang |\n")
    out.append("|---|---|---|---|---|---|---|---|\n")
    for e in data.entries:
        labels = e.labels
        out.append(f"| {e.category} | {_status(data, e)} | {', '.join(e.purposes) or '-'} | {e.basis or '-'} | "
                   f"{', '.join(e.shared_with) or '-'} | {labels.get('play', '-')} | {labels.get('apple') or '-'} | "
                   f"{labels.get('fideslang', '-')} |\n")
    if data.third_parties:
        out.append("\n## Third parties\n\n| id | name | SDK |\n|---|---|---|\n")
        for t in data.third_parties:
            out.append(f"| {t.id} | {t.name or '-'} | {', '.join(f'`{p}`' for p in t.sdk) or '-'} |\n")
    for e in data.entries:
        if not e.collected:
            continue
        n = len(e.sites)
        out.append(f"\n## {e.category} ({n} site{'s' * (n != 1)}, {_declared(data, e)})\n\n")
        out.append("| where | API | catalog entry | consent |\n|---|---|---|---|\n")
        for s in e.sites:
            out.append(f"| `{s.path}:{s.span.line}:{s.span.column}` | `{short_name(s.api)}` | {s.source.id} | {_guard(s)} |\n")
    return "".join(out)


_STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
p.meta { color: #59636e; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; }
th, td { border: 1px solid #d1d9e0; padding: .35rem .55rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td { overflow-wrap: break-word; } code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; }
.bad { color: #b3261e; font-weight: 600; } .ok { color: #1a7f37; } .dim { color: #59636e; }
.cards { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
.card { border: 1px solid #d1d9e0; border-radius: 6px; padding: .6rem 1rem; min-width: 9rem; }
.card b { display: block; font-size: 1.5rem; }
"""


_APPLE = "NSPrivacyCollectedDataType"


def _html(data: DataMap) -> str:
    e_ = escape
    collected = [e for e in data.entries if e.collected]
    sites = sum(len(e.sites) for e in collected)
    unguarded = sum(1 for e in collected for s in e.sites if s.status != "guarded" and s.needs_consent)
    policy = data.policy_url or data.policy_file
    out = ["<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
           f"<title>Personal-data inventory: {e_(data.app)}</title><style>{_STYLE}</style></head><body>",
           f"<h1>Personal-data inventory: {e_(data.app)}</h1>",
           f"<p class=\"meta\">consentlint {e_(__version__)} &middot; privacy policy: "
           + (f"<a href=\"{e_(policy)}\">{e_(policy)}</a>" if data.policy_url else e_(policy) if policy
              else "<span class=\"bad\">none named</span>") + "</p>",
           "<div class=\"cards\">",
           f"<div class=\"card\"><b>{len(collected)}</b>categories collected</div>",
           f"<div class=\"card\"><b>{sites}</b>collection sites</div>",
           f"<div class=\"card\"><b class=\"{'bad' if unguarded else 'ok'}\">{unguarded}</b>sites without consent</div>",
           f"<div class=\"card\"><b class=\"{'bad' if data.undeclared else 'ok'}\">{len(data.undeclared)}</b>"
           "collected, not declared</div>",
           f"<div class=\"card\"><b>{len(data.unused)}</b>declared, never collected</div></div>",
           "<h2>Summary</h2><table><tr><th>Category</th><th>Status</th><th>Purposes</th><th>Basis</th>"
           "<th>Shared with</th><th>Google Play</th><th>Apple (NSPrivacyCollectedDataType&hellip;)</th><th>fideslang</th>"
           "</tr>"]
    for e in data.entries:
        labels = e.labels
        status = _status(data, e)
        unguarded_here = e.collected and e.basis in (None, "consent") and e.guarded < len(e.sites)
        css = "bad" if "NOT" in status or unguarded_here else "ok" if e.collected else "dim"
        apple = labels.get("apple") or ""
        out.append(f"<tr><td><a href=\"#{e_(e.category)}\">{e_(e.category)}</a></td><td class=\"{css}\">{e_(status)}"
                   f"</td><td>{e_(', '.join(e.purposes)) or '&ndash;'}</td><td>{e_(e.basis or '') or '&ndash;'}</td>"
                   f"<td>{e_(', '.join(e.shared_with)) or '&ndash;'}</td><td>{e_(labels.get('play', ''))}</td>"
                   f"<td title=\"{e_(apple)}\">{e_(apple.removeprefix(_APPLE)) or '&ndash;'}</td>"
                   f"<td>{e_(labels.get('fideslang', ''))}</td></tr>")
    out.append("</table>")
    if data.third_parties:
        out.append("<h2>Third parties</h2><table><tr><th>Id</th><th>Name</th><th>SDK</th><th>Policy</th></tr>")
        for t in data.third_parties:
            out.append(f"<tr><td>{e_(t.id)}</td><td>{e_(t.name or '')}</td>"
                       f"<td>{', '.join(f'<code>{e_(p)}</code>' for p in t.sdk)}</td>"
                       f"<td>{e_(t.policy_url or '')}</td></tr>")
        out.append("</table>")
    for e in collected:
        out.append(f"<h2 id=\"{e_(e.category)}\">{e_(e.category)} <span class=\"dim\">({len(e.sites)} site"
                   f"{'s' * (len(e.sites) != 1)}, {e_(_declared(data, e))})</span></h2>")
        out.append("<table><tr><th>Where</th><th>API</th><th>Catalog entry</th><th>Consent</th></tr>")
        for s in e.sites:
            guard = _guard(s)
            css = "ok" if s.status == "guarded" or not s.needs_consent else "bad"
            out.append(f"<tr><td><code>{e_(s.path)}:{s.span.line}:{s.span.column}</code></td>"
                       f"<td><code>{e_(short_name(s.api))}</code></td><td>{e_(s.source.id)}</td>"
                       f"<td class=\"{css}\">{e_(guard)}</td></tr>")
        out.append("</table>")
    if not collected:
        out.append("<p>No collection sites found.</p>")
    out.append("</body></html>\n")
    return "\n".join(out)
