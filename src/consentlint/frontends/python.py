"""Python front-end: lowers a tree-sitter-python tree to facts.

Names are resolved here, without importing or running anything: module- and
function-level imports (``import a.b as c``, ``from a import b as c``, relative
imports, ``*`` imports of catalogued modules), local shadowing in textual order
(a parameter or an assignment named ``gps`` hides ``plyer.gps``), types of
locals built by catalogued constructors, ``self`` in classes whose bases are
catalogued, ``self.x = Ctor()`` attributes, annotated parameters, and the
catalog's parameter conventions (``request`` in a Django module).

Every function, method and class is lowered, with its dotted import path
(``pkg.mod.f``, ``pkg.mod.C.m``, nested ``pkg.mod.f.<locals>.g``), and every
call gets the name it resolves to, catalogued or a project function
(``self.m()`` in ``C``: ``pkg.mod.C.m``), for the project index. A regular
expression over the source finds the mentions of tracked names: statements
without one are lowered lean (calls, arguments, returns, comparisons and
control structure, not call-free containers), or skipped when they cannot
call, bind or define anything.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from consentlint import facts as F
from consentlint import treesitter as ts
from consentlint.frontends import initials
from consentlint.frontends.names import UNKNOWN, Binding, Interest, Scope

LANGUAGE = "python"
_FUNCTION_TYPES = ("function_definition", "decorated_definition")
_EXITS = frozenset(("return_statement", "raise_statement", "break_statement", "continue_statement"))
_KEY_METHODS = frozenset(("get", "getlist", "pop", "get_all"))
_COMPARE_OPS = {"==": "eq", "is": "eq", "!=": "ne", "is not": "ne"}
_LITERALS = {"true": True, "false": False, "none": None}
# statements the text shortcut may skip; any other is always lowered (imports,
# definitions, exits, compound statements whose blocks are filtered in turn)
_SKIPPABLE = frozenset(("expression_statement", "assert_statement", "delete_statement", "pass_statement",
                        "global_statement", "nonlocal_statement", "print_statement", "exec_statement",
                        "comment", "type_alias_statement"))
# what a skippable statement must spell to possibly call, bind or define something
_MAY_MATTER = re.compile(rb"[(=]|\b(?:lambda|yield|await)\b")
# what an expression must spell to hold a call or a function
_MAY_CALL = re.compile(rb"\(|\blambda\b")
_FULL, _LEAN, _SKIP = 2, 1, 0


def extract(source: bytes, tree, path: str, module: str | None, package: str | None,
            catalog, interest: Interest) -> F.FileFacts:
    """Lower ``tree`` (parsed from ``source``) to ``FileFacts``."""
    lowerer = _Lowerer(source, module or "", package or "", catalog, interest)
    return lowerer.run(tree, path)


class _Unit:
    """A top-level piece lowered on its own: a function, a method, or the
    module body."""

    __slots__ = ("cls", "node", "start", "end")

    def __init__(self, node, cls):
        self.node = node
        self.cls = cls
        self.start = node.start_byte
        self.end = node.end_byte


class _Class:
    __slots__ = ("name", "qualname", "self_type", "attrs", "instances")

    def __init__(self, name, qualname, self_type):
        self.name = name
        self.qualname = qualname
        self.self_type = self_type
        self.attrs: dict[str, str] = {}
        # `self.x = Tracker()` with `Tracker` a class of the project: x -> its qualname
        self.instances: dict[str, str] = {}


class _Lowerer:
    def __init__(self, source, module, package, catalog, interest):
        self.source = source
        self.module = module
        self.package = package
        self.catalog = catalog
        self.interest = interest
        self.positions = ts.Positions(source)
        self.globals = Scope()
        self.stars: list[str] = []
        self.imports: list[F.Import] = []
        self.imported_roots: set[str] = set()
        self.next_id = 0
        self.conventions: list[tuple[str, str]] = []
        self.hits: list[int] = []  # byte offsets of mentions of tracked names
        self.bound_tokens: frozenset[str] = frozenset()
        self.bound_hits: list[int] = []  # the hits that are module-level bound names
        self.hot_names: set[bytes] = set()
        self.classes: list[F.ClassDecl] = []
        self.class_bases: dict[str, tuple[str, ...]] = {}  # qualname -> bases other than `object`
        self.lean = False  # lowering a statement that can only matter to the project index

    # ------------------------------------------------------------------ driver

    def run(self, tree, path) -> F.FileFacts:
        root = tree.root_node
        problems = ts.syntax_problems(tree, self.positions)
        units, module_stmts, classes = self._module_pass(root)
        self.conventions = [
            (name, type_) for name, type_, roots, after in self.catalog.parameters
            if not after and any(r in self.imported_roots for r in roots)
        ]
        functions = []
        self._find_hits()
        leaves = _words(self.interest.leaves) if self.interest.leaves else None
        self._class_attributes([(cls, node) for cls, node in classes if self._mentions(node) and (
            leaves is None or leaves.search(self.source, node.start_byte, node.end_byte))])
        self._class_instances(classes)
        # every unit is lowered (the project index needs every function, call
        # edge and return); the text shortcuts only thin statements (_relevance)
        if module_stmts:
            functions.append(self._module_function(root, module_stmts))
        for unit in units:
            functions.append(self._function(unit.node, self.globals, unit.cls, self._prefix(unit.cls)))
        self.classes.sort(key=lambda c: (c.span.line, c.span.column))
        return F.FileFacts(path=path, language=LANGUAGE, module=self.module or None,
                           imports=tuple(self.imports), functions=tuple(functions), problems=problems,
                           classes=tuple(self.classes),
                           initials=initials.extract(root, self.source, LANGUAGE, self.interest, self.positions))

    def _prefix(self, cls: _Class | None) -> str:
        if cls is not None:
            return cls.qualname + "."
        return self.module + "." if self.module else ""

    def _module_pass(self, root):
        """Bind module-level names in textual order and list the units."""
        units: list[_Unit] = []
        module_stmts: list = []
        classes: list[tuple[_Class, object]] = []
        inherited: dict[str, str] = {}  # class of this file -> catalogued base type

        def visit(block, in_handler=False, nested=False):
            # `nested`: inside a module-level if/try/with, whose statement is
            # already in module_stmts; only bind names and find units there
            for node in block.named_children:
                t = node.type
                if t in _FUNCTION_TYPES:
                    fn = _definition(node)
                    if fn.type == "class_definition":
                        visit_class(node, fn)
                        continue
                    units.append(_Unit(node, None))
                    self._bind_global(_name(fn), Binding(self._prefix(None) + _name(fn)), in_handler)
                elif t == "class_definition":
                    visit_class(node, node)
                elif t in ("import_statement", "import_from_statement", "future_import_statement"):
                    self._import(node, self.globals, in_handler)
                elif t in ("if_statement", "try_statement", "with_statement"):
                    if not nested:
                        module_stmts.append(node)
                    for child in node.named_children:
                        if child.type == "block":
                            visit(child, in_handler, True)
                        elif child.type in ("elif_clause", "else_clause", "finally_clause"):
                            visit(child, in_handler, True)
                        elif child.type == "except_clause":
                            for sub in child.named_children:
                                if sub.type == "block":
                                    visit(sub, True, True)
                elif t in ("elif_clause", "else_clause", "finally_clause"):
                    for child in node.named_children:
                        if child.type == "block":
                            visit(child, in_handler, True)
                elif t == "block":  # the body of an else/elif/finally clause
                    visit(node, in_handler, True)
                elif t == "expression_statement":
                    if not nested:
                        module_stmts.append(node)
                    assignment = node.named_children[0] if node.named_child_count else None
                    if assignment is not None and assignment.type == "assignment":
                        self._bind_global_assignment(assignment, in_handler)
                elif t != "comment" and not nested:
                    module_stmts.append(node)

        def visit_class(node, definition, outer=None):
            cls_node = definition if definition.type == "class_definition" else _definition(definition)
            name = _name(cls_node)
            qualname = self._prefix(outer) + name
            if outer is None:
                self._bind_global(name, Binding(qualname), False)
            self_type = qualname
            bases = cls_node.child_by_field_name("superclasses")
            if bases is not None:
                for base in bases.named_children:
                    resolved = self._resolve_static(base)
                    # a class of this file derived from a catalogued one passes its type on
                    resolved = inherited.get(resolved, resolved)
                    if self.interest.tracked(resolved):
                        self_type = resolved
                        break
            if self_type != qualname:
                inherited[qualname] = self_type
            self._declare(F.ClassDecl(qualname, self._supers(bases, self._resolve_static),
                                      self.positions.span(cls_node)))
            cls = _Class(name, qualname, self_type)
            classes.append((cls, cls_node))
            body = cls_node.child_by_field_name("body")
            if body is None:
                return
            for child in body.named_children:
                if child.type in _FUNCTION_TYPES:
                    inner = _definition(child)
                    if inner.type == "function_definition":
                        units.append(_Unit(child, cls))
                    elif inner.type == "class_definition":
                        visit_class(child, inner, cls)
                elif child.type == "class_definition":
                    visit_class(child, child, cls)

        visit(root)
        units.sort(key=lambda u: u.start)
        return units, module_stmts, classes

    def _declare(self, cls: F.ClassDecl) -> None:
        self.classes.append(cls)
        self.class_bases[cls.qualname] = tuple(s for s in cls.supers if s not in ("object", "builtins.object"))

    def _supers(self, bases, resolve) -> tuple[str, ...]:
        """The direct bases of a class, resolved to dotted names where the
        names in scope tell (``app.base.Sensor``), else as written."""
        if bases is None:
            return ()
        out = []
        for base in bases.named_children:
            t = base.type
            if t in ("keyword_argument", "comment", "dictionary_splat", "list_splat"):
                continue
            target = base.child_by_field_name("value") if t in ("subscript", "generic_type") else base
            resolved = resolve(target) if target is not None and target.type in ("identifier", "attribute") else None
            out.append(resolved or _short(target if target is not None else base))
        return tuple(out)

    def _class_instances(self, classes) -> None:
        """``self.x = Name(...)`` where ``Name`` is a class of the project (an
        untracked name bound at module level, spelled like a class): calls of
        ``self.x.method()`` resolve to ``Name``'s method. A text match suffices."""
        for cls, node in sorted(classes, key=lambda c: c[1].start_byte):
            for match in _SELF_INSTANCE.finditer(self.source, node.start_byte, node.end_byte):
                dotted = match.group(2).decode()
                if not dotted.rsplit(".", 1)[-1][:1].isupper():
                    continue
                parts = dotted.split(".")
                binding = self.globals.names.get(parts[0])
                resolved = binding.qualname if binding is not None else None
                for part in parts[1:]:
                    resolved = self.interest.member(resolved, part)
                if resolved is not None and not self.interest.tracked(resolved):
                    cls.instances.setdefault(match.group(1).decode(), resolved)

    def _class_attributes(self, classes) -> None:
        """``self.x = Ctor(...)`` or ``self.x = module.thing`` in a class that
        mentions a tracked name types ``self.x`` (nested classes: the innermost
        one wins). A text match suffices: the right side is a dotted name."""
        for cls, node in sorted(classes, key=lambda c: c[1].start_byte):
            local = None
            for match in _SELF_ASSIGNMENT.finditer(self.source, node.start_byte, node.end_byte):
                parts = match.group(2).decode().split(".")
                resolved = self._lookup_global(parts[0])
                if resolved is None:
                    # imported inside a method: ``from plyer import gps; self.gps = gps``
                    if local is None:
                        local = _method_imports(self.source, node.start_byte, node.end_byte)
                    resolved = local.get(parts[0])
                for part in parts[1:]:
                    resolved = self.interest.member(resolved, part)
                if self.interest.tracked(resolved):
                    # (a factory's result is of the type it returns)
                    cls.attrs[match.group(1).decode()] = (self.catalog.returns or {}).get(resolved, resolved)

    def _find_hits(self) -> None:
        """Byte offsets of every mention of a tracked name: a global bound to
        one, a parameter convention, a name a ``*`` import may bring, or a root
        (for function-level imports)."""
        bound = {name for name, binding in self.globals.names.items() if self.interest.tracked(binding.qualname)}
        bound.update(name for name, _ in self.conventions)
        for star in self.stars:
            bound.update(p[len(star) + 1:].split(".", 1)[0] for p in self.interest.prefixes if p.startswith(star + "."))
        self.bound_tokens = frozenset(bound)
        tokens = bound | self.interest.roots
        if tokens:
            encoded = {t.encode() for t in bound}
            for match in _words(frozenset(tokens)).finditer(self.source):
                self.hits.append(match.start())
                if match.group() in encoded:
                    self.bound_hits.append(match.start())
        # a statement that may read a consent-named value may guard
        consent = self.interest.consent_words(self.source)
        if consent:
            self.hits = sorted(self.hits + consent)

    def _mentions(self, node) -> bool:
        i = bisect.bisect_left(self.hits, node.start_byte)
        return i < len(self.hits) and self.hits[i] < node.end_byte

    def _relevance(self, node) -> int:
        """How much of a statement can matter: ``_FULL`` when it mentions a
        tracked name or a local that holds a tracked value (it may collect or
        check); else ``_LEAN`` when it may call a project function (a call
        edge, perhaps a check helper), return, bind a name or define one: its
        control structure, calls, arguments, comparisons and assignments are
        lowered, call-free containers are not; else ``_SKIP``. Neither
        shortcut changes the guards of a collection: such a statement has no
        catalogued call or check, so it adds no guard on any path."""
        if self.interest.everything or self._mentions(node):
            return _FULL
        if self.hot_names:
            segment = self.source[node.start_byte:node.end_byte]
            if any(_has_word(segment, name) for name in self.hot_names):
                return _FULL
        if node.type not in _SKIPPABLE or _MAY_MATTER.search(self.source, node.start_byte, node.end_byte):
            return _LEAN
        return _SKIP

    def _lowered(self, node, scope) -> list:
        """``_stmt`` of a statement, with the detail its relevance asks for."""
        relevance = node.type in _EXITS and _FULL or self._relevance(node)
        if relevance is _SKIP:
            return []
        lean, self.lean = self.lean, relevance is _LEAN
        try:
            return self._stmt(node, scope)
        finally:
            self.lean = lean

    def _heat(self, name: str) -> None:
        """Mark a local as holding a tracked value: statements using it matter."""
        self.hot_names.add(name.encode())

    # ------------------------------------------------------------ global names

    def _bind_global(self, name: str, binding: Binding, in_handler: bool) -> None:
        # `try: import cv2` / `except ImportError: cv2 = None` keeps the import
        if in_handler and name in self.globals.names:
            return
        self.globals.bind(name, binding)

    def _bind_global_assignment(self, node, in_handler):
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or left.type != "identifier":
            return
        name = ts.text(left)
        if right is None:
            return
        const = _literal(right)
        if const is not _NOT_LITERAL:
            self._bind_global(name, Binding(const=const, has_const=True), in_handler)
            return
        target = right.child_by_field_name("function") if right.type == "call" else right
        resolved = self._resolve_static(target)
        if right.type == "call" and self.interest.tracked(resolved):
            resolved = self._result_type(resolved, right)
        self._bind_global(name, Binding(resolved) if self.interest.tracked(resolved) else UNKNOWN, in_handler)

    def _resolve_static(self, node) -> str | None:
        """Resolve a dotted expression with module-level names only."""
        if node is None:
            return None
        if node.type == "identifier":
            return self._lookup_global(ts.text(node))
        if node.type == "attribute":
            base = self._resolve_static(node.child_by_field_name("object"))
            return self.interest.member(base, ts.text(node.child_by_field_name("attribute")))
        return None

    def _lookup_global(self, name: str) -> str | None:
        binding = self.globals.names.get(name)
        if binding is not None:
            return binding.qualname
        for star in self.stars:
            candidate = f"{star}.{name}"
            if candidate in self.interest.prefixes:
                return self.interest.canonical(candidate)
        return None

    def _import(self, node, scope: Scope, in_handler: bool = False) -> None:
        span = self.positions.span(node)
        if node.type == "future_import_statement":
            return
        if node.type == "import_statement":
            for item in node.children_by_field_name("name"):
                if item.type == "aliased_import":
                    dotted = ts.text(item.child_by_field_name("name"))
                    alias = ts.text(item.child_by_field_name("alias"))
                    bound, qualname = alias, dotted
                else:
                    dotted = ts.text(item)
                    bound = dotted.split(".", 1)[0]
                    qualname = bound
                    alias = None
                self.imports.append(F.Import(dotted, None, alias, span))
                self.imported_roots.add(dotted.split(".", 1)[0])
                self._bind_import(scope, bound, Binding(self.interest.canonical(qualname)), in_handler)
            return
        module_node = node.child_by_field_name("module_name")
        module = self._absolute(module_node)
        if module is None:
            return
        self.imported_roots.add(module.split(".", 1)[0])
        if any(c.type == "wildcard_import" for c in node.named_children):
            self.imports.append(F.Import(module, None, None, span, star=True))
            if scope is self.globals:
                self.stars.append(module)
            return
        for item in node.children_by_field_name("name"):
            if item.type == "aliased_import":
                name = ts.text(item.child_by_field_name("name"))
                bound = ts.text(item.child_by_field_name("alias"))
            else:
                name = bound = ts.text(item)
            self.imports.append(F.Import(module, name, bound if bound != name else None, span))
            qualname = f"{module}.{name}" if module else name
            self._bind_import(scope, bound, Binding(self.interest.canonical(qualname)), in_handler)

    def _bind_import(self, scope, name, binding, in_handler):
        if scope is self.globals:
            self._bind_global(name, binding, in_handler)
        else:
            scope.bind(name, binding)
            if self.interest.tracked(binding.qualname):
                self._heat(name)

    def _absolute(self, node) -> str | None:
        """The absolute module named by ``from X import``."""
        if node is None:
            return None
        if node.type != "relative_import":
            return ts.text(node)
        prefix = node.named_children[0] if node.named_child_count else None
        dots = len(ts.text(prefix)) if prefix is not None and prefix.type == "import_prefix" else 0
        rest = node.named_children[1] if node.named_child_count > 1 else None
        parts = self.package.split(".") if self.package else []
        if dots - 1 > len(parts):
            return None
        base = parts[: len(parts) - (dots - 1)] if dots > 1 else parts
        if rest is not None:
            base = base + ts.text(rest).split(".")
        return ".".join(base) or None

    # ---------------------------------------------------------------- functions

    def _module_function(self, root, stmts) -> F.Function:
        scope = _FnScope(self.globals, None, None)
        scope.is_module = True
        scope.qualname = f"{self.module}.<module>" if self.module else "<module>"
        body = F.Block(tuple(s for node in stmts for s in self._lowered(node, scope)))
        name = f"{self.module}.<module>" if self.module else "<module>"
        return F.Function("<module>", name, (), (), body, self.positions.span(root))

    def _function(self, node, parent: Scope, cls: _Class | None, prefix: str) -> F.Function:
        decorators = []
        if node.type == "decorated_definition":
            for dec in node.named_children:
                if dec.type == "decorator" and dec.named_child_count:
                    decorators.append(self._decorator(dec.named_children[0], parent))
            node = _definition(node)
        name = _name(node)
        scope = _FnScope(parent, cls, None)
        scope.qualname = prefix + name
        declared: list = []
        params = self._params(node.child_by_field_name("parameters"), scope, cls,
                              is_static=any(d.text in ("staticmethod", "classmethod") for d in decorators),
                              declared=declared)
        if cls is not None and params and any(d.text == "classmethod" for d in decorators):
            scope.cls_name = params[0]
        body_node = node.child_by_field_name("body")
        body = self._block(body_node, scope) if body_node is not None else F.EMPTY
        if declared:
            body = F.Block((*declared, *body.stmts))
        # Python marks no override: a method of a class with bases may be one the
        # framework calls (a Kivy `on_start`, a Django view's `get`)
        override = cls is not None and bool(self.class_bases.get(cls.qualname))
        return F.Function(name, prefix + name, params, tuple(decorators), body, self.positions.span(node), override)

    def _decorator(self, node, scope) -> F.Decorator:
        target = node.child_by_field_name("function") if node.type == "call" else node
        args = ()
        if node.type == "call":
            args, _ = self._arguments(node.child_by_field_name("arguments"), scope)
        return F.Decorator(self._resolve(target, scope), ts.text(target), args, self.positions.span(target))

    def _params(self, node, scope: _FnScope, cls: _Class | None, is_static: bool,
                declared: list | None = None) -> tuple[str, ...]:
        """Bind the parameters; ``declared`` receives the collection a framework
        does for a parameter before the body runs (FastAPI ``email: str =
        Form()`` or ``Annotated[str, Form()]``: the field is the parameter name)."""
        names = []
        if node is None:
            return ()
        for i, param in enumerate(node.named_children):
            t = param.type
            annotation = None
            if t == "identifier":
                name = ts.text(param)
            elif t in ("typed_parameter", "typed_default_parameter", "default_parameter"):
                name_node = param.child_by_field_name("name") or (param.named_children[0] if param.named_child_count else None)
                if name_node is None or name_node.type != "identifier":
                    continue
                name = ts.text(name_node)
                annotation = param.child_by_field_name("type")
            elif t in ("list_splat_pattern", "dictionary_splat_pattern"):
                if not param.named_child_count:
                    continue
                name = ts.text(param.named_children[0])
            else:
                continue
            qualname = None
            if cls is not None and i == 0 and not is_static and not names:
                qualname = cls.self_type
                scope.self_name = name
                if cls.self_type != cls.qualname or cls.attrs:
                    self._heat(name)
            elif annotation is not None:
                inner = annotation.named_children[0] if annotation.named_child_count else None
                resolved = self._resolve(inner, scope) if inner is not None else None
                qualname = resolved if self.interest.tracked(resolved) else None
            if qualname is None:
                for convention, type_ in self.conventions:
                    if convention == name:
                        qualname = type_
            names.append(name)
            scope.bind(name, Binding(qualname))
            if self.interest.tracked(qualname):
                self._heat(name)
            if declared is not None and t in ("typed_default_parameter", "default_parameter", "typed_parameter"):
                declared.extend(self._declared_fields(param, name, scope))
        return tuple(names)

    def _declared_fields(self, param, name: str, scope) -> list:
        out = []
        for part in (param.child_by_field_name("value"), param.child_by_field_name("type")):
            if part is None or not self._mentions(part):
                continue
            for call in ts.captures(ts.query(LANGUAGE, "calls"), part).get("call", ()):
                function = call.child_by_field_name("function")
                callee = self._resolve(function, scope)
                if callee in self.catalog.sources:
                    self.next_id += 1
                    name_node = function.child_by_field_name("attribute") if function.type == "attribute" else function
                    out.append(F.Eval(F.Call(self.next_id, callee, _short(function), "call",
                                             self.positions.span(name_node), key=name)))
        return out

    # --------------------------------------------------------------- statements

    def _block(self, node, scope) -> F.Block:
        out = []
        for child in node.named_children:
            out.extend(self._lowered(child, scope))
        return F.Block(tuple(out))

    def _stmt(self, node, scope) -> list:
        t = node.type
        module_level = getattr(scope, "is_module", False)
        if t == "expression_statement":
            out = []
            for child in node.named_children:
                out.extend(self._expression_statement(child, scope))
            return out
        if t == "if_statement":
            return [self._if(node, scope)]
        if t in ("return_statement", "raise_statement"):
            value = node.named_children[0] if node.named_child_count else None
            return [F.Exit("return" if t == "return_statement" else "raise",
                           self._expr(value, scope) if value is not None else None)]
        if t == "break_statement":
            return [F.Exit("break")]
        if t == "continue_statement":
            return [F.Exit("continue")]
        if t == "for_statement":
            right = self._expr(node.child_by_field_name("right"), scope)
            left = node.child_by_field_name("left")
            self._bind_targets(left, scope)
            body = self._block(node.child_by_field_name("body"), scope)
            if left is not None and left.type == "identifier" and type(right) is F.Name:
                # each element of a named list, as the JVM front-ends bind it
                # (a check of it is a check of what the list holds)
                body = F.Block((F.Assign(ts.text(left), right), *body.stmts))
            return [F.Eval(right), F.Loop(None, body, self._else(node, scope))]
        if t == "while_statement":
            test = self._expr(node.child_by_field_name("condition"), scope)
            body = self._block(node.child_by_field_name("body"), scope)
            return [F.Loop(test, body, self._else(node, scope))]
        if t == "try_statement":
            return [self._try(node, scope)]
        if t == "with_statement":
            return self._with(node, scope)
        if t in _FUNCTION_TYPES:
            definition = _definition(node)
            if definition.type == "class_definition":
                return self._local_class(definition, scope)
            if module_level:
                return []
            prefix = scope.qualname + ".<locals>."
            # bound first: the function's own body may call it (recursion)
            scope.bind(_name(definition), Binding(prefix + _name(definition)))
            return [F.Def(self._function(node, scope, None, prefix))]
        if t == "class_definition":
            return [] if module_level else self._local_class(node, scope)
        if t in ("import_statement", "import_from_statement", "future_import_statement"):
            if not module_level:
                self._import(node, scope)
            return []
        if t == "assert_statement":
            # `assert` is stripped under `python -O`: it evaluates, but guards nothing
            return [F.Eval(F.Seq(tuple(self._expr(c, scope) for c in node.named_children)))]
        if t == "match_statement":
            subject = self._expr(node.child_by_field_name("subject"), scope)
            body = node.child_by_field_name("body")
            arms = []
            exhaustive = False
            if body is not None:
                for case in body.named_children:
                    if case.type != "case_clause":
                        continue
                    pattern = case.named_children[0] if case.named_child_count else None
                    if pattern is not None and ts.text(pattern) == "_":
                        exhaustive = True
                    block = case.child_by_field_name("consequence")
                    arm = self._block(block, scope) if block is not None else F.EMPTY
                    guard = next((c for c in case.named_children if c.type == "if_clause"), None)
                    if guard is not None and guard.named_child_count:
                        arm = F.Block((F.If(self._expr(guard.named_children[0], scope), arm, F.EMPTY),))
                    arms.append(arm)
            return [F.Choice(subject, tuple(arms), exhaustive)]
        if t in ("global_statement", "nonlocal_statement"):
            for child in node.named_children:
                if child.type == "identifier" and isinstance(scope, _FnScope):
                    scope.names.pop(ts.text(child), None)
            return []
        if t in ("delete_statement", "pass_statement", "comment", "type_alias_statement"):
            return []
        if t == "ERROR" or t == "block":
            # keep what the parser recovered
            out = []
            for child in node.named_children:
                out.extend(self._stmt(child, scope))
            return out
        return [F.Eval(self._expr(node, scope))]

    def _local_class(self, node, scope, qualname=None) -> list:
        """A class defined in a function (``pkg.mod.f.<locals>.C``) or nested
        in one: its methods become definitions of the enclosing function."""
        if qualname is None:
            qualname = scope.qualname + ".<locals>." + _name(node)
            scope.bind(_name(node), Binding(qualname))
        bases = node.child_by_field_name("superclasses")
        self._declare(F.ClassDecl(qualname, self._supers(bases, lambda n: self._resolve(n, scope)),
                                  self.positions.span(node)))
        body = node.child_by_field_name("body")
        if body is None:
            return []
        cls = _Class(_name(node), qualname, qualname)
        out = []
        for child in body.named_children:
            inner = _definition(child) if child.type in _FUNCTION_TYPES else child
            if inner.type == "function_definition":
                out.append(F.Def(self._function(child, scope, cls, cls.qualname + ".")))
            elif inner.type == "class_definition":
                out.extend(self._local_class(inner, scope, qualname + "." + _name(inner)))
        return out

    def _else(self, node, scope) -> F.Block:
        alternative = node.child_by_field_name("alternative")
        if alternative is None:
            return F.EMPTY
        body = alternative.child_by_field_name("body")
        return self._block(body, scope) if body is not None else F.EMPTY

    def _if(self, node, scope) -> F.If:
        test = self._expr(node.child_by_field_name("condition"), scope)
        body = self._block(node.child_by_field_name("consequence"), scope)
        alternatives = node.children_by_field_name("alternative")
        return F.If(test, body, self._elifs(alternatives, scope))

    def _elifs(self, alternatives, scope) -> F.Block:
        if not alternatives:
            return F.EMPTY
        first, rest = alternatives[0], alternatives[1:]
        if first.type == "else_clause":
            return self._block(first.child_by_field_name("body"), scope)
        test = self._expr(first.child_by_field_name("condition"), scope)
        body = self._block(first.child_by_field_name("consequence"), scope)
        return F.Block((F.If(test, body, self._elifs(rest, scope)),))

    def _try(self, node, scope) -> F.Try:
        body = self._block(node.child_by_field_name("body"), scope)
        handlers, orelse, final = [], F.EMPTY, F.EMPTY
        for child in node.named_children:
            if child.type == "except_clause":
                stmts = []
                for part in child.named_children:
                    if part.type == "block":
                        stmts.extend(self._block(part, scope).stmts)
                    elif part.type == "as_pattern":
                        alias = part.child_by_field_name("alias")
                        if alias is not None:
                            self._bind_targets(alias, scope)
                handlers.append(F.Block(tuple(stmts)))
            elif child.type == "else_clause":
                orelse = self._block(child.child_by_field_name("body"), scope)
            elif child.type == "finally_clause":
                block = next((c for c in child.named_children if c.type == "block"), None)
                final = self._block(block, scope) if block is not None else F.EMPTY
        return F.Try(body, tuple(handlers), orelse, final)

    def _with(self, node, scope) -> list:
        out = []
        for clause in node.named_children:
            if clause.type != "with_clause":
                continue
            for item in clause.named_children:
                value = item.child_by_field_name("value")
                if value is None:
                    continue
                if value.type == "as_pattern":
                    expr_node = value.named_children[0]
                    alias = value.child_by_field_name("alias")
                    target = alias.named_children[0] if alias is not None and alias.named_child_count else None
                    out.extend(self._assign(target, expr_node, scope))
                else:
                    out.append(F.Eval(self._expr(value, scope)))
        body = node.child_by_field_name("body")
        if body is not None:
            out.extend(self._block(body, scope).stmts)
        return out

    def _expression_statement(self, node, scope) -> list:
        if node.type == "assignment":
            right = node.child_by_field_name("right")
            left = node.child_by_field_name("left")
            if right is not None and right.type == "assignment":
                # a = b = value: lower the inner one, then bind a like b
                inner = self._expression_statement(right, scope)
                self._bind_targets(left, scope)
                return inner
            return self._assign(left, right, scope)
        if node.type == "augmented_assignment":
            value = self._expr(node.child_by_field_name("right"), scope)
            self._bind_targets(node.child_by_field_name("left"), scope)
            return [F.Eval(value)]
        return [F.Eval(self._expr(node, scope))]

    def _assign(self, left, right, scope) -> list:
        value = self._expr(right, scope) if right is not None else None
        if left is not None and left.type == "identifier":
            name = ts.text(left)
            binding = Binding()
            if isinstance(value, F.Call):
                if value.kind == "read" or value.key is None:
                    binding.alias = value if value.callee is not None else None
                if self.interest.tracked(value.callee):
                    binding.qualname = self._result_type(value.callee, args=value.args)
            elif isinstance(value, F.Name) and value.resolved and self.interest.tracked(value.resolved):
                binding.qualname = value.resolved
            elif isinstance(value, F.Lit) and type(value.value) is not tuple:
                # (an empty list is not a constant: what is added to it is followed)
                binding.const, binding.has_const = value.value, True
            scope.bind(name, binding)
            # (a local set in a lean statement holds nothing tracked)
            if not self.lean and (binding.qualname or binding.alias or binding.has_const or _has_call(value)):
                self._heat(name)
            return [F.Assign(name, value)]
        if left is not None:
            self._bind_targets(left, scope)
            field = self._own_field(left, scope)
            if field is not None:
                # `self.url = url` in a method: what the attribute holds, for values across functions
                return [F.Store(field, value)]
            if left.type in ("attribute", "subscript"):
                target = self._expr(left.child_by_field_name("object") or left.child_by_field_name("value"), scope)
                return [F.Eval(F.Seq((value, target)))]
        return [F.Eval(value)]

    def _own_field(self, left, scope) -> str | None:
        """``self.x`` as an assignment target in a method of class ``C``:
        ``pkg.mod.C.x``, the name reads of ``self.x`` resolve to."""
        if left.type != "attribute" or not isinstance(scope, _FnScope):
            return None
        obj = left.child_by_field_name("object")
        method = scope.method_scope()
        if obj is None or obj.type != "identifier" or method is None or ts.text(obj) != method.self_name:
            return None
        if scope.lookup(method.self_name) is not method.names.get(method.self_name):
            return None  # rebound in a nested function
        return f"{method.cls.qualname}.{ts.text(left.child_by_field_name('attribute'))}"

    def _bind_targets(self, node, scope) -> None:
        if node is None:
            return
        if node.type == "identifier":
            scope.bind(ts.text(node), Binding())
        elif node.type in ("pattern_list", "tuple_pattern", "list_pattern", "as_pattern_target",
                           "list_splat_pattern", "parenthesized_expression"):
            for child in node.named_children:
                self._bind_targets(child, scope)

    # -------------------------------------------------------------- expressions

    def _expr(self, node, scope):
        if node is None:
            return None
        t = node.type
        if t == "call":
            return self._call(node, scope)
        if t == "identifier":
            return self._identifier(node, scope)
        if t == "attribute":
            return self._attribute(node, scope)
        if t == "subscript":
            if self.lean and _MAY_CALL.search(self.source, node.start_byte, node.end_byte) is None:
                return None
            return self._subscript(node, scope)
        if t in ("string", "concatenated_string", "integer", "float", "true", "false", "none"):
            value = _literal(node)
            if value is not _NOT_LITERAL:
                return F.Lit(value)
            return self._seq(node.named_children, scope)
        if t == "list" and not any(c.type != "comment" for c in node.named_children):
            return F.Lit(())  # an empty list: the analysis may follow what is added to it
        if t == "boolean_operator":
            op = node.child_by_field_name("operator").type
            values = []
            for side in (node.child_by_field_name("left"), node.child_by_field_name("right")):
                value = self._expr(side, scope)
                if isinstance(value, F.BoolOp) and value.op == op:
                    values.extend(value.values)
                else:
                    values.append(value)
            return F.BoolOp(op, tuple(values))
        if t == "not_operator":
            return F.Not(self._expr(node.child_by_field_name("argument"), scope))
        if t == "comparison_operator":
            return self._compare(node, scope)
        if t == "conditional_expression":
            parts = node.named_children
            if len(parts) == 3:
                body, test, orelse = (self._expr(p, scope) for p in (parts[0], parts[1], parts[2]))
                return F.IfExp(test, body, orelse)
        if t == "lambda":
            return self._lambda(node, scope)
        if t in ("parenthesized_expression", "await"):
            inner = node.named_children
            return self._expr(inner[0], scope) if len(inner) == 1 else self._seq(inner, scope)
        if t == "named_expression":
            value = self._expr(node.child_by_field_name("value"), scope)
            name = node.child_by_field_name("name")
            if name is not None:
                scope.bind(ts.text(name), Binding())
            return value
        if t in ("comment", "keyword_separator", "positional_separator"):
            return None
        if self.lean and _MAY_CALL.search(self.source, node.start_byte, node.end_byte) is None:
            return None  # a call-free container or operator: its value is not tracked
        return self._seq(node.named_children, scope)

    def _seq(self, nodes, scope):
        items = tuple(e for e in (self._expr(n, scope) for n in nodes) if e is not None)
        if not items:
            return None
        return items[0] if len(items) == 1 and not isinstance(items[0], (F.Name, F.Lit)) else F.Seq(items)

    def _compare(self, node, scope):
        operands = node.named_children
        operators = node.children_by_field_name("operators")
        if len(operands) == 2 and len(operators) == 1:
            op = _COMPARE_OPS.get(" ".join(ts.text(operators[0]).split()), "other")
            return F.Compare(self._expr(operands[0], scope), op, self._expr(operands[1], scope))
        return self._seq(operands, scope)

    def _lambda(self, node, scope):
        inner = _FnScope(scope, None, None)
        inner.qualname = self._prefix(None) + "<lambda>"
        params = []
        parameters = node.child_by_field_name("parameters")
        if parameters is not None:
            for p in parameters.named_children:
                name_node = p if p.type == "identifier" else p.child_by_field_name("name")
                if name_node is not None and name_node.type == "identifier":
                    params.append(ts.text(name_node))
                    inner.bind(params[-1], Binding())
        body = self._expr(node.child_by_field_name("body"), inner)
        function = F.Function("<lambda>", self._prefix(None) + "<lambda>", tuple(params), (),
                              F.Block((F.Exit("return", body),)), self.positions.span(node))
        return F.Lambda(function)

    def _identifier(self, node, scope):
        name = ts.text(node)
        binding = scope.lookup(name)
        if binding is None:
            resolved = self._lookup_star(name)
            return F.Name(name, resolved) if resolved else None
        if binding.has_const:
            return F.Lit(binding.const)
        return F.Name(name, binding.qualname, _function_local(scope, name))

    def _lookup_star(self, name):
        for star in self.stars:
            candidate = f"{star}.{name}"
            if candidate in self.interest.prefixes:
                return self.interest.canonical(candidate)
        return None

    def _resolve(self, node, scope) -> str | None:
        """The qualified name (or value type) of a dotted expression."""
        t = node.type
        if t == "identifier":
            name = ts.text(node)
            binding = scope.lookup(name)
            if binding is None:
                return self._lookup_star(name) if self.stars else None
            return binding.qualname
        if t == "attribute":
            obj = node.child_by_field_name("object")
            attr = ts.text(node.child_by_field_name("attribute"))
            root = obj
            while root.type == "attribute":
                root = root.child_by_field_name("object")
            if root.type == "identifier" and isinstance(scope, _FnScope):
                cls_scope = scope.method_scope()
                if cls_scope is not None and cls_scope.self_name == ts.text(root):
                    cls = cls_scope.cls
                    # (``self.dialog.recorder``: an attribute of an attribute, assigned so)
                    path = ts.text(node).split(".", 1)[1].replace(" ", "")
                    if path in cls.attrs:
                        return cls.attrs[path]
                    catalogued = (self.catalog.attributes or {}).get((cls.self_type, attr))
                    if catalogued is not None and obj is root:
                        return catalogued
            return self.interest.member(self._resolve(obj, scope), attr)
        if t == "call":
            callee = self._resolve(node.child_by_field_name("function"), scope)
            return self._result_type(callee, node) if self.interest.tracked(callee) else None
        if t in ("parenthesized_expression", "await") and node.named_child_count == 1:
            return self._resolve(node.named_children[0], scope)
        return None

    def _result_type(self, callee: str, node=None, args=None) -> str:
        """What a call of the tracked ``callee`` gives, as a name calls on it
        resolve against: the class a class loader's string argument names
        (pyjnius ``autoclass("android.os.Build$VERSION")``), the type a factory
        returns (``BluetoothAdapter.getDefaultAdapter()``), else the callee.
        The argument comes from the call's syntax ``node`` or lowered ``args``."""
        arg = self.catalog.class_loaders.get(callee)
        if arg is not None:
            if args is None:
                found = node.child_by_field_name("arguments") if node is not None else None
                values = [c for c in found.named_children if c.type != "comment"] if found is not None else []
                name = _literal(values[arg]) if arg < len(values) else None
            else:
                lit = args[arg] if arg < len(args) else None
                name = lit.value if isinstance(lit, F.Lit) else None
            return self.interest.canonical(name.replace("$", ".")) if isinstance(name, str) and name else callee
        return (self.catalog.returns or {}).get(callee, callee)

    def _call(self, node, scope):
        function = node.child_by_field_name("function")
        args, keywords = self._arguments(node.child_by_field_name("arguments"), scope)
        receiver = None
        name_node = function
        if function.type == "attribute":
            name_node = function.child_by_field_name("attribute")
            obj = function.child_by_field_name("object")
            receiver = self._expr(obj, scope)
            method = ts.text(name_node)
            # `request.POST.get("email")`: the key read from a catalogued value
            if method in _KEY_METHODS and args and isinstance(args[0], F.Lit) and isinstance(args[0].value, str):
                source = self._keyed(receiver, obj, scope)
                if source is not None:
                    return _with_key(source, args[0].value)
        callee = self._resolve(function, scope)
        if function.type == "attribute" and not self.interest.tracked(callee):
            callee = self._own_member(function, scope, callee)
        self.next_id += 1
        return F.Call(self.next_id, callee, _short(function), "call", self.positions.span(name_node),
                      receiver, args, keywords)

    def _own_member(self, node, scope, resolved):
        """``self.m`` / ``cls.m`` in a method of class ``C``: ``pkg.mod.C.m``
        (the project index looks up inheritance); ``self.x.m`` with ``self.x =
        Tracker()``: ``Tracker``'s ``m``. Only for names the catalogs do not
        track, which resolve as before."""
        if not isinstance(scope, _FnScope):
            return resolved
        obj = node.child_by_field_name("object")
        inner = None
        if obj.type == "attribute":
            inner, obj = obj, obj.child_by_field_name("object")
        if obj.type != "identifier":
            return resolved
        method = scope.method_scope()
        if method is None:
            return resolved
        name = ts.text(obj)
        if name != method.self_name and name != method.cls_name:
            return resolved
        if scope.lookup(name) is not method.names.get(name):
            return resolved  # rebound in a nested function
        cls = method.cls
        if inner is not None:
            if name != method.self_name:
                return resolved
            base = cls.instances.get(ts.text(inner.child_by_field_name("attribute")))
            if base is None:
                return resolved
        else:
            base = cls.qualname
        own = f"{base}.{ts.text(node.child_by_field_name('attribute'))}"
        return resolved if self.interest.tracked(own) else own

    def _keyed(self, value, node, scope):
        """The read or call whose result ``value`` is, when a key read from it
        may be collection: directly (``request.POST["email"]``) or through a
        local that holds it (``data = request.POST`` ... ``data["email"]``,
        then reported at ``data``)."""
        if isinstance(value, F.Call) and value.callee is not None and value.key is None:
            return value
        if isinstance(value, F.Name) and value.local:
            binding = scope.lookup(value.name)
            if binding is not None and binding.alias is not None:
                alias = binding.alias
                self.next_id += 1
                return F.Call(self.next_id, alias.callee, value.name, alias.kind, self.positions.span(node))
        return None

    def _arguments(self, node, scope):
        args, keywords = [], []
        if node is None:
            return (), ()
        if node.type == "generator_expression":
            return (self._expr(node, scope),), ()
        for arg in node.named_children:
            if arg.type == "keyword_argument":
                name = arg.child_by_field_name("name")
                keywords.append((ts.text(name) if name is not None else "", self._expr(arg.child_by_field_name("value"), scope)))
            elif arg.type != "comment":
                args.append(self._expr(arg, scope))
        return tuple(args), tuple(keywords)

    def _attribute(self, node, scope):
        resolved = self._resolve(node, scope)
        obj_node = node.child_by_field_name("object")
        if resolved is not None and (resolved in self.catalog.sources or resolved in self.catalog.permission_checks):
            self.next_id += 1
            return F.Call(self.next_id, resolved, _short(node), "read",
                          self.positions.span(node.child_by_field_name("attribute")),
                          self._expr(obj_node, scope))
        obj = self._expr(obj_node, scope)
        if isinstance(obj, F.Call):
            return obj  # `request.client.host`: the catalogued read of `request.client`
        if not self.interest.tracked(resolved):
            # a method reference (`callback=self.on_grant`)
            resolved = self._own_member(node, scope, resolved)
        if resolved is not None:
            return F.Name(_short(node), resolved)
        attr = node.child_by_field_name("attribute")
        if self.interest.consent_named(ts.text(attr)):
            # `user.profile.opted_in`: the user's decision, read
            return self._read(_short(node), attr, obj if isinstance(obj, F.Call) else None)
        return obj if obj is not None and not isinstance(obj, (F.Name, F.Lit)) else None

    def _read(self, text: str, node, receiver=None, key: str | None = None) -> F.Call:
        """A read the front-end cannot resolve, kept for what its name or key
        says (a consent-named setting)."""
        self.next_id += 1
        return F.Call(self.next_id, None, text, "read", self.positions.span(node), receiver, key=key)

    def _subscript(self, node, scope):
        value_node = node.child_by_field_name("value")
        value = self._expr(value_node, scope)
        subscripts = node.children_by_field_name("subscript")
        key = _literal(subscripts[0]) if len(subscripts) == 1 else _NOT_LITERAL
        if isinstance(key, str):
            source = self._keyed(value, value_node, scope)
            if source is not None:
                return _with_key(source, key)
            if self.interest.consent_named(key):
                # `config["telemetry_enabled"]`: the user's decision, read
                return self._read(_short(value_node), subscripts[0], value if isinstance(value, F.Call) else None, key)
        items = tuple(e for e in (value, *(self._expr(s, scope) for s in subscripts)) if e is not None)
        return F.Seq(items) if items else None


def _function_local(scope, name: str) -> bool:
    """Whether ``name`` is a local of this function or of a function it is
    nested in (a closure variable: the guard analysis sees what it holds)."""
    while isinstance(scope, _FnScope):
        if scope.owns(name):
            return True
        scope = scope.parent
    return False


class _FnScope(Scope):
    """A function's scope; ``cls`` is set for methods, ``self_name`` names the
    parameter bound to the instance."""

    __slots__ = ("cls", "cls_name", "is_module", "qualname", "self_name")

    def __init__(self, parent, cls, self_name):
        super().__init__(parent)
        self.cls = cls
        self.self_name = self_name
        self.cls_name = None  # the first parameter of a classmethod
        self.is_module = False
        self.qualname = ""

    def owns(self, name: str) -> bool:
        return name in self.names

    def method_scope(self):
        scope = self
        while isinstance(scope, _FnScope):
            if scope.cls is not None:
                return scope
            scope = scope.parent
        return None


@lru_cache(maxsize=512)
def _words(names: frozenset) -> re.Pattern:
    """A compiled pattern matching any of ``names`` as a whole word."""
    return re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in sorted(names)) + rb")\b")


_FROM_IMPORT = re.compile(rb"^[ \t]+from[ \t]+([A-Za-z_][\w.]*)[ \t]+import[ \t]+([A-Za-z_]\w*)(?:[ \t]+as[ \t]+([A-Za-z_]\w*))?[ \t]*$",
                          re.M)
_PLAIN_IMPORT = re.compile(rb"^[ \t]+import[ \t]+([A-Za-z_][\w.]*)(?:[ \t]+as[ \t]+([A-Za-z_]\w*))?[ \t]*$", re.M)


def _method_imports(source: bytes, start: int, end: int) -> dict[str, str]:
    """Names bound by single-name imports inside a class's methods, when every
    such import binds the name to the same thing (else it is left out)."""
    found: dict[str, set] = {}
    for m in _FROM_IMPORT.finditer(source, start, end):
        module, name, alias = (g.decode() if g else None for g in m.groups())
        if not module.startswith("."):
            found.setdefault(alias or name, set()).add(f"{module}.{name}")
    for m in _PLAIN_IMPORT.finditer(source, start, end):
        module, alias = (g.decode() if g else None for g in m.groups())
        found.setdefault(alias or module.split(".")[0], set()).add(module if alias else module.split(".")[0])
    return {name: next(iter(q)) for name, q in found.items() if len(q) == 1}


_SELF_ASSIGNMENT = re.compile(rb"\bself\.([A-Za-z_][\w.]*)\s*=\s*([A-Za-z_][\w.]*)")
_SELF_INSTANCE = re.compile(rb"\bself\.([A-Za-z_]\w*)\s*(?::[^=\n]*)?=\s*([A-Za-z_][\w.]*)\s*\(")


def _has_word(text: bytes, word: bytes) -> bool:
    """Whether ``word`` occurs in ``text`` as a whole identifier."""
    start = text.find(word)
    while start != -1:
        end = start + len(word)
        if (start == 0 or not _IDENT[text[start - 1]]) and (end == len(text) or not _IDENT[text[end]]):
            return True
        start = text.find(word, start + 1)
    return False


_IDENT = [chr(b).isalnum() or b == 0x5F or b >= 0x80 for b in range(256)]


def _has_call(expr) -> bool:
    """Whether a lowered expression contains a call or read (so a local holding
    it may hold a check result)."""
    if expr is None or isinstance(expr, (F.Lit, F.Name)):
        return False
    if isinstance(expr, F.Call):
        return True
    if isinstance(expr, (F.BoolOp, F.Seq)):
        return any(_has_call(v) for v in (expr.values if isinstance(expr, F.BoolOp) else expr.items))
    if isinstance(expr, F.Not):
        return _has_call(expr.value)
    if isinstance(expr, F.Compare):
        return _has_call(expr.left) or _has_call(expr.right)
    return True


def _with_key(call: F.Call, key: str) -> F.Call:
    return F.Call(call.id, call.callee, call.text, call.kind, call.span, call.receiver,
                  call.args, call.keywords, key)


def _definition(node):
    if node.type == "decorated_definition":
        return node.child_by_field_name("definition")
    return node


def _name(node) -> str:
    name = node.child_by_field_name("name")
    return ts.text(name) if name is not None else "<anonymous>"


def _short(node) -> str:
    """The callee as written, on one line (chains may span lines)."""
    text = ts.text(node)
    if "\n" in text:
        text = re.sub(r"\s*\n\s*", "", text)
    return text if len(text) <= 80 else text[:77] + "..."


_NOT_LITERAL = object()


def _literal(node):
    """The value of a literal node, or ``_NOT_LITERAL``."""
    t = node.type
    if t == "string":
        parts = []
        for child in node.children:
            ct = child.type
            if ct == "interpolation":
                return _NOT_LITERAL
            if ct in ("string_content", "escape_sequence"):
                parts.append(ts.text(child))
        return "".join(parts)
    if t == "concatenated_string":
        values = [_literal(c) for c in node.named_children]
        return _NOT_LITERAL if any(v is _NOT_LITERAL for v in values) else "".join(values)
    if t == "integer":
        try:
            return int(ts.text(node).replace("_", ""), 0)
        except ValueError:
            return _NOT_LITERAL
    if t in _LITERALS:
        return _LITERALS[t]
    if t == "parenthesized_expression" and node.named_child_count == 1:
        return _literal(node.named_children[0])
    return _NOT_LITERAL
