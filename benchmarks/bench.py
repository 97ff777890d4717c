#!/usr/bin/env python3
"""Benchmark consentlint on a real corpus, side by side with the baselines.

Usage (from the repository, in the venv where consentlint is installed)::

    python benchmarks/bench.py [CORPUS] [--lang python|java|kotlin|js|ts|all]
                               [--semgrep PATH] [--consentlint PATH]
                               [--skip parse,consentlint,cache,startup,semgrep,flake8,scale]
                               [--semgrep-venv DIR] [--scale 1,2,4]
                               [--timeout SECONDS] [--json OUT]

CORPUS is a folder of third-party code (never part of the repo). It defaults to
``$CONSENTLINT_CORPUS/pypi`` for ``--lang python`` and to ``$CONSENTLINT_CORPUS``
otherwise; ``CONSENTLINT_CORPUS`` defaults to ``../corpus`` beside the repo.
Fetch one from the registries (docs/DESIGN section 9): ``pip download`` of
Python apps, ``npm pack`` of React Native/Expo modules, Debian's
``openjdk-17-source``.

Files are selected by extension (python: .py .pyi; java: .java; kotlin: .kt
.kts; js: .js .jsx .mjs .cjs; ts: .ts .tsx .mts .cts), skipping ``*.d.ts``,
``*.min.js`` and the folders node_modules, .git, build, dist and __pycache__
(consentlint's default excludes). Every tool gets exactly those files where it
can (explicit paths), or the folder with equivalent filters.

What is measured, one after the other, after one warm-up read of every file:

* raw tree-sitter parse of the files, single process, in a subprocess of its
  own (the floor any tree-sitter based tool pays);
* ``consentlint check --format json --exit-zero --no-cache`` with ``--jobs 1``
  and with the default ``--jobs`` (all cores): wall time, peak RSS of the
  largest process (os.wait4), findings and collections counted from the JSON;
* the facts cache, on a copy of the files made a git repository: cold with an
  empty ``--cache-dir``, warm with nothing changed, after one file changed,
  a one-file ``check`` in the warm project, and one of that file just edited
  (an editor's case: the project stage runs again) (cache size on disk too);
* start-up: the same command on one small file, median of 5;
* semgrep CE (``SEMGREP_VERSION``, installed by this script into a venv of
  its own, ``--semgrep-venv``, unless ``--semgrep PATH`` is given) over every
  selected language: ``benchmarks/semgrep/python-privacy.yaml`` for Python and,
  for Java, Kotlin, JS and TS, rules made from the ``[[source]]`` entries of
  the shipped catalogs (``catalog_rules``: the method or property called on
  anything, as a semgrep user without types would write it), ``--metrics=off
  --jobs 2 --json``, offline;
* the reference mode (``--no-prefilter``: every statement lowered in full,
  as the fixtures' reference test does): its findings must equal the default's;
* scaling (``--scale 1,2,4``): the corpus copied N times under different
  folders (hard links), each scanned cold with ``--no-cache`` at the default
  ``--jobs``: time and peak RSS against the 1x run;
* ``flake8 --select E,F,W,C90`` alone (the same flake8, pycodestyle, pyflakes
  and mccabe in a venv of their own: flake8 runs every installed plugin
  whatever ``--select`` says) and with the consentlint plugin (``...,PDC``)
  from consentlint's venv (Python files only): on the files as given (no
  project: each file on its own) and in a git repository made of a copy of
  them (the plugin judges each file over the project's index, cold cache).

The tools run as installed: consentlint's bytecode is compiled first and
``PYTHONDONTWRITEBYTECODE`` is dropped from their environment.

Then a table (files, MB, seconds, files/s, MB/s, peak RSS MiB) and the ratios
the project targets (``TARGETS``: issues 8 and 13): semgrep/consentlint >= 5x,
warm <= 10% and one file changed <= 15% of cold, a one-file check in a warm
project <= 0.3 s, start-up <= 0.15 s, 2x/4x corpus <= 2.2x/4.4x the time with
peak RSS < 400 MiB at 4x, flake8+plugin/flake8 <= 1.1x, peak RSS < 250 MiB. A tool that fails is reported and the run goes on. This is a
benchmark to run by hand, not a test: numbers vary with the machine and cache.

Notes: semgrep is given the folder, not the file list: with explicit file
arguments semgrep 1.x spends ~0.1 s per file on target handling (7.5 min
instead of 17 s on 4,400 files). Its default .semgrepignore would skip tests/
folders, so ``--x-ignore-semgrepignore-files`` is passed (falls back without it).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SEMGREP_RULES = HERE / "semgrep" / "python-privacy.yaml"
SEMGREP_VERSION = "1.185.0"  # the version issue 13's figures were taken with
DEFAULT_SEMGREP_VENV = Path.home() / ".cache" / "consentlint-bench" / f"semgrep-{SEMGREP_VERSION}"
SEMGREP_LANGUAGES = {"python": "python", "java": "java", "kotlin": "kotlin", "js": "javascript", "ts": "typescript"}

EXTENSIONS = {
    "python": (".py", ".pyi"),
    "java": (".java",),
    "kotlin": (".kt", ".kts"),
    "js": (".js", ".jsx", ".mjs", ".cjs"),
    "ts": (".ts", ".tsx", ".mts", ".cts"),
}
EXCLUDED_DIRS = {"node_modules", ".git", "build", "dist", "__pycache__"}
SMALL_FILES = {  # start-up probe, one per language
    "python": ("probe.py", "import os\n\nprint(os.getcwd())\n"),
    "java": ("Probe.java", "class Probe { void run() { System.out.println(1); } }\n"),
    "kotlin": ("probe.kt", "fun main() { println(1) }\n"),
    "js": ("probe.js", "console.log(1);\n"),
    "ts": ("probe.ts", "const x: number = 1;\nconsole.log(x);\n"),
}
REFERENCE = "consentlint reference mode (--no-prefilter)"
MAX_ARGV_BYTES = 1_000_000  # beyond this, tools get the folder instead of a file list
TARGETS = {
    "consentlint_vs_parse": 2.0,
    "semgrep_vs_consentlint": 5.0,
    "flake8_plugin_overhead": 1.1,
    "flake8_project_overhead": 1.1,
    "warm_vs_cold": 0.10,
    "touched_vs_cold": 0.15,
    "one_file_s": 0.3,
    "edited_file_s": 0.3,
    "startup_s": 0.15,
    "scale_2x": 2.2,
    "scale_4x": 4.4,
    "peak_rss_4x_mib": 400.0,
    "peak_rss_mib": 250.0,
}


# ----------------------------------------------------------------- files


def language_of(path: str) -> str | None:
    name = path.lower()
    if name.endswith(".d.ts") or name.endswith(".min.js"):
        return None
    for lang, exts in EXTENSIONS.items():
        if name.endswith(exts):
            return lang
    return None


def select_files(root: Path, langs: set[str]) -> list[tuple[str, str, int]]:
    """(path, language, size) of every selected file under root, sorted."""
    found = []
    if root.is_file():
        lang = language_of(str(root))
        return [(str(root), lang, root.stat().st_size)] if lang in langs else []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in EXCLUDED_DIRS)
        for name in filenames:
            path = os.path.join(dirpath, name)
            lang = language_of(path)
            if lang in langs and os.path.isfile(path) and not os.path.islink(path):
                found.append((path, lang, os.path.getsize(path)))
    return sorted(found)


def path_args(paths: list[str], root: Path) -> tuple[list[str], str | None]:
    """Explicit paths if they fit on a command line, else the folder (with a note)."""
    if sum(len(p) + 1 for p in paths) <= MAX_ARGV_BYTES:
        return list(paths), None
    return [str(root)], "given the folder (file list too long for argv): it may scan other files"


# ------------------------------------------------------------- running


def run_measured(cmd: list[str], timeout: float, cwd: str | None = None,
                 env: dict | None = None) -> dict:
    """Run cmd; wall seconds, exit code, peak RSS (MiB) of its largest process,
    stdout and stderr (from temp files, so a big report cannot block a pipe)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    cwd=cwd, env=env, start_new_session=True)
        except OSError as exc:
            return {"ok": False, "error": f"cannot start {cmd[0]}: {exc}"}
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = {
            "ok": proc.returncode == 0 and not timed_out.is_set(),
            "seconds": seconds,
            "returncode": proc.returncode,
            # Linux: KiB; wait4 gives the max over the child and its descendants
            "peak_rss_mib": usage.ru_maxrss / 1024,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }
    if timed_out.is_set():
        result["error"] = f"timed out after {timeout:.0f} s"
    elif proc.returncode != 0:
        tail = result["stderr"].strip().splitlines()[-3:]
        result["error"] = f"exit {proc.returncode}: " + " | ".join(tail)[:300]
    return result


def strip_streams(result: dict) -> dict:
    return {k: v for k, v in result.items() if k not in ("stdout", "stderr")}


def find_executable(name: str, near: Path | None = None) -> str | None:
    for folder in (near, Path(sys.executable).parent):
        if folder is not None and (folder / name).is_file():
            return str(folder / name)
    return shutil.which(name)


# ------------------------------------------------------- raw parse worker


def parse_worker(list_file: str) -> None:
    """Child process: parse every listed file once with tree-sitter, print JSON."""
    import tree_sitter

    entries = [line.split("\t", 1) for line in Path(list_file).read_text().splitlines() if line]
    languages = {}
    for lang, path in entries:
        key = "tsx" if path.lower().endswith(".tsx") else lang
        if key in languages:
            continue
        if key == "python":
            import tree_sitter_python as grammar
            capsule = grammar.language()
        elif key == "java":
            import tree_sitter_java as grammar
            capsule = grammar.language()
        elif key == "kotlin":
            import tree_sitter_kotlin as grammar
            capsule = grammar.language()
        elif key == "js":
            import tree_sitter_javascript as grammar
            capsule = grammar.language()
        elif key == "ts":
            import tree_sitter_typescript as grammar
            capsule = grammar.language_typescript()
        else:
            import tree_sitter_typescript as grammar
            capsule = grammar.language_tsx()
        languages[key] = tree_sitter.Parser(tree_sitter.Language(capsule))

    per_lang: dict[str, dict] = {}
    read_s = parse_s = 0.0
    with_errors = 0
    for lang, path in entries:
        parser = languages["tsx" if path.lower().endswith(".tsx") else lang]
        t0 = time.perf_counter()
        with open(path, "rb") as handle:
            source = handle.read()
        t1 = time.perf_counter()
        tree = parser.parse(source)
        t2 = time.perf_counter()
        read_s += t1 - t0
        parse_s += t2 - t1
        with_errors += tree.root_node.has_error
        stats = per_lang.setdefault(lang, {"files": 0, "bytes": 0, "seconds": 0.0})
        stats["files"] += 1
        stats["bytes"] += len(source)
        stats["seconds"] += t2 - t0
    print(json.dumps({"files": len(entries), "read_s": read_s, "parse_s": parse_s,
                      "seconds": read_s + parse_s, "trees_with_errors": with_errors,
                      "per_language": per_lang}))


# ------------------------------------------------------------- the tools


def bench_parse(files, timeout) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as handle:
        handle.write("".join(f"{lang}\t{path}\n" for path, lang, _ in files))
    try:
        run = run_measured([sys.executable, __file__, "--_parse-worker", handle.name], timeout)
    finally:
        os.unlink(handle.name)
    if not run["ok"]:
        return strip_streams(run)
    try:
        data = json.loads(run["stdout"])
    except ValueError:
        return {"ok": False, "error": "parse worker printed no JSON"}
    data.update(ok=True, process_seconds=run["seconds"], peak_rss_mib=run["peak_rss_mib"])
    data["note"] = (f"read+parse in-process; {data['trees_with_errors']} trees with ERROR nodes; "
                    f"{run['seconds']:.2f} s with interpreter start")
    return data


def bench_consentlint(exe, paths, root, jobs, timeout, reference: bool = False) -> dict:
    args, note = path_args(paths, root)
    cmd = [exe, "check", "--format", "json", "--exit-zero", "--no-cache"] + (["--no-prefilter"] if reference else [])
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    run = run_measured(cmd + args, timeout)
    result = strip_streams(run)
    if note:
        result["note"] = note
    try:
        report = json.loads(run.get("stdout") or "")
    except ValueError:
        result.setdefault("error", "no JSON report on stdout")
        result["ok"] = False
        return result
    findings = report.get("findings", [])
    result.update(findings=len(findings), collections=len(report.get("collections", [])),
                  errors=len(report.get("errors", [])), files=len(paths),
                  _digest=json.dumps(findings, sort_keys=True))
    counts = f"{result['findings']} findings, {result['collections']} collections"
    result["note"] = counts + (f"; {result['errors']} errors" if result["errors"] else "") + (
        f"; {note}" if note else "")
    return result


def bench_cache(exe, paths, root, timeout) -> dict[str, dict]:
    """The facts cache, on a copy of the selected files (a git repository, so
    a one-file check reads the rest of the project): cold with an empty cache,
    warm with nothing changed, after one file changed, a one-file check in
    the warm project, and one after editing that file; all at the default
    ``--jobs``."""
    with tempfile.TemporaryDirectory() as folder:
        copy, cache = Path(folder) / "corpus", Path(folder) / "cache"
        rel = [os.path.relpath(p, root) for p in paths]
        for r in rel:
            (copy / r).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / r, copy / r)
        subprocess.run(["git", "init", "-q"], cwd=copy, check=False)
        base = [exe, "check", "--format", "json", "--exit-zero", "--cache-dir", str(cache)]
        out: dict[str, dict] = {}
        digests = {}
        for name in ("cold", "warm", "one file changed"):
            if name == "one file changed":
                victim = copy / rel[len(rel) // 2]
                victim.write_bytes(victim.read_bytes() + b"\n")
            run = run_measured(base + ["."], timeout, cwd=str(copy))
            result = strip_streams(run)
            result["files"] = len(paths)
            try:
                digests[name] = json.dumps(json.loads(run.get("stdout") or "")["findings"], sort_keys=True)
            except (ValueError, KeyError):
                result.update(ok=False, error="no JSON report on stdout")
            out[f"consentlint cached: {name}"] = result
        size = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file()) if cache.is_dir() else 0
        out["consentlint cached: cold"]["note"] = f"cache {size / 1e6:.1f} MB on disk"
        same = digests.get("cold") == digests.get("warm")
        out["consentlint cached: warm"]["note"] = f"findings identical to cold: {'yes' if same else 'NO'}"
        one = run_measured(base + [rel[len(rel) // 2]], timeout, cwd=str(copy))
        result = strip_streams(one)
        result.update(files=1, note=f"{rel[len(rel) // 2]} in the warm project")
        out["consentlint cached: one-file check"] = result
        # an editor's case: the file was edited since the last scan
        victim.write_bytes(victim.read_bytes() + b"\n")
        edited = run_measured(base + [rel[len(rel) // 2]], timeout, cwd=str(copy))
        result = strip_streams(edited)
        result.update(files=1, note="the same file, just edited")
        out["consentlint cached: one-file check, edited"] = result
    return out


def bench_startup(exe, lang, timeout, repeat=5) -> dict:
    name, text = SMALL_FILES[lang]
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / name
        probe.write_text(text)
        runs = [run_measured([exe, "check", "--format", "json", "--exit-zero", "--no-cache",
                              str(probe)], timeout, cwd=folder) for _ in range(repeat)]
    failed = [r for r in runs if not r["ok"]]
    if failed:
        return strip_streams(failed[0])
    seconds = [r["seconds"] for r in runs]
    return {"ok": True, "seconds": statistics.median(seconds), "files": 1,
            "bytes": len(text.encode()), "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
            "note": f"median of {repeat} ({min(seconds):.3f}..{max(seconds):.3f} s), {name}"}


def ensure_venv(venv: Path, exe: str, requirements: list[str]) -> str:
    """``exe`` of a venv of its own with ``requirements`` (made and installed
    from PyPI the first time), so every run compares with the same tool."""
    path = venv / "bin" / exe
    if not path.exists():
        print(f"  installing {' '.join(requirements)} into {venv} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        done = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *requirements],
                              capture_output=True, text=True)
        if done.returncode:  # pip's output only when it failed: it warns about every index it skips
            sys.stderr.write(done.stdout + done.stderr)
            shutil.rmtree(venv, ignore_errors=True)
            raise subprocess.CalledProcessError(done.returncode, done.args)
    return str(path)


def ensure_semgrep(venv: Path) -> str:
    """semgrep ``SEMGREP_VERSION`` in a venv of its own."""
    return ensure_venv(venv, "semgrep", [f"semgrep=={SEMGREP_VERSION}"])


def flake8_alone(flake8: str) -> str:
    """The same flake8 (and pycodestyle, pyflakes, mccabe) in a venv of its
    own, without consentlint: flake8 runs every installed plugin whatever
    ``--select`` says (it only filters what they report), so "flake8 alone"
    from consentlint's venv would run the plugin too."""
    import re

    version = run_measured([flake8, "--version"], 60).get("stdout", "")
    first = re.match(r"\s*([\w.]+)", version)
    pins = ([("flake8", first.group(1))] if first else []) + re.findall(
        r"\b(mccabe|pycodestyle|pyflakes):\s+([\w.]+)", version)
    requirements = [f"{name}=={ver}" for name, ver in pins]
    if not first:
        raise subprocess.CalledProcessError(1, [flake8, "--version"])
    venv = Path.home() / ".cache" / "consentlint-bench" / ("flake8-" + "-".join(v for _, v in pins))
    return ensure_venv(venv, "flake8", requirements)


def catalog_rules(langs: set[str]) -> list[dict]:
    """Semgrep rules for Java, Kotlin, JS and TS from the shipped catalogs: per
    catalog file and language, one rule whose patterns are the methods and
    properties of its ``[[source]]`` entries on any receiver (semgrep has no
    types: this is what its user would write from our API list; one rule per
    file, not per entry, as semgrep pays per rule)."""
    import tomllib

    wanted = {SEMGREP_LANGUAGES[lang] for lang in langs if lang != "python"}
    rules = []
    for path in sorted((REPO / "checks").rglob("*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        covered = {data.get("language"), *data.get("also_languages", ())}
        if "javascript" in covered:
            covered.add("typescript")
        calls, reads = set(), set()
        for source in data.get("source", ()):
            leaves = {api.rpartition("#")[2].rpartition(".")[2] for api in source.get("api", ())}
            (calls if source.get("kind", "call") == "call" else reads).update(
                leaf for leaf in leaves if leaf.isidentifier())
        for target in sorted(wanted & covered):
            patterns = [{"pattern": f"$X.{leaf}(...)"} for leaf in sorted(calls)]
            patterns += [{"pattern": f"$X.{leaf}"} for leaf in sorted(reads)]
            if target in ("javascript", "typescript"):
                patterns += [{"pattern": f"{leaf}(...)"} for leaf in sorted(calls)]
            if patterns:
                name = path.relative_to(REPO / "checks").with_suffix("").as_posix().replace("/", "-")
                rules.append({"id": f"{name}-{target}", "languages": [target], "severity": "WARNING",
                              "message": f"personal data ({path.relative_to(REPO).as_posix()})",
                              "pattern-either": patterns})
    return rules


def bench_semgrep(exe, root, langs, timeout) -> dict:
    env = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")
    generated = tempfile.NamedTemporaryFile("w", suffix=".json", prefix="consentlint-semgrep-", delete=False)
    rules = catalog_rules(langs)
    with generated:
        json.dump({"rules": rules}, generated)  # (JSON is YAML: semgrep reads it as a config)
    base = [exe, "scan", "--metrics=off", "--jobs", "2", "--json"]
    if "python" in langs:
        base += ["--config", str(SEMGREP_RULES)]
    if rules:
        base += ["--config", generated.name]
    for lang in sorted(langs):
        for extension in EXTENSIONS[lang]:
            base += ["--include", f"*{extension}"]
    for folder in sorted(EXCLUDED_DIRS):
        base += ["--exclude", folder]
    version = run_measured([exe, "--version"], 60, env=env)
    run = run_measured(base + ["--x-ignore-semgrepignore-files", str(root)], timeout, env=env)
    note = ""
    if not run["ok"] and "x-ignore-semgrepignore-files" in run.get("stderr", ""):
        run = run_measured(base + [str(root)], timeout, env=env)
        note = "default .semgrepignore applied (skips tests/); "
    result = strip_streams(run)
    result["version"] = version.get("stdout", "").strip() if version["ok"] else None
    try:
        report = json.loads(run.get("stdout") or "")
    except ValueError:
        result.setdefault("error", "no JSON report on stdout")
        result["ok"] = False
        return result
    per_rule: dict[str, int] = {}
    for item in report.get("results", []):
        rule = item["check_id"].rsplit(".", 1)[-1]
        per_rule[rule] = per_rule.get(rule, 0) + 1
    result["ok"] = True  # semgrep exits 0 with findings and --json
    result.update(findings=len(report.get("results", [])), errors=len(report.get("errors", [])),
                  files=len(report.get("paths", {}).get("scanned", [])), per_rule=per_rule)
    os.unlink(generated.name)
    python_rules = SEMGREP_RULES.read_text().count("\n  - id:") if "python" in langs else 0
    result["note"] = (f"{note}semgrep {result['version']}, {python_rules + len(rules)} rules, "
                      f"{result['findings']} findings, {result['errors']} errors, {result['files']} files scanned")
    return result


def bench_scaling(exe, paths, root, factors, timeout) -> dict[str, dict]:
    """The corpus copied ``factor`` times under different folders (hard
    links: the same bytes, other paths, so other modules), each scanned cold."""
    out: dict[str, dict] = {}
    rel = [os.path.relpath(p, root) for p in paths]
    for factor in factors:
        with tempfile.TemporaryDirectory() as folder:
            for copy in range(factor):
                for r in rel:
                    target = Path(folder) / f"copy{copy}" / r
                    target.parent.mkdir(parents=True, exist_ok=True)
                    try:
                        os.link(root / r, target)
                    except OSError:  # (another file system)
                        shutil.copyfile(root / r, target)
            run = run_measured([exe, "check", "--format", "json", "--exit-zero", "--no-cache", "."], timeout,
                               cwd=folder)
            result = strip_streams(run)
            result.update(files=len(paths) * factor,
                          bytes=factor * sum(os.path.getsize(p) for p in paths), note=f"{factor} copies, cold")
            out[f"consentlint {factor}x corpus"] = result
    return out


def bench_flake8(exe, paths, root, select, timeout, repository: bool = False) -> dict:
    """flake8 on ``paths``; with ``repository``, on a copy of them that is a
    git repository, so the plugin judges each file over the project's index
    (a cold facts cache in the copy), as in a user's checkout."""
    with tempfile.TemporaryDirectory() as folder:  # no project config is picked up
        cwd = folder
        if repository:
            copy = Path(folder) / "repo"
            for path in paths:
                target = copy / os.path.relpath(path, root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
            subprocess.run(["git", "init", "-q"], cwd=copy, check=False)
            cwd, args, note = str(copy), ["."], "in a git repository: the project index, cold cache"
        else:
            args, note = path_args(paths, root)
        if note and not repository:
            args += ["--exclude", ",".join(sorted(EXCLUDED_DIRS)), "--filename", "*.py,*.pyi"]
        run = run_measured([exe, "--isolated", "--exit-zero", "--select", select,
                            "--output-file", os.devnull] + args, timeout, cwd=cwd)
    result = strip_streams(run)
    result["files"] = len(paths)
    result["note"] = f"--select {select}" + (f"; {note}" if note else "")
    return result


# ---------------------------------------------------------------- report


def ratio(numerator: dict | None, denominator: dict | None) -> float | None:
    if not numerator or not denominator or not numerator.get("ok") or not denominator.get("ok"):
        return None
    if not denominator.get("seconds"):
        return None
    return numerator["seconds"] / denominator["seconds"]


def print_table(rows: dict, total_files: int, total_bytes: int) -> None:
    header = f"{'tool':<30} {'files':>6} {'MB':>7} {'seconds':>8} {'files/s':>8} {'MB/s':>7} {'RSS MiB':>8}  notes"
    print(header)
    print("-" * len(header))
    for name, r in rows.items():
        if r is None:
            continue
        if not r.get("ok"):
            print(f"{name:<30} {'failed: ' + str(r.get('error', 'unknown'))}")
            continue
        files = r.get("files", total_files)
        mb = r.get("bytes", total_bytes) / 1e6
        sec = r["seconds"]
        fps = files / sec if sec else 0
        mbps = mb / sec if sec else 0
        print(f"{name:<30} {files:>6} {mb:>7.2f} {sec:>8.3f} {fps:>8.0f} {mbps:>7.2f} "
              f"{r.get('peak_rss_mib', 0):>8.1f}  {r.get('note', '')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", help="folder (or file) to scan")
    parser.add_argument("--lang", choices=[*EXTENSIONS, "all"], default="python")
    parser.add_argument("--semgrep", help="semgrep executable (default: the one in --semgrep-venv)")
    parser.add_argument("--semgrep-venv", type=Path, default=DEFAULT_SEMGREP_VENV,
                        help=f"venv for semgrep {SEMGREP_VERSION}, made on first use (default {DEFAULT_SEMGREP_VENV})")
    parser.add_argument("--scale", default="1,2,4", help="corpus copies to scan for the scaling rows (default 1,2,4)")
    parser.add_argument("--consentlint", help="consentlint executable (default: beside python, or PATH)")
    parser.add_argument("--skip", default="", help="comma-separated: parse,consentlint,cache,startup,semgrep,flake8,scale")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per tool run (default 1800)")
    parser.add_argument("--json", metavar="OUT", help="also write the numbers to OUT")
    parser.add_argument("--_parse-worker", dest="parse_worker", help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    if opts.parse_worker:
        parse_worker(opts.parse_worker)
        return 0

    corpus_root = Path(os.environ.get("CONSENTLINT_CORPUS", REPO.parent / "corpus"))
    root = Path(opts.corpus) if opts.corpus else (
        corpus_root / "pypi" if opts.lang == "python" else corpus_root)
    if not root.exists():
        parser.error(f"corpus {root} does not exist (give CORPUS or set CONSENTLINT_CORPUS)")
    root = root.resolve()
    langs = set(EXTENSIONS) if opts.lang == "all" else {opts.lang}
    skip = {s.strip() for s in opts.skip.split(",") if s.strip()}

    files = select_files(root, langs)
    if not files:
        parser.error(f"no {opts.lang} files under {root}")
    paths = [p for p, _, _ in files]
    py_files = [(p, lang, size) for p, lang, size in files if lang == "python"]
    py_paths = [p for p, _, _ in py_files]
    total_bytes = sum(size for _, _, size in files)
    for path in paths:  # warm the page cache so the first tool is not penalised
        with open(path, "rb") as handle:
            handle.read()
    print(f"corpus {root}: {len(files)} {opts.lang} files, {total_bytes / 1e6:.1f} MB; "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}", flush=True)

    consentlint = opts.consentlint or find_executable("consentlint")
    notes: list[str] = []
    # measured as installed: pip compiles a package's bytecode, so the tools
    # run here read it too (a development venv may say not to write it)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if consentlint:
        python = Path(consentlint).parent / "python"
        if python.exists():
            subprocess.run([str(python), "-c", "import compileall, os, consentlint; "
                            "compileall.compile_dir(os.path.dirname(consentlint.__file__), quiet=1)"], check=False)
    rows: dict[str, dict | None] = {}

    def step(name: str, func, *args):
        print(f"  running {name} ...", flush=True)
        try:
            rows[name] = func(*args)
        except Exception as exc:  # a broken tool must not stop the benchmark
            rows[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        return rows[name]

    if "parse" not in skip:
        step("tree-sitter parse (raw)", bench_parse, files, opts.timeout)
    if "consentlint" not in skip or "startup" not in skip:
        if not consentlint:
            notes.append("consentlint executable not found: consentlint rows skipped")
    if consentlint and "consentlint" not in skip:
        step("consentlint --jobs 1", bench_consentlint, consentlint, paths, root, 1, opts.timeout)
        step(f"consentlint --jobs {os.cpu_count()} (default)", bench_consentlint,
             consentlint, paths, root, None, opts.timeout)
        step(REFERENCE, bench_consentlint, consentlint, paths, root, None, opts.timeout, True)
    if consentlint and "cache" not in skip:
        print("  running consentlint with the facts cache (cold, warm, one file changed, one-file checks) ...",
              flush=True)
        try:
            rows.update(bench_cache(consentlint, paths, root, opts.timeout))
        except Exception as exc:  # a broken tool must not stop the benchmark
            rows["consentlint cached: cold"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    if consentlint and "startup" not in skip:
        first_lang = "python" if "python" in langs else sorted(langs)[0]
        step("consentlint start-up", bench_startup, consentlint, first_lang, opts.timeout)

    if consentlint and "scale" not in skip:
        factors = sorted({int(f) for f in opts.scale.split(",") if f.strip()})
        print(f"  running consentlint on the corpus copied {', '.join(map(str, factors))} times ...", flush=True)
        try:
            rows.update(bench_scaling(consentlint, paths, root, factors, opts.timeout))
        except Exception as exc:  # a broken tool must not stop the benchmark
            rows["consentlint 1x corpus"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}

    if "semgrep" not in skip:
        semgrep = opts.semgrep
        if semgrep is None:
            try:
                semgrep = ensure_semgrep(opts.semgrep_venv)
            except (OSError, subprocess.CalledProcessError) as exc:
                notes.append(f"semgrep could not be installed ({exc}): skipped")
        if semgrep:
            step("semgrep --jobs 2", bench_semgrep, semgrep, root, langs, opts.timeout)

    if "flake8" not in skip and py_files:
        near = Path(consentlint).parent if consentlint else None
        flake8 = find_executable("flake8", near)
        if not flake8:
            notes.append("flake8 not found in consentlint's venv: skipped")
        else:
            py_bytes = sum(size for _, _, size in py_files)
            try:
                alone = step("flake8", bench_flake8, flake8_alone(flake8), py_paths, root, "E,F,W,C90",
                             opts.timeout)
                alone["bytes"] = py_bytes
            except (OSError, subprocess.CalledProcessError) as exc:
                notes.append(f"flake8 without the plugin could not be installed ({exc}): skipped")
            version = run_measured([flake8, "--version"], 60)
            if "consentlint" in version.get("stdout", ""):
                plugged = step("flake8 + PDC plugin", bench_flake8, flake8, py_paths, root,
                               "E,F,W,C90,PDC", opts.timeout)
                plugged["bytes"] = py_bytes
                plugged = step("flake8 + PDC plugin, in a repository", bench_flake8, flake8, py_paths, root,
                               "E,F,W,C90,PDC", opts.timeout, True)
                plugged["bytes"] = py_bytes
            else:
                notes.append("consentlint's flake8 plugin (PDC) is not installed: flake8 alone only")

    print()
    print_table(rows, len(files), total_bytes)
    per_language = (rows.get("tree-sitter parse (raw)") or {}).get("per_language", {})
    if len(per_language) > 1:
        print("\nraw parse per language:")
        for lang, stats in sorted(per_language.items()):
            sec = stats["seconds"] or 1e-9
            print(f"  {lang:<8} {stats['files']:>6} files {stats['bytes'] / 1e6:>7.2f} MB "
                  f"{stats['seconds']:>7.3f} s {stats['files'] / sec:>7.0f} files/s "
                  f"{stats['bytes'] / 1e6 / sec:>6.2f} MB/s")

    cl1 = rows.get("consentlint --jobs 1")
    cln = rows.get(f"consentlint --jobs {os.cpu_count()} (default)")
    parse = rows.get("tree-sitter parse (raw)")
    reference = rows.get(REFERENCE)
    if cln and reference and cln.get("ok") and reference.get("ok"):
        same = reference["_digest"] == cln["_digest"]
        notes.append(f"findings identical to the reference mode (no text prefilter): {'yes' if same else 'NO'}")
    if cl1 and cln and cl1.get("ok") and cln.get("ok"):
        same = cl1.pop("_digest") == cln.pop("_digest")
        notes.append(f"findings identical for --jobs 1 and default: {'yes' if same else 'NO'}")
    for r in rows.values():
        if r:
            r.pop("_digest", None)
    startup = rows.get("consentlint start-up")
    rss = [r["peak_rss_mib"] for name, r in rows.items()
           if name.startswith("consentlint") and not name.endswith("x corpus") and name != REFERENCE
           and r and r.get("ok")]
    ratios = {
        "consentlint_vs_parse": ratio(cl1, parse),
        "semgrep_vs_consentlint": ratio(rows.get("semgrep --jobs 2"), cln),
        "flake8_plugin_overhead": ratio(rows.get("flake8 + PDC plugin"), rows.get("flake8")),
        "flake8_project_overhead": ratio(rows.get("flake8 + PDC plugin, in a repository"), rows.get("flake8")),
        "warm_vs_cold": ratio(rows.get("consentlint cached: warm"), rows.get("consentlint cached: cold")),
        "touched_vs_cold": ratio(rows.get("consentlint cached: one file changed"),
                                 rows.get("consentlint cached: cold")),
        "one_file_s": (rows.get("consentlint cached: one-file check") or {}).get("seconds"),
        "edited_file_s": (rows.get("consentlint cached: one-file check, edited") or {}).get("seconds"),
        "startup_s": startup["seconds"] if startup and startup.get("ok") else None,
        "scale_2x": ratio(rows.get("consentlint 2x corpus"), rows.get("consentlint 1x corpus")),
        "scale_4x": ratio(rows.get("consentlint 4x corpus"), rows.get("consentlint 1x corpus")),
        "peak_rss_4x_mib": (rows.get("consentlint 4x corpus") or {}).get("peak_rss_mib"),
        "peak_rss_mib": max(rss) if rss else None,
    }
    labels = {
        "consentlint_vs_parse": ("consentlint(jobs=1) / raw parse", "<=", "x"),
        "semgrep_vs_consentlint": ("semgrep / consentlint(default jobs)", ">=", "x"),
        "flake8_plugin_overhead": ("flake8+PDC / flake8", "<=", "x"),
        "flake8_project_overhead": ("flake8+PDC in a repository / flake8", "<=", "x"),
        "warm_vs_cold": ("cached: warm / cold", "<=", "x"),
        "touched_vs_cold": ("cached: one file changed / cold", "<=", "x"),
        "one_file_s": ("cached: one-file check, warm project", "<=", " s"),
        "edited_file_s": ("cached: one-file check, file just edited", "<=", " s"),
        "startup_s": ("consentlint start-up", "<=", " s"),
        "scale_2x": ("corpus 2x: time / 1x", "<=", "x"),
        "scale_4x": ("corpus 4x: time / 1x", "<=", "x"),
        "peak_rss_4x_mib": ("corpus 4x: peak RSS", "<", " MiB"),
        "peak_rss_mib": ("consentlint peak RSS (1x corpus)", "<", " MiB"),
    }
    print()
    for key, value in ratios.items():
        label, op, unit = labels[key]
        target = TARGETS[key]
        if value is None:
            print(f"{label:<38} {'n/a':>8}   target {op} {target:g}{unit}")
            continue
        met = value <= target if op == "<=" else value >= target if op == ">=" else value < target
        print(f"{label:<38} {value:>8.2f}{unit:<4} target {op} {target:g}{unit}  "
              f"{'ok' if met else 'MISSED'}")
    for note in notes:
        print(f"note: {note}")

    if opts.json:
        out = {
            "corpus": str(root), "lang": opts.lang, "files": len(files), "bytes": total_bytes,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "platform": platform.platform()},
            "tools": rows, "ratios": ratios, "targets": TARGETS, "notes": notes,
        }
        Path(opts.json).write_text(json.dumps(out, indent=2) + "\n")
        print(f"wrote {opts.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
