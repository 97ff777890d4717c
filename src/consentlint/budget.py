"""The time budget of one file's per-file stage (parse and lowering): past
it, the file is PDC001 and the run goes on (DESIGN section 10).

The budget is CPU time, the thread's own (``time.thread_time``): on a loaded
machine a file waits for a core as long as the others make it, and a
wall-clock budget dropped real files there (a labelled app lost findings at a
load of 9). A wall-clock ceiling (``WALL_FACTOR`` times the budget, at least
``WALL_SECONDS``) stays as a last resort, so a file that stalls without
spending CPU still cannot hang the run.

Two mechanisms share the deadlines. tree-sitter's parser polls ``expired()``
from its progress callback and stops; Python code (the front-ends' walks)
is interrupted by timers that raise ``OverBudget`` (``ITIMER_PROF``, which
counts the process's CPU time, and ``ITIMER_REAL`` for the ceiling), where
the platform has them and we run in the main thread. While such C code runs
(``native()``) a timer only marks the deadline: an exception raised inside a
tree-sitter callback would be lost.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager

# CPU seconds per file: the project stage after it adds up to ~2.5 s for the
# worst file measured (a 2.5 MB minified bundle with 25,000 collecting calls),
# so no file costs more than ~5 s of CPU
SECONDS = 3.0
# The parse alone gets a share by size: valid code parses at 0.1-0.25 s per MB,
# while a grammar's error recovery can grow by 200 MB a second on a few hundred
# bytes (a stray backtick in Kotlin), so it stops long before the file's budget.
PARSE_SECONDS = 0.5
PARSE_SECONDS_PER_MB = 1.0
# the wall-clock ceiling of a budget of s CPU seconds: max(WALL_FACTOR * s, WALL_SECONDS)
WALL_FACTOR = 20
WALL_SECONDS = 60.0


def parse_seconds(size: int, seconds: float) -> float:
    """The parse's share of a file budget of ``seconds`` for ``size`` bytes."""
    return min(seconds, PARSE_SECONDS + PARSE_SECONDS_PER_MB * size / 1_000_000)


def wall_seconds(seconds: float) -> float:
    """The wall-clock ceiling of a budget of ``seconds`` CPU seconds."""
    return max(WALL_FACTOR * seconds, WALL_SECONDS)


class OverBudget(BaseException):
    """The file's budget ran out. A BaseException, like KeyboardInterrupt, so
    that no ``except Exception`` on the way swallows it. ``stalled`` when the
    wall-clock ceiling ran out, not the CPU budget."""

    def __init__(self, stalled: bool = False):
        super().__init__(stalled)
        self.stalled = stalled


class _State(threading.local):
    """Each thread's budget (the timers serve the main thread only)."""

    cpu: float | None = None  # deadline in time.thread_time()
    wall: float | None = None  # deadline in time.monotonic()
    in_native: int = 0


_state = _State()


def expired() -> bool:
    return _state.cpu is not None and (time.thread_time() >= _state.cpu or time.monotonic() >= _state.wall)


def stalled() -> bool:
    """Whether the wall-clock ceiling, not the CPU budget, is what ran out."""
    return _state.wall is not None and time.monotonic() >= _state.wall and time.thread_time() < _state.cpu


def over() -> OverBudget:
    """The exception for the budget that ran out."""
    return OverBudget(stalled())


def active() -> bool:
    return _state.cpu is not None


@contextmanager
def native():
    """Around a call into C that polls ``expired()``: the timers do not raise in it."""
    _state.in_native += 1
    try:
        yield
    finally:
        _state.in_native -= 1


def _on_timer(signum, frame):
    state = _state
    if state.cpu is None:
        return
    if expired():
        if not state.in_native:
            raise over()
        return  # C code polls expired() and stops; the caller raises then
    # ITIMER_PROF counts every thread's CPU and fires early when others ran: wait for the rest
    remaining = state.cpu - time.thread_time()
    if signum == signal.SIGPROF and remaining > 0:
        signal.setitimer(signal.ITIMER_PROF, remaining)


_TIMERS = ((signal.ITIMER_PROF, signal.SIGPROF), (signal.ITIMER_REAL, signal.SIGALRM)) if hasattr(
    signal, "setitimer") else ()


def _can_time() -> bool:
    return bool(_TIMERS) and threading.current_thread() is threading.main_thread() and all(
        signal.getitimer(timer) == (0.0, 0.0) for timer, _ in _TIMERS)  # nobody else's timer (a profiler's)


@contextmanager
def limit(seconds: float):
    """Run the block under a budget of ``seconds`` of CPU time (and its
    wall-clock ceiling); it raises ``OverBudget`` when spent."""
    state = _state
    if state.cpu is not None:  # nested: a share of the outer budget, polled only (no timer)
        outer = state.cpu, state.wall
        state.cpu = min(outer[0], time.thread_time() + seconds)
        state.wall = min(outer[1], time.monotonic() + wall_seconds(seconds))
        try:
            yield
        finally:
            state.cpu, state.wall = outer
        return
    timed = _can_time()
    previous = [signal.signal(signum, _on_timer) for _, signum in _TIMERS] if timed else []
    state.wall = time.monotonic() + wall_seconds(seconds)
    state.cpu = time.thread_time() + seconds
    try:
        if timed:
            signal.setitimer(signal.ITIMER_PROF, seconds)
            signal.setitimer(signal.ITIMER_REAL, wall_seconds(seconds))
        yield
    finally:
        try:
            if timed:
                for timer, _ in _TIMERS:
                    signal.setitimer(timer, 0)
        finally:  # even when a timer fired just before it was stopped
            state.cpu = state.wall = None
            if timed:
                for (_, signum), handler in zip(_TIMERS, previous):
                    signal.signal(signum, handler)
