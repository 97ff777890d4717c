"""A small JSON Schema validator and a TOML key locator, for precise errors.

The manifest and the catalogs ship a JSON Schema (``schemas/``) that editors can
use. At run time we validate with this subset (type, properties, required,
additionalProperties, items, enum, pattern, minLength, minimum, $ref, anyOf) instead of
importing jsonschema, which keeps start-up fast and lets each error carry the
key path; ``locate`` turns that path into a line of the TOML file. A test checks
the same verdicts with jsonschema itself.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from functools import cache, lru_cache
from pathlib import Path as FilePath

_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "integer": int,
    "number": (int, float),
}

Path = tuple  # of str keys and int indexes


@cache
def load_schema(name: str) -> dict:
    """Return a schema shipped in ``consentlint/schemas``."""
    from importlib import resources  # (here: a tenth of start-up's imports)

    text = resources.files("consentlint").joinpath("schemas", name).read_text("utf-8")
    return json.loads(text)


_TOML_LINE = re.compile(r"at line (\d+)")


def not_a_file(path: FilePath) -> str | None:
    """Why ``path``, where a manifest or configuration file belongs, is not a
    regular file (a folder, a broken symlink, ...); None when it is one or
    nothing is there."""
    if path.is_file() or not os.path.lexists(path):
        return None
    if path.is_dir():
        return "a folder, not a file"
    if path.is_symlink() and not path.exists():
        return "a broken symlink"
    return "not a regular file"


def read_toml(path: FilePath, error: type[Exception], what: str) -> tuple[str, dict]:
    """``(text, data)`` of a TOML file; unreadable or invalid TOML raises
    ``error`` naming the file and line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    text, line, problem = decode_utf8(data)
    if problem:
        raise error(f"{path}:{line}: cannot read {what}: {problem} (TOML files are UTF-8)")
    import tomllib  # (here: start-up reads no TOML once the catalogs are compiled)

    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_LINE.search(str(exc))
        line = match.group(1) if match else max(1, len(text.splitlines()))
        raise error(f"{path}:{line}: invalid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per level of nesting
        raise error(f"{path}: nested too deeply") from None


def decode_utf8(data: bytes) -> tuple[str, int, str | None]:
    """``(text, 0, None)`` for UTF-8 ``data`` (a BOM allowed), else ``("",
    line, problem)``: UTF-16, or the first byte that is not UTF-8, by line
    and column (a codec's byte offset tells a user nothing)."""
    half = len(data) // 2
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
            half and max(data[0::2].count(0), data[1::2].count(0)) * 2 > half):
        return "", 1, "UTF-16, not UTF-8"  # with a BOM, or ASCII text with every other byte 0
    try:
        return data.decode("utf-8-sig"), 0, None
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[start:exc.start].decode("utf-8", "replace")) + 1
        return "", line, f"not UTF-8 (byte 0x{data[exc.start]:02x} at column {column})"


def validate(data, schema: dict) -> list[tuple[Path, str]]:
    """Return ``(path, message)`` for every violation, in document order."""
    errors: list[tuple[Path, str]] = []
    _check(data, schema, schema, (), errors)
    return errors


def _is_type(value, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[name])


def _resolve(schema: dict, root: dict) -> dict:
    """``schema`` with its ``$ref`` (a local ``#/...`` pointer) merged in."""
    if "$ref" not in schema:
        return schema
    target = root
    for part in schema["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}


def _check(value, schema: dict, root: dict, path: Path, errors: list) -> None:
    schema = _resolve(schema, root)
    if "anyOf" in schema:
        for option in schema["anyOf"]:
            trial: list = []
            _check(value, option, root, path, trial)
            if not trial:
                break
        else:
            # one typed option of the value's type: its own problem is the
            # precise one (`category_arg = -1` in a check's table)
            types = [_resolve(o, root).get("type") for o in schema["anyOf"]]
            fitting = [o for o, t in zip(schema["anyOf"], types)
                       if t is not None and any(_is_type(value, n) for n in (t if isinstance(t, list) else [t]))]
            if None not in types and len(fitting) == 1:
                _check(value, fitting[0], root, path, errors)
                return
            expected = " or ".join(_describe(o, root) for o in schema["anyOf"])
            errors.append((path, f"expected {expected}"))
            return
    expected = schema.get("type")
    if expected is not None:
        names = expected if isinstance(expected, list) else [expected]
        if not any(_is_type(value, n) for n in names):
            errors.append((path, f"expected {' or '.join(names)}, got {kind(value)}"))
            return
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(json.dumps(v) for v in schema["enum"])
        errors.append((path, f"{json.dumps(value)} is not one of {allowed}"))
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        # a pattern too long to read carries its meaning (`x-pattern-is`, ignored by other validators)
        meaning = schema.get("x-pattern-is")
        problem = f"is not {meaning}" if meaning else f"does not match {schema['pattern']}"
        errors.append((path, f"{json.dumps(value)} {problem}"))
    if "minLength" in schema and isinstance(value, str) and len(value) < schema["minLength"]:
        errors.append((path, "must not be empty"))
    if "minimum" in schema and isinstance(value, int) and value < schema["minimum"]:
        errors.append((path, f"must be >= {schema['minimum']}"))
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append((path, f"needs at least {schema['minItems']} item(s)"))
        if "items" in schema:
            for i, item in enumerate(value):
                _check(item, schema["items"], root, path + (i,), errors)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                errors.append((path, f"missing required key {key!r}"))
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                _check(item, props[key], root, path + (key,), errors)
            elif extra is False:
                hint = did_you_mean(key, props)
                errors.append((path + (key,), f"unknown key ({hint})" if hint else "unknown key"))
            elif isinstance(extra, dict):
                _check(item, extra, root, path + (key,), errors)


def did_you_mean(word: str, choices) -> str:
    """``did you mean `purposes`?`` for the closest of ``choices`` to a
    misspelt ``word`` (difflib), else ``""``."""
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""


def _describe(schema: dict, root: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    t = schema.get("type", "value")
    return " or ".join(t) if isinstance(t, list) else t


def kind(value) -> str:
    """The JSON Schema type name of a TOML/JSON value, for messages."""
    for name in ("boolean", "integer", "number", "string", "array", "object"):
        if _is_type(value, name):
            return name
    return type(value).__name__


def format_path(path: Path) -> str:
    """``("data", 0, "category")`` -> ``data[0].category``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")


def _split_key(key: str) -> tuple:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", key)
    return tuple(p.strip("\"'") for p in parts)


def locate(text: str, path: Path) -> int:
    """Best 1-based line for ``path`` in TOML ``text``: the line of the deepest
    key or table on the path that appears in the file (1 when none does)."""
    lines = _key_lines(text)
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1


def locate_string(text: str, start: int, value: str) -> int:
    """The first line from ``start`` on that holds the quoted ``value`` (items
    of a multi-line inline array), else ``start``."""
    found = _string_lines(text).get(value, ())
    i = bisect.bisect_left(found, start)
    return found[i] if i < len(found) else start


# a file's lines are indexed once, not once per key looked up (a manifest of
# 10,000 entries took minutes); the few texts of a run are kept
@lru_cache(maxsize=16)
def _key_lines(text: str) -> dict[tuple, int]:
    """The 1-based line of each key and table path in TOML ``text`` (first one wins)."""
    lines: dict[tuple, int] = {}
    counts: dict[tuple, int] = {}
    table: tuple = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            name = _split_key(header.group(2))
            if header.group(1) == "[[":
                index = counts.get(name, -1) + 1
                counts[name] = index
                table = name + (index,)
            else:
                table = name
            for i in range(1, len(table) + 1):
                lines.setdefault(table[:i], number)
            continue
        key = _KEY.match(line)
        if key:
            lines.setdefault(table + _split_key(key.group(1)), number)
    return lines


_STRING = re.compile(r""""([^"\\\n]*)"|'([^'\n]*)'""")


@lru_cache(maxsize=16)
def _string_lines(text: str) -> dict[str, list[int]]:
    """The lines (ascending) on which each simple quoted string of ``text`` appears."""
    out: dict[str, list[int]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if "\"" not in line and "'" not in line:
            continue
        for match in _STRING.finditer(line):
            found = out.setdefault(match.group(1) if match.group(1) is not None else match.group(2), [])
            if not found or found[-1] != number:
                found.append(number)
    return out
