r"""The app reads one-time verification codes out of the user's messages or screen.

## What it does
Reports an SMS message's text matched against a one-time-code pattern: the
body of a received message (`Telephony.Sms.Intents.getMessagesFromIntent`,
`SmsMessage.createFromPdu`, then `getMessageBody` / `getDisplayMessageBody`)
or of the SMS provider's rows (the `body` column of a `content://sms` query),
followed through locals, fields and the app's own functions (as for PDC402),
reaching a regular expression with 4-8 digits (`Pattern.compile("\\d{6}")
.matcher(body)`, `body.matches("[0-9]{4,8}")`, Kotlin's `Regex("\\d{6}")
.find(body)`) or a search for `code`, `OTP`, `verification` or `验证码`; in
React Native, the message `react-native-android-sms-listener` hands to its
listener (`message.body`) matched by a regex literal (`/\d{6}/.test(..)`,
`body.match(..)`) or `includes`. The finding sits at the match and names
where the message was read.

Also reports an accessibility service (a class that extends
`AccessibilityService`) that reads the text of other apps' windows:
`AccessibilityEvent.getText`, or `getText` of the node that
`getRootInActiveWindow()` or `event.getSource()` returns.

## Why is this bad?
A one-time code is the key to an account, often another app's or a bank's;
an app that can read every SMS or every screen can take it. Google Play's SMS
and Call Log policy restricts `READ_SMS`/`RECEIVE_SMS` to default SMS apps and
names the SMS Retriever and SMS User Consent APIs for verification; its
accessibility policy forbids using the API to read other apps' content for
anything but helping users with disabilities. China's MIIT campaigns name
reading verification codes among the overreaching collections (GB/T
35273-2020 5.2, collect only what the service needs).

## Example
```java
public void onReceive(Context context, Intent intent) {
    for (SmsMessage sms : Telephony.Sms.Intents.getMessagesFromIntent(intent)) {
        Matcher m = Pattern.compile("\\d{6}").matcher(sms.getMessageBody());
        if (m.find()) verify(m.group());
    }
}
```
```kotlin
class CodeReader : AccessibilityService() {
    override fun onAccessibilityEvent(event: AccessibilityEvent) {
        val text = event.text.joinToString()
    }
}
```

## Use instead
Let the platform hand over the one message meant for the app, without any SMS
permission: the SMS Retriever API (the message carries the app's hash) or the
SMS User Consent API (the user approves that one message); on the web, WebOTP
(`navigator.credentials.get({otp: ..})`) and `autocomplete="one-time-code"`:
```java
SmsRetriever.getClient(this).startSmsUserConsent(null);
// then, in the consent broadcast: startActivityForResult(consentIntent, REQ); read EXTRA_SMS_MESSAGE
```

## Configuration
The matching calls are `[[sink]]` entries with `kind = "code"` and what a
one-time code's pattern looks like is `[[one_time_code]]` (both in
`checks/android/flows.toml`, `checks/web/flows.toml`); the window-text reads and the services are
`[[window_text]]`. The SMS sources are the catalog's `sms` sources.

## References
- https://support.google.com/googleplay/android-developer/answer/10208820
- https://developers.google.com/identity/sms-retriever/overview
- https://developers.google.com/identity/sms-retriever/user-consent/overview
- https://support.google.com/googleplay/android-developer/answer/10964491
- https://developer.mozilla.org/en-US/docs/Web/API/WebOTP_API
- GB/T 35273-2020 section 5.2
"""

from consentlint.consent import short_name
from consentlint.findings import ERROR, Finding
from consentlint.rules.flow_messages import origin_text

CODE = "PDC403"
NAME = "reads-verification-codes"
SEVERITY = ERROR
SCOPE = "file"


def check(ctx):
    for flow in ctx.flows:
        if flow.sink.kind == "code" and flow.origin.category == "sms":
            yield Finding.at_flow(CODE, SEVERITY, flow,
                                  f"{origin_text(flow, ctx.path)} is matched against a one-time code "
                                  f"(`{_shorten(flow.matched)}`) by `{flow.shown}`; the SMS Retriever or "
                                  f"SMS User Consent API hands over only the app's own message")
    for call, api, service, function in ctx.window_reads:
        yield Finding.at(CODE, SEVERITY, ctx.path, call.span,
                         f"`{short_name(api)}` in an `{service.rpartition('.')[2]}` reads the text of other apps' windows",
                         api=api, context=function)


def _shorten(text: str | None, limit: int = 40) -> str:
    text = (text or "").replace("`", "'")
    return text if len(text) <= limit else text[:limit - 3] + "..."
