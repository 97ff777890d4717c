"""Google Play's Data safety form as the CSV the Play Console imports
(*App content > Data safety > Import from CSV*): five columns, one row per
question and answer, with Play's machine-readable question and response ids.

Without a template the CSV holds only the rows this app answers: that the app
collects personal data, each data type it collects (from the taxonomy's Play
label), whether each is collected and shared (a declaration's `shared_with`,
or an SDK in the code that collects it), and whether users may choose
(`required`). Purposes are ticked where a manifest purpose names one of Play's
(`analytics`, `app-functionality`, ...). With ``template`` (the CSV the Play
Console exports), every row of it is kept and only these answers are filled
in, the other data-type answers cleared. What the code cannot show
(encryption in transit, deletion requests, ephemeral processing) is left for
the console."""

from __future__ import annotations

import csv
import io
import re

from consentlint.errors import ConfigError

COLUMNS = ("Question ID (machine readable)", "Response ID (machine readable)", "Response value",
           "Answer requirement", "Human-friendly question label")
# the taxonomy's Play label -> (data-type question, response ids)
DATA_TYPES = {
    "Location > Precise location": ("PSL_DATA_TYPES_LOCATION", ("PSL_PRECISE_LOCATION",)),
    "Location > Approximate location": ("PSL_DATA_TYPES_LOCATION", ("PSL_APPROX_LOCATION",)),
    "Personal info > Name": ("PSL_DATA_TYPES_PERSONAL", ("PSL_NAME",)),
    "Personal info > Email address": ("PSL_DATA_TYPES_PERSONAL", ("PSL_EMAIL",)),
    "Personal info > Phone number": ("PSL_DATA_TYPES_PERSONAL", ("PSL_PHONE",)),
    "Personal info > Address": ("PSL_DATA_TYPES_PERSONAL", ("PSL_ADDRESS",)),
    "Personal info > Other info": ("PSL_DATA_TYPES_PERSONAL", ("PSL_OTHER_PERSONAL",)),
    "Personal info > User IDs": ("PSL_DATA_TYPES_PERSONAL", ("PSL_USER_ACCOUNT",)),
    "Contacts": ("PSL_DATA_TYPES_CONTACTS", ("PSL_CONTACTS",)),
    "Messages > SMS or MMS": ("PSL_DATA_TYPES_EMAIL_AND_TEXT", ("PSL_SMS_CALL_LOG",)),
    "Calendar > Calendar events": ("PSL_DATA_TYPES_CALENDAR", ("PSL_CALENDAR",)),
    # (a camera takes both: both are declared)
    "Photos and videos": ("PSL_DATA_TYPES_PHOTOS_AND_VIDEOS", ("PSL_PHOTOS", "PSL_VIDEOS")),
    "Audio files > Voice or sound recordings": ("PSL_DATA_TYPES_AUDIO", ("PSL_AUDIO",)),
    "Files and docs": ("PSL_DATA_TYPES_FILES_AND_DOCS", ("PSL_FILES_AND_DOCS",)),
    "App activity > Other user-generated content": ("PSL_DATA_TYPES_APP_ACTIVITY", ("PSL_USER_GENERATED_CONTENT",)),
    "App activity > Installed apps": ("PSL_DATA_TYPES_APP_ACTIVITY", ("PSL_APPS_ON_DEVICE",)),
    "App activity > App interactions": ("PSL_DATA_TYPES_APP_ACTIVITY", ("PSL_USER_INTERACTION",)),
    "Health and fitness > Health info": ("PSL_DATA_TYPES_HEALTH_AND_FITNESS", ("PSL_HEALTH",)),
    "Health and fitness > Fitness info": ("PSL_DATA_TYPES_HEALTH_AND_FITNESS", ("PSL_FITNESS",)),
    "Device or other IDs": ("PSL_DATA_TYPES_IDENTIFIERS", ("PSL_DEVICE_ID",)),
    "Web browsing > Web browsing history": ("PSL_DATA_TYPES_SEARCH_AND_BROWSING", ("PSL_WEB_BROWSING_HISTORY",)),
    "Financial info > User payment info": ("PSL_DATA_TYPES_FINANCIAL", ("PSL_CREDIT_DEBIT_BANK_ACCOUNT_NUMBER",)),
}
PURPOSES = {"app_functionality": "PSL_APP_FUNCTIONALITY", "analytics": "PSL_ANALYTICS",
            "developer_communications": "PSL_DEVELOPER_COMMUNICATIONS",
            "statistics": "PSL_ANALYTICS", "fraud_prevention_security": "PSL_FRAUD_PREVENTION_SECURITY", "fraud_prevention": "PSL_FRAUD_PREVENTION_SECURITY",
            "security": "PSL_FRAUD_PREVENTION_SECURITY", "advertising": "PSL_ADVERTISING",
            "marketing": "PSL_ADVERTISING", "personalization": "PSL_PERSONALIZATION",
            "personalisation": "PSL_PERSONALIZATION", "account_management": "PSL_ACCOUNT_MANAGEMENT",
            "account": "PSL_ACCOUNT_MANAGEMENT"}
COLLECTS = "PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA"


def purpose_id(purpose: str) -> str | None:
    return PURPOSES.get(re.sub(r"[^a-z]+", "_", purpose.lower()).strip("_"))


def answers(data) -> list[tuple[str, str, str, str]]:
    """(question, response, value, requirement) of every answer the data map gives."""
    rows = [(COLLECTS, "", "TRUE" if any(e.collected for e in data.entries) else "FALSE", "REQUIRED")]
    seen = set()
    for entry in data.entries:
        if not entry.collected:
            continue
        found = DATA_TYPES.get(entry.labels.get("play", ""))
        if found is None:
            continue
        question, responses = found
        for response in responses:
            usage = f"PSL_DATA_USAGE_RESPONSES:{response}"
            wanted = [(question, response, "TRUE", "MULTIPLE_CHOICE"),
                      (f"{usage}:PSL_DATA_USAGE_COLLECTION_AND_SHARING", "PSL_DATA_USAGE_ONLY_COLLECTED", "TRUE",
                       "MULTIPLE_CHOICE")]
            if entry.shared:
                wanted.append((f"{usage}:PSL_DATA_USAGE_COLLECTION_AND_SHARING", "PSL_DATA_USAGE_ONLY_SHARED", "TRUE",
                               "MULTIPLE_CHOICE"))
            control = "PSL_DATA_USAGE_USER_CONTROL_REQUIRED" if entry.required else "PSL_DATA_USAGE_USER_CONTROL_OPTIONAL"
            wanted.append((f"{usage}:DATA_USAGE_USER_CONTROL", control, "TRUE", "SINGLE_CHOICE"))
            for purpose in sorted({p for p in map(purpose_id, entry.purposes) if p}):
                wanted.append((f"{usage}:DATA_USAGE_COLLECTION_PURPOSE", purpose, "TRUE", "MULTIPLE_CHOICE"))
                if entry.shared:
                    wanted.append((f"{usage}:DATA_USAGE_SHARING_PURPOSE", purpose, "TRUE", "MULTIPLE_CHOICE"))
            for row in wanted:
                if row[:2] not in seen:  # (two categories may share a Play data type)
                    seen.add(row[:2])
                    rows.append(row)
    return rows


def render(data, template: str | None = None) -> str:
    found = answers(data)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    if template is None:
        writer.writerows((q, r, v, req, "") for q, r, v, req in found)
        return out.getvalue()
    rows = list(csv.reader(io.StringIO(template.lstrip("\ufeff"))))
    if not rows or tuple(rows[0][:5]) != COLUMNS:
        raise ConfigError(f"--template: not a Play Console data safety CSV (its columns are not {', '.join(COLUMNS)})")
    values = {(q, r): v for q, r, v, _ in found}
    missing = sorted(set(values) - {(row[0], row[1]) for row in rows[1:] if len(row) > 1})
    if missing:
        raise ConfigError(f"--template: it has no row for {missing[0][0]} / {missing[0][1] or '(no response id)'}")
    for row in rows[1:]:
        row += [""] * (5 - len(row))
        key = (row[0], row[1])
        if key in values:
            row[2] = values[key]
        elif row[0].startswith(("PSL_DATA_TYPES_", "PSL_DATA_USAGE_RESPONSES:")):
            row[2] = ""  # (not collected: no answer)
        writer.writerow(row[:5])
    return out.getvalue()
