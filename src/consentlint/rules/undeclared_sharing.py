"""Collected personal data reaches a third-party SDK the manifest does not list for it.

## What it does
Reports a call into a third-party SDK (Firebase Analytics and Crashlytics,
the Facebook SDK's app events, AppsFlyer, Mixpanel, Umeng, Amplitude, gtag,
Sentry) that receives collected personal data or a value derived from it,
when the `[[data]]` entry of that category does not list the SDK's party in
`shared_with`. The data is followed as for PDC402; the finding sits at the
SDK call and names where the data was collected and the party it goes to.

Also reports the start of an SDK that collects by itself (the SDKs of
PDC206: Umeng, JPush, Bugly, AppsFlyer, Adjust, Google Mobile Ads, Firebase
Analytics, Sentry...) when no `[[third_party]]` of the manifest names it,
by an `sdk` pattern that matches the call or by its id or name, whether or
not a consent check guards the start: the user is asked, but not told who
receives the data.

## Why is this bad?
Handing users' data to another company is sharing, and the policy must say
so: China's PI Security Specification (GB/T 35273-2020, 9.2 and 9.6) asks
apps to tell users which third parties receive what, and regulators cited
apps that linked users' accounts to a third party's programme without
asking. GDPR Art. 13(1)(e) and CCPA/CPRA ask for the recipients, Google
Play's Data safety form and Apple's privacy manifest for what is shared.

## Example
```java
Location location = locationManager.getLastKnownLocation(LocationManager.GPS_PROVIDER);
Bundle params = new Bundle();
params.putDouble("lat", location.getLatitude());
analytics.logEvent("store_search", params);
```
```toml
[[data]]
category = "location.precise"
purposes = ["find-nearby-stores"]
```

## Use instead
Name the party in the manifest (and in the published policy), or keep the
data out of the SDK call:
```toml
[[data]]
category = "location.precise"
purposes = ["find-nearby-stores"]
shared_with = ["firebase-analytics"]

[[third_party]]
id = "firebase-analytics"
name = "Google Analytics for Firebase"
sdk = ["com.google.firebase.analytics.*"]
```

## Configuration
The SDK calls are `[[sink]]` entries with `kind = "sdk"` and the `party` they
send to in `checks/`. A party is listed when the category's `shared_with`
names it, or names a `[[third_party]]` whose `sdk` patterns match the call.
The SDKs that collect by themselves are the catalog sources with `sdk` and
`categories` (as for PDC206).

## References
- GB/T 35273-2020 sections 9.2, 9.6
- https://gdpr-info.eu/art-13-gdpr/
- https://support.google.com/googleplay/android-developer/answer/10787469
"""

import re
from fnmatch import fnmatchcase

from consentlint.consent import short_name
from consentlint.findings import ERROR, Finding
from consentlint.rules.flow_messages import origin_text

CODE = "PDC104"
NAME = "undeclared-sharing"
SEVERITY = ERROR
SCOPE = "file"


def check(ctx):
    for flow in ctx.flows:
        if flow.sink.kind != "sdk" or _listed(ctx.manifest, flow):
            continue
        party = flow.sink.party or "a third party"
        yield Finding.at_flow(CODE, SEVERITY, flow,
                              f"{origin_text(flow, ctx.path)} reaches `{flow.shown}` ({party}), which "
                              f"`shared_with` for {flow.origin.category} does not list")
    starts: dict = {}
    for site in ctx.collections:
        if site.source.sdk is not None and not _named(ctx.manifest, site):
            starts.setdefault((site.span.line, site.span.column, site.source.id), []).append(site)
    for sites in starts.values():
        site = sites[0]
        categories = ", ".join(sorted({s.category for s in sites}))
        yield Finding.at_site(CODE, SEVERITY, site,
                              f"`{short_name(site.api)}` starts {site.source.sdk}, which collects {categories} "
                              f"by itself, and no `[[third_party]]` in the manifest names it")


def _named(manifest, site) -> bool:
    """Whether a ``[[third_party]]`` names the SDK ``site`` starts: an ``sdk``
    pattern matches the call, or its id or name is the SDK's name."""
    if manifest is None:
        return False
    sdk = _plain(site.source.sdk)
    return any(any(_matches(site.api, pattern) for pattern in party.sdk)
               or sdk in (_plain(party.id), _plain(party.name or ""))
               for party in manifest.third_parties)


def _plain(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _listed(manifest, flow) -> bool:
    if manifest is None:
        return False
    declaration = manifest.declaration(flow.origin.category)
    shared = set(declaration.shared_with) if declaration is not None else set()
    if flow.sink.party in shared:
        return True
    return any(party.id in shared and any(_matches(flow.api, pattern) for pattern in party.sdk)
               for party in manifest.third_parties)


def _matches(api: str, pattern: str) -> bool:
    """``com.mapbox.*`` (a package and what is below it), ``mapbox-gl`` (a JS/TS module)."""
    if pattern.endswith(".*"):
        return api.startswith(pattern[:-1])
    return fnmatchcase(api, pattern) or api.partition("#")[0] == pattern
