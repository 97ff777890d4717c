"""Collected personal data is written to a log.

## What it does
Reports a log call that receives collected personal data or a value derived
from it: the result of a collecting call, a field or getter of the object it
returns (`location.getLatitude()`), the parameter of a listener the platform
hands the data to (`onLocationChanged(location)`), followed through locals,
fields of the same class, string building (concatenation, templates,
`String.format`, `toString`, `JSON.stringify`), collections, and the returns
and parameters of the app's own functions, across files. The log calls are
`android.util.Log`, Timber, `System.out`/`System.err`, SLF4J,
`java.util.logging`, `console.*`, Python's `logging` and `print`. The finding
sits at the log call and names where the data was collected; one finding per
collecting place and log call.

## Why is this bad?
Logs end up where the user's data should not: the device log other apps and
bug reports read, crash-reporting services, CI output, log aggregation with
long retention. China's PI Security Specification (GB/T 35273-2020, 6.3 and
9.2) asks that personal information be de-identified in what the app keeps
and shows; OWASP MASVS (MASVS-STORAGE-2) and the Android security guidelines
name logs as a common leak; GDPR Art. 32 asks for the security of processing.

## Example
```java
Location location = locationManager.getLastKnownLocation(LocationManager.GPS_PROVIDER);
Log.d(TAG, "at " + location.getLatitude() + "," + location.getLongitude());
```
```python
email = request.POST["email"]
logger.info("signup from %s", email)
```
```javascript
navigator.geolocation.getCurrentPosition((pos) => console.log(pos.coords));
```

## Use instead
Log that something happened, not the data; when a value is needed to tell
records apart, log a hash or a count:
```java
Location location = locationManager.getLastKnownLocation(LocationManager.GPS_PROVIDER);
Log.d(TAG, "location known: " + (location != null));
```
```python
logger.info("signup from %s", hashlib.sha256(email.encode()).hexdigest()[:8])
```

## Configuration
The log calls are `[[sink]]` entries with `kind = "log"` in `checks/`; what
carries data through calls outside the app (`[[data_flow]]`), what ends a
flow (`[[sanitiser]]`: hashes, lengths, emptiness tests) and the listeners
that receive data (`[[listener]]`) are catalog data too, extensible with
`--catalog`. A call the app does not define and no catalog names carries
nothing.

## References
- GB/T 35273-2020 sections 6.3, 9.2
- https://mas.owasp.org/MASVS/controls/MASVS-STORAGE-2/
- https://developer.android.com/privacy-and-security/risks/log-info-disclosure
- https://cwe.mitre.org/data/definitions/532.html
"""

from consentlint.findings import ERROR, Finding
from consentlint.rules.flow_messages import origin_text

CODE = "PDC402"
NAME = "personal-data-logged"
SEVERITY = ERROR
SCOPE = "file"


def check(ctx):
    for flow in ctx.flows:
        if flow.sink.kind == "log":
            yield Finding.at_flow(CODE, SEVERITY, flow,
                                  f"{origin_text(flow, ctx.path)} reaches the log call `{flow.shown}`")

