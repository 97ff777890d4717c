"""The language registry: every language consentlint scans, in one table.

Each other list of languages, extensions, grammars or comment openers is
derived from ``LANGUAGES`` (the front-end and grammar tables, the catalog
languages, the CLI's choices, the suppression and fixture-annotation
syntax); the catalog schema's enum and ``.pre-commit-hooks.yaml`` are files,
and ``tests/test_languages.py`` checks that they agree. Adding a language
touches this table, its front-end (``frontends/<name>.py``), its queries
(``queries/<grammar>/``), its catalogs (``checks/``) and its fixtures.
"""

from __future__ import annotations

import re
from collections import namedtuple


# (a named tuple, not a dataclass: the CLI imports this table at start-up,
# before anything else needs ``dataclasses``)
class Language(namedtuple("Language", "name extensions grammars frontend comments naming")):
    """One language: its catalog id and what the tool needs to read it.

    - ``name``: the id catalogs (``language = ...``), the CLI and reports use;
    - ``extensions``: (file extension, grammar name) pairs, in the order the CLI lists them;
    - ``grammars``: (grammar name, module, function returning the language pointer) triples;
    - ``frontend``: the module whose ``extract()`` lowers a parsed file;
    - ``comments``: the comment openers a ``noqa`` or a fixture annotation may
      follow (the first is the one a `noqa` fix and the editor's quick fix write);
    - ``naming``: how the manifest names a function here (DESIGN section 12), by example.
    """

    __slots__ = ()


LANGUAGES: tuple[Language, ...] = (
    Language("python", ((".py", "python"), (".pyi", "python")),
             (("python", "tree_sitter_python", "language"),),
             "consentlint.frontends.python", ("#",),
             "the dotted import path: app.privacy.has_consent"),
    Language("java", ((".java", "java"),),
             (("java", "tree_sitter_java", "language"),),
             "consentlint.frontends.java", ("//", "/*"),
             "the fully qualified name: com.acme.privacy.Consent.isGranted"),
    Language("kotlin", ((".kt", "kotlin"), (".kts", "kotlin")),
             (("kotlin", "tree_sitter_kotlin", "language"),),
             "consentlint.frontends.kotlin", ("//", "/*"),
             "the fully qualified name: com.acme.privacy.hasConsent (top level), pkg.Obj.fn (object member)"),
    Language("javascript", ((".js", "javascript"), (".jsx", "javascript"), (".mjs", "javascript"),
                            (".cjs", "javascript")),
             (("javascript", "tree_sitter_javascript", "language"),),
             "consentlint.frontends.javascript", ("//", "/*"),
             "<module>#<export>: @acme/privacy#hasConsent, ./src/privacy#hasConsent, ./src/privacy#default"),
    Language("typescript", ((".ts", "typescript"), (".tsx", "tsx"), (".mts", "typescript"),
                            (".cts", "typescript")),
             (("typescript", "tree_sitter_typescript", "language_typescript"),
              ("tsx", "tree_sitter_typescript", "language_tsx")),
             "consentlint.frontends.javascript", ("//", "/*"),
             "<module>#<export>, as in JavaScript"),
)

# The manifest is TOML: its annotations and suppressions follow a `#`.
MANIFEST_COMMENTS = ("#",)

NAMES: tuple[str, ...] = tuple(lang.name for lang in LANGUAGES)
BY_NAME: dict[str, Language] = {lang.name: lang for lang in LANGUAGES}
# extension -> (language, grammar name, front-end module)
FRONTENDS: dict[str, tuple[str, str, str]] = {
    ext: (lang.name, grammar, lang.frontend) for lang in LANGUAGES for ext, grammar in lang.extensions}
EXTENSIONS: tuple[str, ...] = tuple(FRONTENDS)
# grammar name -> (module, function returning the language pointer)
GRAMMARS: dict[str, tuple[str, str]] = {
    grammar: (module, function) for lang in LANGUAGES for grammar, module, function in lang.grammars}
GRAMMAR_MODULES: tuple[str, ...] = tuple(dict.fromkeys(module for module, _ in GRAMMARS.values()))
# every comment opener, for the fixture annotations of any file
COMMENT_OPENERS: tuple[str, ...] = tuple(dict.fromkeys(
    c for comments in (*(lang.comments for lang in LANGUAGES), MANIFEST_COMMENTS) for c in comments))


def extensions(name: str) -> tuple[str, ...]:
    """The file extensions of language ``name``."""
    return tuple(ext for ext, _ in BY_NAME[name].extensions)


def comments(suffix: str) -> tuple[str, ...]:
    """The comment openers of a file by its extension (``.toml``: the manifest)."""
    entry = FRONTENDS.get(suffix)
    return BY_NAME[entry[0]].comments if entry is not None else MANIFEST_COMMENTS if suffix == ".toml" else ("//", "/*")


def files_pattern() -> str:
    """The regex of the files pre-commit passes (``files:`` in
    ``.pre-commit-hooks.yaml``: identify tags .mts and .cts with nothing and
    .pyi as ``pyi``, so ``types`` would drop them)."""
    return r"\.(" + "|".join(re.escape(ext[1:]) for ext in EXTENSIONS) + ")$"
