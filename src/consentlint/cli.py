"""Command line: ``consentlint check|inventory|rule|catalog``.

stdout carries only the report; problems go to stderr as
``consentlint: error: ...``. Exit codes: 0 clean, 1 error-level findings,
2 usage, configuration or manifest error, or an internal crash (never hidden
by ``--exit-zero``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from consentlint import __version__
from consentlint.errors import ConfigError, ConsentlintError
from consentlint.report import FORMATS


def _codes(value: str) -> tuple[str, ...]:
    return tuple(c.strip().upper() for c in value.split(",") if c.strip())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="consentlint",
        description="Find personal-data collection in app code and check that each site is declared "
                    "in privacy-manifest.toml and guarded by a consent check.",
    )
    parser.add_argument("--version", action="version", version=f"consentlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def scan_options(p, formats, default_format):
        p.add_argument("paths", nargs="*", type=Path, default=[Path(".")], metavar="PATH",
                       help="files or folders to scan (default: .)")
        p.add_argument("--manifest", type=Path, metavar="FILE",
                       help="the privacy manifest (default: nearest privacy-manifest.toml upward from the first path)")
        p.add_argument("--catalog", type=Path, action="append", default=[], metavar="DIR",
                       help="an extra catalog folder of TOML files (repeatable)")
        p.add_argument("--format", choices=formats, default=default_format, help=f"output format (default: {default_format})")
        p.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report to FILE instead of stdout")
        p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help="parallel processes (default: all cores); output is identical for any N")
        p.add_argument("--exclude", type=_codes_list, default=None, metavar="PATTERNS",
                       help="comma-separated gitignore-style patterns replacing the default excludes")
        p.add_argument("--extend-exclude", type=_codes_list, default=(), metavar="PATTERNS",
                       help="patterns excluded in addition to the defaults")
        p.add_argument("--force-exclude", action="store_true",
                       help="apply excludes to files named on the command line too (for pre-commit)")
        p.add_argument("--no-respect-gitignore", dest="respect_gitignore", action="store_false",
                       help="scan files that .gitignore excludes")
        p.add_argument("--no-cache", action="store_true",
                       help="do not use a facts cache (accepted for scripts; this version keeps no cache)")
        p.add_argument("--quiet", "-q", action="store_true", help="no notes on stderr")

    check = sub.add_parser("check", help="check collection sites against the manifest and consent guards")
    scan_options(check, FORMATS, "text")
    check.add_argument("--select", type=_codes, default=None, metavar="CODES",
                       help="comma-separated codes or prefixes to report (default: all)")
    check.add_argument("--ignore", type=_codes, default=(), metavar="CODES", help="codes or prefixes not to report")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings (a 2 is never hidden)")
    check.add_argument("--fail-on", choices=("error", "warning"), default="error",
                       help="lowest severity that makes the exit code 1 (default: error)")
    check.add_argument("--project", action="store_true",
                       help="run project-scope rules (PDC002 unused consent functions, PDC102) "
                            "even when the paths do not cover the manifest's folder")

    inventory = sub.add_parser("inventory", help="list every collection site by category (the data map)")
    scan_options(inventory, ("text", "markdown", "json"), "text")

    rule = sub.add_parser("rule", help="explain a rule, or list all rules")
    rule.add_argument("code", nargs="?", help="a code such as PDC201")

    catalog = sub.add_parser("catalog", help="list the known collecting APIs")
    catalog.add_argument("--catalog", type=Path, action="append", default=[], metavar="DIR")
    catalog.add_argument("--language", choices=("python", "java", "kotlin", "javascript", "typescript"))
    catalog.add_argument("--categories", action="store_true", help="list the category taxonomy instead")
    catalog.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def _codes_list(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in value.split(",") if p.strip())


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        if args.command in ("check", "inventory"):
            return _scan(args)
        if args.command == "rule":
            return _rule(args)
        return _catalog(args)
    except ConsentlintError as exc:
        print(f"consentlint: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 2


def _selected(select, ignore):
    from consentlint.rules import RULES

    known = tuple(RULES)
    for selector in (*(select or ()), *ignore):
        if selector != "ALL" and not any(code.startswith(selector) for code in known):
            raise ConfigError(f"unknown rule selector {selector!r} (known codes: {', '.join(known)})")

    def matches(code, selectors):
        return any(s == "ALL" or code.startswith(s) for s in selectors)

    def chosen(code: str) -> bool:
        if select is not None and not matches(code, select):
            return False
        return not matches(code, ignore)

    return chosen


def _scan(args) -> int:
    from consentlint import engine
    from consentlint.discovery import DEFAULT_EXCLUDES, discover
    from consentlint.manifest import find_manifest, load_manifest

    is_check = args.command == "check"
    chosen = _selected(args.select, args.ignore) if is_check else (lambda code: True)
    if args.jobs is not None and args.jobs < 1:
        raise ConfigError("--jobs must be at least 1")
    for folder in args.catalog:
        if not folder.is_dir():
            raise ConfigError(f"--catalog {folder}: not a folder")
    manifest_path = args.manifest or find_manifest(args.paths[0])
    if args.manifest is not None and not args.manifest.is_file():
        raise ConfigError(f"--manifest {args.manifest}: no such file")
    manifest = load_manifest(manifest_path) if manifest_path else None
    settings = engine.Settings(str(manifest_path) if manifest_path else None, tuple(str(d) for d in args.catalog))
    eng = engine.Engine(settings, manifest=manifest)

    found = discover(args.paths, exclude=args.exclude if args.exclude is not None else DEFAULT_EXCLUDES,
                     extend_exclude=args.extend_exclude, force_exclude=args.force_exclude,
                     respect_gitignore=args.respect_gitignore)
    if not args.quiet:
        for path, message in found.errors:
            print(f"consentlint: warning: {path}: {message}", file=sys.stderr)
    project = getattr(args, "project", False) or (manifest is not None and _covers(args.paths, manifest.root))
    jobs = args.jobs or os.cpu_count() or 1
    result = engine.run(eng, found.files, jobs, project, engine.expected_manifest_path(args.paths[0]), found.errors)
    result.findings = [f for f in result.findings if chosen(f.code)]

    if is_check:
        reporter = importlib.import_module(f"consentlint.report.{args.format}")
        output = reporter.render(result)
    else:
        from consentlint.report import inventory

        output = inventory.render(result, manifest, args.format)
    _write(output, args.output)
    if not is_check or args.exit_zero:
        return 0
    return result.exit_code(fail_on_warning=args.fail_on == "warning")


def _covers(paths, root: Path) -> bool:
    root = Path(os.path.abspath(root))
    for path in paths:
        absolute = Path(os.path.abspath(path))
        if absolute.is_dir() and (root == absolute or absolute in root.parents):
            return True
    return False


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, "utf-8")
    except OSError as exc:
        raise ConfigError(f"--output {output}: {exc.strerror or exc}") from None


def _rule(args) -> int:
    from consentlint.rules import RULES, docs, summary

    if args.code is None:
        for code, module in RULES.items():
            print(f"{code}  {module.NAME:<24} {module.SEVERITY:<8} {summary(module)}")
        return 0
    module = RULES.get(args.code.upper())
    if module is None:
        raise ConfigError(f"unknown rule {args.code!r} (see `consentlint rule`)")
    print(f"# {module.CODE} ({module.NAME})\n")
    print(f"Default severity: {module.SEVERITY}. Scope: {module.SCOPE}.\n")
    print(module.__doc__.strip())
    return 0


def _catalog(args) -> int:
    import json

    from consentlint import taxonomy
    from consentlint.catalog import load_catalog

    if args.categories:
        cats = taxonomy.categories()
        if args.format == "json":
            print(json.dumps(cats, indent=2, sort_keys=True))
        else:
            for name, mapping in sorted(cats.items()):
                print(f"{name:<22} Play: {mapping.get('play', '-')}")
        return 0
    catalog = load_catalog(tuple(args.catalog))
    entries = [s for s in catalog.sources if args.language is None or args.language in s.languages]
    entries.sort(key=lambda s: (s.languages, s.id))
    if args.format == "json":
        print(json.dumps([{"id": s.id, "languages": list(s.languages), "api": list(s.apis), "kind": s.kind,
                           "category": s.category, "fields": s.fields, "permissions": list(s.permissions),
                           "references": list(s.references)} for s in entries], indent=2))
        return 0
    for s in entries:
        category = s.category or "identity fields by key"
        print(f"{s.id:<32} {'/'.join(s.languages):<10} {category:<22} {', '.join(s.apis)}")
    return 0


def run() -> None:
    """Console-script entry point."""
    raise SystemExit(main())
