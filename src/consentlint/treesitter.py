"""The one tree-sitter layer: every use of the tree-sitter API goes through here
(its Python API changed between 0.22 and 0.25), so front-ends stay small."""

from __future__ import annotations

import bisect
import importlib
import re
from functools import cache

import tree_sitter

from consentlint import budget
from consentlint.facts import Span, SyntaxProblem
from consentlint.languages import GRAMMARS  # grammar name -> (module, function returning the language pointer)

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
# reads, byte for byte as long (so every offset holds; ``repaired``, tried
# only on a file whose tree has an error, keeps every line break). Kotlin
# (the newest official grammar, 1.1.0, still fails on each; each is in
# fixtures/kotlin/regression_grammar_gaps.kt and tests/test_bad_input.py):
# - the grammar ends a class header at a line break, so a primary constructor
#   on the lines after the class name (`class Link\n@VisibleForTesting(..)\n
#   constructor(`, also with a KDoc between) broke the rest of the file; the
#   line breaks between become spaces;
# - a loop as a `when` branch, on the line after the `->`, with its body on
#   the line after its header (`0 ->\n for (x in xs)\n f(x)`): the grammar
#   ended the branch at the header; the loop is joined to its body's line;
# - context parameters (`context(scope: Scope)` before a declaration, Kotlin
#   2.2) are blanked: their names are not the file's calls;
# - multi-dollar strings (`$$"..."`, Kotlin 2.1) lose the `$$` (the text
#   inside is a string all the same);
# - an annotation on a property accessor (`@Suppress(..) set(value)`) is blanked;
# - a parenthesised function type after `suspend` or an annotation
#   (`suspend ((T) -> Unit)`, `@Composable (Row.() -> Unit)`) loses the parentheses;
# - a block comment that starts a line with code after it (`/* val x = */ f()`)
#   is blanked: the grammar took its `/` for a division that continues the line;
# - an object expression on one line (`object : Q { override fun f() = 1 }`):
#   the grammar wants a terminator after its last member, so the space before
#   its `}` becomes `;`;
# - a callable reference on a nullable type (`String?::orEmpty`) loses the `?`;
# - a trailing comma in type parameters (`fun <A, B,> f()`) becomes a space;
# - a modifier used as a name (`{ open -> }`, `override(style)`, `suspend { }`)
#   becomes a name of the same length (`_pen`), which ``text`` reads back.
_KT_BRANCH_LOOP = re.compile(rb"->[ \t]*\n[ \t]*(?:for|while)[ \t]*\(")
_KT_CONSTRUCTOR = re.compile(rb"\n[ \t]*(?:(?:private|internal|protected|public)[ \t]+)?constructor[ \t]*\(")
_KT_ANNOTATION_LINE = re.compile(rb"[ \t]*(?:@[\w.]+(?:\([^\n]*\))?[ \t]*)*\Z")
_KT_COMMENT_LINE = re.compile(rb"[ \t]*(?:/\*|\*)")  # a line of a block comment (KDoc)
_KT_CLASS_HEADER = re.compile(rb"\b(?:class|object)[ \t]+\w+(?:[ \t]*<[^\n{}]*>)?[ \t]*\Z")
_KT_CONTEXT = re.compile(rb"^[ \t]*(context[ \t]*\()", re.M)
_KT_DECLARATION = re.compile(rb"[ \t]*(?:@|(?:fun|val|var|class|interface|object|suspend|inline|private|internal|"
                             rb"public|protected|actual|expect|override|operator|infix|tailrec|data|value|open|"
                             rb"abstract|sealed)\b)")
_KT_MULTI_DOLLAR = re.compile(rb"(?<![\w$\"])\$\$+(?=\")")
_KT_ACCESSOR_ANNOTATION = re.compile(rb"^([ \t]*)(@[\w.]+(?:\([^\n]*\))?)(?=\s*(?:get|set)[ \t]*\()", re.M)
_KT_PAREN_TYPE = re.compile(rb"(?:\bsuspend|@\w+(?:\(\))?)[ \t]*(\()(?=[ \t]*[\w(])")
_KT_LEADING_COMMENT = re.compile(rb"^[ \t]*(/\*[^\n]*?\*/)(?=[ \t]*[\w(])", re.M)
_KT_NULLABLE_REFERENCE = re.compile(rb"(?<=[\w>])\?(?=::)")
_KT_TRAILING_TYPE_COMMA = re.compile(rb",(?=[ \t\n]*>)")
_KT_OBJECT_LINE = re.compile(rb"\bobject\b[^\n{]*\{")


def _one_line_objects(source: bytes, out: bytearray) -> None:
    for match in _KT_OBJECT_LINE.finditer(source):
        depth, i = 0, match.end() - 1
        line_end = source.find(b"\n", i)
        line_end = len(source) if line_end < 0 else line_end
        while i < line_end:
            c = source[i]
            if c == 0x7B:
                depth += 1
            elif c == 0x7D:
                depth -= 1
                if depth == 0:
                    break
            elif c in (0x22, 0x27):  # a string: not followed
                i = line_end
            i += 1
        if i < line_end and source[i - 1] in (0x20, 0x09):
            last = i - 1
            while last > 0 and source[last] in (0x20, 0x09):
                last -= 1
            if source[last] not in (0x7B, 0x3B):  # not `{ }`, nor a terminator already
                out[i - 1] = 0x3B  # ;


_KT_MODIFIERS = {b"open", b"override", b"sealed", b"final", b"external", b"abstract", b"lateinit", b"infix",
                 b"inline", b"suspend"}
_KT_MODIFIER_NAME = re.compile(
    rb"(?<![\w.@`$])(?<!fun )(?<!val )(?<!var )(" + b"|".join(sorted(_KT_MODIFIERS - {b"suspend"})) + rb")"
    rb"(?=[ \t]*(?:\(|->|=(?!=)|==|!=|&&|\|\||,|\)|\.|\?[.:]|\}|!!|\[))"
    rb"|(?<![\w.@`$])(suspend)(?=[ \t]*\{)")
# a call of get or set at the start of a line, which the grammar takes for
# the accessor of a local `val` on the line before: `get<Scope>()` (Koin),
# `get(buffer)`, `set(i, value)` (an accessor has no type arguments, a getter
# no parameter, a setter one)
_KT_ACCESSOR_CALL = re.compile(rb"^[ \t]*(?:(get)(?=[ \t]*<|[ \t]*\((?![ \t]*\)))"
                               rb"|(set)(?=[ \t]*<|[ \t]*\((?![ \t]*(?:\w+[ \t]*)?\))))", re.M)
_KT_EMPTY_ANNOTATION_LIST = re.compile(rb"^[ \t]*@[\w.]+\([^\n]*?=[ \t]*(\[\])", re.M)  # @A(modules = [])
# the names the modifiers (and get/set) became, read back by ``text`` (in a name node)
_KT_RENAMED = {b"_" + m[1:]: m.decode() for m in _KT_MODIFIERS | {b"get", b"set"}}
_KT_NAME_NODE = "identifier"


def _closing(source: bytes, open_at: int) -> int:
    """The offset of the parenthesis that closes the one at ``open_at`` (-1: none)."""
    depth = 0
    for i in range(open_at, min(len(source), open_at + 4096)):
        c = source[i]
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return i
    return -1


def _blank(out: bytearray, start: int, end: int) -> None:
    """Spaces over ``out[start:end]``, its line breaks kept."""
    out[start:end] = bytes(b if b == 0x0A else 0x20 for b in out[start:end])


def rewritten(name: str, source: bytes) -> bytes:
    """``source`` as ``parse`` first gives it to the grammar (itself when
    nothing is rewritten): only this rewrite moves line breaks."""
    if name != "kotlin":
        return source
    out = bytearray(source)
    if b"->" in source and (b"for" in source or b"while" in source):
        _join_branch_loops(source, out)
    if b"constructor" not in source:
        return source if out == source else bytes(out)
    for match in _KT_CONSTRUCTOR.finditer(source):
        end = match.start()  # the line break before `constructor`
        start = end
        for _ in range(40):  # (annotation and comment lines between the class name and the constructor)
            line_start = source.rfind(b"\n", 0, start) + 1
            line = source[line_start:start]
            if _KT_CLASS_HEADER.search(line):
                out[start:end + 1] = source[start:end + 1].replace(b"\n", b" ")
                break
            if not (_KT_ANNOTATION_LINE.match(line) or _KT_COMMENT_LINE.match(line)) or line_start == 0:
                break
            start = line_start - 1
    return source if out == source else bytes(out)


def _join_branch_loops(source: bytes, out: bytearray) -> None:
    """A loop as a `when` branch on the line after its `->`, with its body on
    the line after the loop's header: that line break becomes a space."""
    for match in _KT_BRANCH_LOOP.finditer(source):
        close = _closing(source, match.end() - 1)
        if close < 0:
            continue
        line_end = source.find(b"\n", close)
        if line_end < 0 or source[close + 1:line_end].strip():
            continue
        if source[line_end + 1:line_end + 200].lstrip(b" \t")[:1] not in (b"{", b"\n", b""):
            out[line_end] = 0x20


def repaired(name: str, source: bytes) -> bytes:
    """``source`` (as ``rewritten``) with the other rewrites, which keep every
    line break: ``parse`` reads a file so when its first tree has an error
    (valid files, nearly all, pay nothing)."""
    if name != "kotlin":
        return source
    out = bytearray(source)
    if b"context" in source:
        for match in _KT_CONTEXT.finditer(source):
            close = _closing(source, match.end(1) - 1)
            if close < 0:
                continue
            line_end = source.find(b"\n", close)
            if (line_end >= 0 and not source[close + 1:line_end].strip()
                    and _KT_DECLARATION.match(source, line_end + 1)) or _KT_DECLARATION.match(source, close + 1):
                _blank(out, match.start(1), close + 1)
    if b"$$" in source:
        for match in _KT_MULTI_DOLLAR.finditer(source):
            _blank(out, match.start(), match.end())
    if b"get" in source or b"set" in source:
        for match in _KT_ACCESSOR_ANNOTATION.finditer(source):
            _blank(out, match.start(2), match.end(2))
    if b"->" in source:
        for match in _KT_PAREN_TYPE.finditer(source):
            open_at = match.start(1)
            close = _closing(source, open_at)
            after = source[close + 1:close + 40].lstrip(b" \t")
            if close < 0 or b"->" not in source[open_at:close] or after[:1] in (b"?", b".") or after[:2] == b"->":
                continue  # (not a whole function type in parentheses)
            out[open_at] = out[close] = 0x20
    if b"/*" in source:
        for match in _KT_LEADING_COMMENT.finditer(source):
            if match.start() > 0 and b"*/" not in match.group(1)[2:-2]:
                _blank(out, match.start(1), match.end(1))
    if b"object" in source:
        _one_line_objects(source, out)
    for match in _KT_TRAILING_TYPE_COMMA.finditer(source):
        out[match.start()] = 0x20
    if b"?::" in source:
        for match in _KT_NULLABLE_REFERENCE.finditer(source):
            out[match.start()] = 0x20
    for match in _KT_MODIFIER_NAME.finditer(source):
        at = match.start(1) if match.group(1) else match.start(2)
        out[at] = 0x5F  # _
    if b"et" in source:
        for match in _KT_ACCESSOR_CALL.finditer(source):
            out[match.start(1) if match.group(1) else match.start(2)] = 0x5F
    if b"[]" in source:
        for match in _KT_EMPTY_ANNOTATION_LIST.finditer(source):
            out[match.start(1):match.end(1)] = b'""'  # (an empty list and an empty string: both nothing)
    return source if out == source else bytes(out)


def parse(name: str, source: bytes) -> Tree:
    """Parse ``source`` with the grammar ``name``; tree-sitter always returns a
    tree, with ERROR/MISSING nodes where the source is broken. Under a time
    budget (``budget.limit``) the parser stops at its end and this raises
    ``budget.OverBudget``: some grammars' error recovery takes minutes on a
    few hundred bytes. Positions of a rewritten source (``rewritten``) are
    right only from byte offsets: ``Positions(source, name)`` does that."""
    source = rewritten(name, source)
    parser = _parser(name)
    tree = _parse(parser, source)
    if name == "kotlin" and tree.root_node.has_error:
        again = repaired(name, source)
        if again is not source:
            tree = _parse(parser, again)
    return tree


def _parse(parser: tree_sitter.Parser, source: bytes) -> Tree:
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
    from importlib import resources  # (here: a tenth of start-up's imports)

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
    raw = node.text
    if raw in _KT_RENAMED and node.type == _KT_NAME_NODE:  # a modifier used as a name (``rewritten``)
        return _KT_RENAMED[raw]
    return raw.decode("utf-8", "replace")


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
                # no error node to be seen: a hidden rule's MISSING node
                return () if _only_needless(root) else (SyntaxProblem(positions.span(root), "syntax error"),)


# the Kotlin grammar wants a line break or `;` after a class member also
# before the body's `}` (`object : Listener { override fun f() = g() }`,
# valid Kotlin): the member is read whole, only the terminator is missing (a
# node of a hidden rule, seen only in the tree's printed form)
_NEEDLESS_MISSING = re.compile(r"\(MISSING _class_member_semi\)\)")
_ANY_PROBLEM = re.compile(r"\((?:MISSING|ERROR)\b")


def _only_needless(root: Node) -> bool:
    """Whether every problem in the tree is a terminator valid code lacks."""
    printed = str(root)
    return len(_ANY_PROBLEM.findall(printed)) == len(_NEEDLESS_MISSING.findall(printed)) > 0


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
