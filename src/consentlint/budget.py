"""The time budget of one file's per-file stage (parse and lowering): past
it, the file is PDC001 and the run goes on (DESIGN section 10).

Two mechanisms share one deadline. tree-sitter's parser polls ``expired()``
from its progress callback and stops; Python code (the front-ends' walks)
is interrupted by a ``SIGALRM`` timer that raises ``OverBudget``, where the
platform has one and we run in the main thread. While such C code runs
(``native()``) the timer only marks the deadline: an exception raised
inside a tree-sitter callback would be lost.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager

# per file: the project stage after it adds up to ~2.5 s for the worst file
# measured (a 2.5 MB minified bundle with 25,000 collecting calls), so no file
# costs more than ~5 s
SECONDS = 3.0
# The parse alone gets a share by size: valid code parses at 0.1-0.25 s per MB,
# while a grammar's error recovery can grow by 200 MB a second on a few hundred
# bytes (a stray backtick in Kotlin), so it stops long before the file's budget.
PARSE_SECONDS = 0.5
PARSE_SECONDS_PER_MB = 1.0


def parse_seconds(size: int, seconds: float) -> float:
    """The parse's share of a file budget of ``seconds`` for ``size`` bytes."""
    return min(seconds, PARSE_SECONDS + PARSE_SECONDS_PER_MB * size / 1_000_000)


class OverBudget(BaseException):
    """The file's budget ran out. A BaseException, like KeyboardInterrupt, so
    that no ``except Exception`` on the way swallows it."""


class _State(threading.local):
    """Each thread's budget (the timer serves the main thread only)."""

    deadline: float | None = None
    in_native: int = 0


_state = _State()


def expired() -> bool:
    deadline = _state.deadline
    return deadline is not None and time.monotonic() >= deadline


def active() -> bool:
    return _state.deadline is not None


@contextmanager
def native():
    """Around a call into C that polls ``expired()``: the timer does not raise in it."""
    _state.in_native += 1
    try:
        yield
    finally:
        _state.in_native -= 1


def _on_alarm(signum, frame):
    if _state.deadline is not None and not _state.in_native:
        raise OverBudget


def _can_alarm() -> bool:
    return (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))  # nobody else's timer is running


@contextmanager
def limit(seconds: float):
    """Run the block under a budget of ``seconds``; it raises ``OverBudget`` when spent."""
    state = _state
    if state.deadline is not None:  # nested: a share of the outer budget, polled only (no timer)
        outer = state.deadline
        state.deadline = min(outer, time.monotonic() + seconds)
        try:
            yield
        finally:
            state.deadline = outer
        return
    alarm = _can_alarm()
    previous = signal.signal(signal.SIGALRM, _on_alarm) if alarm else None
    state.deadline = time.monotonic() + seconds
    try:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        try:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
        finally:  # even when the timer fired just before it was stopped
            state.deadline = None
            if alarm:
                signal.signal(signal.SIGALRM, previous)
