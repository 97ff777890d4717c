"""The one tree-sitter layer: every use of the tree-sitter API goes through here
(its Python API changed between 0.22 and 0.25), so front-ends stay small."""

from __future__ import annotations

import bisect
import importlib
import re
from functools import cache
from importlib import resources

import tree_sitter

from consentlint import budget
from consentlint.facts import Span, SyntaxProblem

# language id -> (grammar module, function returning the language pointer)
GRAMMARS = {
    "python": ("tree_sitter_python", "language"),
    "java": ("tree_sitter_java", "language"),
    "kotlin": ("tree_sitter_kotlin", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
}

Node = tree_sitter.Node
Tree = tree_sitter.Tree


@cache
def language(name: str) -> tree_sitter.Language:
    module, function = GRAMMARS[name]
    return tree_sitter.Language(getattr(importlib.import_module(module), function)())


@cache
def _parser(name: str) -> tree_sitter.Parser:
    parser = tree_sitter.Parser(language(name))
    _LANGUAGES[name] = parser.language
    return parser


_LANGUAGES: dict[str, tree_sitter.Language] = {}  # grammar name -> language, of the parsers made

# Valid code the pinned grammars cannot read (issue 12): a syntax error in a
# file (`file`) or on a line (`line`) that matches is most likely the
# parser's, and its message says so. Each has a `todo-ok: PDC001` fixture.
_TAGGED_TEMPLATE_WITH_TYPES = (re.compile(rb"[\w$)\]]\s*<.*>\s*`"), "line", "a tagged template with type arguments")
_TYPEOF_IMPORT = (re.compile(rb"\btypeof\s+import\s*\("), "line", "a `typeof import(...)` type")
GRAMMAR_GAPS = {
    "javascript": ((re.compile(rb"\A\s*(?:(?://[^\n]*\n|/\*.*?\*/)\s*)*?(?://|/\*)[^\n]*?@flow\b", re.S),
                    "file", "Flow type annotations"),),
    "typescript": (_TAGGED_TEMPLATE_WITH_TYPES, _TYPEOF_IMPORT),
    "tsx": (_TAGGED_TEMPLATE_WITH_TYPES, _TYPEOF_IMPORT),
}


# Valid code a grammar cannot read, rewritten before parsing into code it
# reads, byte for byte as long (so every offset holds): the Kotlin grammar
# ends a class header at a line break, so a primary constructor on the lines
# after the class name (`class Link\n@VisibleForTesting(..)\nconstructor(`)
# broke the rest of the file; the line breaks between become spaces.
_KT_CONSTRUCTOR = re.compile(rb"\n[ \t]*constructor[ \t]*\(")
_KT_ANNOTATION_LINE = re.compile(rb"[ \t]*(?:@[\w.]+(?:\([^\n]*\))?[ \t]*)*\Z")
_KT_CLASS_HEADER = re.compile(rb"\b(?:class|object)[ \t]+\w+(?:[ \t]*<[^\n{}]*>)?[ \t]*\Z")


def rewritten(name: str, source: bytes) -> bytes:
    """``source`` as ``parse`` gives it to the grammar (itself when nothing is rewritten)."""
    if name != "kotlin" or b"constructor" not in source:
        return source
    out = None
    for match in _KT_CONSTRUCTOR.finditer(source):
        end = match.start()  # the line break before `constructor`
        start = end
        for _ in range(8):  # (annotation lines between the class name and the constructor)
            line_start = source.rfind(b"\n", 0, start) + 1
            line = source[line_start:start]
            if _KT_CLASS_HEADER.search(line):
                out = out if out is not None else bytearray(source)
                out[start:end + 1] = source[start:end + 1].replace(b"\n", b" ")
                break
            if not _KT_ANNOTATION_LINE.match(line) or line_start == 0:
                break
            start = line_start - 1
    return bytes(out) if out is not None else source


def parse(name: str, source: bytes) -> Tree:
    """Parse ``source`` with the grammar ``name``; tree-sitter always returns a
    tree, with ERROR/MISSING nodes where the source is broken. Under a time
    budget (``budget.limit``) the parser stops at its end and this raises
    ``budget.OverBudget``: some grammars' error recovery takes minutes on a
    few hundred bytes. Positions of a rewritten source (``rewritten``) are
    right only from byte offsets: ``Positions(source, name)`` does that."""
    source = rewritten(name, source)
    parser = _parser(name)
    if not budget.active():
        return parser.parse(source)
    try:
        with budget.native():
            # the progress callback exists only for sources read by a callback
            tree = parser.parse(lambda offset, _: source[offset:offset + _CHUNK], progress_callback=_stop)
    except ValueError:  # what the binding raises for a cancelled parse
        parser.reset()
        if budget.expired():
            raise budget.over() from None
        raise
    _check_budget()
    # the same tree again, over the buffer (no edits: reused, ~10% of a parse):
    # nodes of a tree read by a callback get their text through it, 7x slower
    return parser.parse(source, old_tree=tree)


_CHUNK = 1 << 16


def _stop(*_) -> bool:
    return budget.expired()


def _check_budget() -> None:
    """After a call into C: a budget that ran out there (the timer does not
    raise inside it) is noticed here."""
    if budget.expired():
        raise budget.over()


@cache
def query(name: str, purpose: str) -> tree_sitter.Query:
    """The query ``queries/<name>/<purpose>.scm`` compiled for grammar ``name``."""
    return tree_sitter.Query(language(name), _query_text(name, purpose))


def _query_text(name: str, purpose: str) -> str:
    """A query file's text; a first line ``; inherits: other`` prepends the
    same query of grammar ``other`` (as in nvim-treesitter: TSX reuses JS)."""
    text = resources.files("consentlint").joinpath("queries", name, f"{purpose}.scm").read_text("utf-8")
    first = text.split("\n", 1)[0]
    if first.startswith("; inherits:"):
        text = _query_text(first.split(":", 1)[1].strip(), purpose) + "\n" + text
    return text


def captures(q: tree_sitter.Query, node: Node, max_depth: int | None = None) -> dict[str, list[Node]]:
    """Captures of ``q`` inside ``node``, by capture name (run in C);
    ``max_depth`` limits how deep below ``node`` a match may start."""
    cursor = tree_sitter.QueryCursor(q)
    if max_depth is not None:
        cursor.set_max_start_depth(max_depth)
    # not cancelled from inside (the pinned binding's query progress callback
    # crashes): under a budget, the timer raises as soon as the query returns
    found = cursor.captures(node)
    if budget.active():
        _check_budget()
    return found


def text(node: Node) -> str:
    return node.text.decode("utf-8", "replace")


class Positions:
    """Converts tree-sitter points (row, UTF-8 byte column) to 1-based lines and
    code-point columns, once per reported node. For a source ``parse``
    rewrote (``grammar`` given), from byte offsets over the original lines."""

    __slots__ = ("_ascii", "_lines", "_source", "_starts")

    def __init__(self, source: bytes, grammar: str | None = None):
        self._source = source
        self._ascii = source.isascii()
        self._lines: list[bytes] | None = None
        self._starts: list[int] | None = None  # byte offset of each line, when rows must come from offsets
        if grammar is not None and rewritten(grammar, source) is not source:
            self._starts = [0, *(m.end() for m in re.finditer(rb"\n", source))]

    def _point(self, offset: int) -> tuple[int, int]:
        row = bisect.bisect_right(self._starts, offset) - 1
        return row, offset - self._starts[row]

    def column(self, row: int, byte_column: int) -> int:
        if self._ascii:
            return byte_column + 1
        if self._lines is None:
            self._lines = self._source.split(b"\n")
        line = self._lines[row] if row < len(self._lines) else b""
        return len(line[:byte_column].decode("utf-8", "replace")) + 1

    def span(self, node: Node) -> Span:
        if self._starts is not None:
            (r1, c1), (r2, c2) = self._point(node.start_byte), self._point(node.end_byte)
        else:
            (r1, c1), (r2, c2) = node.start_point, node.end_point
        return Span(r1 + 1, self.column(r1, c1), r2 + 1, self.column(r2, c2))


def is_comment_at(tree: Tree, text: str, index: int) -> bool:
    """Whether character ``index`` of the decoded source ``text`` lies in a
    comment node (any grammar's comment, line_comment, block_comment, ...)."""
    offset = len(text[:index].encode("utf-8"))
    node = tree.root_node.descendant_for_byte_range(offset, offset + 1)
    return node is not None and "comment" in node.type


def syntax_problems(tree: Tree, positions: Positions) -> tuple[SyntaxProblem, ...]:
    """The first ERROR or MISSING node of a broken tree (one report per file,
    like a compiler's first error), or nothing. Where the grammar is known
    not to read valid code there (``GRAMMAR_GAPS``), the message says so."""
    root = tree.root_node
    if not root.has_error:
        return ()
    cursor = root.walk()
    while True:
        node = cursor.node
        if node.is_missing or node.is_error:
            snippet = "" if node.is_missing else text(node).split("\n", 1)[0][:40]
            span = positions.span(node)
            gap = _grammar_gap(tree, positions._source, node)
            if gap is not None:
                at = f" at {snippet!r}" if snippet else ""
                message = f"parser could not read {gap}{at}; the rest of the file was analysed"
            elif node.is_missing:
                message = f"syntax error: missing {node.type!r}"
            else:
                message = f"syntax error at {snippet!r}" if snippet else "syntax error"
            return (SyntaxProblem(span, message),)
        # descend only into subtrees that contain the error
        if node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return (SyntaxProblem(positions.span(root), "syntax error"),)


def _grammar_gap(tree: Tree, source: bytes, node: Node) -> str | None:
    """What valid code the grammar could not read at ``node``, if it is a known gap."""
    name = next((n for n, lang in _LANGUAGES.items() if lang == tree.language), None)
    for pattern, scope, what in GRAMMAR_GAPS.get(name, ()):
        if scope == "file":
            found = pattern.search(source, 0, 4096) is not None
        else:
            start = source.rfind(b"\n", 0, node.start_byte) + 1
            end = source.find(b"\n", node.start_byte)
            found = pattern.search(source, start, end if end >= 0 else len(source)) is not None
        if found:
            return what
    return None
