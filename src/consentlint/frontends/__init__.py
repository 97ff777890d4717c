"""Front-ends: one per language family, each lowering a parsed file to facts.

``FRONTENDS`` maps a file extension to the language id and the module whose
``extract()`` lowers it."""

from __future__ import annotations

PYTHON_EXTENSIONS = (".py", ".pyi")

# extension -> (language for catalogs, grammar name, front-end module)
FRONTENDS: dict[str, tuple[str, str, str]] = {
    ".py": ("python", "python", "consentlint.frontends.python"),
    ".pyi": ("python", "python", "consentlint.frontends.python"),
    ".js": ("javascript", "javascript", "consentlint.frontends.javascript"),
    ".jsx": ("javascript", "javascript", "consentlint.frontends.javascript"),
    ".mjs": ("javascript", "javascript", "consentlint.frontends.javascript"),
    ".cjs": ("javascript", "javascript", "consentlint.frontends.javascript"),
    ".ts": ("typescript", "typescript", "consentlint.frontends.javascript"),
    ".mts": ("typescript", "typescript", "consentlint.frontends.javascript"),
    ".cts": ("typescript", "typescript", "consentlint.frontends.javascript"),
    ".tsx": ("typescript", "tsx", "consentlint.frontends.javascript"),
    ".java": ("java", "java", "consentlint.frontends.java"),
    ".kt": ("kotlin", "kotlin", "consentlint.frontends.kotlin"),
    ".kts": ("kotlin", "kotlin", "consentlint.frontends.kotlin"),
}

# Every extension consentlint scans (DESIGN section 12); those without a
# front-end yet are discovered but skipped.
ALL_EXTENSIONS = (".py", ".pyi", ".java", ".kt", ".kts", ".js", ".jsx", ".mjs", ".cjs",
                  ".ts", ".tsx", ".mts", ".cts")
