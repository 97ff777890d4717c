"""Front-ends: one per language family, each lowering a parsed file to facts.

``FRONTENDS`` maps a file extension to the language id and the module whose
``extract()`` lowers it; both tables come from the language registry
(``consentlint.languages``)."""

from __future__ import annotations

from consentlint.languages import EXTENSIONS, FRONTENDS

# Every extension consentlint scans (DESIGN section 12).
ALL_EXTENSIONS = EXTENSIONS

__all__ = ["ALL_EXTENSIONS", "FRONTENDS"]
