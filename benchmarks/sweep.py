#!/usr/bin/env python3
"""The real-repository sweep (issue 12): consentlint over whole real apps, as
a new user runs it, counting what must never happen.

Usage (from the repository, in the venv where consentlint is installed)::

    nice -n 19 python benchmarks/sweep.py MIRRORS [--out REPORT] [--timeout SECONDS]
                                          [--repo OWNER+NAME ...] [--keep DIR]

MIRRORS holds fetched snapshots as ``<owner>+<name>/repo`` (bare git dirs):
every one is swept, at the commit ``../shared/eval-dev/run.sh --list`` or
``../shared/corpus/bench-corpus.sh`` pins for it, else at its HEAD. For each,
the source files of every language consentlint reads are exported
(``git cat-file``; blobs absent from a partial snapshot are counted) into a
scratch folder and scanned with ``consentlint check DIR --no-cache
--exit-zero --exclude '' --select PDC001`` (no excludes: every exported
file must be accounted for). Counted per repository and in all:

- crashes: an exit code other than 0, or a traceback on stderr;
- hangs: the scan running past ``--timeout`` (a file over its time budget is
  PDC001 and counted apart, as ``over budget``);
- silent drops: files exported minus the files the summary line says were
  checked;
- every PDC001, with its reason, written to REPORT (one ``path:line: message``
  per line, by repository), and counted by kind.

Nothing here is committed: the mirrors are other people's code.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from consentlint.frontends import ALL_EXTENSIONS

SHARED = Path(__file__).resolve().parents[2] / "shared"
FINDING = re.compile(r"^(?P<path>.*?):(?P<line>\d+):\d+: PDC001 (?P<message>.*)$")
CHECKED = re.compile(r"(?:in|All clear:) (?P<n>[\d,]+) files?(?: checked)?\b")
KINDS = (  # (kind, what the message starts with)
    ("over budget", ("analysis stopped", "parser gave up", "analysis stalled")),
    ("grammar gap", ("parser could not read",)),
    ("syntax error", ("syntax error",)),
    ("not text", ("binary file", "not valid UTF-8", "file too large", "too deeply nested")),
)


def pins() -> dict[str, str]:
    """owner+name -> commit, from the labelled apps' list and the corpus script."""
    found = {}
    listing = subprocess.run([str(SHARED / "eval-dev" / "run.sh"), "--list"], capture_output=True, text=True)
    for line in listing.stdout.splitlines():
        m = re.match(r"github:([\w.-]+)/([\w.-]+)\s+([0-9a-f]{40})", line)
        if m:
            found[f"{m[1]}+{m[2]}"] = m[3]
    corpus = SHARED / "corpus" / "bench-corpus.sh"
    if corpus.exists():
        for m in re.finditer(r"^x\s+(\S+\+\S+)\s+([0-9a-f]{40})", corpus.read_text(), re.M):
            found.setdefault(m[1], m[2])
    return found


def export(git_dir: Path, commit: str, out: Path) -> tuple[int, int]:
    """The source files of ``commit`` into ``out``: (exported, absent from the snapshot)."""
    tree = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", commit],
                          check=True, capture_output=True).stdout.split(b"\0")
    entries = []
    for entry in tree:
        if not entry:
            continue
        meta, path = entry.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode != b"120000" and os.path.splitext(path)[1].decode("utf-8", "replace") in ALL_EXTENSIONS:
            entries.append((sha.decode(), os.fsdecode(path)))
    cat = subprocess.Popen(["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    exported = absent = 0
    for sha, path in entries:
        cat.stdin.write(sha.encode() + b"\n")
        cat.stdin.flush()
        header = cat.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            absent += 1
            continue
        data = cat.stdout.read(int(header[2]))
        cat.stdout.read(1)
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        exported += 1
    cat.stdin.close()
    cat.wait()
    return exported, absent


def kind_of(message: str) -> str:
    return next((kind for kind, starts in KINDS if message.startswith(starts)), "other")


def sweep(name: str, git_dir: Path, commit: str, scratch: Path, timeout: float) -> dict:
    folder = scratch / name
    exported, absent = export(git_dir, commit, folder)
    command = ["consentlint", "check", str(folder), "--no-cache", "--exit-zero", "--exclude", "",
               "--select", "PDC001", "--color", "never"]
    start = time.perf_counter()
    try:
        proc = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"name": name, "commit": commit, "exported": exported, "absent": absent, "hang": True,
                "crash": False, "checked": 0, "pdc001": [], "seconds": timeout, "stderr": ""}
    seconds = time.perf_counter() - start
    pdc001 = []
    for line in proc.stdout.splitlines():
        m = FINDING.match(line)
        if m:
            pdc001.append((os.path.relpath(m["path"], folder), int(m["line"]), m["message"]))
    summary = [m for m in map(CHECKED.search, proc.stdout.splitlines()[-3:]) if m]
    checked = int(summary[-1]["n"].replace(",", "")) if summary else 0
    crash = proc.returncode != 0 or "Traceback" in proc.stderr
    return {"name": name, "commit": commit, "exported": exported, "absent": absent, "hang": False,
            "crash": crash, "checked": checked, "pdc001": pdc001, "seconds": seconds,
            "stderr": proc.stderr if crash else ""}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mirrors", type=Path)
    parser.add_argument("--out", type=Path, help="where to write every PDC001 (default: stdout only counts)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds a repository's scan may take")
    parser.add_argument("--repo", action="append", help="only this owner+name (repeatable)")
    parser.add_argument("--keep", type=Path, help="export into DIR and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    pinned = pins()
    names = sorted(p.parent.name for p in args.mirrors.glob("*/repo") if p.is_dir())
    if args.repo:
        names = [n for n in names if n in set(args.repo)]
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="consentlint-sweep-"))
    results = []
    try:
        for name in names:
            git_dir = args.mirrors / name / "repo"
            commit = pinned.get(name) or subprocess.run(
                ["git", "--git-dir", str(git_dir), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
            r = sweep(name, git_dir, commit, scratch, args.timeout)
            results.append(r)
            kinds = Counter(kind_of(m) for _, _, m in r["pdc001"])
            print(f"{name}@{commit[:12]}: {r['exported']} files ({r['absent']} absent from the snapshot), "
                  f"{r['checked']} checked, {r['exported'] - r['checked']} dropped, crash={r['crash']}, "
                  f"hang={r['hang']}, PDC001={len(r['pdc001'])} {dict(sorted(kinds.items()))}, "
                  f"{r['seconds']:.0f} s", flush=True)
            if r["stderr"]:
                print("  stderr: " + r["stderr"].strip().replace("\n", "\n  "), flush=True)
            if args.keep is None:
                shutil.rmtree(scratch / name, ignore_errors=True)
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    total = Counter()
    for r in results:
        total.update(repos=1, files=r["exported"], checked=r["checked"], dropped=r["exported"] - r["checked"],
                     crashes=int(r["crash"]), hangs=int(r["hang"]), pdc001=len(r["pdc001"]))
        total.update(kind_of(m) for _, _, m in r["pdc001"])
    print("all: " + ", ".join(f"{k}={v}" for k, v in total.items()))
    if args.out:
        with args.out.open("w") as out:
            for r in results:
                for path, line, message in sorted(r["pdc001"]):
                    out.write(f"{r['name']}/{path}:{line}: [{kind_of(message)}] {message}\n")
    return 1 if total["crashes"] or total["hangs"] or total["dropped"] else 0


if __name__ == "__main__":
    sys.exit(main())
