"""The data map (``consentlint inventory``): every collection site by category,
as text, markdown or JSON; what a privacy officer reads."""

from __future__ import annotations

import json
from itertools import groupby

from consentlint import __version__
from consentlint.consent import short_name
from consentlint.report.json import collection

FORMATS = ("text", "markdown", "json")


def _by_category(run):
    sites = sorted(run.collections, key=lambda c: (c.category, c.path, c.span.line, c.span.column))
    return [(category, list(group)) for category, group in groupby(sites, key=lambda c: c.category)]


def _declared(manifest, category) -> str:
    if manifest is None:
        return "no manifest"
    decl = manifest.declaration(category)
    return f"declared ({decl.category}, basis {decl.basis})" if decl else "NOT DECLARED"


def _guard(site) -> str:
    if site.status == "guarded":
        return f"guarded by {site.guard.describe()}"
    if site.status == "mismatched":
        return f"mismatched check {site.guard.describe()}"
    return "unguarded" if site.needs_consent else "no consent needed"


def render(run, manifest, fmt: str) -> str:
    groups = _by_category(run)
    if fmt == "json":
        doc = {
            "version": 1,
            "tool": {"name": "consentlint", "version": __version__},
            "categories": [
                {"category": category, "declared": bool(manifest and manifest.declaration(category)),
                 "sites": [collection(s) for s in sites]}
                for category, sites in groups
            ],
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    out = []
    if fmt == "markdown":
        out.append("# Personal-data inventory\n")
        for category, sites in groups:
            out.append(f"\n## {category} ({len(sites)} site{'s' * (len(sites) != 1)}, {_declared(manifest, category)})\n\n")
            out.append("| where | API | catalog entry | consent |\n|---|---|---|---|\n")
            for s in sites:
                out.append(f"| `{s.path}:{s.span.line}:{s.span.column}` | `{short_name(s.api)}` | {s.source.id} | {_guard(s)} |\n")
        if not groups:
            out.append("\nNo collection sites found.\n")
        return "".join(out)
    for category, sites in groups:
        out.append(f"{category}: {len(sites)} site{'s' * (len(sites) != 1)}, {_declared(manifest, category)}\n")
        for s in sites:
            out.append(f"  {s.path}:{s.span.line}:{s.span.column}: {short_name(s.api)} [{s.source.id}] {_guard(s)}\n")
    if not groups:
        out.append("no collection sites found\n")
    return "".join(out)


def render_projects(projects, fmt: str) -> str:
    """The inventory of a scan over one project or several (a monorepo: one
    per manifest), each category's declaration read from its own manifest.
    Several: JSON entries name their ``manifest``; text and markdown have a
    part per manifest."""
    from consentlint.engine import RunResult, display_path

    if len(projects) <= 1:
        manifest, run = projects[0] if projects else (None, RunResult())
        return render(run, manifest, fmt)
    names = [display_path(manifest.path) if manifest is not None else None for manifest, _ in projects]
    if fmt == "json":
        docs = [json.loads(render(run, manifest, fmt)) for manifest, run in projects]
        categories = [{**entry, "manifest": name} for name, doc in zip(names, docs) for entry in doc["categories"]]
        return json.dumps({**docs[0], "categories": categories}, indent=2, ensure_ascii=False) + "\n"
    parts = []
    for name, (manifest, run) in zip(names, projects):
        title = name or "files without a manifest"
        text = render(run, manifest, fmt)
        if fmt == "markdown":
            parts.append(text.replace("# Personal-data inventory\n", f"# Personal-data inventory: {title}\n", 1))
        else:
            parts.append(f"[{title}]\n{text}")
    return "\n".join(parts)
