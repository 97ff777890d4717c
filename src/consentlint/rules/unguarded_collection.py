"""Personal data is collected on a path that no consent check guards.

## What it does
Reports a collecting call or read when no consent check for its category
dominates it: on some path to the call no check for that category has run and
succeeded. A check counts when the call is in its true branch (or the false
branch of a negated check), after an early `return`/`raise` that leaves only
the consented path, on the right of `and`/`or`, in the matching arm of a
conditional expression, inside a function carrying a consent decorator from the
manifest, inside a callback handed to a consent request, or through a local
variable that holds the check's result. With `platform_permissions` (the
default), a runtime-permission check for one of the API's permissions counts too.

Checks count across functions and files: a call of an app helper whose result
implies a check (`hasLocationPermission()` wrapping `checkSelfPermission`, with
the permission passed in or fixed), a helper that throws unless granted, and
callers: a function whose every call in the project is guarded is guarded.
Framework callbacks, functions passed on as values and functions nothing calls
are entry points, never guarded by callers. When some callers check and one
does not, the message names that unguarded path (`via MapScreen.onResume ->
Tracker.latest`).

A check whose result is ignored guards nothing, and neither does a check that
runs after the call. Only categories whose legal basis is consent (the default)
need a guard.

## Why is this bad?
Collecting before the user consents is one of the failures regulators cite most
(China's Cybersecurity Law Art. 41, PI Security Specification GB/T 35273
section 5.4; GDPR Art. 6 and 7; PIPL Art. 13-14).

## Example
```python
from plyer import gps

def track():
    gps.start()
```
```kotlin
fun showPosition(manager: LocationManager) {
    val here = manager.getLastKnownLocation(LocationManager.GPS_PROVIDER)
}
```
```typescript
export function locate() {
  navigator.geolocation.getCurrentPosition(show);
}
```

## Use instead
```python
from plyer import gps
from app.privacy import has_consent

def track():
    if not has_consent("location"):
        return
    gps.start()
```
```kotlin
fun showPosition(context: Context, manager: LocationManager) {
    if (ContextCompat.checkSelfPermission(context, ACCESS_FINE_LOCATION) == PERMISSION_GRANTED) {
        val here = manager.getLastKnownLocation(LocationManager.GPS_PROVIDER)
    }
}
```
```typescript
import { hasConsent } from "./privacy";

export function locate() {
  if (!hasConsent("location")) return;
  navigator.geolocation.getCurrentPosition(show);
}
```

## Fix
Unsafe (it changes what the code does), in Python: wraps the collecting
statement in `if has_consent("location.precise"):` with the manifest's first
consent check that Python code can import (its module is a file of the
project), adding the import; when the function does nothing but collect, it
returns early at its top instead, and an assignment keeps its name defined
(`phone = request.POST["phone"] if has_consent("identity.phone") else None`).
Java, Kotlin, JavaScript and TypeScript get no code fix yet. In every
language, a display-only suggestion: `# noqa: PDC201 -- TODO reason` (write
the reason).

## Configuration
Name the app's consent functions in the manifest's `[consent]` table (`checks`,
`decorators`, `requests`); set `basis` on a `[[data]]` entry for data collected
under another legal basis (contract, legal-obligation, emergency, public).

## References
- GB/T 35273-2020 section 5.4 (consent before collection)
- https://gdpr-info.eu/art-7-gdpr/
"""

import os
from functools import lru_cache

from consentlint.findings import DISPLAY_ONLY, ERROR, UNSAFE, Finding, Fix

CODE = "PDC201"
NAME = "unguarded-collection"
SEVERITY = ERROR
SCOPE = "file"
FIXES = (UNSAFE, DISPLAY_ONLY)


def check(ctx):
    for site in ctx.collections:
        if site.needs_consent and site.status == "unguarded" and site.source.sdk is None:  # (an SDK's start: PDC206)
            via = f" (via {' -> '.join(step.name for step in site.via)})" if site.via else ""
            yield Finding.at_site(CODE, SEVERITY, site,
                                  f"`{site.text}` collects {site.category} on a path that no consent check "
                                  f"for it guards{via}", fixes=_fixes(ctx.manifest, site))


def _fixes(manifest, site) -> tuple[Fix, ...]:
    fixes = []
    check = python_check(manifest) if site.source.languages == ("python",) else None
    if check is not None:
        call = f'{check.rpartition(".")[2]}("{site.category}")'
        fixes.append(Fix(f"Guard it with `if {call}:`", UNSAFE, site.path,
                         ("python.guard", site.span.line, site.span.column, site.category, check)))
    fixes.append(Fix(f"Suppress it with `noqa: {CODE}` (write the reason)", DISPLAY_ONLY, site.path,
                     ("noqa.add", site.span.line, CODE)))
    return tuple(fixes)


def python_check(manifest) -> str | None:
    """The manifest's first consent check that Python code can import and
    call with the category first: a dotted name whose module is a file of
    the project (so it is not a Java or Kotlin name)."""
    if manifest is None:
        return None
    return _python_check(str(manifest.root), tuple((c.function, c.category_arg) for c in manifest.checks))


@lru_cache(maxsize=64)
def _python_check(root: str, checks: tuple) -> str | None:
    for function, category_arg in checks:
        module, dot, name = function.rpartition(".")
        if category_arg != 0 or not dot or "#" in function or "/" in function or not name.isidentifier():
            continue
        base = module.replace(".", os.sep)
        if any(os.path.isfile(os.path.join(root, folder, base + tail))
               for folder in ("", "src") for tail in (".py", os.sep + "__init__.py")):
            return function
    return None
