"""``path:line:col: CODE message``, one finding a line (as flake8 and ruff print)."""

from __future__ import annotations


def render(run) -> str:
    return "".join(f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}\n" for f in run.findings)
