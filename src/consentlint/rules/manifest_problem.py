"""The privacy manifest is missing, or names a consent function the code never calls.

## What it does
Reports once, at the first scanned file that has no `privacy-manifest.toml`
in its folder or any parent (each file is judged against the nearest one, or
the one `--manifest` names); then every collected category counts as
undeclared, runtime-permission checks still count as consent, and the inventory
is still complete. In a whole-project scan it also reports each consent check,
decorator or request the manifest names that nothing in the scanned code calls
or uses: most often a typo, which would make every guard silently fail to
match.

A malformed manifest (TOML syntax, unknown key, wrong type, unknown category)
is not a finding: it stops the run with exit code 2 and a message naming file,
line and key.

## Why is this bad?
Without a published, specific policy the app cannot show users what it
collects (Cybersecurity Law Art. 41; GB/T 35273 section 5.5), and consentlint
cannot check declarations.

## Example
```toml
[consent]
checks = ["app.privacy.has_consnet"]
```

## Use instead
```toml
[consent]
checks = ["app.privacy.has_consent"]
```

## Configuration
`--manifest FILE`. The "never called" part runs only when the scan covers the
manifest's whole folder (or with `--project`), not for explicit file lists.

## References
- DESIGN section 4, "The policy manifest"
"""

from consentlint import facts as F
from consentlint.findings import WARNING, Finding

CODE = "PDC002"
NAME = "manifest-problem"
SEVERITY = WARNING
SCOPE = "run"


def check(ctx):
    if ctx.manifest is None:
        if ctx.expected_manifest:  # at the first file without one (a real file, never an invented path)
            yield Finding.at(CODE, SEVERITY, ctx.expected_manifest, F.Span(1, 1, 1, 1),
                             "no privacy-manifest.toml in this file's folder or a parent folder: "
                             "every collected category counts as undeclared")
        return
    if not ctx.project_scope:
        return
    manifest = ctx.manifest
    named = [(c.function, c.line, "consent check") for c in manifest.checks]
    named += [(d, manifest.line_of_item(("consent", "decorators"), d), "consent decorator") for d in manifest.decorators]
    named += [(r, manifest.line_of_item(("consent", "requests"), r), "consent request") for r in manifest.requests]
    for function, line, what in named:
        if function not in ctx.used_names:
            yield Finding.at(CODE, SEVERITY, ctx.manifest_display, F.Span(line, 1, line, 1),
                             f"{what} `{function}` named in the manifest is never used in the scanned code",
                             context=f"consent:{function}")
