"""Shared helpers for the tests: the annotation grammar of DESIGN section 11 (the whole of it in fixtures/README.md)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from consentlint.languages import LANGUAGES, MANIFEST_COMMENTS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
# compiled catalogs go to the user's cache folder: the tests' own, not the user's
os.environ.setdefault("CONSENTLINT_CACHE_HOME", tempfile.mkdtemp(prefix="consentlint-tests-"))
SNAPSHOTS = ROOT / "tests" / "snapshots"


def pytest_addoption(parser):
    parser.addoption("--update-snapshots", action="store_true",
                     help="rewrite tests/snapshots/ from the current output (also CONSENTLINT_UPDATE_SNAPSHOTS=1)")


def check_snapshot(config, path: Path, text: str, what: str) -> None:
    """``text`` equals the stored snapshot ``path``; with ``--update-snapshots``
    (or ``CONSENTLINT_UPDATE_SNAPSHOTS=1``) it becomes the snapshot."""
    if config.getoption("update_snapshots") or os.environ.get("CONSENTLINT_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, "utf-8")
    assert path.is_file() and text == path.read_text("utf-8"), \
        f"{what} changed ({path.relative_to(ROOT)}); if intended, rerun with --update-snapshots and read the diff"


def manifest_of(category: str) -> str:
    """A manifest declaring one category, with a published policy (else every
    whole-project scan also reports PDC103)."""
    return f'[policy]\nurl = "https://example.com/privacy"\n\n[[data]]\ncategory = "{category}"\n'


# `# expect: PDC201`, `// ok: PDC201, PDC101`, `# todo-expect: PDC201`, `# todo-ok: PDC201`,
# after the line-comment opener of any language (the registry's first) or of the manifest;
# a reported code may pin its catalog entry and column: `# expect: PDC201 [android-location-last-known] :24`
# (fixtures/README.md has the whole grammar)
OPENERS = "|".join(dict.fromkeys(re.escape(c) for c in (*(lang.comments[0] for lang in LANGUAGES), *MANIFEST_COMMENTS)))
_CODE = r"PDC\d{3}(?:\s*\[[a-z0-9-]+\])?(?:\s*:\d+)?"
ANNOTATION = re.compile(rf"(?:{OPENERS})\s*(todo-expect|todo-ok|expect|ok):\s*({_CODE}(?:\s*,\s*{_CODE})*)")
PINNED_CODE = re.compile(r"(PDC\d{3})(?:\s*\[([a-z0-9-]+)\])?(?:\s*:(\d+))?")


def pinned_annotations(path: Path) -> dict[str, list[tuple[int, str, str | None, int | None]]]:
    """(line, code, catalog id or None, 1-based column or None) by annotation
    kind, once per time a code is named."""
    out: dict[str, list] = {"expect": [], "ok": [], "todo-expect": [], "todo-ok": []}
    text = path.read_bytes().decode("utf-8", "replace")
    for number, line in enumerate(text.splitlines(), 1):
        for kind, codes in ANNOTATION.findall(line):
            for code, catalog_id, column in PINNED_CODE.findall(codes):
                out[kind].append((number, code, catalog_id or None, int(column) if column else None))
    return out


def annotations(path: Path) -> dict[str, list[tuple[int, str]]]:
    """(line, code) pairs by annotation kind, once per time a code is named."""
    return {kind: [(line, code) for line, code, _, _ in marks] for kind, marks in pinned_annotations(path).items()}


def pins(path: Path) -> list[tuple[int, str, str | None, int | None]]:
    """The reported codes (`expect`, `todo-ok`) that pin a catalog id or a column."""
    marks = pinned_annotations(path)
    return [m for m in marks["expect"] + marks["todo-ok"] if m[2] is not None or m[3] is not None]


def expected_findings(path: Path) -> list[tuple[int, str]]:
    """What the engine must report: `expect`, plus known false positives
    (`todo-ok`); `ok` and `todo-expect` lines must not have the code."""
    marks = annotations(path)
    return marks["expect"] + marks["todo-ok"]


def forbidden_findings(path: Path) -> set[tuple[int, str]]:
    marks = annotations(path)
    return set(marks["ok"]) | set(marks["todo-expect"])


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def consentlint(*args, cwd=None) -> subprocess.CompletedProcess:
    """The command line through its real entry point, in ``cwd``; any exit
    but 0 and 1 (findings) fails the test."""
    proc = subprocess.run([sys.executable, "-m", "consentlint", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    return proc
