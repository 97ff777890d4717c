"""The JavaScript/TypeScript front-end where fixtures cannot show it: its
queries compile, its extensions and grammars are registered, the qualified-name
form of catalogs and manifests, and relative module resolution across folders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT
from consentlint import engine
from consentlint import treesitter as ts
from consentlint.catalog import load_catalog
from consentlint.consent import short_name
from consentlint.frontends import FRONTENDS
from consentlint.frontends.names import Interest
from consentlint.manifest import load_manifest

QUERIES = ROOT / "src" / "consentlint" / "queries"
JS_GRAMMARS = ("javascript", "typescript", "tsx")

# `<module>#<export>[.<member>...]` or a global's dotted path
MODULE_NAME = re.compile(r"^(@[\w.-]+/)?[\w.-]+(/[\w.-]+)*#[\w$]+(\.[\w$]+)*$")
GLOBAL_NAME = re.compile(r"^[A-Za-z_$][\w$]*(\.[\w$]+)*$")


@pytest.mark.parametrize("path", sorted(p for g in JS_GRAMMARS for p in (QUERIES / g).glob("*.scm")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_query_compiles(path: Path):
    assert ts.query(path.parent.name, path.stem) is not None


def test_extensions_and_grammars():
    expected = {".js": ("javascript", "javascript"), ".jsx": ("javascript", "javascript"),
                ".mjs": ("javascript", "javascript"), ".cjs": ("javascript", "javascript"),
                ".ts": ("typescript", "typescript"), ".mts": ("typescript", "typescript"),
                ".cts": ("typescript", "typescript"), ".tsx": ("typescript", "tsx")}
    for ext, (language, grammar) in expected.items():
        assert FRONTENDS[ext] == (language, grammar, "consentlint.frontends.javascript")


def test_catalogs_use_one_name_form():
    catalog = load_catalog()
    js, tsc = catalog.for_language("javascript"), catalog.for_language("typescript")
    assert set(js.sources) == set(tsc.sources) and js.sources, "JS catalogs are shared with TypeScript"
    names = [*js.sources, *js.permission_checks, *js.type_aliases, *js.type_aliases.values(),
             *(p[1] for p in js.parameters), *(c[0].rstrip(".") for c in js.constants)]
    for name in names:
        assert MODULE_NAME.match(name) or GLOBAL_NAME.match(name), name


def test_interest_splits_module_names():
    interest = Interest.build(["expo-location#getCurrentPositionAsync",
                               "@react-native-community/geolocation#default.getCurrentPosition",
                               "./src/privacy#hasConsent", "navigator.geolocation.getCurrentPosition"])
    assert {"expo-location#", "expo-location#getCurrentPositionAsync",
            "@react-native-community/geolocation#default",
            "./src/privacy#", "navigator.geolocation"} <= interest.prefixes
    # roots are what a file using the name spells: the specifier's last segment
    assert {"expo-location", "geolocation", "privacy", "navigator"} <= interest.roots
    assert "" not in interest.roots


def test_short_names():
    assert short_name("./web/consent#hasConsent") == "consent.hasConsent"
    assert short_name("react-native-device-info#default.getUniqueId") == "react-native-device-info.getUniqueId"
    assert short_name("navigator.geolocation.getCurrentPosition") == "geolocation.getCurrentPosition"


def _project(tmp_path: Path, files: dict[str, str], checks: str) -> list:
    (tmp_path / "privacy-manifest.toml").write_text(
        f'[policy]\nurl = "https://example.com/p"\n\n[[data]]\ncategory = "location"\n\n[consent]\nchecks = {checks}\n')
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    manifest = load_manifest(tmp_path / "privacy-manifest.toml")
    eng = engine.Engine(engine.Settings(str(tmp_path / "privacy-manifest.toml")), manifest=manifest)
    out = []
    for name in files:
        result = eng.analyze_file(tmp_path / name, name)
        out += [(name, f.line, f.code) for f in result.findings]
    return sorted(out)


SCREEN = """import { hasConsent } from "../privacy";
import * as privacy from "../privacy/index.js";
export function a() { if (hasConsent("location")) navigator.geolocation.getCurrentPosition(f); }
export function b() { if (privacy.hasConsent("location")) navigator.geolocation.watchPosition(f); }
export function c() { navigator.geolocation.getCurrentPosition(f); }
"""


@pytest.mark.parametrize("spelled", ["./src/privacy#hasConsent", "./src/privacy/index#hasConsent",
                                     "./src/privacy/index.ts#hasConsent"])
def test_relative_manifest_names_resolve_from_other_folders(tmp_path, spelled):
    findings = _project(tmp_path, {"src/screens/Home.tsx": SCREEN,
                                   "src/privacy/index.ts": "export function hasConsent(c) { return !!c; }\n"},
                        f'["{spelled}"]')
    assert findings == [("src/screens/Home.tsx", 5, "PDC201")]


def test_package_manifest_names_resolve_through_imports(tmp_path):
    findings = _project(tmp_path, {"app.js": 'const { hasConsent } = require("@acme/privacy");\n'
                                             'if (hasConsent("location")) navigator.geolocation.getCurrentPosition(f);\n'
                                             'if (hasConsent("location")) { const hasConsent = () => true; }\n'
                                             'navigator.geolocation.getCurrentPosition(f);\n'},
                        '["@acme/privacy#hasConsent"]')
    assert findings == [("app.js", 4, "PDC201")]


def test_broken_file_is_reported_and_still_analysed(tmp_path):
    findings = _project(tmp_path, {"broken.js": "function f() {\n  navigator.geolocation.getCurrentPosition(g);\n"
                                                "  if ( {\n}\n"}, "[]")
    codes = {code for _, _, code in findings}
    assert "PDC001" in codes and "PDC201" in codes
