"""The app installs another app without the user's consent for it.

## What it does
Reports a package installation on a path that no consent check for the
purpose `install-apps` guards: an Android `PackageInstaller` session
(`createSession`, `Session.commit`), an intent with
`Intent.ACTION_INSTALL_PACKAGE`, or an intent whose data is typed
`application/vnd.android.package-archive` (`setDataAndType(uri, APK_MIME)`,
the MIME type as a literal or a constant), and the React Native equivalents
(`RNFetchBlob.android.actionViewIntent(path, APK_MIME)`, expo-intent-launcher
and react-native-intent-launcher with that type). The guard analysis is the one
of PDC201: the check may be in the function, in the app's helpers, or in every
caller. One session in a function is one installation.

## Why is this bad?
Downloading and installing other apps the user did not ask for (promoted apps,
"recommended" downloads) is one of the behaviours China's MIIT app campaigns
name ("downloading and installing apps without the user's consent"); Google
Play's policy forbids an app to install other APKs unless that is its core
function, and the `REQUEST_INSTALL_PACKAGES` permission only says the app may
ask, not that this user agreed to this installation. Ask for `install-apps`
consent in the app's own words, then install.

## Example
```java
void onUpdateDownloaded(File apk) {
    Intent intent = new Intent(Intent.ACTION_VIEW);
    intent.setDataAndType(FileProvider.getUriForFile(this, AUTHORITY, apk), "application/vnd.android.package-archive");
    startActivity(intent);
}
```
```kotlin
fun install(apk: Uri) {
    startActivity(Intent(Intent.ACTION_INSTALL_PACKAGE).setData(apk))
}
```
```javascript
RNFetchBlob.android.actionViewIntent(path, "application/vnd.android.package-archive");
```

## Use instead
```java
void onPartnerAppDownloaded(Uri apk) {
    if (Consent.isGranted("install-apps")) {  // the user agreed to install it
        startActivity(new Intent(Intent.ACTION_VIEW).setDataAndType(apk, APK_MIME));
    }
}
```
```kotlin
fun install(apk: Uri) {
    if (Consent.isGranted("install-apps")) {
        startActivity(Intent(Intent.ACTION_INSTALL_PACKAGE).setData(apk))
    }
}
```
```javascript
if (await hasConsent("install-apps")) {
  RNFetchBlob.android.actionViewIntent(path, "application/vnd.android.package-archive");
}
```

## Configuration
The installing calls are catalog sources with `purpose = "install-apps"`
(`checks/android/installs.toml`, `checks/react-native/`, and `--catalog`
folders); the consent checks are the manifest's `[consent]` checks called with
`"install-apps"` (or a value the analysis cannot know), and consent-named
settings, as for PDC201.

## References
- GB/T 35273-2020 section 5.4
- https://support.google.com/googleplay/android-developer/answer/12085295
- https://developer.android.com/reference/android/Manifest.permission#REQUEST_INSTALL_PACKAGES
"""

from dataclasses import replace

from consentlint.consent import short_name
from consentlint.findings import ERROR, Finding

CODE = "PDC501"
NAME = "installs-other-apps"
SEVERITY = ERROR
SCOPE = "file"


def check(ctx):
    seen = set()
    for site in sorted(ctx.installs, key=lambda s: (s.span.line, s.span.column)):
        if not site.needs_consent or site.status == "guarded" or (site.function, site.source.id) in seen:
            continue
        seen.add((site.function, site.source.id))  # createSession then commit: one installation
        via = f" (via {' -> '.join(step.name for step in site.via)})" if site.via else ""
        mismatched = f"; the check here is for something else: {site.guard.describe()}" \
            if site.status == "mismatched" else ""
        finding = Finding.at_site(CODE, SEVERITY, site,
                                  f"`{_called(site.api)}` installs an app package on a path that no consent check "
                                  f"for install-apps guards{via}{mismatched}")
        yield replace(finding, category=None)


def _called(api: str) -> str:
    """``Intent.setDataAndType``; a constructor as ``Intent(..)``."""
    leaf = api.replace("#", ".").rpartition(".")[2]
    return f"{leaf}(..)" if leaf[:1].isupper() else short_name(api)
