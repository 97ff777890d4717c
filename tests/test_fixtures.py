"""The one generic test: run the engine over every fixture and compare the
complete, sorted list of findings with the file's annotations.

A finding must also sit on the identifier it names: the reported span covers
the last segment of the API (``start`` in ``gps.start()``, ``POST`` in
``request.POST["email"]``) or the local that holds a catalogued value. An
annotation that pins a catalog id or a column (``expect: PDC201
[android-location-last-known] :24``) must match a finding of its line and code
exactly (fixtures/README.md)."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from conftest import FIXTURES, annotations, expected_findings, forbidden_findings, pinned_annotations, pins
from consentlint import engine
from consentlint.frontends import FRONTENDS
from consentlint.frontends.jvm import kotlin_property
from consentlint.manifest import find_manifest, group_by_manifest, load_manifest

SINGLE = sorted(
    p for p in FIXTURES.iterdir() if p.is_dir() and p.name not in ("projects", "demo-app", "fixes")
    for p in p.rglob("*") if p.suffix in FRONTENDS
) if FIXTURES.is_dir() else []
PROJECTS = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir()) + [FIXTURES / "demo-app"]


@cache
def _engine(manifest_path: Path | None) -> engine.Engine:
    manifest = load_manifest(manifest_path) if manifest_path else None
    return engine.Engine(engine.Settings(str(manifest_path) if manifest_path else None), manifest=manifest)


def _check_positions(findings, files: dict[str, Path]):
    """Each finding about an API sits exactly on its identifier: the API's last
    segment (or its Kotlin property form), or a local that holds the API's
    value. (Two findings on one line must each be annotated: ``_compare``
    counts them.)"""
    for f in findings:
        if f.api is None or f.path not in files:
            continue
        text = files[f.path].read_bytes().decode("utf-8", "replace").splitlines()
        line = text[f.line - 1]
        covered = line[f.column - 1:f.end_column - 1] if f.end_line == f.line else line[f.column - 1:]
        assert covered and covered.isidentifier(), f"{f.path}:{f.line}:{f.column}: span {covered!r} is not an identifier"
        leaf = re.split(r"[.#]", f.api)[-1]
        names = {leaf, kotlin_property(leaf)}
        if leaf.startswith("set") and leaf[3:4].isupper():  # a Kotlin property assignment
            names |= {leaf[3].lower() + leaf[4:], "is" + leaf[3:]}
        after = line[f.end_column - 1:f.end_column + 1] if f.end_line == f.line else ""
        # a local holding the API or its value: `data["email"]` after `data = request.POST`, `where()`
        alias = after[:1] in ("[", ".", "(") and covered not in names
        assert covered in names or alias, f"{f.path}:{f.line}:{f.column}: span {covered!r} is not {leaf!r}"


def _check_pins(findings, pinned: list, where: str):
    """Each pinned annotation (display path, line, code, catalog id, column)
    has its own finding with that id and column."""
    left = [(f.path, f.line, f.code, f.catalog_id, f.column) for f in findings]
    wrong = []
    for path, line, code, catalog_id, column in pinned:
        match = next((f for f in left if f[:3] == (path, line, code) and catalog_id in (None, f[3])
                      and column in (None, f[4])), None)
        if match is None:
            found = [f"[{f[3]}] :{f[4]}" for f in left if f[:3] == (path, line, code)]
            wrong.append(f"{path}:{line} {code} [{catalog_id}] :{column}, reported: {', '.join(found) or 'nothing'}")
        else:
            left.remove(match)
    assert not wrong, f"{where}\npinned id or column differs: " + "; ".join(wrong)


def _compare(actual, expected, forbidden: set, where: str):
    """Multisets of (path, line, code): an annotation names a code once per
    finding (`expect: PDC201, PDC201` for two on one line)."""
    actual, expected = Counter(actual), Counter(expected)
    missing = sorted((expected - actual).elements())
    unexpected = sorted((actual - expected).elements())
    contradictions = sorted(set(actual) & forbidden)
    message = []
    if missing:
        message.append("missing: " + ", ".join(f"{p}:{line} {code}" for p, line, code in missing))
    if unexpected:
        message.append("unexpected: " + ", ".join(f"{p}:{line} {code}" for p, line, code in unexpected))
    if contradictions:
        message.append("annotated ok/todo-expect but reported: " + ", ".join(map(str, contradictions)))
    assert not message, f"{where}\n" + "\n".join(message)


@pytest.mark.parametrize("path", SINGLE, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture(path: Path):
    eng = _engine(find_manifest(path))
    result = eng.analyze_file(path, path.as_posix())
    actual = [(path.as_posix(), f.line, f.code) for f in result.findings]
    expected = [(path.as_posix(), line, code) for line, code in expected_findings(path)]
    forbidden = {(path.as_posix(), line, code) for line, code in forbidden_findings(path)}
    _compare(actual, expected, forbidden, path.name)
    _check_pins(result.findings, [(path.as_posix(), *pin) for pin in pins(path)], path.name)
    _check_positions(result.findings, {path.as_posix(): path})


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_project(project: Path):
    """Multi-file cases: a whole-project scan (project-scope rules on); the
    manifest's own annotations (`# expect: PDC102`) count too."""
    files = sorted(p for p in project.rglob("*") if p.suffix in FRONTENDS)
    findings = []
    for manifest_path, group in group_by_manifest(files).items():  # a monorepo: one project per manifest
        findings += engine.run(_engine(manifest_path), group, 1, True, engine.display_path(group[0])).findings
    by_display = {engine.display_path(p): p for p in [*files, *project.rglob("*.toml")]}
    actual = sorted((f.path, f.line, f.code) for f in findings)
    expected, forbidden, pinned = [], set(), []
    for display, path in by_display.items():
        expected += [(display, line, code) for line, code in expected_findings(path)]
        forbidden |= {(display, line, code) for line, code in forbidden_findings(path)}
        pinned += [(display, *pin) for pin in pins(path)]
    _compare(actual, expected, forbidden, project.name)
    _check_pins(findings, pinned, project.name)
    _check_positions(findings, by_display)


def test_annotations_are_well_formed():
    """An annotation names known codes; a fixture without any is a mistake."""
    from consentlint.rules import RULES

    for path in SINGLE:
        marks = annotations(path)
        codes = {code for kind in marks.values() for _, code in kind}
        assert codes, f"{path} has no annotations"
        assert codes <= set(RULES), f"{path} names unknown codes {codes - set(RULES)}"
        unpinnable = [m for kind in ("ok", "todo-expect") for m in pinned_annotations(path)[kind]
                      if m[2] is not None or m[3] is not None]
        assert not unpinnable, f"{path}: only a reported code (expect, todo-ok) pins an id or a column: {unpinnable}"
