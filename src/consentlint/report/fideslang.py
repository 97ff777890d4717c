"""A fideslang ``system`` (the Fides data-map format) in YAML: the app as one
system, with one privacy declaration per collected category: its fideslang
data category (the taxonomy's ``fideslang`` label), a data use from its
purposes (analytics, marketing, else the essential service), the user as
data subject, and the third parties it is shared with. Written as YAML whose
scalars are JSON-quoted strings, so no YAML library is needed to write it."""

from __future__ import annotations

import json
import re

USES = {"analytics": "analytics", "statistics": "analytics", "advertising": "marketing.advertising",
        "marketing": "marketing", "personalization": "personalize", "personalisation": "personalize",
        "security": "essential.fraud_detection", "fraud_prevention": "essential.fraud_detection"}
DEFAULT_USE = "essential.service"


def _key(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.<>-]+", "_", text).strip("_") or "app"


def _use(purposes) -> list[str]:
    uses = {USES.get(re.sub(r"[^a-z]+", "_", p.lower()).strip("_")) for p in purposes}
    return sorted(u for u in uses if u) or [DEFAULT_USE]


def document(data) -> dict:
    declarations = []
    for entry in data.entries:
        category = entry.labels.get("fideslang") if entry.collected else None
        if not category:
            continue
        for use in _use(entry.purposes):
            declaration = {"name": f"{entry.category}: {use}", "data_categories": [category], "data_use": use,
                           "data_subjects": ["customer"]}
            if entry.shared_with:
                declaration["third_parties"] = ", ".join(entry.shared_with)
            declarations.append(declaration)
    key = _key(data.app)
    return {"system": [{"fides_key": key, "name": data.app, "organization_fides_key": "default_organization",
                        "description": f"{data.app}: personal data the code collects (written by consentlint)",
                        "system_type": "Application", "privacy_declarations": declarations}]}


def _yaml(value, indent: int = 0) -> list[str]:
    """Block-style YAML of dicts and lists, every scalar JSON-quoted (valid YAML)."""
    pad = "  " * indent
    if isinstance(value, dict):
        lines = []
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}{k}:")
                lines += _yaml(v, indent + 1)
            else:
                lines.append(f"{pad}{k}: {json.dumps(v, ensure_ascii=False)}")
        return lines
    if isinstance(value, list):
        lines = []
        for item in value:
            inner = _yaml(item, indent + 1)
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines += inner[1:]
        return lines
    return [f"{pad}{json.dumps(value, ensure_ascii=False)}"]


def render(data, template: str | None = None) -> str:
    return "\n".join(_yaml(document(data))) + "\n"
