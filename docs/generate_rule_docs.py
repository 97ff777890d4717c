"""Write ``docs/rules/<code>.md`` for every rule, and the index
``docs/rules/README.md``, from the rules' docstrings (the one source).

    python docs/generate_rule_docs.py

``tests/test_docs.py`` fails when a page is not what this writes."""

from __future__ import annotations

import sys
from pathlib import Path

from consentlint.rules import RULES, page, summary

FOLDER = Path(__file__).resolve().parent / "rules"


def pages() -> dict[str, str]:
    """File name -> text of every page this script writes."""
    out = {f"{code}.md": page(module) for code, module in RULES.items()}
    rows = "\n".join(f"| [{code}]({code}.md) | `{m.NAME}` | {m.SEVERITY} | {summary(m)} |"
                     for code, m in RULES.items())
    out["README.md"] = ("# Rules\n\nOne page per code, generated from the rule docstrings by "
                        "`python docs/generate_rule_docs.py`.\n\n| Code | Name | Default | What it reports |\n"
                        f"|---|---|---|---|\n{rows}\n")
    return out


def main() -> int:
    FOLDER.mkdir(exist_ok=True)
    wanted = pages()
    for stale in FOLDER.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        (FOLDER / name).write_text(text, "utf-8")
    print(f"wrote {len(wanted)} pages to {FOLDER}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
