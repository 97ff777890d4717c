"""In-source suppressions: ``# noqa: PDC201 -- reason`` (Python, and the TOML
manifest) and ``// noqa: PDC201`` or ``/* noqa: PDC201 */`` (Java, Kotlin,
JavaScript, TypeScript).

A suppression silences findings with one of its codes that start on its line.
Codes are comma- or space-separated; a reason may follow ``--`` and runs to the
end of the comment (``*/``, the end of the line, or a further trailing comment
such as ``  # expect: ...``). Only explicit PDC codes count: a bare ``# noqa``
or ``# noqa: E501`` silences no PDC finding (unlike ruff's blanket noqa, so a
stray blanket noqa cannot hide a consent problem). A PDC code that silences
nothing on its line is PDC003 (unused-suppression).

Scanning is one regex over the text, only for files that contain ``noqa``;
each match is then checked against the syntax tree, so ``noqa`` text inside a
string literal or docstring is not a suppression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from consentlint.languages import BY_NAME, MANIFEST_COMMENTS

_CODES = r"[A-Za-z]+[0-9]+(?:(?:[ \t]*,[ \t]*|[ \t]+)[A-Za-z]+[0-9]+)*"
_REASON_END = re.compile(r"\*/|[ \t]+(?:#|//)[ \t]")
_PDC = re.compile(r"PDC[0-9]{3}")
_PATTERNS: dict[str, re.Pattern] = {}


@dataclass(frozen=True, slots=True)
class Suppression:
    line: int
    column: int  # 1-based code points, of the code
    code: str
    reason: str | None


def _pattern(language: str) -> re.Pattern:
    """The suppression regex of ``language`` (``toml``: the manifest)."""
    comments = MANIFEST_COMMENTS if language == "toml" else BY_NAME[language].comments
    opener = "|".join(map(re.escape, comments))
    if opener not in _PATTERNS:
        _PATTERNS[opener] = re.compile(
            rf"(?:{opener})[ \t]*noqa[ \t]*:[ \t]*(?P<codes>{_CODES})(?P<rest>[^\n]*)", re.IGNORECASE)
    return _PATTERNS[opener]


def scan(text: str, language: str, in_comment=None) -> dict[int, list[Suppression]]:
    """Suppressions by 1-based line; ``in_comment(index)``, when given, tells
    whether a position of ``text`` is inside a comment."""
    out: dict[int, list[Suppression]] = {}
    for match in _pattern(language).finditer(text):
        if in_comment is not None and not in_comment(match.start()):
            continue
        start = text.rfind("\n", 0, match.start()) + 1
        line = text.count("\n", 0, start) + 1
        rest = match.group("rest")
        reason = None
        head = rest.lstrip(" \t")
        if head.startswith("--"):
            reason = _REASON_END.split(head[2:], 1)[0].strip() or None
        offset = match.start("codes")
        for code in re.finditer(r"[A-Za-z]+[0-9]+", match.group("codes")):
            name = code.group().upper()
            if _PDC.fullmatch(name):
                out.setdefault(line, []).append(Suppression(line, offset + code.start() - start + 1, name, reason))
    return out


def apply(findings, found: dict[int, list[Suppression]]):
    """(kept findings, [(finding, reason)] silenced, unused suppressions)."""
    kept, silenced, used = [], [], set()
    for finding in findings:
        match = next((s for s in found.get(finding.line, ()) if s.code == finding.code), None)
        if match is None:
            kept.append(finding)
        else:
            silenced.append((finding, match.reason))
            used.add(match)
    unused = [s for line in sorted(found) for s in found[line] if s not in used]
    return kept, silenced, unused
