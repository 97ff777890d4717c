"""Configuration files: ``[tool.consentlint]`` in ``pyproject.toml``, or the
top level of ``consentlint.toml`` (for non-Python repositories).

The file is looked for upward from the scanned path (several paths: the folder
they share; standard input: its --stdin-filename); the nearest folder
with one wins, and in one folder ``consentlint.toml`` wins over
``pyproject.toml`` (a ``pyproject.toml`` without ``[tool.consentlint]`` is
skipped). Keys are the long command-line flag names, with ``-`` or ``_``
(``extend-exclude``, ``fail_on``; ``respect-gitignore = false`` or
``no-respect-gitignore = true``); lists are TOML arrays; relative paths
(``manifest``, ``catalog``, ``baseline``, ``output``, ``sarif-output``) are
relative to the config file's folder. Command-line flags win over the file; ``catalog``
folders from both add up. Unknown keys and wrong types are exit 2, all of
them at once, each naming file, line and key (with a did-you-mean for a
misspelt key).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from consentlint import schema
from consentlint.errors import ConfigError
from consentlint.rules import selector_problem

CONFIG_NAME = "consentlint.toml"
PYPROJECT = "pyproject.toml"

# key -> (argparse dest, kind); kinds: codes, strings, path, paths, int, bool, and choice tuples
KEYS: dict[str, tuple[str, object]] = {
    "select": ("select", "codes"),
    "ignore": ("ignore", "codes"),
    "manifest": ("manifest", "path"),
    "catalog": ("catalog", "paths"),
    "format": ("format", "format"),
    "output": ("output", "path"),
    "sarif-output": ("sarif_output", "path"),
    "jobs": ("jobs", "int"),
    "exclude": ("exclude", "strings"),
    "extend-exclude": ("extend_exclude", "strings"),
    "force-exclude": ("force_exclude", "bool"),
    "respect-gitignore": ("respect_gitignore", "bool"),
    "no-respect-gitignore": ("respect_gitignore", "not-bool"),
    "no-cache": ("no_cache", "bool"),
    "cache-dir": ("cache_dir", "path"),
    "quiet": ("quiet", "bool"),
    "exit-zero": ("exit_zero", "bool"),
    "fail-on": ("fail_on", ("error", "warning")),
    "project": ("project", "bool"),
    "baseline": ("baseline", "path"),
    "show-source": ("show_source", "bool"),
    "color": ("color", ("auto", "always", "never")),
    "report-suppressions": ("report_suppressions", "bool"),
}
# keys `inventory` ignores: check-only flags, and the report's format and file
# (a `format = "sarif"` meant for `check` must not break or overwrite the inventory)
CHECK_ONLY = frozenset(("select", "ignore", "exit-zero", "fail-on", "project", "baseline", "show-source",
                        "color", "report-suppressions", "format", "output", "sarif-output"))


def find_config(start: Path) -> Path | None:
    """The nearest config file from ``start`` (a file or folder) upward (a
    folder named ``consentlint.toml`` there is an error, not "no config")."""
    folder = Path(os.path.realpath(start))  # Path.resolve raises on a symlink loop
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_NAME
        if own.is_file():
            return own
        problem = schema.not_a_file(own)
        if problem:
            raise ConfigError(f"{own}: {problem}")
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_section(pyproject):
            return pyproject
    return None


def _has_section(path: Path) -> bool:
    """Whether a pyproject.toml says anything under ``tool.consentlint``
    (``[[tool.consentlint]]`` or ``[tool] consentlint = 5`` too, so that
    load_config reports them instead of their being ignored)."""
    try:
        text = path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return False
    if "consentlint" not in text:  # cheap test first: most pyproject.toml files are not ours
        return False
    import tomllib  # (here: most runs have no pyproject.toml of ours)

    try:
        tool = tomllib.loads(text.removeprefix("\ufeff")).get("tool")
    except (tomllib.TOMLDecodeError, RecursionError):
        # broken TOML is ours (and reported) when a header names the section
        return re.search(r"^\s*\[\[?\s*tool\s*\.\s*consentlint\s*[\].]", text, re.M) is not None
    return isinstance(tool, dict) and "consentlint" in tool


def load_config(path: Path, command: str, formats, origins: dict | None = None) -> dict[str, object]:
    """argparse defaults (dest -> value) from a config file, validated.
    ``origins`` receives, per dest, ``"file:line: key name"``: a problem found
    later with a value from the file names where it was written, not a flag."""
    text, raw = schema.read_toml(path, ConfigError, "configuration")
    prefix: tuple = ()
    if path.name == PYPROJECT:
        prefix = ("tool", "consentlint")
        tool = raw.get("tool", {})
        raw = tool.get("consentlint", {}) if isinstance(tool, dict) else {}
        if not isinstance(raw, dict):
            kind = "an array of tables" if isinstance(raw, list) and raw and all(
                isinstance(v, dict) for v in raw) else schema.kind(raw)
            raise ConfigError(f"{path}:{schema.locate(text, prefix)}: key tool.consentlint: "
                              f"expected a table, got {kind}")
    base = path.parent
    out: dict[str, object] = {}
    problems: list[str] = []  # every bad key, a line each (exit 2 once)
    for key, value in raw.items():
        name = key.replace("_", "-")

        def fail(problem: str):
            where = ".".join((*prefix, key))
            line = schema.locate(text, (*prefix, key))
            raise _Bad(f"{path}:{line}: key {where}: {problem}")

        try:
            if name not in KEYS:
                hint = schema.did_you_mean(name, KEYS)
                fail(f"unknown key ({hint or 'known: ' + ', '.join(sorted(KEYS))})")
            if command != "check" and name in CHECK_ONLY:
                continue
            dest, kind = KEYS[name]
            if kind == "format":
                kind = tuple(formats)
            out[dest] = _convert(value, kind, base, fail)
        except _Bad as exc:
            problems.append(str(exc))
            continue
        if origins is not None:
            origins[dest] = f"{path}:{schema.locate(text, (*prefix, key))}: key {'.'.join((*prefix, key))}"
    if problems:
        raise ConfigError("\n".join(problems))
    return out


class _Bad(Exception):
    """One key's problem, collected with the others."""


def _convert(value, kind, base: Path, fail):
    if isinstance(kind, tuple):
        if not isinstance(value, str) or value not in kind:
            fail(f"expected one of {', '.join(kind)}, got {value!r}")
        return value
    if kind in ("bool", "not-bool"):
        if not isinstance(value, bool):
            fail(f"expected true or false, got {value!r}")
        return value if kind == "bool" else not value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            fail(f"expected a positive integer, got {value!r}")
        return value
    if kind == "path":
        if not isinstance(value, str) or not value:
            fail(f"expected a path string, got {value!r}")
        return base / value
    if kind == "codes":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            fail(f"expected an array of strings, got {value!r}")
        codes = tuple(v.strip().upper() for v in value)
        for code in codes:
            problem = selector_problem(code)
            if problem:
                fail(problem)
        return codes
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        fail(f"expected an array of strings, got {value!r}")
    if kind == "paths":
        return [base / v for v in value]
    return tuple(v.strip() for v in value)
