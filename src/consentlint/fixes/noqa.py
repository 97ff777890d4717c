"""Edits of `noqa` comments, in every language and in the manifest (see
``suppressions`` for their syntax): ``noqa.remove`` takes a code out (the
whole comment when none is left), ``noqa.add`` adds one, with a reason to
write."""

from __future__ import annotations

import re
from pathlib import Path

from consentlint import languages

_CODES = r"[A-Za-z]+[0-9]+(?:(?:[ \t]*,[ \t]*|[ \t]+)[A-Za-z]+[0-9]+)*"
_COMMENT = {
    "#": re.compile(rf"[ \t]*#[ \t]*noqa[ \t]*:[ \t]*(?P<codes>{_CODES})(?P<rest>[^\n]*)", re.I),
    "//": re.compile(rf"[ \t]*(?P<open>//|/\*)[ \t]*noqa[ \t]*:[ \t]*(?P<codes>{_CODES})(?P<rest>[^\n]*)", re.I),
}
_CODE = re.compile(r"[A-Za-z]+[0-9]+")
_NEXT_COMMENT = re.compile(r"[ \t]+(?:#|//)[ \t]")
REASON = "TODO reason"


def opener(path: str) -> str:
    return languages.comments(Path(path).suffix)[0]


def render(text: str, path: str, actions) -> str:
    lines = text.splitlines(keepends=True)
    removals: dict[int, set[tuple[int, str]]] = {}
    additions: dict[int, list[str]] = {}
    for action in actions:
        if action[0] == "noqa.remove":
            _, line, column, code = action
            removals.setdefault(line, set()).add((column, code))
        elif action[0] == "noqa.add":
            _, line, code = action
            additions.setdefault(line, []).append(code)
    style = opener(path)
    for line, codes in removals.items():
        if 0 < line <= len(lines):
            lines[line - 1] = _remove(lines[line - 1], codes, style)
    for line, codes in additions.items():
        if 0 < line <= len(lines):
            lines[line - 1] = _add(lines[line - 1], codes, style)
    return "".join(lines)


def _split(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body):]


def _remove(line: str, codes: set[tuple[int, str]], style: str) -> str:
    body, end = _split(line)
    for match in _COMMENT[style].finditer(body):
        start = match.start("codes")
        found = [(start + m.start(), m.group()) for m in _CODE.finditer(match.group("codes"))]
        kept = [name for column, name in found if (column + 1, name.upper()) not in codes]
        if len(kept) == len(found):
            continue
        if kept:
            separator = ", " if "," in match.group("codes") or len(found) < 2 else " "
            body = body[:start] + separator.join(kept) + body[match.end("codes"):]
        else:
            body = body[:match.start()] + _after_comment(match, style)
            if not body.strip():
                return ""
        return body + end
    return line


def _after_comment(match: re.Match, style: str) -> str:
    """What follows a `noqa` comment that goes: the end of a block comment,
    or a further comment (``# expect: ...``) on the line."""
    rest = match.group("rest")
    if style == "//" and match.group("open") == "/*":
        close = rest.find("*/")
        return rest[close + 2:] if close >= 0 else ""
    later = _NEXT_COMMENT.search(rest)
    return rest[later.start():] if later else ""


def _add(line: str, codes: list[str], style: str) -> str:
    body, end = _split(line)
    match = next(_COMMENT[style].finditer(body), None)
    if match is not None:
        present = {m.group().upper() for m in _CODE.finditer(match.group("codes"))}
        new = [c for c in codes if c not in present]
        if not new:
            return line
        return body[:match.end("codes")] + "".join(f", {c}" for c in new) + body[match.end("codes"):] + end
    if body.rstrip().endswith("\\"):  # a continued line takes no comment
        return line
    return f"{body.rstrip()}  {style} noqa: {', '.join(codes)} -- {REASON}{end}"
