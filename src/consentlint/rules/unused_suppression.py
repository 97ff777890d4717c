"""A `noqa` comment names a PDC code that silences nothing on its line.

## What it does
Reports each PDC code in a `# noqa: ...` / `// noqa: ...` comment for which no
finding with that code starts on the comment's line: the problem was fixed, the
code is misspelled, or the comment sits on another line than the finding (a
suppression applies only to findings that start on its own line).

## Why is this bad?
A suppression is a claim an auditor reads ("the user opted in on the previous
screen"). A stale one documents an exception that no longer exists, and would
silently hide a real problem if the same code came back on that line later.

## Example
```python
if has_consent("location"):
    gps.start()  # noqa: PDC201 -- guarded above anyway
```

## Use instead
```python
if has_consent("location"):
    gps.start()
```

## Fix
Safe: removes the code from the comment, and the whole `noqa` comment (with
its reason) when no code is left.

## Configuration
Suppressions use explicit codes: a bare `# noqa` silences no PDC finding.
Ignore this code (`--ignore PDC003`) to keep stale suppressions. Under flake8,
which handles `noqa` itself, this code is not reported.

## References
- ruff RUF100 (unused-noqa), flake8 `--disable-noqa`
- DESIGN section 8, "Suppression, baseline, configuration"
"""

from consentlint import facts as F
from consentlint.findings import SAFE, WARNING, Finding, Fix

CODE = "PDC003"
NAME = "unused-suppression"
SEVERITY = WARNING
SCOPE = "file"
FIXES = (SAFE,)


def check(ctx):
    """The suppression step fills ``ctx.unused_suppressions`` (empty before it runs)."""
    path = ctx.path
    for s in ctx.unused_suppressions:
        span = F.Span(s.line, s.column, s.line, s.column + len(s.code))
        yield Finding.at(CODE, SEVERITY, path, span, f"`noqa: {s.code}` suppresses nothing on this line",
                         context=f"noqa:{s.code}",
                         fixes=(Fix(f"Remove `{s.code}` from the `noqa` comment", SAFE, path,
                                    ("noqa.remove", s.line, s.column, s.code)),))
