"""A third-party SDK that collects by itself is started before consent.

## What it does
Reports the call that starts a catalogued analytics, advertising, push or
crash-reporting SDK (`UMConfigure.init`, `JPushInterface.init`,
`CrashReport.initCrashReport`, `MobileAds.initialize`, `gtag("config", ..)`,
`fbq("init", ..)`, ...) on a path that no consent check covering what the SDK
collects guards: locally, through the app's helpers, or in every caller, as for
PDC201, or after the user's yes was stored on the path (the privacy dialog's
"agree" handler: `PrivacyStore.setAgreed(this, true); UMConfigure.init(..)`;
not in `Application.onCreate`, where a stored yes is PDC203's default
consent). The SDK's categories come from its vendor's privacy documentation; the
finding names them and the function the SDK is started in. Calls that the
vendor documents as collecting nothing (Umeng's `UMConfigure.preInit`) are not
reported.

SDKs that start by themselves when the app starts (Firebase Analytics, the
Facebook SDK) are reported at the app's first use of them in a file
(`FirebaseAnalytics.getInstance`) when the nearest `AndroidManifest.xml` does
not turn the automatic start off (`firebase_analytics_collection_enabled`,
`com.facebook.sdk.AutoInitEnabled` or `AutoLogAppEventsEnabled` set to
`false`); no consent check can guard what ran before the app's code.

## Why is this bad?
Third-party SDKs that collect device identifiers, location or usage as soon
as they start are the most frequent finding of China's MIIT app campaigns
("SDK collects personal information before the user agrees to the privacy
policy"), and the vendors themselves tell apps to start them only after
consent. The app is responsible for what the SDKs it embeds collect
(GB/T 35273-2020 section 9.7; PIPL Art. 23; GDPR Art. 26 and the ePrivacy
Directive Art. 5(3) for tags on the web).

## Example
```java
public class App extends Application {
    @Override public void onCreate() {
        super.onCreate();
        UMConfigure.init(this, KEY, "store", UMConfigure.DEVICE_TYPE_PHONE, null);
    }
}
```
```kotlin
class App : Application() {
    override fun onCreate() {
        super.onCreate()
        UMConfigure.init(this, KEY, "store", UMConfigure.DEVICE_TYPE_PHONE, null)
    }
}
```
```python
sentry_sdk.init(dsn=DSN, send_default_pii=True)  # at import: before anyone agreed
```
```javascript
gtag("config", "G-XXXXXXX");  // in the page head, before the consent banner
```

## Use instead
```java
public class App extends Application {
    @Override public void onCreate() {
        super.onCreate();
        UMConfigure.preInit(this, KEY, "store");  // collects nothing
        if (prefs.getBoolean("privacy_agreed", false)) {
            UMConfigure.init(this, KEY, "store", UMConfigure.DEVICE_TYPE_PHONE, null);
        }
    }
}
```
```python
sentry_sdk.init(dsn=DSN, send_default_pii=False)  # no user data until consent
```
```javascript
onConsent(() => gtag("config", "G-XXXXXXX"));  // started from the banner's "agree"
```

## Configuration
The SDKs and their start calls are catalog sources with `sdk` and
`categories`, the self-starting ones `[[auto_start]]` tables with the manifest
meta-data that turns them off (`checks/`, and `--catalog` folders); consent checks as for PDC201
(`[consent]` in the manifest, consent-named settings, runtime permissions).

## References
- GB/T 35273-2020 section 9.7
- https://developer.umeng.com/docs/119267/cate/118577
- https://gdpr-info.eu/art-26-gdpr/
"""

import re

from consentlint.consent import short_name
from consentlint.findings import ERROR, Finding

CODE = "PDC206"
NAME = "sdk-before-consent"
SEVERITY = ERROR
SCOPE = "file"


def check(ctx):
    starts: dict = {}
    for site in ctx.collections:
        if site.source.sdk is not None and site.needs_consent and site.status != "guarded":
            starts.setdefault((site.span.line, site.span.column, site.source.id), []).append(site)
    for sites in starts.values():
        site = sites[0]
        categories = ", ".join(sorted({s.category for s in sites}))
        name = re.split(r"[.#]", site.function)[-1] if site.function else ""
        where = f" (in `{name}`)" if name and not name.startswith("<") else ""
        via = f" (via {' -> '.join(step.name for step in site.via)})" if site.via else ""
        yield Finding.at_site(CODE, SEVERITY, site,
                              f"`{short_name(site.api)}` starts {site.source.sdk}, which collects {categories}, on a path "
                              f"that no consent check for them guards{where}{via}")
    for call, api, sdk, categories, function in ctx.auto_started:
        yield Finding.at(CODE, SEVERITY, ctx.path, call.span,
                         f"{sdk} collects {', '.join(categories)} from the app's start, before any consent: "
                         f"the AndroidManifest.xml does not turn its automatic start off (`{short_name(api)}`)",
                         api=api, context=function)
