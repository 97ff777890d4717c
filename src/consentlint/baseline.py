"""Baselines: the fingerprints of known findings, so that a project adopting
consentlint fails only on new ones (``--write-baseline`` / ``--baseline``).

A fingerprint hashes the code, path, enclosing function, catalog entry,
category and the text of the finding's line, never its line number: a known
finding stays known when lines are added or removed above it. Paths are the
printed ones (relative to the current directory), so run from the same folder
that wrote the baseline.
"""

from __future__ import annotations

import json
from pathlib import Path

from consentlint.errors import ConfigError
from consentlint.schema import decode_utf8

VERSION = 1


def render(findings) -> str:
    """The baseline file for ``findings``: JSON, sorted, one entry per finding."""
    entries = [{"path": f.path, "code": f.code, "fingerprint": f.fingerprint, "message": f.message}
               for f in sorted(findings, key=lambda f: f.sort_key())]
    return json.dumps({"version": VERSION, "findings": entries}, indent=2, ensure_ascii=False) + "\n"


def load_baseline(path: Path, shown: str | None = None) -> frozenset[tuple[str, str]]:
    """(code, fingerprint) pairs of a baseline file; a bad file is a ConfigError
    starting with ``shown`` (where the path was given; default ``--baseline PATH``)."""
    shown = shown or f"--baseline {path}"
    try:
        text, line, problem = decode_utf8(path.read_bytes())
        if problem:
            raise ConfigError(f"{shown}:{line}: not a consentlint baseline: {problem}")
        doc = json.loads(text)
    except OSError as exc:
        raise ConfigError(f"{shown}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{shown}: not a consentlint baseline (invalid JSON: {exc})") from None
    except RecursionError:
        raise ConfigError(f"{shown}: nested too deeply") from None
    entries = doc.get("findings") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("code"), str) and isinstance(e.get("fingerprint"), str)
            for e in entries):
        raise ConfigError(f"{shown}: not a consentlint baseline "
                          "(expected {\"findings\": [{\"code\": ..., \"fingerprint\": ...}]})")
    return frozenset((e["code"], e["fingerprint"]) for e in entries)


def split(findings, known: frozenset[tuple[str, str]]):
    """(new findings, findings the baseline already knows)."""
    new, old = [], []
    for f in findings:
        (old if (f.code, f.fingerprint) in known else new).append(f)
    return new, old
