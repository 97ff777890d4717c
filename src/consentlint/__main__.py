"""``python -m consentlint``: the command line.

``python -m`` puts the current folder first on ``sys.path``; run inside a
scanned tree, its ``json.py`` or ``tree_sitter.py`` would then be imported
instead of the real modules. That entry goes first, before any other import
(``python -P`` does the same)."""

import os
import sys

if not sys.flags.safe_path and sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from consentlint.cli import run  # noqa: E402 (after the sys.path fix)

if __name__ == "__main__":
    run()
