"""Command line: ``consentlint check|inventory|export|rule|catalog|schema|init|server``.

stdout carries only the report; problems go to stderr as
``consentlint: error: ...``. Exit codes: 0 clean, 1 error-level findings,
2 usage, configuration or manifest error, or an internal crash (never hidden
by ``--exit-zero``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
import time
from pathlib import Path

from consentlint import __version__, languages
from consentlint.cache import FOLDER
from consentlint.errors import ConfigError, ConsentlintError, internal_error
from consentlint.report import FORMATS


def _codes(value: str) -> tuple[str, ...]:
    """``--select``/``--ignore``: comma-separated codes or prefixes, at least one."""
    from consentlint.rules import selector_problem

    codes = tuple(c.strip().upper() for c in value.split(",") if c.strip())
    if not codes:
        raise argparse.ArgumentTypeError("no rule selector given")
    for code in codes:
        problem = selector_problem(code)
        if problem:
            raise argparse.ArgumentTypeError(problem)
    return codes


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage mistake as one ``consentlint: error:`` line
    (exit 2) instead of the whole usage text; ``--help`` shows the usage."""

    def error(self, message: str):
        raise ConfigError(_with_hint(self, message))


_CHOICE = re.compile(r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)")


def _with_hint(parser: argparse.ArgumentParser, message: str) -> str:
    """argparse's message with a did-you-mean (difflib) for a misspelt
    command, choice or flag: `consentlint chek` -> did you mean `check`?"""
    from consentlint.schema import did_you_mean

    choice = _CHOICE.fullmatch(message)
    if choice:
        argument, value, listed = choice.groups()
        hint = did_you_mean(value, [c.strip().strip("'") for c in listed.split(",")])
        if hint and argument == "COMMAND":
            return f"unknown command {value!r} ({hint})"
        return f"{message}; {hint}" if hint else message
    if message.startswith("unrecognized arguments: "):
        flags = set()
        for p in [parser, *_subparsers(parser)]:
            flags |= {o for a in p._actions for o in a.option_strings}
        unknown = [w.split("=", 1)[0] for w in message.split()[2:] if w.startswith("-")]
        hints = [(flag, did_you_mean(flag, flags)) for flag in unknown]
        hints = [(flag, hint) for flag, hint in hints if hint]
        if len(hints) == 1:
            return f"{message} ({hints[0][1]})"
        return f"{message} ({'; '.join(f'{flag}: {hint}' for flag, hint in hints)})" if hints else message
    return message


def _subparsers(parser: argparse.ArgumentParser) -> list:
    return [p for a in parser._actions if isinstance(a, argparse._SubParsersAction) for p in a.choices.values()]


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
                       help="the privacy manifest for every file (default: for each file, the nearest "
                            "privacy-manifest.toml upward from it)")
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
        p.add_argument("--cache-dir", type=Path, metavar="DIR",
                       help=f"where to keep the facts cache (default: {FOLDER} in the project's root)")
        p.add_argument("--no-cache", action="store_true", help="neither read nor write the facts cache")
        # the reference mode the text prefilter is checked against (tests, benchmarks/bench.py)
        p.add_argument("--no-prefilter", dest="prefilter", action="store_false", help=argparse.SUPPRESS)
        p.add_argument("--quiet", "-q", action="store_true", help="no notes on stderr and no summary line")
        p.add_argument("--config", type=Path, metavar="FILE",
                       help="configuration file (default: nearest consentlint.toml or pyproject.toml with "
                            "[tool.consentlint] upward from the folder the paths share)")
        p.add_argument("--isolated", action="store_true", help="ignore configuration files")
        p.add_argument("--stdin-filename", type=Path, metavar="PATH",
                       help="with the path `-`: read the source from standard input as the file PATH "
                            "(its language, manifest and project come from PATH; findings name PATH)")

    check = sub.add_parser("check", help="check collection sites against the manifest and consent guards")
    scan_options(check, FORMATS, "text")
    check.add_argument("--sarif-output", type=Path, metavar="FILE",
                       help="also write a SARIF 2.1.0 report to FILE, in the same run (semgrep's convention; "
                            "the GitHub Action prints annotations and writes SARIF from one scan)")
    check.add_argument("--select", type=_codes, default=None, metavar="CODES",
                       help="comma-separated codes or prefixes to report (default: all)")
    check.add_argument("--ignore", type=_codes, default=(), metavar="CODES", help="codes or prefixes not to report")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings (a 2 is never hidden)")
    check.add_argument("--fail-on", choices=("error", "warning"), default="error",
                       help="lowest severity that makes the exit code 1 (default: error)")
    check.add_argument("--baseline", type=Path, metavar="FILE",
                       help="ignore the findings recorded in FILE (see --write-baseline); only new ones count")
    check.add_argument("--write-baseline", type=Path, metavar="FILE",
                       help="record the current findings' fingerprints in FILE and exit 0")
    check.add_argument("--report-suppressions", action="store_true",
                       help="also list the findings that noqa comments suppress, with their reasons")
    check.add_argument("--show-source", action="store_true",
                       help="show the offending source line with a caret under the span (text format)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the text output (auto: when stdout is a terminal or FORCE_COLOR is set, "
                            "and NO_COLOR is not)")
    check.add_argument("--project", action="store_true",
                       help="run project-scope rules (PDC002 unused consent functions, PDC102) "
                            "even when the paths do not cover the manifest's folder")
    _fix_options(check)

    inventory = sub.add_parser("inventory", help="list every collection site by category (the data map)")
    scan_options(inventory, ("text", "markdown", "json", "html"), "text")

    export = sub.add_parser("export", help="the app's data map for an app store or data-map tool")
    scan_options(export, EXPORTS, "play-data-safety")
    export.add_argument("--template", type=Path, metavar="FILE",
                        help="play-data-safety: the CSV the Play Console exports, filled in (default: only the rows "
                             "this app answers)")

    rule = sub.add_parser("rule", help="explain a rule, or list all rules")
    rule.add_argument("code", nargs="?", help="a code such as PDC201, or a name such as unguarded-collection")

    sub.add_parser("server", help="run the language server (LSP over stdio) for editors")

    init = sub.add_parser("init", help="write a draft privacy-manifest.toml from what the code collects")
    init.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH",
                      help="the app's folder (default: .)")
    init.add_argument("--force", action="store_true", help="replace an existing privacy-manifest.toml")

    catalog = sub.add_parser("catalog", help="list the known collecting APIs")
    catalog.add_argument("--catalog", type=Path, action="append", default=[], metavar="DIR")
    catalog.add_argument("--language", choices=languages.NAMES)
    catalog.add_argument("--categories", action="store_true", help="list the category taxonomy instead")
    catalog.add_argument("--format", choices=("text", "json"), default="text")
    schema = sub.add_parser("schema", help="print a JSON Schema, for editors without network access")
    which = schema.add_mutually_exclusive_group(required=True)
    which.add_argument("--manifest", action="store_const", dest="schema", const="privacy-manifest.schema.json",
                       help="the schema of privacy-manifest.toml")
    which.add_argument("--catalog", action="store_const", dest="schema", const="catalog.schema.json",
                       help="the schema of catalog files (checks/**.toml)")
    parser.set_defaults(subparsers={"check": check, "inventory": inventory, "export": export})
    return parser


def _codes_list(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in value.split(",") if p.strip())


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        if args.command in ("check", "inventory", "export"):
            return _scan(_configured(parser, args, argv))
        if args.command == "rule":
            return _rule(args)
        if args.command == "schema":
            return _schema(args)
        if args.command == "init":
            from consentlint.init import write

            written = write(args.path, force=args.force)
            print(f"consentlint: wrote {written}; fill in its TODOs, then run `consentlint check`", file=sys.stderr)
            return 0
        if args.command == "server":
            from consentlint.server import main as serve

            return serve()
        return _catalog(args)
    except ConsentlintError as exc:
        for line in str(exc).splitlines() or [""]:  # several problems: one line each
            print(f"consentlint: error: {line}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 2
    except Exception as exc:  # noqa: BLE001 -- the edge: a bug is one line and exit 2, never a traceback
        print(f"consentlint: error: {internal_error(exc)}", file=sys.stderr)
        return 2


def _configured(parser, args, argv):
    """Re-parse with the configuration file's values as defaults: flags win."""
    from consentlint.config import find_config, load_config

    args.origins = {}
    if args.isolated:
        return args
    path = args.config
    if path is not None and not path.is_file():
        raise ConfigError(f"--config {path}: {_not_a_file(path)}")
    path = path or find_config(_config_start(args))
    if path is None:
        return args
    sub = args.subparsers[args.command]
    formats = next(a.choices for a in sub._actions if a.dest == "format")
    origins: dict[str, str] = {}
    values = load_config(path, args.command, formats, origins)
    sub.set_defaults(**values)
    args = parser.parse_args(argv)
    # a value still the file's own object came from the file (a flag makes a new one)
    args.origins = {}
    for dest, origin in origins.items():
        value = values[dest]
        for item in (value if isinstance(value, list) else [value]):
            args.origins[id(item)] = origin
    args.config_values = values  # keeps the ids above alive and unique
    return args


def _config_start(args) -> Path:
    """Where the configuration file is looked for: the file standard input
    stands for, else the folder the paths share (so ``check a b`` and
    ``check b a`` read the same one)."""
    if [p.as_posix() for p in args.paths] == ["-"] and args.stdin_filename is not None:
        return args.stdin_filename
    folders = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(os.path.abspath(p))) for p in args.paths]
    return Path(os.path.commonpath(folders))


def _named(args, value, flag: str) -> str:
    """How an error names an option's value: the config file's line and key
    when the value came from there, else the flag."""
    origin = args.origins.get(id(value))
    return f"{origin}: {value}" if origin is not None else f"{flag} {value}"


def _not_a_file(path: Path) -> str:
    from consentlint.schema import not_a_file

    return not_a_file(path) or "no such file"


def _selected(select, ignore):
    """Whether a code is reported; the selectors were checked where they
    were read (``_codes``, ``config``)."""

    def matches(code, selectors):
        return any(s == "ALL" or code.startswith(s) for s in selectors)

    def chosen(code: str) -> bool:
        if select is not None and not matches(code, select):
            return False
        return not matches(code, ignore)

    return chosen


def _scan(args, analyse_only: bool = False):
    """``check``, ``inventory`` and ``export``: the exit code (``analyse_only``:
    the result, for the fix rounds)."""
    from consentlint.discovery import Discovery

    is_check = args.command == "check"
    chosen = _selected(args.select, args.ignore) if is_check else (lambda code: True)
    if args.jobs is not None and args.jobs < 1:
        raise ConfigError("--jobs must be at least 1")
    for folder in args.catalog:
        if not folder.is_dir():
            raise ConfigError(f"{_named(args, folder, '--catalog')}: not a folder")
    if args.manifest is not None and not args.manifest.is_file():
        raise ConfigError(f"{_named(args, args.manifest, '--manifest')}: {_not_a_file(args.manifest)}")
    stdin = _stdin(args)
    if stdin is None:
        _no_missing_paths(args.paths)
    known = None
    if is_check and args.baseline is not None and args.write_baseline is None:
        from consentlint.baseline import load_baseline

        known = load_baseline(args.baseline, _named(args, args.baseline, "--baseline"))  # a bad one fails fast
    found = _discover(args, args.paths) if stdin is None else Discovery(files=[args.stdin_filename])
    if not args.quiet:
        for path, message in found.errors:
            print(f"consentlint: warning: {path}: {message}", file=sys.stderr)
        if not found.files:
            print(f"consentlint: warning: no source files to check in {', '.join(map(str, args.paths))}",
                  file=sys.stderr)
    result = _run_projects(args, found, stdin)
    result.findings = [f for f in result.findings if chosen(f.code)]
    result.suppressed = [(f, reason) for f, reason in result.suppressed if chosen(f.code)]
    if analyse_only:
        return result
    if is_check and _fixing(args):
        again = argparse.Namespace(**{**vars(args), "quiet": True})  # (its warnings were printed once)
        result, done = _fix(args, result, lambda: _scan(again, analyse_only=True))
        if done is not None:
            return done

    if args.command == "export":
        return _export(args, result)
    if not is_check:
        from consentlint.report import inventory

        _write(inventory.render_projects(result.projects, args.format), _named(args, args.output, "--output"),
               args.output, json_like=args.format == "json")
        return 0
    if args.write_baseline is not None:
        from consentlint import baseline

        _write(baseline.render(result.findings), _named(args, args.write_baseline, "--write-baseline"),
               args.write_baseline, json_like=True)
        if not args.quiet:
            print(f"consentlint: wrote {len(result.findings)} findings to {args.write_baseline}", file=sys.stderr)
        return 0
    if known is not None:
        from consentlint.baseline import split

        result.findings, old = split(result.findings, known)
        result.baselined = len(old)
    reporter = importlib.import_module(f"consentlint.report.{args.format}")
    if args.format in ("json", "sarif") or args.sarif_output is not None:
        from consentlint.fixes import resolve

        result.findings = resolve(result.findings)
    if args.format == "text":
        output = reporter.render(result, show_source=args.show_source, color=_color(args),
                                 report_suppressions=args.report_suppressions, summary=not args.quiet)
    elif args.format == "json":
        output = reporter.render(result, report_suppressions=args.report_suppressions)
    else:
        output = reporter.render(result)
    _write(output, _named(args, args.output, "--output"), args.output, json_like=args.format in ("json", "sarif", "gitlab"))
    _write_sarif(args, result)
    if args.exit_zero:
        return 0
    return result.exit_code(fail_on_warning=args.fail_on == "warning")


# ------------------------------------------------------------------ fixes (issue 17)

FIX_ROUNDS = 4  # re-analyse after applying, until nothing changes or this many rounds


def _fix_options(check) -> None:
    fix = check.add_argument_group("fixes")
    fix.add_argument("--fix", action="store_true", help="apply the safe fixes, then report what is left")
    fix.add_argument("--unsafe-fixes", action="store_true",
                     help="also apply the unsafe fixes, which change what the code does (implies --fix)")
    fix.add_argument("--diff", action="store_true",
                     help="print the fixes as a unified diff and write nothing (exit 1 when there is something to fix)")
    fix.add_argument("--fix-only", action="store_true", help="apply the fixes and report nothing else (exit 0)")


def _fixing(args) -> bool:
    return args.fix or args.unsafe_fixes or args.diff or args.fix_only


def _fix(args, result, analyse):
    """Apply (or, with ``--diff``, show) the fixes of ``result``'s findings,
    re-analysing after each round; (the result after them, the exit code
    when nothing more is to be reported)."""
    from consentlint import fixes
    from consentlint.findings import SAFE, UNSAFE

    levels = (SAFE, UNSAFE) if args.unsafe_fixes else (SAFE,)
    if args.diff:
        changes, refused = fixes.plan(result.findings, levels)
        _refused(args, refused)
        _write(fixes.unified_diff(changes), _named(args, args.output, "--output"), args.output)
        return result, 1 if changes else 0
    fixed, seen = 0, set()
    for _ in range(FIX_ROUNDS):
        changes, refused = fixes.plan(result.findings, levels)
        _refused(args, [p for p in refused if p not in seen])
        seen.update(refused)
        if not changes:
            break
        for change in changes:
            fixes.write(change)
        fixed += sum(len(c.findings) for c in changes)
        result = analyse()
    if not args.quiet:
        left = sum(1 for f in result.findings if fixes.chosen(f, levels))
        more = "" if args.unsafe_fixes else sum(1 for f in result.findings if fixes.chosen(f, (UNSAFE,)))
        print(f"consentlint: fixed {fixed} findings" + (f", {left} fixable left" if left else "")
              + (f" ({more} more with --unsafe-fixes)" if more else ""), file=sys.stderr)
    return result, 0 if args.fix_only else None


def _refused(args, paths) -> None:
    if not args.quiet:
        for path in paths:
            print(f"consentlint: warning: {path}: not fixed: the fixed file would not parse", file=sys.stderr)


EXPORTS = ("play-data-safety", "xcprivacy", "fideslang")


def _export(args, result) -> int:
    """``consentlint export``: one app's data map in an app store's or a data-map tool's format."""
    from consentlint import datamap
    from consentlint.engine import display_path

    if len(result.projects) > 1:
        names = [display_path(m.path) if m is not None else "no manifest" for m, _ in result.projects]
        raise ConfigError(f"an export is one app's; these paths cover {len(names)} ({', '.join(names)}): "
                          "export each app's folder")
    manifest = result.projects[0][0] if result.projects else None

    template = None
    if args.template is not None:
        if args.format != "play-data-safety":
            raise ConfigError("--template is only for --format play-data-safety")
        try:
            template = args.template.read_text("utf-8-sig")
        except OSError as exc:
            raise ConfigError(f"{_named(args, args.template, '--template')}: {exc.strerror or exc}") from None
    reporter = importlib.import_module(f"consentlint.report.{args.format.replace('-', '_')}")
    _write(reporter.render(datamap.build(result, manifest), template), _named(args, args.output, "--output"),
           args.output)
    return 0


# ------------------------------------------------- one project per manifest


def _stdin(args) -> bytes | None:
    """The source on standard input for ``check - --stdin-filename PATH``
    (ruff's convention), else None; ``-`` without a file name, or with other
    paths, is a usage error (a buffer's language and project come from its
    name)."""
    from consentlint.frontends import ALL_EXTENSIONS

    reading = [p for p in args.paths if p.as_posix() == "-"]
    if not reading:
        if args.stdin_filename is not None:
            raise ConfigError("--stdin-filename needs the path `-` (standard input)")
        return None
    if args.stdin_filename is None:
        raise ConfigError("`-` reads standard input and needs --stdin-filename PATH (the file it stands for)")
    if len(args.paths) > 1:
        raise ConfigError("`-` (standard input) cannot be checked together with other paths")
    if not args.stdin_filename.name.endswith(ALL_EXTENSIONS):
        raise ConfigError(f"--stdin-filename {args.stdin_filename}: not a source file "
                          f"(extensions: {' '.join(ALL_EXTENSIONS)})")
    return sys.stdin.buffer.read()


def _no_missing_paths(paths) -> None:
    """A named path that is not there is exit 2, never a clean run of
    nothing (a typo in CI would pass forever); every one is named."""
    missing = [path for path in paths if not os.path.lexists(path)]
    if missing:
        raise ConfigError("\n".join(f"{path}: no such file or folder" for path in missing))


def _discover(args, paths):
    """The files under ``paths``, each path walked with its own project's
    root (top-level excludes such as ``/vendor/``), in an order that does
    not depend on the order of ``paths``."""
    from consentlint import engine
    from consentlint.discovery import DEFAULT_EXCLUDES, Discovery, discover
    from consentlint.manifest import find_manifest

    by_root: dict = {}
    for path in paths:
        manifest_path = args.manifest or find_manifest(path)
        root = Path(manifest_path).parent if manifest_path else engine.project_root(None, path)
        by_root.setdefault(root, []).append(path)
    out = Discovery()
    seen = set()
    for root, group in sorted(by_root.items(), key=lambda item: str(item[0])):
        started = time.time_ns()
        found = discover(group, exclude=args.exclude if args.exclude is not None else DEFAULT_EXCLUDES,
                         extend_exclude=args.extend_exclude, force_exclude=args.force_exclude,
                         respect_gitignore=args.respect_gitignore, root=root)
        if root is not None and [os.path.abspath(p) for p in group] == [os.path.abspath(root)]:
            _remember_listing(args, root, found, started)  # (the whole project: a one-file check's context)
        for path in found.files:
            real = os.path.realpath(path)
            if real not in seen:
                seen.add(real)
                out.files.append(path)
        out.errors += found.errors
    return out


def _listing_key(args, root):
    """The facts cache and the key under which the listing of the project
    at ``root`` is kept ((None, None) without a cache)."""
    if args.no_cache:
        return None, None
    from consentlint.cache import FactsCache

    cache = FactsCache(args.cache_dir or Path(root) / FOLDER)
    options = (os.getcwd(), os.path.abspath(root), args.exclude, tuple(args.extend_exclude), args.respect_gitignore)
    return cache, cache.key(b"listing", repr(options).encode("utf-8", "surrogateescape"))


def _remember_listing(args, root, found, started: int) -> None:
    """Keep the files a walk of the whole project at ``root`` found (``found``,
    the walk having begun at ``started``), with the manifest that governs
    each, for one-file checks (``_context``); only when every folder and
    ignore file it looked at had settled before the walk (as the facts
    cache's ``stat`` entries), and every file is in the project by its real
    path too (a manifest above a linked-in folder is not watched)."""
    from consentlint.cache import SETTLED_NS
    from consentlint.discovery import stamps
    from consentlint.manifest import MANIFEST_NAME, group_by_manifest

    cache, key = _listing_key(args, root)
    if cache is None:
        return
    absolute = os.path.abspath(root)
    real = os.path.realpath(absolute)
    files = [os.path.abspath(p) for p in found.files]
    if any(not os.path.realpath(p).startswith(real + os.sep) for p in files):
        return
    above = [absolute, *map(str, Path(absolute).parents)]  # (a manifest there may govern the project)
    seen = stamps(found.watched | {os.path.join(folder, MANIFEST_NAME) for folder in above})
    if any(s is not None and started - max(s[1], s[2]) <= SETTLED_NS for s in seen.values()):
        return
    governs = {}
    for manifest, group in group_by_manifest(files).items():
        governs.update((str(p), str(manifest) if manifest is not None else None) for p in group)
    cache.store_listing(key, (seen, [(p, governs[p]) for p in files]))


def _context(args, root, manifest_path) -> list[str | Path]:
    """For a partial scan (pre-commit, one file): the project's other files,
    read for the index so helpers and callers elsewhere count (DESIGN section
    7), less those another manifest governs (another project). From the
    listing a scan of the whole project kept while none of the folders and
    ignore files it looked at changed; else walked (and kept)."""
    from consentlint.discovery import DEFAULT_EXCLUDES, discover, excluded_folder, unchanged

    exclude = args.exclude if args.exclude is not None else DEFAULT_EXCLUDES
    if excluded_folder(Path(root), exclude, args.extend_exclude, root):
        return []  # (as --force-exclude would have it)
    cache, key = _listing_key(args, root)
    listing = cache.load_listing(key) if cache is not None else None
    if listing is None or not unchanged(listing[0]):
        started = time.time_ns()
        found = discover([root], exclude=exclude, extend_exclude=args.extend_exclude, force_exclude=True,
                         respect_gitignore=args.respect_gitignore, root=root)
        _remember_listing(args, root, found, started)
        listing = cache.load_listing(key) if cache is not None else None
        if listing is None:  # (not kept: not settled, or no cache)
            from consentlint.manifest import group_by_manifest

            return found.files if args.manifest is not None else group_by_manifest(found.files).get(manifest_path, [])
    wanted = str(manifest_path) if manifest_path is not None else None
    return [p for p, manifest in listing[1] if args.manifest is not None or manifest == wanted]


def _run_projects(args, found, stdin=None):
    """Each file judged against the manifest nearest to it (``--manifest``:
    that one for all), one engine run per manifest with its own project
    index and project-scope rules; the results merged."""
    from consentlint import engine
    from consentlint.manifest import group_by_manifest

    if args.manifest is not None:
        groups = {args.manifest: list(found.files)}
    else:
        groups = group_by_manifest(found.files, seeds=args.paths if stdin is None else ())
    manifests = _load_manifests(groups)
    catalog = None  # read once (by the first project's engine, from its cache), shared by the others
    merged = engine.RunResult()
    merged.projects = []  # (manifest, its result), for the inventory
    for manifest_path in sorted(groups, key=lambda p: (p is not None, str(p))):
        files = groups[manifest_path]
        manifest = manifests[manifest_path]
        if manifest is None and not files:
            continue
        result, catalog = _run_project(args, manifest_path, manifest, files, catalog, stdin)
        merged.projects.append((manifest, result))
        merged.findings += result.findings
        merged.collections += result.collections
        merged.errors += result.errors
        merged.suppressed += result.suppressed
        merged.files += result.files
    merged.errors += found.errors
    merged.findings.sort(key=lambda f: f.sort_key())
    merged.suppressed.sort(key=lambda item: item[0].sort_key())
    merged.collections.sort(key=lambda c: (c.path, c.span.line, c.span.column, c.category, c.source.id))
    merged.errors.sort()
    return merged


def _load_manifests(groups) -> dict:
    """Every manifest of the run, read before any scan; all their problems
    at once (exit 2)."""
    from consentlint.errors import ManifestError
    from consentlint.manifest import load_manifest

    loaded, problems = {}, []
    for manifest_path in groups:
        try:
            loaded[manifest_path] = load_manifest(manifest_path) if manifest_path else None
        except ManifestError as exc:
            problems.append(str(exc))
    if problems:
        raise ManifestError("\n".join(problems))
    return loaded


def _run_project(args, manifest_path, manifest, files, catalog, stdin=None):
    """One project: ``files`` judged against ``manifest`` over its index; its
    result, and the catalogs it used (``catalog``, else loaded here)."""
    from consentlint import engine

    root = engine.project_root(manifest, files[0] if files else args.paths[0])
    cache_dir = None
    if not args.no_cache:
        cache_dir = args.cache_dir or (root / FOLDER if root is not None else None)
    settings = engine.Settings(str(manifest_path) if manifest_path else None, tuple(str(d) for d in args.catalog),
                               prefilter=getattr(args, "prefilter", True),
                               cache_dir=str(cache_dir) if cache_dir is not None else None,
                               project_root=str(root if root is not None else engine.scanned_folder(files or args.paths)))
    eng = engine.Engine(settings, catalog=catalog, manifest=manifest)
    project = getattr(args, "project", False) or (manifest is not None and _covers(args.paths, manifest.root))
    context = _context(args, root, manifest_path) if root is not None and not _covers(args.paths, root) else []
    machine = args.format not in ("text", "markdown")
    progress = None if args.quiet or machine else _progress_line(len(files))
    first = min(map(engine.display_path, files), default="")  # where PDC002 says no manifest governs a file
    return engine.run(eng, files, args.jobs or os.cpu_count() or 1, project, first, progress=progress,
                      context=context, stdin=stdin), eng.catalog


def _write_sarif(args, result) -> None:
    """``--sarif-output FILE``: the same findings as SARIF beside the main report."""
    if args.sarif_output is None:
        return
    from consentlint.report import sarif

    _write(sarif.render(result), _named(args, args.sarif_output, "--sarif-output"), args.sarif_output,
           json_like=True)


def _color(args) -> bool:
    if args.color != "auto":
        return args.color == "always"
    if os.environ.get("NO_COLOR") or args.output is not None:
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def _progress_line(total: int):
    """A one-line progress bar on stderr for long scans, only on a terminal and
    outside CI; erased when the scan ends."""
    if total < 200 or os.environ.get("CI") or not sys.stderr.isatty():
        return None
    width = 30
    shown = [-1]

    def update(done: int, total: int) -> None:
        step = done * width // total
        if step == shown[0] and done != total:
            return
        shown[0] = step
        if done == total:
            sys.stderr.write("\r\x1b[K")
        else:
            sys.stderr.write(f"\r[{'#' * step}{'.' * (width - step)}] {done}/{total} files")
        sys.stderr.flush()

    return update


def _covers(paths, root: Path) -> bool:
    root = Path(os.path.abspath(root))
    for path in paths:
        absolute = Path(os.path.abspath(path))
        if absolute.is_dir() and (root == absolute or absolute in root.parents):
            return True
    return False


_SURROGATE = re.compile("[\ud800-\udfff]")


def _utf8(text: str, json_like: bool) -> str:
    """A file name that is not UTF-8 reaches the report as lone surrogates
    (``os.fsdecode``): JSON gets them as ``\\u`` escapes (``json.loads``
    gives the name back), text as ``\\x`` escapes of its bytes."""
    if not _SURROGATE.search(text):
        return text
    if json_like:
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _write(text: str, shown: str, output: Path | None, json_like: bool = False) -> None:
    """``text`` to ``output`` (stdout when None); ``shown`` names the option in an error."""
    text = _utf8(text, json_like)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, "utf-8")
    except OSError as exc:
        raise ConfigError(f"{shown}: {exc.strerror or exc}") from None


def _rule(args) -> int:
    from consentlint.rules import RULES, find, fixability, summary

    if args.code is None:
        for code, module in RULES.items():
            fix = fixability(module)
            print(f"{code}  {module.NAME:<24} {module.SEVERITY:<8} {summary(module)}" + (f" [fix: {fix}]" if fix else ""))
        return 0
    module = find(args.code)
    if module is None:
        raise ConfigError(f"unknown rule {args.code!r} (see `consentlint rule`)")
    print(f"# {module.CODE} ({module.NAME})\n")
    fix = fixability(module)
    print(f"Default severity: {module.SEVERITY}. Scope: {module.SCOPE}. "
          f"Fix: {fix or 'none'}.\n")
    print(module.__doc__.strip())
    return 0


def _schema(args) -> int:
    """The schema file as shipped, byte for byte (save it next to the manifest
    and point a ``#:schema`` line at it)."""
    from importlib import resources

    sys.stdout.write(resources.files("consentlint").joinpath("schemas", args.schema).read_text("utf-8"))
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
