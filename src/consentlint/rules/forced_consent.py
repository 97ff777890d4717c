"""Refusing consent or a permission closes the app.

## What it does
Reports a call that exits or closes the app (`System.exit`, `finishAffinity`,
`exitProcess`, `Process.killProcess`, `sys.exit`, `os._exit`, `raise
SystemExit`, `window.close`, `BackHandler.exitApp`, Electron's `app.quit`) on
the branch where a consent check, a consent-named setting or a runtime
permission check came out refused: `if (!granted) { finishAffinity(); }`, the
`else` of `if (granted)`, or what follows `if (granted) return`. The
check may sit behind the app's own helpers (`if (!hasLocationPermission())`),
and the refusal may be the result of a permission request
(`onRequestPermissionsResult`). The finding is at the closing call and names
the check.

Closing one screen (`Activity.finish()`) is not reported: a screen that exists
only to scan a code may close when the camera is refused, while the rest of
the app goes on. The launcher activity (the `MAIN`/`LAUNCHER` activity of
the nearest `AndroidManifest.xml`, often the splash screen that shows the
privacy dialog) is the exception: its `finish()` on itself closes the app.

## Why is this bad?
Consent that cannot be refused without losing the whole app is forced, not
freely given: GB/T 35273-2020 section 5.3 forbids refusing basic service
because the user declined optional collection, China's MIIT app campaigns cite
"exits when a permission is refused" as a violation, and GDPR Art. 7(4) and
Recital 43 do not count such consent as free. Android's own guidance is to keep
the app working, without the feature, when a permission is denied.

## Example
```kotlin
if (ContextCompat.checkSelfPermission(this, ACCESS_FINE_LOCATION) != PERMISSION_GRANTED) {
    exitProcess(0)
}
```
```python
if not has_consent("location"):
    sys.exit(1)
```
```typescript
if (!(await hasConsent("location"))) {
  BackHandler.exitApp();
}
```

## Use instead
```kotlin
if (ContextCompat.checkSelfPermission(this, ACCESS_FINE_LOCATION) != PERMISSION_GRANTED) {
    showMapWithoutMyLocation()  // the rest of the app keeps working
}
```
```python
if not has_consent("location"):
    show_stores_without_distance()
```
```typescript
if (!(await hasConsent("location"))) {
  showStoresWithoutDistance();
}
```

## Configuration
The closing calls are the catalogs' `[[app_exit]]` tables (`checks/`, and
`--catalog` folders); `launcher = true` marks those that close the app only
from the launcher activity.

## References
- GB/T 35273-2020 section 5.3
- https://gdpr-info.eu/art-7-gdpr/
- https://developer.android.com/training/permissions/requesting#handle-denial
"""

from consentlint.consent import short_name
from consentlint.findings import ERROR, Finding

CODE = "PDC205"
NAME = "forced-consent"
SEVERITY = ERROR
SCOPE = "file"


def check(ctx):
    for guard, call, api, function in ctx.refusals:
        yield Finding.at(CODE, SEVERITY, ctx.path, call.span,
                         f"refusing {_refused(guard)} closes the app (`{_closing(call, api)}`)",
                         api=api, context=function)


def _refused(guard) -> str:
    """What was refused, and where it was checked."""
    check = guard.check
    values = ", ".join(check.values)
    if check.kind == "permission":
        what = f"the permission {values}" if values else "a permission"
    else:
        what = f"consent to {values}" if values else "consent"
    return f"{what} (`{short_name(guard.api)}`, line {guard.line})"


def _closing(call, api: str) -> str:
    """The exit as written (``sys.exit()``, ``BackHandler.exitApp()``), with
    its class when written bare (``finishAffinity()``: ``Activity.finishAffinity()``),
    or the builtin exception raised (``raise SystemExit``)."""
    if api.startswith("builtins."):
        return f"raise {call.text}"
    if "." in call.text:
        return f"{call.text}()"
    owner, _, name = api.replace("#", ".").rpartition(".")
    cls = owner.rpartition(".")[2]
    return f"{cls}.{name}()" if cls[:1].isupper() else f"{name}()"
