"""One consent action for several purposes, or one permission request for unrelated data.

## What it does
Reports one action that asks for or grants consent to several things at once:

- a call of a `[consent] records` function or of a consent request
  (`[consent] requests`) whose argument lists several categories or purposes
  (`record_consent(["analytics", "ads"])`), or sets several of them to
  granted (`recordConsent({analytics: true, ads: true})`,
  `record_consent(analytics=True, ads=True)`);
- several `[consent] records` calls, or writes of consent-named settings
  (`putBoolean("analytics_consent", true)`), one after the other or chained,
  each recording another purpose as granted with a fixed value, with no
  branch between them (`record("analytics", true); record("ads", true)` in
  one click handler);
- one runtime-permission request for permissions of unrelated categories
  (`requestPermissions(new String[]{ACCESS_FINE_LOCATION, READ_CONTACTS}, 1)`).
  Permissions whose categories share a top-level category are one (fine and
  coarse location; location with Bluetooth scanning, which Android ties to
  it), and permissions for no catalogued personal data (notifications) do
  not count.

When the bundle mixes a purpose the manifest declares `required = false` with
one it declares `required = true`, the finding says so. The finding is at the
call (the first of several record calls) and names what was bundled.

## Why is this bad?
Consent must be specific: given for each purpose separately, so that the user
can agree to one and refuse another (GDPR Art. 6(1)(a) and 7(2), Recital 32
and 43; EDPB Guidelines 05/2020 on consent, section 3.2). China's PI Security
Specification (GB/T 35273-2020 section 5.3) forbids bundling several
business functions' collection into one authorisation, and MIIT's app
campaigns name "bundled" requests and asking for all permissions at once,
out of the context that needs them, as violations. Android's guidance is to
request each permission when the feature that needs it is used.

## Example
```kotlin
ActivityCompat.requestPermissions(this, arrayOf(ACCESS_FINE_LOCATION, READ_CONTACTS), REQUEST_ALL)
```

## Use instead
```kotlin
// ask for location where the map needs it, and for contacts where the user invites a friend
ActivityCompat.requestPermissions(this, arrayOf(ACCESS_FINE_LOCATION), REQUEST_LOCATION)
```

## Configuration
The record and request functions are `[consent] records` and `[consent]
requests` in the manifest; `required` of each `[[data]]` entry marks the
optional purposes. The setting writes are the catalogs' `[[setting_write]]`
tables, and a setting is consent-named as for PDC203. The permission requests are the catalogs'
`[[permission_request]]` tables, and a permission's categories are those of
the catalogued sources that need it (`checks/`, and `--catalog` folders).

## References
- GB/T 35273-2020 section 5.3
- https://gdpr-info.eu/art-7-gdpr/
- https://www.edpb.europa.eu/our-work-tools/our-documents/guidelines/guidelines-052020-consent-under-regulation-2016679_en
- https://developer.android.com/training/permissions/requesting#workflow_for_requesting_permissions
"""

from consentlint.consent import leaf_name, short_name
from consentlint.findings import ERROR, Finding

CODE = "PDC204"
NAME = "bundled-consent"
SEVERITY = ERROR
SCOPE = "file"


def check(ctx):
    for bundle in ctx.bundles:
        call = bundle.calls[0]
        if bundle.kind == "permissions":
            asked = [f"{tops} ({', '.join(leaf_name(p) for p in perms)})" for tops, perms in bundle.groups]
            message = f"`{short_name(bundle.api)}` asks for {_and(asked)} in one request"
        else:
            purposes = _and([p for p, _ in bundle.groups])
            lines = ""
            numbers = sorted({c.span.line for c in bundle.calls})
            if len(numbers) > 1:
                lines = " (lines " + ", ".join(map(str, numbers)) + ")"
            verb, what = ("asks for", "request") if bundle.kind == "request" else ("grants", "action")
            message = f"`{short_name(bundle.api)}` {verb} {purposes} in one {what}{lines}"
            if bundle.optional:
                message += (f": optional {', '.join(bundle.optional)} is granted with required "
                            f"{', '.join(bundle.required)}")
        yield Finding.at(CODE, SEVERITY, ctx.path, call.span, message, api=bundle.api, context=bundle.function)


def _and(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)
