"""What PDC301 and PDC302 share: a data-subject right the manifest must name a
handler for (`[rights] <key>`), once the app creates accounts or collects
identity data, and that handler must be in the scanned code."""

from consentlint import facts as F
from consentlint.consent import short_name
from consentlint.findings import Finding


def check(ctx, code: str, severity: str, key: str, right: str):
    manifest = ctx.manifest
    if manifest is None or not ctx.project_scope:
        return
    handler = dict(manifest.rights).get(key)
    if handler is None:
        reason = _reason(ctx)
        if reason is None:
            return
        line = manifest.line_of("rights")
        yield Finding.at(code, severity, ctx.manifest_display, F.Span(line, 1, line, 1),
                         f"{reason}, but the manifest names no handler for {right}: add `[rights] {key}`",
                         context=f"rights:{key}")
    elif handler not in ctx.defined_names:
        line = manifest.line_of("rights", key)
        yield Finding.at(code, severity, ctx.manifest_display, F.Span(line, 1, line, 1),
                         f"`[rights] {key}` names `{handler}`, which is not in the scanned code "
                         f"(a typo, or a removed handler)", context=f"rights:{key}")


def _reason(ctx) -> str | None:
    """Why the app owes its users the right: the first account it creates,
    else the identity data it collects; None when neither."""
    if ctx.accounts:
        path, line, api = ctx.accounts[0]
        return f"the app creates user accounts (`{short_name(api)}`, {path}:{line})"
    identity = sorted({c.category for c in ctx.collections if c.category.startswith("identity.")})
    if identity:
        return f"the app collects identity data ({', '.join(identity)})"
    return None
