"""The language-neutral facts (IR) that front-ends produce and the analysis reads.

A front-end lowers each file to a ``FileFacts``: its imports, and for each
function (the module body counts as one) a small structured program that keeps
exactly what decides dominance: branches, early exits, short-circuit operators,
conditional expressions, loops, try, nested functions and lambdas, assignments
of local names (def-use of check results), and every call or property read with
its resolved qualified name, literal arguments and position. Rules and the guard
analysis read only these classes; none of them imports a parser.

Positions follow DESIGN section 12: 1-based lines and columns, columns counted
in Unicode code points, end column exclusive. Lines end at ``\r\n``, ``\r``
or ``\n``, as Python and editors count them (``lf_line_ends``, ``source_lines``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Union

_LONE_CR = re.compile(rb"\r(?!\n)")
_LINE_END = re.compile(r"\r\n|\r|\n")


def lf_line_ends(source: bytes) -> bytes:
    """``source`` with each lone ``\\r`` (a CR-only line end) made ``\\n``:
    the same length and offsets, so that the parser's rows, which count
    ``\\n`` only, are the lines (a CR-only file was one long line)."""
    return _LONE_CR.sub(b"\n", source) if b"\r" in source else source


def source_lines(text: str) -> list[str]:
    """The lines of a source text, without their ends. ``str.splitlines``
    also ends a line at a form feed, ``\\x1c``-``\\x1e``, ``\\x85`` and
    U+2028/U+2029, which Python, the parsers and editors do not."""
    lines = _LINE_END.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


class _Fact:
    """Base of the fact classes: they travel from worker processes to the
    project stage, and pickling each as its class and field values is several
    times faster than the default for slotted dataclasses. Facts are never
    changed once made, and hash and compare by value; they are not declared
    ``frozen`` only because a frozen dataclass's ``__init__`` sets each field
    through ``object.__setattr__``, which made lowering and reading the
    cache a quarter slower."""

    __slots__ = ()

    def __reduce__(self):
        return self.__class__, tuple(getattr(self, name) for name in self.__slots__)


@dataclass(slots=True, unsafe_hash=True)
class Span(_Fact):
    line: int
    column: int
    end_line: int
    end_column: int


# ---------------------------------------------------------------- expressions


@dataclass(slots=True, unsafe_hash=True)
class Lit(_Fact):
    """A literal, or a constant whose literal value the front-end can see;
    ``()`` is an empty list literal (Python ``[]``)."""

    value: object


@dataclass(slots=True, unsafe_hash=True)
class Name(_Fact):
    """A use of a local variable (``local``) or of a resolved global name, e.g.
    a catalogued constant (``android.permissions.Permission.CAMERA``)."""

    name: str
    resolved: str | None = None
    local: bool = False


@dataclass(slots=True, unsafe_hash=True)
class Call(_Fact):
    """A call (``kind="call"``), a property read (``kind="read"``), or a
    reference to a function passed on as a value (``kind="ref"``: ``this::onGranted``,
    ``self.on_grant``), which lets it be called from anywhere.

    ``callee`` is the resolved qualified name (None when resolution fails);
    ``text`` is the callee as written; ``span`` is the identifier of the called
    method or read property. ``key`` is the literal key read from the result,
    through a subscript or ``.get(key)`` (``request.POST["email"]``).
    Sub-expressions in ``receiver``, ``args`` and ``keywords`` are evaluated
    before the call itself."""

    id: int
    callee: str | None
    text: str
    kind: str
    span: Span
    receiver: Expr | None = None
    args: tuple[Expr | None, ...] = ()
    keywords: tuple[tuple[str, Expr | None], ...] = ()
    key: str | None = None
    safe: bool = False  # made only when the receiver is not null (Kotlin ``x?.m()``)
    # ``super.m()``: the method ``callee`` names (or inherits), no override below it
    exact: bool = False


@dataclass(slots=True, unsafe_hash=True)
class BoolOp(_Fact):
    """Short-circuit ``and`` / ``or`` (``&&`` / ``||``): operands run in order,
    each only if the ones before did not decide the result."""

    op: str  # "and" | "or"
    values: tuple[Expr | None, ...]


@dataclass(slots=True, unsafe_hash=True)
class Not(_Fact):
    value: Expr | None


@dataclass(slots=True, unsafe_hash=True)
class Compare(_Fact):
    """``left op right`` with op one of eq, ne, other."""

    left: Expr | None
    op: str
    right: Expr | None


@dataclass(slots=True, unsafe_hash=True)
class IfExp(_Fact):
    """Conditional expression: ``body if test else orelse`` / ``test ? a : b``."""

    test: Expr | None
    body: Expr | None
    orelse: Expr | None


@dataclass(slots=True, unsafe_hash=True)
class Lambda(_Fact):
    """A lambda or callback body; it runs later, with the guards in force where
    it was written (plus those of a consent request it is handed to)."""

    function: Function


@dataclass(slots=True, unsafe_hash=True)
class Seq(_Fact):
    """Sub-expressions evaluated in order, whose value is not tracked."""

    items: tuple[Expr | None, ...]


@dataclass(slots=True, unsafe_hash=True)
class Concat(_Fact):
    """String concatenation or a template, parts in order: its value starts
    with what the first parts are known to be (``"content://mms/" + id``)."""

    items: tuple[Expr | None, ...]


Expr = Union[Lit, Name, Call, BoolOp, Not, Compare, IfExp, Lambda, Seq, Concat]


# ----------------------------------------------------------------- statements


@dataclass(slots=True, unsafe_hash=True)
class Eval(_Fact):
    """An expression evaluated for its effects; its value is discarded."""

    expr: Expr | None


@dataclass(slots=True, unsafe_hash=True)
class Assign(_Fact):
    """``target = value`` for a local name; ``field`` names the part of the
    value bound when destructuring (``const { status } = ...``)."""

    target: str
    value: Expr | None
    field: str | None = None


@dataclass(slots=True, unsafe_hash=True)
class Store(_Fact):
    """A write of a field, property or module-level variable, ``target``
    qualified as the front-end resolves reads of it (``pkg.Class.FIELD``):
    initialisers and assignments, so values flow across functions and files."""

    target: str
    value: Expr | None


@dataclass(slots=True, unsafe_hash=True)
class If(_Fact):
    test: Expr | None
    body: Block
    orelse: Block


@dataclass(slots=True, unsafe_hash=True)
class Choice(_Fact):
    """One of several arms runs (match/switch/when); with ``exhaustive`` false
    none may run. With ``breaks``, a ``break`` in an arm leaves the choice
    (Java and JS ``switch``), not an enclosing loop (Python ``match``)."""

    subject: Expr | None
    arms: tuple[Block, ...]
    exhaustive: bool
    breaks: bool = False


@dataclass(slots=True, unsafe_hash=True)
class Loop(_Fact):
    """``while test`` (test re-checked each time) or ``for`` (test None); the
    body may run zero times; ``orelse`` runs when it ends without break."""

    test: Expr | None
    body: Block
    orelse: Block


@dataclass(slots=True, unsafe_hash=True)
class Try(_Fact):
    body: Block
    handlers: tuple[Block, ...]
    orelse: Block
    final: Block


@dataclass(slots=True, unsafe_hash=True)
class Exit(_Fact):
    """return / raise (throw) / break / continue."""

    kind: str
    value: Expr | None = None


@dataclass(slots=True, unsafe_hash=True)
class Def(_Fact):
    """A nested function or class method defined here."""

    function: Function


Stmt = Union[Eval, Assign, Store, If, Choice, Loop, Try, Exit, Def]


@dataclass(slots=True, unsafe_hash=True)
class Block(_Fact):
    stmts: tuple[Stmt, ...] = ()


EMPTY = Block()

# -------------------------------------------------------------- declarations


@dataclass(slots=True, unsafe_hash=True)
class Decorator(_Fact):
    """A decorator or annotation with its literal arguments."""

    name: str | None
    text: str
    args: tuple[Expr | None, ...]
    span: Span


@dataclass(slots=True, unsafe_hash=True)
class Function(_Fact):
    """A function, method, lambda or the module body (name ``<module>``)."""

    name: str
    qualname: str
    params: tuple[str, ...]
    decorators: tuple[Decorator, ...]
    body: Block
    span: Span
    # may override a supertype's method (Kotlin ``override``; Java ``@Override``,
    # which is optional there, or an ``on*`` name in a class with supertypes):
    # when no project supertype declares it, the framework calls it, so it is
    # an entry point
    override: bool = False
    # the qualified type it returns, declared (Java, Kotlin ``: T``) or what a
    # Kotlin expression body evaluates to, when the front-end knows it
    returns: str | None = None


@dataclass(slots=True, unsafe_hash=True)
class Import(_Fact):
    """``module`` bound to ``alias`` (``name`` None) or ``module.name`` bound to
    ``alias``; ``star`` for ``from module import *``."""

    module: str
    name: str | None
    alias: str | None
    span: Span
    star: bool = False


@dataclass(slots=True, unsafe_hash=True)
class ClassDecl(_Fact):
    """A class, interface, object or companion declared in the file: its
    qualified name (the form functions use: ``pkg.Outer.Inner``, Python
    ``pkg.mod.Class``, JS/TS ``<module>#Class``) and its direct supertypes,
    qualified where the front-end can resolve them, else as written."""

    qualname: str
    supers: tuple[str, ...]
    span: Span
    interface: bool = False
    # (Java) a private class (not an enum, record or interface) whose methods
    # all need an instance (no static methods or initialisers), not named by
    # ``K.class`` or ``K::new``: one exists only where its file constructs it
    # (Kotlin's object expressions construct without a call: not marked)
    private: bool = False


@dataclass(slots=True, unsafe_hash=True)
class Initial(_Fact):
    """A consent-named declaration with a literal initial value: a field,
    property, module or class variable (``analytics_consent = True``), a
    parameter's default (``def record(consent=True)``), a state hook's initial
    value (``useState(true)``, ``via`` names the call), a field declared with
    a default (``BooleanField(default=True)``: ``via`` is ``BooleanField:default``)
    or a pre-checked checkbox (``<input type="checkbox" defaultChecked>``:
    ``via`` is the attribute). ``kind`` is ``variable``, ``parameter`` or
    ``checkbox``; ``span`` is the name's (the attribute's for a checkbox)."""

    name: str
    value: object
    span: Span
    kind: str = "variable"
    via: str = ""


@dataclass(slots=True, unsafe_hash=True)
class SyntaxProblem(_Fact):
    span: Span
    message: str


@dataclass(slots=True, unsafe_hash=True)
class FileFacts(_Fact):
    path: str
    language: str
    module: str | None
    imports: tuple[Import, ...]
    functions: tuple[Function, ...]
    problems: tuple[SyntaxProblem, ...] = ()
    # the file's classes (for the project index: hierarchy, overrides, dispatch)
    classes: tuple[ClassDecl, ...] = ()
    # (Java, Kotlin) the fields and properties declared private (only code of
    # their class, in this file, writes them) that the file writes only as
    # ``Store`` facts (``f = v``, ``this.f = v``; not ``other.f = v``, ``f += v``
    # or through a setter): every write of them is a ``Store``. Qualified as
    # ``Store`` names them.
    private: tuple[str, ...] = ()
    # consent-named declarations with a literal initial value (PDC203)
    initials: tuple[Initial, ...] = ()
    # every callee a call in the file resolves to (nested functions and
    # lambdas too), so the project stage can pass over a file that calls
    # nothing it looks for without walking it (``with_callees``)
    callees: frozenset[str] = frozenset()


# ------------------------------------------------------------------- walking


def with_callees(facts: FileFacts) -> FileFacts:
    """``facts`` with ``callees`` filled in (one walk, at lowering: cached with the facts)."""
    found = {node.callee for function in facts.functions
             for node in walk(function.body, enter=(Lambda, Def)) if type(node) is Call and node.callee is not None}
    return replace(facts, callees=frozenset(found))


def _children(node):
    kind = type(node)
    if kind is Call:
        return (node.receiver, *node.args, *(v for _, v in node.keywords))
    if kind is Eval:
        return (node.expr,)
    if kind is Assign or kind is Exit or kind is Store:
        return (node.value,)
    if kind is If:
        return (node.test, *node.body.stmts, *node.orelse.stmts)
    if kind is Loop:
        return (node.test, *node.body.stmts, *node.orelse.stmts)
    if kind is Choice:
        return (node.subject, *(s for arm in node.arms for s in arm.stmts))
    if kind is Try:
        return tuple(s for part in (node.body, *node.handlers, node.orelse, node.final) for s in part.stmts)
    if kind is BoolOp:
        return node.values
    if kind is Seq or kind is Concat:
        return node.items
    if kind is Not:
        return (node.value,)
    if kind is Compare:
        return (node.left, node.right)
    if kind is IfExp:
        return (node.test, node.body, node.orelse)
    return ()


def _statements(node):
    kind = type(node)
    if kind is If or kind is Loop:
        return (*node.body.stmts, *node.orelse.stmts)
    if kind is Choice:
        return tuple(s for arm in node.arms for s in arm.stmts)
    if kind is Try:
        return tuple(s for part in (node.body, *node.handlers, node.orelse, node.final) for s in part.stmts)
    return ()


def walk(root: Block | Stmt | Expr, enter: tuple[type, ...] = (), expressions: bool = True):
    """Every statement and expression under ``root``, in evaluation order: a
    call comes after its receiver and arguments, a statement before its parts.
    The bodies of nested functions are walked when their node type (``Lambda``,
    ``Def``) is in ``enter``; the ``Lambda``/``Def`` node itself always is.
    Without ``expressions``, only statements (``Def`` among them) are walked."""
    if not expressions:
        yield from _walk_statements(root.stmts if type(root) is Block else (root,), Def in enter)
        return
    # (the hottest loop of the project stage: a call waits on the stack under
    # ``_EMIT`` until its parts are out; leaves are yielded without a push)
    stack = list(reversed(root.stmts)) if type(root) is Block else [root]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node = pop()
        if node is _EMIT:
            yield pop()
            continue
        kind = type(node)
        if kind is Name or kind is Lit or node is None:
            if node is not None:
                yield node
            continue
        if kind is Call:
            push(node)
            push(_EMIT)
            if node.keywords:
                extend([v for _, v in reversed(node.keywords)])
            if node.args:
                extend(reversed(node.args))
            push(node.receiver)
            continue
        yield node
        if kind in enter:
            extend(reversed(node.function.body.stmts))
            continue
        children = _children(node)
        if children:
            extend(reversed(children))


_EMIT = object()


def _walk_statements(stmts, enter_defs: bool):
    stack = list(reversed(stmts))
    while stack:
        node = stack.pop()
        yield node
        if type(node) is Def:
            if enter_defs:
                stack.extend(reversed(node.function.body.stmts))
        else:
            stack.extend(reversed(_statements(node)))


def is_link(expr) -> bool:
    """A link of a member chain on an untyped parameter, as the JS front-end
    emits them (``_Lowerer._link``; ``consentlint.params`` types them): a read
    without callee or key named by one member (``body`` of ``req.body``; the
    root names the local). Other reads without callee (a consent-named
    setting, ``prefs.analyticsConsent``) are not links."""
    return type(expr) is Call and expr.kind == "read" and expr.callee is None and expr.key is None \
        and "." not in expr.text


def calls_in(functions):
    """``(call, enclosing functions innermost first)`` for every call in
    ``functions``, lambdas and nested definitions included."""
    stack = [(f, ()) for f in functions]
    while stack:
        function, outer = stack.pop()
        chain = (function, *outer)
        for node in walk(function.body):
            kind = type(node)
            if kind is Call:
                yield node, chain
            elif kind is Lambda or kind is Def:
                stack.append((node.function, chain))


def functions_in(functions, lambdas: bool = False):
    """Each of ``functions`` and every function defined inside it (``Def``s;
    lambdas and callbacks too with ``lambdas``), each before those inside it."""
    stack = list(reversed(functions))
    while stack:
        function = stack.pop()
        yield function
        # definitions are statements: without lambdas, expressions need no visit
        nested = [n.function for n in walk(function.body, expressions=lambdas)
                  if type(n) is Def or (lambdas and type(n) is Lambda)]
        stack.extend(reversed(nested))
