"""Where the catalogs shipped with consentlint live.

In a wheel they are package data (``consentlint/checks``); in a source checkout
they are the repository's top-level ``checks/`` folder."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def checks_dir() -> Path:
    here = Path(__file__).resolve().parent
    packaged = here / "checks"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "checks"
