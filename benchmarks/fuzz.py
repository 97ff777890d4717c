#!/usr/bin/env python3
"""The long property-fuzzing campaign (issue 12, item 10).

Usage (from the repository, in the venv where consentlint and its test extra
are installed)::

    nice -n 19 python benchmarks/fuzz.py [--examples 10000] [--language kotlin ...]
                                         [--seed 0] [--jobs-every 100]

It runs the generators and the invariants of ``tests/test_fuzz.py`` (one
source for both; CI runs them with a small fixed-seed budget): for each
language, one after the other, ``--examples`` generated two-file programs,
each checked by ``check_program`` (no exception, no PDC001 and no time
budget overrun, every site found once, shortcut mode == reference mode, a
one-file scan == the full scan, an unrelated statement changes no verdict);
every ``--jobs-every``-th program, with the one before it, also goes through
``check_jobs`` (``--jobs 1`` == ``--jobs 2``, in all five languages). It
prints the programs counted per language and exits 1 on the first broken
invariant, with hypothesis's shrunk example.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import test_fuzz as fuzz  # noqa: E402  (the generators and invariants)


def campaign(language: str, examples: int, start: int, jobs_every: int) -> tuple[int, int]:
    """Run ``examples`` programs in ``language``: (programs checked, jobs checks)."""
    counts = [0, 0]
    root = Path(tempfile.mkdtemp(prefix=f"consentlint-fuzz-{language}-"))
    try:
        workspace = fuzz.make_workspace(root)
        reference = fuzz.make_reference(workspace)
        previous = []

        @seed(start)
        @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
                  suppress_health_check=list(HealthCheck))
        @given(program=fuzz.PROGRAMS, choice=st.integers(0, 50), where=st.integers(0, 10))
        def check(program, choice, where):
            paths = fuzz.check_program(workspace, reference, language, program, choice, where)
            shutil.rmtree(paths[0].parent)
            counts[0] += 1
            previous[:] = [*previous[-1:], program]
            if counts[0] % jobs_every == 0 and len(previous) == 2:
                for path in fuzz.check_jobs(workspace, previous):
                    shutil.rmtree(path.parent, ignore_errors=True)
                counts[1] += 1

        check()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return counts[0], counts[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000, help="programs per language")
    parser.add_argument("--language", action="append", choices=list(fuzz.RENDERERS),
                        help="a language (repeatable; default: all five)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs-every", type=int, default=100)
    args = parser.parse_args(argv)
    total = 0
    for language in args.language or list(fuzz.RENDERERS):
        start = time.perf_counter()
        cpu = time.process_time()
        try:
            programs, jobs = campaign(language, args.examples, args.seed, args.jobs_every)
        except Exception as exc:  # hypothesis re-raises the shrunk failure
            print(f"{language}: invariant broken: {type(exc).__name__}: {exc}", flush=True)
            return 1
        total += programs
        print(f"{language}: {programs} programs, {jobs} jobs-1-vs-2 checks, no invariant broken "
              f"({time.perf_counter() - start:.0f} s, {time.process_time() - cpu:.0f} s CPU)", flush=True)
    print(f"all: {total} programs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
