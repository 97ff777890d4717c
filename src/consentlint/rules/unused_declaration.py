"""The manifest declares a category that nothing in the code collects.

## What it does
In a whole-project scan, reports each `[[data]]` entry of the manifest whose
category (or any category below it) no collection site in the scanned code
collects.

## Why is this bad?
The manifest is the machine-readable twin of the published policy; a policy
that claims more than the app does is inaccurate too (GB/T 35273 section 5.5
asks for the types actually collected), and stale declarations hide real
drift when the code changes.

## Example
```toml
[[data]]
category = "contacts"   # nothing reads the address book any more
```

## Use instead
Remove the entry, or, if the collection happens in code consentlint does not
scan (a native SDK, a server), keep it and suppress this code for the manifest.

## Fix
Unsafe (the collection may happen where consentlint does not look): removes
the `[[data]]` entry from the manifest, keeping its other comments and order.

## Configuration
Runs only when the scan covers the manifest's whole folder (or with
`--project`), not for explicit file lists.

## References
- GB/T 35273-2020 section 5.5
"""

from consentlint import facts as F
from consentlint import taxonomy
from consentlint.findings import UNSAFE, WARNING, Finding, Fix

CODE = "PDC102"
NAME = "unused-declaration"
SEVERITY = WARNING
SCOPE = "project"
FIXES = (UNSAFE,)


def check(ctx):
    if ctx.manifest is None or not ctx.project_scope:
        return
    collected = {site.category for site in ctx.collections}
    for decl in ctx.manifest.data:
        if not any(taxonomy.covers(decl.category, c) for c in collected):
            yield Finding.at(CODE, SEVERITY, ctx.manifest_display, F.Span(decl.line, 1, decl.line, 1),
                             f"the manifest declares {decl.category}, but nothing in the scanned code collects it",
                             category=decl.category, context=f"data:{decl.category}",
                             fixes=(Fix(f"Remove the declaration of {decl.category}", UNSAFE, str(ctx.manifest.path),
                                        ("manifest.undeclare", decl.category)),))
