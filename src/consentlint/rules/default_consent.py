"""Consent that starts as granted: read with a yes as its default, declared as yes, or recorded at start-up.

## What it does
Reports a read of a stored consent decision whose default, when the user has
never been asked, is the user's yes: `prefs.getBoolean("analytics_consent",
true)`, `os.environ.get("TRACKING_OPT_IN", "1")`, `config.get("marketing_consent",
True)`, or for an opt-out `getBoolean("analytics_opt_out", false)`. The setting
is consent-named: the manifest's `[consent] settings`, or a name the catalog's
consent-name patterns match (`consent`, `opt_in`, `allow_tracking`,
`personalized_ads`, `do_not_track`, `同意`...). The finding is at the read.

It reports a consent-named field, property, module or class variable, state
or parameter declared with the user's yes: `analytics_consent = True`,
`marketing_consent = models.BooleanField(default=True)`,
`forms.BooleanField(initial=True)`, `var analyticsConsent = true`,
`useState(true)`, `mutableStateOf(true)`, a Kotlin property delegated with a
yes default (`val analyticsEnabled by PrefDelegate(KEY, true)`: the delegate
call's one boolean argument), `def record(consent=True)`, and a
pre-ticked consent box in JSX (`<input type="checkbox"
name="marketing-consent" defaultChecked>`, `checked={true}`). Constants
(`CONSENT_GRANTED = 1`) and a function's own locals are not reported. The
finding is at the name (at `defaultChecked` for a box).

It also reports consent recorded as given when the app starts: a `[consent]
records` call, or an SDK's own privacy-agreement call
(`AMapLocationClient.updatePrivacyAgree(context, true)`, Baidu's
`setAgreePrivacy(true)`, Umeng's `submitPolicyGrantResult(context, true)`,
JPush's `JCollectionAuth.setAuth(context, true)`), or a write of a
consent-named setting (`edit().putBoolean("privacy_agreed", true)`, also
through an app helper that stores the answer it is given:
`PrivacyStore.setAgreed(this, true)`), with a fixed yes, that runs at every
start: in `Application.onCreate` (or
another app-start callback), directly, in a `try` or `runCatching`, or in an
app function it calls, with no condition or early return before it; or at a
Python or JS/TS module's top level. The finding is at the call.

## Why is this bad?
Consent must be an affirmative act: silence, pre-ticked boxes or inactivity are
not consent (GDPR Art. 4(11), Recital 32; CJEU Planet49, C-673/17). China's PI
Security Specification forbids consent obtained by default (GB/T 35273-2020
section 5.4), and MIIT's app campaigns name "default consent" as a violation.
A default of "granted" means every user who was never asked is collected from.

## Example
```java
if (prefs.getBoolean("analytics_consent", true)) {
    analytics.start();
}
```
```python
if settings.get("analytics_consent", True):
    start_analytics()
```

## Use instead
```java
if (prefs.getBoolean("analytics_consent", false)) {  // nobody agreed until they do
    analytics.start();
}
```
```python
if settings.get("analytics_consent", False):
    start_analytics()
```

Record the SDK's agreement where the user agrees:
```kotlin
fun onPrivacyDialogAgreed() {
    AMapLocationClient.updatePrivacyAgree(context, true)
}
```

## Configuration
Consent-named settings: `[consent] settings` in the manifest, and the patterns
of `checks/consent_names.toml`. The reads are the catalogs' `[[default_read]]`
tables, the state initialisers (`useState`) their `[[initialiser]]` tables, the
SDK agreement calls their `[[consent_record]]` tables and the app-start
callbacks their `[[app_start]]` tables (`checks/`, and `--catalog` folders);
`[consent] records` names the app's own.

## References
- GB/T 35273-2020 section 5.4
- https://gdpr-info.eu/art-4-gdpr/
- https://curia.europa.eu/juris/liste.jsf?num=C-673/17
- https://lbs.amap.com/api/android-location-sdk/guide/create-project/dev-attention
"""

from consentlint.consent import short_name
from consentlint.findings import ERROR, Finding

CODE = "PDC203"
NAME = "default-consent"
SEVERITY = ERROR
SCOPE = "file"


def check(ctx):
    for call, setting, default, function in ctx.defaults:
        yield Finding.at(CODE, SEVERITY, ctx.path, call.span,
                         f"`{setting}` is read with a default of {_shown(default)}: consent is granted until "
                         f"the user says no", api=call.callee or call.text, context=function)
    for initial in ctx.initials:
        api = initial.via if initial.kind == "checkbox" else initial.name
        yield Finding.at(CODE, SEVERITY, ctx.path, initial.span, _declared(initial), api=api)
    for call, api, start, function in ctx.started:
        when = "at the module's top level" if start == "module" else f"in {start}" if start.startswith("a ") \
            else f"in `{start}`"
        yield Finding.at(CODE, SEVERITY, ctx.path, call.span,
                         f"`{short_name(api)}` records consent as given when the app starts ({when}), before the "
                         f"user was asked", api=api, context=function)


def _declared(initial) -> str:
    """What a consent-named declaration starts as, in words."""
    if initial.kind == "checkbox":
        return f"the consent box `{initial.name}` starts ticked (`{initial.via}`): consent is given unless the " \
               f"user unticks it"
    call, _, keyword = initial.via.partition(":")
    value = _shown(initial.value)
    if not call:
        what, how = ("parameter" if initial.kind == "parameter" else "value"), value
    elif keyword == "by":
        what, how = "property", f"{value}, its delegate {call}'s default"  # by PrefDelegate(KEY, true)
    elif keyword:
        what, how = "field", f"{call}({keyword}={value})"  # BooleanField(default=True)
    else:
        what, how = "state", f"{call}({value})"  # useState(true)
    return f"the consent {what} `{initial.name}` starts as {how}: consent is granted until the user says no"


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)
