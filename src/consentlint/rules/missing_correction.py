"""The app creates accounts or collects identity data, and the manifest names no way to see and correct it.

## What it does
Reports, at the manifest, a missing `[rights] correct_data` when the scanned
code creates user accounts or collects identity data (`identity.*`
categories), and a `correct_data` that names a function or class the scanned
code does not define (a typo, or a removed handler). It runs when the scan
covers the manifest's whole folder (or with `--project`).

## Why is this bad?
Users have the right to access and correct the personal information an app
holds about them: China's Cybersecurity Law Art. 43, PIPL Art. 45-46,
GB/T 35273-2020 sections 8.1-8.2, GDPR Art. 15-16. Regulators' app campaigns
name "no way to correct personal information" among the violations they order
fixed.

## Example
```toml
[rights]
delete_account = "app.accounts.views.delete_account"
correct_data = "app.accounts.views.edit_profil"   # a typo: nothing defines it
```

## Use instead
```toml
[rights]
delete_account = "app.accounts.views.delete_account"
correct_data = "app.accounts.views.edit_profile"
```

## Configuration
`[rights] correct_data` in `privacy-manifest.toml`: the qualified name of the
handler (Python `pkg.module.function`, Java/Kotlin `pkg.Class.method`, JS/TS
`<module>#<export>`).

## References
- GB/T 35273-2020 section 8.2
- https://gdpr-info.eu/art-16-gdpr/
"""

from consentlint.findings import ERROR
from consentlint.rules import data_rights

CODE = "PDC302"
NAME = "missing-correction"
SEVERITY = ERROR
SCOPE = "project"


def check(ctx):
    yield from data_rights.check(ctx, CODE, SEVERITY, "correct_data", "seeing and correcting one's data")
