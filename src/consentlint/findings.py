"""Findings: what rules report, and the per-file and per-project inputs they read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from consentlint import facts as F

ERROR = "error"
WARNING = "warning"

# How safe a fix is (README, "Fixes"): `--fix` applies safe ones, `--unsafe-fixes`
# also unsafe ones (they change behaviour); display-only ones are suggestions.
SAFE = "safe"
UNSAFE = "unsafe"
DISPLAY_ONLY = "display-only"
APPLICABILITIES = (SAFE, UNSAFE, DISPLAY_ONLY)


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text from (line, column) up to (end_line, end_column),
    exclusive, 1-based code points as in spans, with ``text``."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A change that resolves a finding. The rule says what to do
    (``action``: a writer's name and its arguments, read in ``fixes/``) in
    which file (``path``); the edits that does are worked out only when a
    fix is shown or applied (``fixes.resolve``), never during the scan."""

    title: str
    applicability: str  # SAFE | UNSAFE | DISPLAY_ONLY
    path: str
    action: tuple
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    severity: str
    message: str
    category: str | None = None
    api: str | None = None
    catalog_id: str | None = None
    # of a finding about a collection site: "resolved" (the receiver's type
    # named the API) or "inferred" (a distinctive member name alone)
    confidence: str | None = None
    context: str = ""  # enclosing function or manifest key: part of the fingerprint
    fingerprint: str = ""
    # other places that explain it: (path, span, message), e.g. an unguarded call path
    related: tuple = ()
    fixes: tuple[Fix, ...] = ()  # the preferred one first
    # how collected data got here, source first, sink last: (path, span, message)
    flow: tuple = ()

    @property
    def fix(self) -> Fix | None:
        return self.fixes[0] if self.fixes else None

    @classmethod
    def at(cls, code: str, severity: str, path: str, span: F.Span, message: str, **extra) -> Finding:
        return cls(path, span.line, span.column, span.end_line, span.end_column,
                   code, severity, message, **extra)

    @classmethod
    def at_site(cls, code: str, severity: str, site, message: str, fixes: tuple[Fix, ...] = ()) -> Finding:
        """A finding about a collection site (``sites.Collection``)."""
        related = tuple((step.path, step.span, f"`{step.name}`") for step in site.via if step.path)
        return cls.at(code, severity, site.path, site.span, message, category=site.category, api=site.api,
                      catalog_id=site.source.id, confidence=site.confidence, context=site.function,
                      related=related, fixes=fixes)

    @classmethod
    def at_flow(cls, code: str, severity: str, flow, message: str) -> Finding:
        """A finding at a sink that collected data reaches (``flows.Flow``)."""
        origin = flow.origin
        steps = ((origin.path, origin.span, f"collects {origin.category} (`{_short(origin.api)}`)"),
                 *((h.path, h.span, h.message) for h in flow.hops),
                 (flow.path, flow.span, f"reaches `{flow.shown}`"))
        return cls.at(code, severity, flow.path, flow.span, message, category=origin.category, api=flow.api,
                      catalog_id=flow.sink.id, context=flow.function, flow=steps)

    def sort_key(self):
        return (self.path, self.line, self.column, self.code, self.message)


def _short(api: str) -> str:
    from consentlint.consent import short_name

    return short_name(api)


def fingerprint(findings: list[Finding], lines: list[str]) -> list[Finding]:
    """Give each finding a fingerprint that survives edits elsewhere in the file:
    it hashes code, path, context, catalog entry, category and the stripped text
    of the line, never the line number; repeats get an occurrence index. A line
    longer than ``LONG_LINE`` (minified code) enters by its own digest, taken
    once, so many findings on it cost no more than one."""
    seen: dict[str, int] = {}
    texts: dict[int, str] = {}
    out = []
    for finding in sorted(findings, key=Finding.sort_key):
        text = texts.get(finding.line)
        if text is None:
            text = texts[finding.line] = _line_text(lines, finding.line)
        basis = "\x1f".join((finding.code, finding.path, finding.context, finding.catalog_id or "",
                             finding.category or "", text))
        digest = hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()[:32]
        index = seen.get(digest, 0)
        seen[digest] = index + 1
        out.append(replace(finding, fingerprint=f"{digest}:{index}"))
    return out


LONG_LINE = 10_000  # characters


def _line_text(lines: list[str], line: int) -> str:
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    if len(text) > LONG_LINE:
        text = "sha256:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
    return text


@dataclass
class FileResult:
    """What one file contributed: findings of file-scope rules, the collection
    sites (for inventory and project rules), manifest names it uses, errors."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    collections: list = field(default_factory=list)
    used_names: frozenset[str] = frozenset()
    errors: list[str] = field(default_factory=list)
    suppressed: list = field(default_factory=list)  # (Finding, reason or None), silenced by a noqa
    refusals: list = field(default_factory=list)  # (check, call, app exit, function): closes the app when refused
    defaults: list = field(default_factory=list)  # (call, setting, default, function): consent granted by default
    started: list = field(default_factory=list)  # (call, api, start callback, function): consent recorded at start-up
    initials: list = field(default_factory=list)  # facts.Initial: a consent-named declaration that starts as granted
    bundles: list = field(default_factory=list)  # bundles.Bundle: one action asks for or grants several purposes
    accounts: list = field(default_factory=list)  # (api, line): a user account created here
    installs: list = field(default_factory=list)  # sites.Collection for a purpose: installs another app (PDC501)
    auto_started: list = field(default_factory=list)  # (call, api, sdk, categories, function): starts with the app
    window_reads: list = field(default_factory=list)  # (call, api, service, function): other apps' window text read
    defines: frozenset[str] = frozenset()  # the manifest's [rights] handlers defined here
    flows: list = field(default_factory=list)  # flows.Flow: collected data reaching a sink here
