"""Catalogs, schemas and the taxonomy: data that must stay valid and covered."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import jsonschema
import pytest

from conftest import FIXTURES, ROOT
from consentlint import engine, schema, taxonomy
from consentlint.catalog import load_catalog
from consentlint.catalog_files import checks_dir
from consentlint.frontends import FRONTENDS
from consentlint.manifest import find_manifest

SCHEMAS = ("privacy-manifest.schema.json", "catalog.schema.json", "fields.schema.json",
           "consent_names.schema.json")
OWN_SCHEMAS = {"fields.toml": "fields.schema.json", "consent_names.toml": "consent_names.schema.json"}


@pytest.mark.parametrize("name", SCHEMAS)
def test_schemas_are_valid_json_schema(name):
    jsonschema.Draft202012Validator.check_schema(schema.load_schema(name))


def _catalog_files():
    return sorted(p for p in checks_dir().rglob("*.toml") if p.name != "taxonomy.toml")


@pytest.mark.parametrize("path", _catalog_files(), ids=lambda p: p.relative_to(checks_dir()).as_posix())
def test_shipped_catalogs_agree_with_jsonschema(path):
    raw = tomllib.loads(path.read_text())
    name = OWN_SCHEMAS.get(path.name, "catalog.schema.json")
    jsonschema.validate(raw, schema.load_schema(name))
    assert schema.validate(raw, schema.load_schema(name)) == []


MANIFESTS = sorted(FIXTURES.rglob("privacy-manifest.toml"))
BROKEN = [
    {"data": [{"category": "teleport"}]},
    {"data": [{"category": "location", "basis": "whim"}]},
    {"consent": {"checks": [{"function": "a.b", "category_arg": -1}]}},
    {"consent": {"checks": [{"category_arg": 0}]}},
    {"policy": {"url": "ftp://x"}},
    {"rights": {"delete_everything": "x"}},
    {"unknown": 1},
]


@pytest.mark.parametrize("document", [tomllib.loads(p.read_text()) for p in MANIFESTS] + BROKEN)
def test_manifest_validator_agrees_with_jsonschema(document):
    ours = schema.validate(document, schema.load_schema("privacy-manifest.schema.json"))
    theirs = list(jsonschema.Draft202012Validator(schema.load_schema("privacy-manifest.schema.json")).iter_errors(document))
    assert bool(ours) == bool(theirs), (ours, theirs)


def test_manifest_category_enum_is_the_taxonomy():
    enum = schema.load_schema("privacy-manifest.schema.json")["$defs"]["category"]["enum"]
    assert set(enum) == set(taxonomy.valid_ids())
    assert set(taxonomy.categories()) >= {"location.precise", "identity.email", "device.advertising_id", "financial"}


def test_field_patterns_match_their_examples():
    catalog = load_catalog().for_language("python")
    raw = tomllib.loads((checks_dir() / "fields.toml").read_text())
    for field in raw["field"]:
        for example in field.get("examples", ()):
            assert catalog.field_category(example) == field["category"], example
        for example in field.get("not_examples", ()):
            assert catalog.field_category(example) != field["category"], example


def test_consent_names_match_their_examples():
    """Each consent-name entry claims its examples (meaning and category,
    first match wins) and none of its not-examples."""
    names = load_catalog().for_language("python").consent_names
    raw = tomllib.loads((checks_dir() / "consent_names.toml").read_text())
    for entry in raw["name"]:
        meaning = (entry["means"] == "granted", entry.get("category"))
        for example in entry["examples"]:
            assert names.meaning(example) == meaning, example
        for example in entry.get("not_examples", ()):
            assert names.meaning(example) != meaning, example


def test_consent_names_gate_admits_every_example():
    """The prefilter never skips text that holds a consent-named value (it is
    matched against lower-cased source bytes, so it is written in lower case)."""
    names = load_catalog().for_language("python").consent_names
    raw = tomllib.loads((checks_dir() / "consent_names.toml").read_text())
    assert raw["gate"] == raw["gate"].lower()
    for entry in raw["name"]:
        for example in entry["examples"]:
            assert names.gate.search(example), example
            assert names.gate_bytes.search(example.encode().lower()), example


def test_every_catalog_entry_is_hit_by_a_fixture():
    """DESIGN section 11: every catalog entry is exercised by a fixture line."""
    catalog = load_catalog()
    hit: set[str] = set()
    engines = {}
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix not in FRONTENDS:
            continue
        manifest = find_manifest(path)
        if manifest not in engines:
            engines[manifest] = engine.Engine(engine.Settings(str(manifest) if manifest else None))
        result = engines[manifest].analyze_file(path, path.as_posix())
        hit |= {c.source.id for c in (*result.collections, *result.installs)}
    languages = {lang for lang, _, _ in FRONTENDS.values()}
    missing = sorted(s.id for s in catalog.sources if set(s.languages) & languages and s.id not in hit)
    assert not missing, f"catalog entries no fixture hits: {missing}"


def test_user_catalog_extends_and_broken_catalog_is_exit_2(tmp_path):
    extra = tmp_path / "mychecks"
    extra.mkdir()
    (extra / "acme.toml").write_text(
        'language = "python"\n\n[[source]]\nid = "acme-beacon"\napi = ["acme.beacon.scan"]\nkind = "call"\n'
        'category = "network.bluetooth"\nreferences = ["https://acme.example/beacon"]\n')
    (tmp_path / "app.py").write_text("from acme import beacon\n\nbeacon.scan()\n")
    (tmp_path / "privacy-manifest.toml").write_text('[[data]]\ncategory = "network"\n')
    run = lambda *a: subprocess.run([sys.executable, "-m", "consentlint", "check", *a], cwd=tmp_path,
                                    capture_output=True, text=True)
    assert run("app.py").stdout == "All clear: 1 file checked.\n"
    assert run("--catalog", "mychecks", "app.py").stdout == (
        "app.py:3:8: PDC201 `beacon.scan` collects network.bluetooth on a path that no consent check for it guards\n"
        "Found 1 finding (1 error) in 1 file.\n")
    (extra / "acme.toml").write_text('language = "python"\n\n[[source]]\nid = "Bad Id"\napi = ["x"]\nkind = "call"\n')
    proc = run("--catalog", "mychecks", "app.py")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith('consentlint: error: mychecks/acme.toml:4: key source[0].id: "Bad Id" does not match')


@pytest.mark.parametrize("api", ["acme..scan", "acme.scan.", "acme#.scan", "acme.#scan"])
def test_a_catalog_name_with_an_empty_part_is_exit_2(tmp_path, api):
    """`api = ["acme..scan"]` was accepted and could never match (issue 12, item 4)."""
    (tmp_path / "mychecks").mkdir()
    (tmp_path / "mychecks" / "acme.toml").write_text(
        f'language = "python"\n\n[[source]]\nid = "acme-beacon"\napi = [\n  "acme.ok",\n  "{api}",\n]\n'
        'kind = "call"\ncategory = "network.bluetooth"\nreferences = ["https://acme.example/beacon"]\n')
    (tmp_path / "app.py").write_text("x = 1\n")
    proc = subprocess.run([sys.executable, "-m", "consentlint", "check", "--catalog", "mychecks", "app.py"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (f'consentlint: error: mychecks/acme.toml:5: key source[0].api[1]: "{api}" is not '
                           "a qualified name (names joined by '.', '/' or '#', none of them empty)\n")


def test_queries_compile():
    from importlib import resources

    from consentlint import treesitter

    root = resources.files("consentlint").joinpath("queries")
    count = 0
    for grammar_dir in root.iterdir():
        if grammar_dir.is_dir():
            for scm in grammar_dir.iterdir():
                if scm.name.endswith(".scm"):
                    treesitter.query(grammar_dir.name, scm.name.removesuffix(".scm"))
                    count += 1
    assert count >= 1


def test_catalog_is_shipped_in_the_wheel_layout():
    # the wheel maps checks/ to consentlint/checks (pyproject force-include)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]["checks"] == "consentlint/checks"
    assert (checks_dir() / "taxonomy.toml").is_file()


def test_distinctive_members_belong_to_one_class():
    """A ``distinctive`` entry matches by its member name where the receiver's
    type is unknown, so no other class of the same catalog may have a member
    of that name (the entry's own APIs may: one class under two packages)."""
    catalog = load_catalog()
    for language in ("java", "kotlin", "python", "javascript", "typescript"):
        lang = catalog.for_language(language)
        names = [*lang.sources, *lang.permission_checks, *(lang.returns or {}), *lang.callbacks,
                 *lang.exits, *lang.permission_requests, *lang.default_reads, *lang.setting_writes]
        owners: dict[str, set[str]] = {}
        for api in names:
            owner, _, member = api.rpartition(".")
            owners.setdefault(member, set()).add(owner)
        for api, sources in lang.sources.items():
            for source in (s for s in sources if s.distinctive):
                member = api.rpartition(".")[2]
                own = {a.rpartition(".")[0] for a in source.apis if a.rpartition(".")[2] == member}
                assert owners[member] <= own, f"{source.id}: {member} is also a member of {owners[member] - own}"
        assert set(lang.distinctive) == {a.rpartition(".")[2] for a, ss in lang.sources.items()
                                         if any(s.distinctive for s in ss)}


def test_confidence_inferred_only_where_the_receiver_is_unknown(tmp_path):
    """A distinctive name on a receiver of unknown type is "inferred"; on a
    receiver of the catalogued type "resolved"; on a project class, nothing."""
    source = tmp_path / "Sites.java"
    source.write_text(
        "package com.acme;\n"
        "import android.location.LocationManager;\n"
        "class Own { Object getAllCellInfo() { return null; } }\n"
        "class Sites {\n"
        "  void a(LocationManager lm, Own own) {\n"
        "    lm.getLastKnownLocation(\"gps\");\n"
        "    lookUp().getLastKnownLocation(\"gps\");\n"
        "    own.getAllCellInfo();\n"
        "  }\n"
        "}\n")
    result = engine.Engine(engine.Settings(None)).analyze_file(source, source.as_posix())
    found = sorted((c.span.line, c.api, c.confidence) for c in result.collections)
    assert found == [(6, "android.location.LocationManager.getLastKnownLocation", "resolved"),
                     (7, "android.location.LocationManager.getLastKnownLocation", "inferred")]
    inferred = [f for f in result.findings if f.line == 7]
    assert inferred and all(f.confidence == "inferred" for f in inferred)
