"""Apple's privacy manifest, ``PrivacyInfo.xcprivacy`` (a property list,
written with ``plistlib``): ``NSPrivacyCollectedDataTypes`` with one entry per
Apple data type the app collects (the taxonomy's ``apple`` label), each
``Linked`` to the user (what the code shows cannot tell otherwise: say so in
Xcode if it is not), not used for ``Tracking`` unless it is shared with an
advertising recipient, and with its purposes (a manifest purpose naming one of
Apple's, else ``Other``). ``NSPrivacyTracking`` is true when any is tracking.
Categories Apple has no type for are left out. Required-reason APIs
(``NSPrivacyAccessedAPITypes``) are not what consentlint looks for: the list
is empty."""

from __future__ import annotations

import plistlib
import re

PURPOSES = {"analytics": "Analytics", "statistics": "Analytics", "app_functionality": "AppFunctionality", "functionality": "AppFunctionality",
            "personalization": "ProductPersonalization", "personalisation": "ProductPersonalization",
            "advertising": "ThirdPartyAdvertising", "third_party_advertising": "ThirdPartyAdvertising",
            "developer_advertising": "DeveloperAdvertising", "marketing": "DeveloperAdvertising"}
PREFIX = "NSPrivacyCollectedDataTypePurpose"
_ADVERTISING = re.compile(r"ad|advert|marketing|track", re.I)


def _purposes(purposes) -> list[str]:
    found = {PURPOSES.get(re.sub(r"[^a-z]+", "_", p.lower()).strip("_")) for p in purposes}
    named = sorted(PREFIX + p for p in found if p)
    return named or [PREFIX + "Other"]


def document(data) -> dict:
    types: dict[str, dict] = {}
    for entry in data.entries:
        apple = entry.labels.get("apple") if entry.collected else None
        if not apple:
            continue
        tracking = entry.shared and any(_ADVERTISING.search(p) for p in (*entry.purposes, *entry.shared_with))
        item = types.setdefault(apple, {"NSPrivacyCollectedDataType": apple, "NSPrivacyCollectedDataTypeLinked": True,
                                        "NSPrivacyCollectedDataTypeTracking": False,
                                        "NSPrivacyCollectedDataTypePurposes": []})
        item["NSPrivacyCollectedDataTypeTracking"] |= bool(tracking)
        item["NSPrivacyCollectedDataTypePurposes"] = sorted(
            set(item["NSPrivacyCollectedDataTypePurposes"]) | set(_purposes(entry.purposes)))
    for item in types.values():  # ("Other" only when nothing named a purpose)
        named = [p for p in item["NSPrivacyCollectedDataTypePurposes"] if p != PREFIX + "Other"]
        item["NSPrivacyCollectedDataTypePurposes"] = named or [PREFIX + "Other"]
    collected = [types[k] for k in sorted(types)]
    return {"NSPrivacyTracking": any(t["NSPrivacyCollectedDataTypeTracking"] for t in collected),
            "NSPrivacyTrackingDomains": [], "NSPrivacyCollectedDataTypes": collected,
            "NSPrivacyAccessedAPITypes": []}


def render(data, template: str | None = None) -> str:
    return plistlib.dumps(document(data), sort_keys=False).decode("utf-8")
