"""Applying fixes (issue 17): rules say what would resolve a finding
(``findings.Fix``: a title, an applicability and an ``action``); the writers
here turn actions into new file text, one writer per kind of file:

- ``noqa``: `noqa` comments in any language and in the manifest (plain text),
- ``manifest``: ``privacy-manifest.toml`` through tomlkit, which keeps its
  comments, order and layout,
- ``python``: Python code through libcst codemods, run only on the files
  being fixed (libcst is far too slow to scan with; tree-sitter finds, libcst
  rewrites).

``plan`` works out the new text of each file for a set of findings and
refuses a file whose new text would not parse; ``resolve`` fills in each
fix's edits, for the reports; ``unified_diff`` is ``--diff``.
"""

from __future__ import annotations

import ast
import difflib
import importlib
from dataclasses import dataclass, replace
from pathlib import Path

from consentlint import languages
from consentlint.findings import Edit, Finding, Fix

# writer modules (``consentlint.fixes.<prefix>``) by action prefix, in the
# order a file's actions are applied (a noqa edit stays on its line, so the
# positions the others use still hold); each is imported when a fix needs it
# (libcst takes longer to import than a one-file check takes to run)
WRITERS = ("noqa", "manifest", "python")
BOM = "\ufeff"


@dataclass(frozen=True)
class Change:
    """A file's new text and the findings whose fixes made it."""

    path: str
    old: str
    new: str
    findings: tuple[Finding, ...]

    @property
    def display(self) -> str:
        return _display(self.path)


def chosen(finding: Finding, applicabilities) -> Fix | None:
    """The first of ``finding``'s fixes with one of ``applicabilities``."""
    return next((fix for fix in finding.fixes if fix.applicability in applicabilities), None)


def render(path: str, text: str, actions) -> str:
    """``text`` (of the file at ``path``) after ``actions``."""
    for prefix in WRITERS:
        mine = [a for a in actions if a[0].partition(".")[0] == prefix]
        if mine:
            try:
                text = importlib.import_module(f"consentlint.fixes.{prefix}").render(text, path, mine)
            except Exception:  # noqa: BLE001 -- a writer's bug costs its fix, never the report or the run
                continue
    return text


def plan(findings, applicabilities) -> tuple[list[Change], list[str]]:
    """The changes that the fixes of ``findings`` with one of
    ``applicabilities`` make, by file, and the files left alone because their
    new text would not parse (or they cannot be read)."""
    by_path: dict[str, list[tuple[Finding, Fix]]] = {}
    for finding in findings:
        fix = chosen(finding, applicabilities)
        if fix is not None:
            by_path.setdefault(fix.path, []).append((finding, fix))
    changes, refused = [], []
    for path, items in sorted(by_path.items()):
        old = read(path)
        if old is None:
            refused.append(path)
            continue
        new = render(path, old, [fix.action for _, fix in items])
        if new == old:
            continue
        if not parses(path, new):
            refused.append(path)
            continue
        changes.append(Change(path, old, new, tuple(f for f, _ in items)))
    changes.sort(key=lambda c: c.display)
    return changes, refused


def write(change: Change) -> None:
    data = Path(change.path).read_bytes()
    bom = BOM if data.startswith(BOM.encode()) else ""
    Path(change.path).write_bytes((bom + change.new).encode("utf-8", "surrogateescape"))


def resolve(findings) -> list[Finding]:
    """``findings`` with the edits of each of their fixes worked out (each
    fix alone against the file as it is), for the reports. A fix that would
    change nothing or break the file is dropped."""
    texts: dict[str, str | None] = {}
    out = []
    for finding in findings:
        if not finding.fixes:
            out.append(finding)
            continue
        fixes = []
        for fix in finding.fixes:
            if fix.path not in texts:
                texts[fix.path] = read(fix.path)
            old = texts[fix.path]
            if old is None:
                continue
            new = render(fix.path, old, [fix.action])
            if new != old and (fix.applicability == "display-only" or parses(fix.path, new)):
                fixes.append(replace(fix, edits=edits(_display(fix.path), old, new)))
        out.append(replace(finding, fixes=tuple(fixes)))
    return out


def read(path: str) -> str | None:
    try:
        text = Path(path).read_bytes().decode("utf-8", "surrogateescape")
    except OSError:
        return None
    return text[1:] if text.startswith(BOM) else text


def parses(path: str, text: str) -> bool:
    """Whether ``text`` is well-formed as the file at ``path`` (TOML, or the
    language its extension says)."""
    import tomllib

    from consentlint import treesitter
    from consentlint.frontends import FRONTENDS

    suffix = Path(path).suffix
    try:
        if suffix == ".toml":
            tomllib.loads(text)
            return True
        if suffix in languages.extensions("python"):
            ast.parse(text, path)
            return True
    except (SyntaxError, ValueError, tomllib.TOMLDecodeError):
        return False
    language = FRONTENDS.get(suffix)
    if language is None:
        return True
    return not treesitter.parse(language[1], text.encode("utf-8", "surrogateescape")).root_node.has_error


def edits(path: str, old: str, new: str) -> tuple[Edit, ...]:
    """The smallest edits, line by line, that turn ``old`` into ``new``."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    # (the lines both share at the start and the end are not matched: a fix
    # changes a few lines of a file, and the matcher is quadratic in lines)
    head = _common_prefix(a, b)
    tail = _common_prefix(a[head:][::-1], b[head:][::-1])
    out = []
    matcher = difflib.SequenceMatcher(None, a[head:len(a) - tail], b[head:len(b) - tail], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        prefix = _common_prefix(before, after)
        suffix = _common_prefix(before[prefix:][::-1], after[prefix:][::-1])
        start = _position(a, i1, before[:prefix])
        end = _position(a, i1, before[:len(before) - suffix])
        out.append(Edit(path, *start, *end, after[prefix:len(after) - suffix]))
    return tuple(out)


def _common_prefix(x, y) -> int:
    """How many leading items (characters, lines) ``x`` and ``y`` share."""
    n = 0
    for p, q in zip(x, y):
        if p != q:
            break
        n += 1
    return n


def _position(lines: list[str], index: int, consumed: str) -> tuple[int, int]:
    """(line, column), 1-based, after ``consumed`` from the start of line ``index`` (0-based)."""
    breaks = consumed.count("\n")
    column = len(consumed) - (consumed.rfind("\n") + 1) + 1
    return index + 1 + breaks, column


def unified_diff(changes: list[Change]) -> str:
    return "".join(
        "".join(difflib.unified_diff(c.old.splitlines(keepends=True), c.new.splitlines(keepends=True),
                                     f"a/{c.display}", f"b/{c.display}")) for c in changes)


def _display(path: str) -> str:
    from consentlint.engine import display_path

    return display_path(Path(path))
