"""A consent check guards the collection, but for another category or purpose.

## What it does
Reports a collecting call that is dominated by a consent or permission check,
none of which is for the collected category: consent to `camera` guarding a
location read, or a `CAMERA` permission check guarding `gps.start()`. A check
argument matches when it equals the category, is a prefix of it (`location`
covers `location.precise`), or is one of the purposes the manifest declares for
it.

## Why is this bad?
Consent is specific: consent to one purpose or type of data does not extend to
another (GB/T 35273 section 5.4; GDPR Art. 4(11) and 7). Reusing the wrong
check is also how bundled consent sneaks in.

## Example
```python
if has_consent("camera"):
    gps.start()
```
```kotlin
if (Consent.isGranted("media.photos")) {
    val here = manager.getLastKnownLocation(LocationManager.GPS_PROVIDER)
}
```
```typescript
if (hasConsent("analytics")) {
  navigator.geolocation.getCurrentPosition(show);
}
```

## Use instead
```python
if has_consent("location"):
    gps.start()
```
```kotlin
if (Consent.isGranted("location")) {
    val here = manager.getLastKnownLocation(LocationManager.GPS_PROVIDER)
}
```
```typescript
if (hasConsent("location")) {
  navigator.geolocation.getCurrentPosition(show);
}
```

## Configuration
Purposes declared under `[[data]]` count as consent arguments for that category.

## References
- GB/T 35273-2020 section 5.4
- https://gdpr-info.eu/art-4-gdpr/
"""

from consentlint.findings import ERROR, Finding

CODE = "PDC202"
NAME = "mismatched-consent"
SEVERITY = ERROR
SCOPE = "file"


def check(ctx):
    for site in ctx.collections:
        if site.needs_consent and site.status == "mismatched" and site.source.sdk is None:  # (an SDK's start: PDC206)
            yield Finding.at_site(CODE, SEVERITY, site,
                             f"`{site.text}` collects {site.category}, but the check that guards it is for "
                             f"another category: {site.guard.describe()}")
