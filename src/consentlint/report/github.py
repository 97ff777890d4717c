"""GitHub Actions workflow commands, one finding a line:
``::error file=..,line=..,col=..,endLine=..,endColumn=..,title=PDC201 (unguarded-collection)::message``.

Escaping is the actions/toolkit's (``escapeData`` / ``escapeProperty``), so a
message with ``%``, ``:``, ``,`` or a newline cannot end the command early.
GitHub turns only the first few commands of each level in a step into
annotations; when there are more, a closing ``::notice::`` says how many are
only in the log.
"""

from __future__ import annotations

from consentlint.rules import RULES

# Annotations GitHub shows per step and level (the rest stay in the log).
ANNOTATIONS_PER_LEVEL = 10


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}\n"


def title(code: str) -> str:
    module = RULES.get(code)
    return f"{code} ({module.NAME})" if module else code


def annotation(f) -> str:
    level = "error" if f.severity == "error" else "warning"
    props = {"file": f.path}
    if f.line >= 1:
        props["line"] = f.line
        single_line = f.end_line <= f.line
        if single_line and f.column >= 1:
            props["col"] = f.column
        if f.end_line >= f.line:
            props["endLine"] = f.end_line
        # GitHub takes columns only when the annotation starts and ends on one line.
        if single_line and f.column >= 1 and f.end_column > f.column:
            props["endColumn"] = f.end_column
    props["title"] = title(f.code)
    return command(level, f.message, **props)


def render(run) -> str:
    lines = [annotation(f) for f in run.findings]
    errors = sum(1 for f in run.findings if f.severity == "error")
    warnings = len(run.findings) - errors
    hidden_errors = max(0, errors - ANNOTATIONS_PER_LEVEL)
    hidden_warnings = max(0, warnings - ANNOTATIONS_PER_LEVEL)
    if hidden_errors or hidden_warnings:
        parts = [f"{n} {word}{'s' if n != 1 else ''}"
                 for n, word in ((hidden_errors, "error"), (hidden_warnings, "warning")) if n]
        lines.append(command(
            "notice",
            f"{' and '.join(parts)} not shown as annotations: GitHub shows {ANNOTATIONS_PER_LEVEL} errors and "
            f"{ANNOTATIONS_PER_LEVEL} warnings per step. All {len(run.findings)} findings are in this step's log.",
            title="consentlint"))
    return "".join(lines)
