"""The data map for people who do not read code: the inventory (markdown,
JSON, HTML) and the exports for Google Play, Apple and fideslang, each
checked against what reads it."""

from __future__ import annotations

import csv
import io
import json
import plistlib
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from consentlint import taxonomy
from consentlint.report import play_data_safety

ROOT = Path(__file__).resolve().parents[1]
DEMO = "fixtures/demo-app"


def _cli(*args, cwd=ROOT):
    proc = subprocess.run([sys.executable, "-m", "consentlint", *args, "--no-cache"], cwd=cwd,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def inventory():
    return json.loads(_cli("inventory", DEMO, "--format", "json"))


def test_the_inventory_says_what_is_declared_collected_and_shared(inventory):
    by = {c["category"]: c for c in inventory["categories"]}
    assert inventory["policy"]["url"] == "https://demo.example.com/privacy"
    assert by["location.precise"]["purposes"] == ["find-nearby-stores"]
    assert by["location.precise"]["shared_with"] == ["mapbox"]
    assert by["identity.email"]["basis"] == "contract"
    assert by["device.id"]["shared_with"] == ["umeng"] and not by["device.id"]["declared"]
    assert "clipboard" in inventory["undeclared"]
    assert inventory["never_collected"] and all(not by[c]["collected"] for c in inventory["never_collected"])
    assert by["location.precise"]["labels"]["apple"] == "NSPrivacyCollectedDataTypePreciseLocation"
    assert inventory["third_parties"]  # (the demo manifest names Mapbox and Umeng)


def test_markdown_starts_with_the_summary_table():
    text = _cli("inventory", DEMO, "--format", "markdown")
    head = text.split("\n## ", 1)[0]
    assert "| category | status | purposes | basis | shared with | Google Play | Apple | fideslang |" in head
    assert "| clipboard | collected, NOT DECLARED |" in head


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text, self.external = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and tag in ("script", "link", "img", "iframe"):
                self.external.append(value)

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_one_self_contained_page_with_the_summary_first(tmp_path):
    _cli("inventory", DEMO, "--format", "html", "-o", str(tmp_path / "inventory.html"))
    page = _Page()
    html = (tmp_path / "inventory.html").read_text("utf-8")
    page.feed(html)
    assert page.external == [] and "script" not in page.tags  # nothing fetched, nothing run
    text = " ".join(page.text)
    assert html.index("<h2>Summary") < html.index("<h2>Third parties") < html.index('<h2 id="media.photos"')
    assert "collected, NOT DECLARED" in text and "declared, never collected" in text
    assert "demo/tracking.py:15:9" in text  # every site, with its guard
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser:  # (rendered for real where a browser is installed)
        shot = tmp_path / "inventory.png"
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={shot}",
                        "--window-size=1280,1600", (tmp_path / "inventory.html").as_uri()],
                       capture_output=True, timeout=120)
        assert shot.stat().st_size > 10_000


def test_play_data_safety_csv_has_play_columns_and_ids(inventory):
    text = _cli("export", DEMO, "--format", "play-data-safety")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == play_data_safety.COLUMNS
    known = {r for _, responses in play_data_safety.DATA_TYPES.values() for r in responses}
    types = {(q, r) for q, r, v, *_ in rows[1:] if q.startswith("PSL_DATA_TYPES_")}
    assert {r for _, r in types} <= known
    assert ("PSL_DATA_TYPES_LOCATION", "PSL_PRECISE_LOCATION") in types
    assert ["PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA", "", "TRUE", "REQUIRED", ""] in rows
    # shared with Mapbox: collected and shared
    usage = "PSL_DATA_USAGE_RESPONSES:PSL_PRECISE_LOCATION:PSL_DATA_USAGE_COLLECTION_AND_SHARING"
    assert {r[1] for r in rows if r[0] == usage} == {"PSL_DATA_USAGE_ONLY_COLLECTED", "PSL_DATA_USAGE_ONLY_SHARED"}
    # every Play label of the taxonomy has its ids
    assert {m["play"] for m in taxonomy.categories().values()} <= set(play_data_safety.DATA_TYPES)


def test_play_template_is_filled_in_and_other_answers_cleared(tmp_path):
    wanted = list(csv.reader(io.StringIO(_cli("export", DEMO, "--format", "play-data-safety"))))[1:]
    # a template as the console exports it: every row, plus ones this app does not answer
    template = tmp_path / "template.csv"
    extra = [["PSL_DATA_TYPES_HEALTH_AND_FITNESS", "PSL_HEALTH", "TRUE", "MULTIPLE_CHOICE", "Health"],
             ["PSL_DATA_COLLECTION_ENCRYPTED_IN_TRANSIT", "", "TRUE", "REQUIRED", "Encrypted?"]]
    with template.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(play_data_safety.COLUMNS)
        writer.writerows([[q, r, "", req, f"label {i}"] for i, (q, r, _, req, _) in enumerate(wanted)] + extra)
    rows = list(csv.reader(io.StringIO(_cli("export", DEMO, "--format", "play-data-safety",
                                            "--template", str(template)))))
    assert len(rows) == len(wanted) + len(extra) + 1
    assert all(r[2] == "TRUE" for r in rows[1:len(wanted) + 1]) and rows[1][4] == "label 0"
    assert rows[-2][2] == "" and rows[-1][2] == "TRUE"  # not collected: cleared; not ours: kept


def test_xcprivacy_round_trips_with_apples_keys():
    text = _cli("export", DEMO, "--format", "xcprivacy")
    doc = plistlib.loads(text.encode())
    assert set(doc) == {"NSPrivacyTracking", "NSPrivacyTrackingDomains", "NSPrivacyCollectedDataTypes",
                        "NSPrivacyAccessedAPITypes"}
    apple = {m["apple"] for m in taxonomy.categories().values() if m.get("apple")}
    types = doc["NSPrivacyCollectedDataTypes"]
    assert types and {t["NSPrivacyCollectedDataType"] for t in types} <= apple
    for t in types:
        assert set(t) == {"NSPrivacyCollectedDataType", "NSPrivacyCollectedDataTypeLinked",
                          "NSPrivacyCollectedDataTypeTracking", "NSPrivacyCollectedDataTypePurposes"}
        assert t["NSPrivacyCollectedDataTypePurposes"]
        assert all(p.startswith("NSPrivacyCollectedDataTypePurpose") for p in t["NSPrivacyCollectedDataTypePurposes"])
    assert plistlib.loads(plistlib.dumps(doc)) == doc


def test_fideslang_system_validates_with_fideslang_models():
    yaml = pytest.importorskip("yaml")
    models = pytest.importorskip("fideslang.models")
    doc = yaml.safe_load(_cli("export", DEMO, "--format", "fideslang"))
    (system,) = doc["system"]
    parsed = models.System(**system)
    categories = {c for d in parsed.privacy_declarations for c in d.data_categories}
    assert "user.location.precise" in categories
    assert any(d.data_use == "analytics" for d in parsed.privacy_declarations)  # (the demo's "statistics")
