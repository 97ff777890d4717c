"""``consentlint init [PATH]``: a draft ``privacy-manifest.toml`` from what the
code collects.

One ``[[data]]`` entry per category found, with ``purposes = ["TODO"]`` and a
comment naming where it is collected; each third-party SDK the code starts as
a ``[[third_party]]`` entry (and in ``shared_with`` of what it collects); the
project functions whose names say they answer a consent question, as
commented suggestions for ``[consent] checks``; a ``#:schema`` line for
editors. The ``[policy]`` table is left for the user to fill in: a made-up
address would silence PDC103. The draft is validated before it is written,
and an existing manifest is never replaced without ``--force``.
"""

from __future__ import annotations

from pathlib import Path

from consentlint import engine as E
from consentlint.datamap import sdk_id
from consentlint import facts as F
from consentlint.errors import ConfigError
from consentlint.manifest import MANIFEST_NAME, load_manifest

SCHEMA_URL = ("https://raw.githubusercontent.com/consentlint/consentlint/v0.1.0/"
              "src/consentlint/schemas/privacy-manifest.schema.json")
SHOWN_SITES = 3  # places named per category


def draft(folder: Path, jobs: int = 1) -> str:
    """The manifest text for the app in ``folder``."""
    from consentlint.discovery import DEFAULT_EXCLUDES, discover

    settings = E.Settings(None, project_root=str(folder))
    engine = E.Engine(settings)
    files = discover([folder], exclude=DEFAULT_EXCLUDES, root=folder).files
    lowered = E.lower_files(engine, files, jobs)
    results = engine.judge(lowered)
    sites = sorted((c for r in results for c in r.collections), key=lambda c: (c.category, c.path, c.span.line))
    return _render(folder, sites, _consent_functions(engine, lowered))


def _render(folder: Path, sites, consent_functions: list[str]) -> str:
    by_category: dict[str, list] = {}
    sdks: dict[str, set[str]] = {}  # SDK id -> categories it collects
    names: dict[str, str] = {}
    prefixes: dict[str, set[str]] = {}
    for site in sites:
        by_category.setdefault(site.category, []).append(site)
        if site.source.sdk:
            key = sdk_id(site.source.sdk)
            names[key] = site.source.sdk
            sdks.setdefault(key, set()).add(site.category)
            prefixes.setdefault(key, set()).add(_package(site.api))
    out = [f"#:schema {SCHEMA_URL}",
           f"# Draft written by `consentlint init` from what the code in {folder.name or '.'}/ collects.",
           "# Fill in each TODO, then run `consentlint check`.", "",
           "# [policy]",
           "# url = \"https://...\"  # TODO: the published privacy policy (PDC103 until it is set)", ""]
    for category, found in by_category.items():
        shared = sorted(k for k, cats in sdks.items() if category in cats)
        places = ", ".join(f"{_relative(folder, s.path)}:{s.span.line} (`{s.text or s.api}`)"
                           for s in found[:SHOWN_SITES])
        more = len(found) - SHOWN_SITES
        out.append(f"# collected at {places}" + (f" and {more} more" if more > 0 else ""))
        out.append("[[data]]")
        out.append(f"category = \"{category}\"")
        out.append("purposes = [\"TODO\"]")
        if shared:
            out.append(f"shared_with = [{', '.join(_quote(s) for s in shared)}]")
        out.append("")
    for key in sorted(sdks):
        out += ["[[third_party]]", f"id = {_quote(key)}", f"name = {_quote(names[key])}",
                f"sdk = [{', '.join(_quote(p) for p in sorted(prefixes[key]))}]", ""]
    if any(c.startswith("identity") or c == "account" for c in by_category):
        out += ["# the app collects identity data: name the handlers users delete and correct it with",
                "# (PDC301, PDC302 until they are set)", "# [rights]",
                "# delete_account = \"TODO\"", "# correct_data = \"TODO\"", ""]
    if consent_functions:
        out.append("# functions that look like consent checks: uncomment those that answer")
        out.append("# \"did the user consent to this category?\" (see `consentlint rule PDC201`)")
        out.append("# [consent]")
        out.append("# checks = [")
        out += [f"#   {{ function = {_quote(name)} }}," for name in consent_functions]
        out.append("# ]")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _consent_functions(engine: E.Engine, lowered) -> list[str]:
    """Project functions named like consent checks (the catalog's consent-name patterns)."""
    found = set()
    for low in lowered:
        if low.facts is None:
            continue
        names = engine.catalog.for_language(low.language).consent_names
        if names.gate is None:
            continue
        for function in F.functions_in(low.facts.functions):
            if function.name.startswith("<"):
                continue
            if names.gate.search(function.name) and names.meaning(function.name) is not None:
                found.add(function.qualname)
    return sorted(found)


def _package(api: str) -> str:
    """What identifies an SDK's code in an API name: the JS/TS module, or the
    first two segments of a JVM/Python name (``com.umeng.*``)."""
    module, hash_, _ = api.partition("#")
    if hash_:
        return module
    parts = api.split(".")
    return ".".join(parts[:2]) + ".*" if len(parts) > 2 else api


def _relative(folder: Path, path: str) -> str:
    try:
        return Path(path).resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write(folder: Path, force: bool = False) -> Path:
    """Write the draft into ``folder``; the path written."""
    if not folder.is_dir():
        raise ConfigError(f"{folder}: not a folder")
    target = folder / MANIFEST_NAME
    if target.exists() and not force:
        raise ConfigError(f"{target}: already exists (use --force to replace it)")
    text = draft(folder)
    scratch = folder / f".{MANIFEST_NAME}.draft"
    try:
        scratch.write_text(text, "utf-8")
        load_manifest(scratch)  # (a draft that would not load is a bug here, never the user's)
        scratch.replace(target)
    except OSError as exc:
        raise ConfigError(f"{target}: {exc.strerror or exc}") from None
    finally:
        scratch.unlink(missing_ok=True)
    return target
