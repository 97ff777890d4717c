"""``path:line:col: CODE message``, one finding a line (as flake8 and ruff
print), optionally with the source line and a caret under the span
(``show_source``), the suppressed findings with their reasons, and a one-line
summary at the end."""

from __future__ import annotations

from consentlint.facts import source_lines
from consentlint.findings import ERROR

BOLD, RED, YELLOW, CYAN, RESET = "\x1b[1m", "\x1b[31m", "\x1b[33m", "\x1b[36m", "\x1b[0m"


def render(run, show_source: bool = False, color: bool = False, report_suppressions: bool = False,
           summary: bool = False) -> str:
    paint = _painter(color)
    out = []
    sources: dict[str, list[str] | None] = {}
    for f in run.findings:
        tone = RED if f.severity == ERROR else YELLOW
        out.append(f"{paint(f.path, BOLD)}:{f.line}:{f.column}: {paint(f.code, BOLD + tone)} {f.message}\n")
        if show_source:
            out.append(_source(f, sources, paint, tone))
    if report_suppressions:
        for f, reason in run.suppressed:
            because = f" -- {reason}" if reason else ""
            out.append(f"{paint(f.path, BOLD)}:{f.line}:{f.column}: {paint(f.code, BOLD)} suppressed{because}\n")
    if summary:
        out.append(paint(summary_line(run), BOLD) + "\n")
    return "".join(out)


def summary_line(run) -> str:
    files = _plural(run.files, "file")
    extras = []
    if run.suppressed:
        extras.append(f"{len(run.suppressed)} suppressed")
    baselined = getattr(run, "baselined", 0)
    if baselined:
        extras.append(f"{baselined} in the baseline")
    tail = f" ({', '.join(extras)})" if extras else ""
    if not run.files:  # nothing was looked at: never "All clear"
        found = f"Found {_plural(len(run.findings), 'finding')}, but n" if run.findings else "N"
        return f"{found}o source files checked{tail}."
    if not run.findings:
        return f"All clear: {files} checked{tail}."
    errors = sum(f.severity == ERROR for f in run.findings)
    warnings = len(run.findings) - errors
    kinds = ", ".join(k for k in (_plural(errors, "error") if errors else "",
                                  _plural(warnings, "warning") if warnings else "") if k)
    return f"Found {_plural(len(run.findings), 'finding')} ({kinds}) in {files}{tail}."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _painter(color: bool):
    if not color:
        return lambda text, style: text
    return lambda text, style: f"{style}{text}{RESET}"


def _source(f, sources: dict, paint, tone: str) -> str:
    if f.path not in sources:
        try:
            with open(f.path, "rb") as handle:
                sources[f.path] = source_lines(handle.read().decode("utf-8-sig", "replace"))
        except OSError:
            sources[f.path] = None
    lines = sources[f.path]
    if not lines or not 0 < f.line <= len(lines):
        return ""
    line = lines[f.line - 1]
    start = len(line[:f.column - 1].expandtabs(4))
    end = len(line[:f.end_column - 1].expandtabs(4)) if f.end_line == f.line else len(line.expandtabs(4))
    gutter = " " * len(str(f.line))
    carets = "^" * max(1, end - start)
    return (f"{paint(str(f.line), CYAN)} | {line.expandtabs(4)}\n"
            f"{gutter} | {' ' * start}{paint(carets, BOLD + tone)}\n")
