"""The app creates accounts or collects identity data, and the manifest names no way to delete them.

## What it does
Reports, at the manifest, a missing `[rights] delete_account` when the scanned
code creates user accounts (`create_user`, `createUserWithEmailAndPassword`,
`AccountManager.addAccountExplicitly`, ...) or collects identity data
(`identity.*` categories), and a `delete_account` that names a function or
class the scanned code does not define (a typo, or a removed handler). It runs
when the scan covers the manifest's whole folder (or with `--project`).

## Why is this bad?
Users have the right to have their personal information deleted and, where an
app has accounts, to close them: China's Cybersecurity Law Art. 43 and PIPL
Art. 47, GB/T 35273-2020 section 8.5 (account deregistration), GDPR Art. 17;
Apple requires in-app account deletion for apps that create accounts (App Store
Review Guideline 5.1.1(v)) and Google Play a deletion path for apps with accounts.

## Example
```toml
[rights]
correct_data = "app.accounts.views.edit_profile"
# no delete_account, though the app signs users up
```

## Use instead
```toml
[rights]
delete_account = "app.accounts.views.delete_account"
correct_data = "app.accounts.views.edit_profile"
```

## Configuration
`[rights] delete_account` in `privacy-manifest.toml`: the qualified name of the
handler (Python `pkg.module.function`, Java/Kotlin `pkg.Class.method`, JS/TS
`<module>#<export>`). Account-creating APIs are the catalogs'
`[[account_creation]]` tables.

## References
- GB/T 35273-2020 section 8.5
- https://gdpr-info.eu/art-17-gdpr/
- https://developer.apple.com/app-store/review/guidelines/#5.1.1
"""

from consentlint.findings import ERROR
from consentlint.rules import data_rights

CODE = "PDC301"
NAME = "missing-account-deletion"
SEVERITY = ERROR
SCOPE = "project"


def check(ctx):
    yield from data_rights.check(ctx, CODE, SEVERITY, "delete_account", "deleting an account")
