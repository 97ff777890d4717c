"""Collected personal data is sent over cleartext HTTP or by SMS.

## What it does
Reports a network request whose URL is a visible `http://` literal, constant
or prefix (`new URL("http://..." + lat)`, OkHttp's `Request.Builder.url`,
Volley requests, `fetch`, axios, Python `requests`, `httpx`, `aiohttp`,
`urllib`) and that carries collected personal data or a value derived from
it, in the URL or in the body it is given; and a text message whose body
carries such data (`SmsManager.sendTextMessage`, `sendMultipartTextMessage`,
plyer `sms.send`). The data is followed as for PDC402: through locals, fields
of the same class, string building, collections, callbacks and the app's own
functions across files. The finding sits at the request or the SMS call and
names where the data was collected.

## Why is this bad?
Anything sent over plain HTTP can be read and changed by whoever is on the
network path (public Wi-Fi, a carrier, a compromised router); an SMS is stored
by the carrier and readable on the recipient's device. China's Cybersecurity
Law (Art. 21, 42) and GB/T 35273-2020 (6.3, 9.2) require technical measures to
protect personal information in transmission; GDPR Art. 32 asks for encryption
where appropriate; Android blocks cleartext traffic by default since API 28
unless the app opts back in.

## Example
```java
Location location = locationManager.getLastKnownLocation(LocationManager.GPS_PROVIDER);
URL url = new URL("http://api.example.com/track?lat=" + location.getLatitude());
```
```python
requests.post("http://api.example.com/signup", data={"email": email})
```
```java
SmsManager.getDefault().sendTextMessage(number, null, "I am at " + location.getLatitude(), null, null);
```

## Use instead
```java
URL url = new URL("https://api.example.com/track?lat=" + location.getLatitude());
```
```python
requests.post("https://api.example.com/signup", data={"email": email})
```
Send data to your server over HTTPS rather than by SMS.

## Configuration
The requests and SMS calls are `[[sink]]` entries with `kind = "network"` (and
the argument that holds the URL) or `kind = "sms"` in `checks/`; data flows,
sanitisers and listeners as for PDC402. A URL the analysis cannot see (built
at run time, read from configuration) is not reported.

## References
- GB/T 35273-2020 sections 6.3, 9.2
- https://developer.android.com/privacy-and-security/risks/cleartext-communications
- https://mas.owasp.org/MASVS/controls/MASVS-NETWORK-1/
- https://cwe.mitre.org/data/definitions/319.html
"""

from consentlint.findings import ERROR, Finding
from consentlint.rules.flow_messages import origin_text

CODE = "PDC401"
NAME = "cleartext-transmission"
SEVERITY = ERROR
SCOPE = "file"


def check(ctx):
    for flow in ctx.flows:
        if flow.sink.kind == "network":
            message = f"{origin_text(flow, ctx.path)} is sent over cleartext HTTP (`{_shorten(flow.url)}`) by `{flow.shown}`"
        elif flow.sink.kind == "sms":
            message = f"{origin_text(flow, ctx.path)} is sent by SMS (`{flow.shown}`)"
        else:
            continue
        yield Finding.at_flow(CODE, SEVERITY, flow, message)


def _shorten(url: str | None, limit: int = 60) -> str:
    url = url or "http://"
    return url if len(url) <= limit else url[:limit - 3] + "..."
