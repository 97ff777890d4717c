"""Personal data is collected in a category the privacy manifest does not declare.

## What it does
Reports every collection site whose data category (for example
`location.precise`) is not declared by a `[[data]]` entry of
`privacy-manifest.toml`. Declaring a prefix covers what is below it: `location`
covers `location.precise` and `location.approximate`.

## Why is this bad?
Privacy law asks the app to tell users which types of personal information it
collects (China's PI Security Specification GB/T 35273 and Cybersecurity Law
Art. 41; GDPR Art. 13; Google Play Data Safety; Apple privacy manifests).
Authorities have ordered apps off the stores for collecting types their policy
does not name.

## Example
```python
from plyer import gps

gps.start()  # location.precise, but the manifest only declares camera use
```
```java
String number = telephony.getLine1Number();  // identity.phone, not in the manifest
```
```javascript
const email = req.body.email;  // identity.email, not in the manifest
```

## Use instead
Declare the category, its purposes and who receives it:
```toml
[[data]]
category = "location.precise"
purposes = ["navigation"]
```

## Fix
Safe: adds a `[[data]]` entry for the category to the manifest, with
`purposes = ["TODO"]` and a comment naming where it is collected (comments and
order of the manifest are kept). Fill in the purposes.

## Configuration
`--manifest FILE` picks the manifest; by default the nearest
`privacy-manifest.toml` upward from the first path is used.

## References
- GB/T 35273-2020 section 5.5 (privacy policy content)
- https://support.google.com/googleplay/android-developer/answer/10787469
"""

import os

from consentlint.findings import ERROR, SAFE, Finding, Fix

CODE = "PDC101"
NAME = "undeclared-collection"
SEVERITY = ERROR
SCOPE = "file"
FIXES = (SAFE,)


def check(ctx):
    for site in ctx.collections:
        if ctx.manifest is not None and ctx.manifest.declaration(site.category) is not None:
            continue
        yield Finding.at_site(CODE, SEVERITY, site,
                              f"`{site.text}` collects {site.category}, which the manifest does not declare",
                              fixes=_fixes(ctx.manifest, site))


def _fixes(manifest, site) -> tuple[Fix, ...]:
    if manifest is None:
        return ()
    # (the path as seen from the manifest's folder, however the scan was started)
    path = os.path.relpath(os.path.abspath(site.path), manifest.root).replace(os.sep, "/")
    where = f"{path}:{site.span.line} (`{site.text}`)"
    return (Fix(f"Declare {site.category} in the manifest", SAFE, str(manifest.path),
                ("manifest.declare", site.category, where)),)
