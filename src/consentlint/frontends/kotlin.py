"""Kotlin front-end: lowers a tree-sitter-kotlin tree to facts.

Resolution and the shared machinery live in ``jvm.py``; this module knows
Kotlin syntax: declarations (classes, objects, companions, top-level
functions and properties), statements, and expressions, where ``if`` and
``when`` are expressions too (their block branches become callbacks that run
under the branch's guards), ``x?.let { }`` / ``takeIf { }`` scope functions,
``as`` casts, property syntax for Java getters and trailing lambdas.
"""

from __future__ import annotations

from dataclasses import replace

import re

from consentlint import facts as F
from consentlint import treesitter as ts
from consentlint.frontends.jvm import (NOTHING, ClassInfo, JvmLowerer, Value, Var, class_literal, for_each,
                                       getter_names, seq, string_value)
from consentlint.frontends.names import Scope

_CLASS_TYPES = frozenset(("class_declaration", "object_declaration"))
_LITERAL_WORDS = {"true": True, "false": False, "null": None}
_SCOPE_FUNCTIONS = frozenset(("let", "also", "run", "apply", "takeIf", "takeUnless"))
_TYPED_IT = frozenset(("let", "also", "takeIf", "takeUnless"))
_RECEIVER_SCOPES = frozenset(("run", "apply"))  # and with(x) { }: `this` is the receiver
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", "'": "'", '"': '"', "b": "\b", "$": "$"}
_WHEN = "$when"
_COMMENTS = frozenset(("line_comment", "block_comment"))
_DECLARATIONS = frozenset(("function_declaration", "class_declaration", "object_declaration", "property_declaration",
                           "type_alias", "file_annotation", "line_comment", "block_comment", "companion_object"))
# what ends a lambda without being its value
_STATEMENTS = frozenset(("property_declaration", "assignment", "if_expression", "when_expression", "for_statement",
                         "while_statement", "do_while_statement", "return_expression", "throw_expression"))
# statements without control flow of their own: skipped when they spell nothing tracked
_PLAIN = frozenset(("property_declaration", "assignment", "call_expression", "navigation_expression",
                    "binary_expression", "unary_expression", "string_literal",
                    "index_expression", "as_expression", "infix_expression", "identifier"))


def extract(source: bytes, tree, path: str, module: str | None, package: str | None,
            catalog, interest) -> F.FileFacts:
    """Lower ``tree`` (parsed from ``source``) to ``FileFacts``."""
    return _Kotlin(source, module, catalog, interest).facts(tree, path)


def type_text(node) -> str | None:
    """A type as written, without nullability and type arguments."""
    if node is None:
        return None
    t = node.type
    if t == "nullable_type":
        return type_text(node.named_children[0]) if node.named_child_count else None
    if t == "user_type":
        parts = [ts.text(c) for c in node.named_children if c.type == "identifier"]
        return ".".join(parts) if parts else None
    if t == "parenthesized_type":
        return type_text(node.named_children[0]) if node.named_child_count else None
    return None


def _type_child(node):
    for child in node.named_children:
        if child.type in ("user_type", "nullable_type", "parenthesized_type"):
            return child
    return None


class _Kotlin(JvmLowerer):
    LANGUAGE = "kotlin"

    def __init__(self, *args):
        super().__init__(*args)
        self._strip: set[int] = set()
        self._body_type: str | None = None

    # ------------------------------------------------------------ declarations

    def module_pass(self, root) -> None:
        header = ts.captures(ts.query(self.LANGUAGE, "imports"), root, max_depth=0)
        for node in header.get("package", ()):
            ident = next((c for c in node.named_children if c.type in ("qualified_identifier", "identifier")), None)
            if ident is not None:
                self.package = ts.text(ident).replace(" ", "")
        for node in sorted(header.get("import", ()), key=lambda n: n.start_byte):
            self._import(node)
        decls = [node for node in root.named_children if node.type not in ("package_header", "import")]
        for node in decls:
            if node.type in _CLASS_TYPES:
                name = node.child_by_field_name("name")
                if name is not None:
                    qual = f"{self.package}.{ts.text(name)}" if self.package else ts.text(name)
                    self.local_types[ts.text(name)] = qual
        info = ClassInfo("", self.package, [], self.scope)
        self.cls = info
        self._members(decls, info, top=True)
        self.cls = None

    def _import(self, node) -> None:
        target = next((c for c in node.named_children if c.type in ("qualified_identifier", "identifier")), None)
        if target is None:
            return
        star = any(c.type == "*" for c in node.children)
        named = node.named_children
        alias = ts.text(named[-1]) if len(named) > 1 and named[-1].type == "identifier" else None
        self.add_import(ts.text(target).replace(" ", ""), alias, star, False, node)

    def _supers(self, node) -> list[str]:
        out = []
        for child in node.named_children:
            if child.type != "delegation_specifiers":
                continue
            for spec in child.named_children:
                target = spec.named_children[0] if spec.named_child_count else None
                if target is not None and target.type == "constructor_invocation":
                    target = _type_child(target)
                resolved = self.resolve_type(type_text(target) or "")
                if resolved:
                    out.append(resolved)
        return out

    def _superclass(self, node) -> str | None:
        """The class a Kotlin class extends: the supertype constructed (``: Base()``)."""
        for child in node.named_children:
            if child.type == "delegation_specifiers":
                for spec in child.named_children:
                    target = spec.named_children[0] if spec.named_child_count else None
                    if target is not None and target.type == "constructor_invocation":
                        return self.resolve_type(type_text(_type_child(target)) or "")
        return None

    def _class(self, node, outer: str, parent_scope: Scope, supers=None, qual=None) -> ClassInfo:
        name_node = node.child_by_field_name("name")
        name = ts.text(name_node) if name_node is not None else "<anonymous>"
        qual = qual or (f"{outer}.{name}" if outer else name)
        if supers is None:
            supers = self._supers(node)
            superclass = self._superclass(node) or (supers[0] if len(supers) == 1 else None)
        else:  # an object expression: of the type it is created as
            superclass = supers[0] if supers else None
        info = ClassInfo(name, qual, supers, Scope(parent_scope), superclass)
        self.class_scopes.setdefault(qual, []).append(info.scope)
        self.declare_class(qual, info.supers, node, any(c.type == "interface" for c in node.children))
        outer_cls, self.cls = self.cls, info
        saved, self.scope = self.scope, info.scope
        init: list = []
        for child in node.named_children:
            if child.type == "primary_constructor":
                for params in child.named_children:
                    if params.type == "class_parameters":
                        for param in params.named_children:
                            ident = next((c for c in param.named_children if c.type == "identifier"), None)
                            if ident is not None:
                                declared = self.resolve_type(type_text(_type_child(param)) or "")
                                self.bind(ts.text(ident), self.field(ts.text(ident), declared))
        body = next((c for c in node.named_children if c.type in ("class_body", "enum_class_body")), None)
        if body is not None:
            self._members(body.named_children, info, init=init)
        if init:
            self.functions.append(self.function("<init>", f"{qual}.<init>", (), (), F.Block(tuple(init)), node))
        self.scope, self.cls = saved, outer_cls
        return info

    def _members(self, members, info: ClassInfo, top: bool = False, init: list | None = None) -> None:
        init = [] if init is None else init
        prefix = f"{info.qualname}." if info.qualname else ""
        for member in members:  # nested classes are in scope before they are declared
            inner = member.child_by_field_name("name") if member.type in _CLASS_TYPES else None
            if inner is not None:
                self.local_types.setdefault(ts.text(inner), f"{prefix}{ts.text(inner)}")
        for member in members:
            if member.type == "property_declaration":
                self._property(member, init)
            elif member.type == "companion_object":
                body = next((c for c in member.named_children if c.type == "class_body"), None)
                if body is not None:
                    for sub in body.named_children:
                        if sub.type == "property_declaration":
                            self._property(sub, init)
        nested = []
        for member in members:
            t = member.type
            if t == "function_declaration":
                if self.mentions(member):
                    self.functions.append(self._function(member, info))
            elif t == "secondary_constructor" and self.mentions(member):
                self.functions.append(self._function(member, info))
            elif t == "anonymous_initializer" and self.mentions(member):
                block = next((c for c in member.named_children if c.type == "block"), None)
                if block is not None:
                    init.extend(self._block(block).stmts)
            elif t == "companion_object":
                body = next((c for c in member.named_children if c.type == "class_body"), None)
                if body is not None:
                    for sub in body.named_children:
                        if sub.type == "function_declaration" and self.mentions(sub):
                            self.functions.append(self._function(sub, info))
                        elif sub.type in _CLASS_TYPES:
                            nested.append(sub)
            elif t in _CLASS_TYPES:
                nested.append(member)
            elif t == "property_declaration" and self.mentions(member):
                prop = _property_name(member)
                for accessor in member.named_children:
                    if accessor.type in ("getter", "setter") and prop:
                        # named as the JVM names it: val location get() = ... is getLocation()
                        if accessor.type == "getter":
                            accessor_name = getter_names(prop)[0]
                        else:
                            accessor_name = "set" + (prop[2:] if prop.startswith("is") and prop[2:3].isupper()
                                                     else prop[:1].upper() + prop[1:])
                        self.functions.append(self._function(accessor, info, name=accessor_name))
            elif top and t not in _DECLARATIONS and self.mentions(member):
                self._stmt(member, init)  # a script's (.kts) top-level statement
        if top and init:
            qual = f"{info.qualname}.<module>" if info.qualname else "<module>"
            self.functions.append(self.function("<module>", qual, (), (), F.Block(tuple(init)), members[0]))
        for member in nested:
            self._class(member, info.qualname, info.scope)

    def _property(self, node, init: list) -> None:
        decl = next((c for c in node.named_children if c.type == "variable_declaration"), None)
        if decl is None:
            return
        ident = next((c for c in decl.named_children if c.type == "identifier"), None)
        if ident is None:
            return
        var = self.field(ts.text(ident), self.resolve_type(type_text(_type_child(decl)) or ""))
        modifiers = next((c for c in node.named_children if c.type == "modifiers"), None)
        if var.field is not None and modifiers is not None and any(
                c.type == "visibility_modifier" and ts.text(c) == "private" for c in modifiers.named_children) \
                and not any(c.type in ("setter", "property_delegate") for c in node.named_children):
            self.private.append(var.field)
        value = self._initializer(node)
        getter = next((c for c in node.named_children if c.type == "getter"), None)
        if getter is not None and var.field is not None:
            owner, _, prop = var.field.rpartition(".")
            var.getter = f"{owner}.{getter_names(prop)[0]}" if owner else None
        if value is None and var.type is None:
            # val manager get() = context.getSystemService(LocationManager::class.java)
            body = next((c for c in getter.named_children if c.type == "function_body"), None) if getter else None
            inner = body.named_children[0] if body is not None and body.named_child_count else None
            if inner is not None and inner.type != "block":
                var.type = self.expr(inner).type
        if value is not None:
            if value.type == "string_literal" and self._string(value) is not None:
                var.const, var.has_const = self._string(value), True
                self.store(var, F.Lit(var.const), init)
            elif self.types_value(value) or value.type == "as_expression":
                lowered = self._delegate(value) if value.type == "property_delegate" else self.expr(value)
                var.type = var.type or lowered.type
                if self.mentions(value):
                    self.store(var, lowered.expr, init)
        self.bind(ts.text(ident), var)

    def _initializer(self, node):
        seen_eq = False
        for child in node.children:
            if child.type == "=":
                seen_eq = True
            elif child.type == "property_delegate":
                return child
            elif seen_eq and child.is_named:
                return child
        return None

    def _delegate(self, node) -> Value:
        """``by lazy { ... }``: the type of the lambda's last expression."""
        call = node.named_children[0] if node.named_child_count else None
        if call is None:
            return NOTHING
        if call.type == "call_expression" and call.named_child_count and ts.text(call.named_children[0]) == "lazy":
            lam = self._trailing_lambda(call)
            if lam is not None:
                function, last = self._lambda(lam, None, None)
                return Value(F.Lambda(function), last)
        return self.expr(call)

    def _annotations(self, node):
        decorators, names = [], []
        modifiers = next((c for c in node.named_children if c.type == "modifiers"), None)
        if modifiers is None:
            return decorators, names
        for child in modifiers.named_children:
            if child.type != "annotation":
                continue
            target = next((c for c in child.named_children if c.type in ("user_type", "constructor_invocation")), None)
            if target is None:
                continue
            args = []
            if target.type == "constructor_invocation":
                type_node = _type_child(target)
                arguments = next((c for c in target.named_children if c.type == "value_arguments"), None)
                for arg in (arguments.named_children if arguments is not None else ()):
                    value = arg.named_children[-1] if arg.named_child_count else None
                    args.append(self.expr(value).expr)
            else:
                type_node = target
            resolved = self.resolve_type(type_text(type_node) or "")
            if resolved is None:
                continue
            names.append(resolved)
            decorators.append(F.Decorator(resolved, ts.text(type_node), tuple(args), self.positions.span(type_node)))
        return decorators, names

    def _params(self, node) -> list[str]:
        out = []
        if node is None:
            return out
        for param in node.named_children:
            if param.type not in ("parameter", "variable_declaration", "class_parameter"):
                continue
            ident = next((c for c in param.named_children if c.type == "identifier"), None)
            if ident is None:
                continue
            name = ts.text(ident)
            self.bind(name, Var(self.resolve_type(type_text(_type_child(param)) or ""), local=True))
            out.append(name)
        return out

    def _function(self, node, info: ClassInfo, name: str | None = None) -> F.Function:
        name_node = node.child_by_field_name("name")
        if name is None:
            name = ts.text(name_node) if name_node is not None else "<init>"
        saved, self.scope = self.scope, Scope(info.scope)
        outer_cls, self.cls = self.cls, info
        extended = self._extension_receiver(node, name_node) if node.type == "function_declaration" else None
        # in fun LocationManager.lastOrNull(), a bare getLastKnownLocation() is the receiver's
        outer_this, self.this_type = self.this_type, extended
        params = self._params(next((c for c in node.named_children if c.type == "function_value_parameters"), None))
        self.grants_param(name, params)
        decorators, annotation_names = self._annotations(node)
        body_node = next((c for c in node.named_children if c.type in ("function_body", "block")), None)
        self._body_type = None
        body = self._body(body_node) if body_node is not None else F.EMPTY
        returns = self._declared_return(node) or self._body_type
        guard = self.callback_guard(info.supers, name, annotation_names, name_node or node)
        if guard is not None:
            body = F.Block((F.If(guard, body, F.EMPTY),))
        self.scope, self.cls, self.this_type = saved, outer_cls, outer_this
        qual = f"{info.qualname}.{name}" if info.qualname else name
        if extended is not None:
            qual = f"{extended}.{name}"  # called as a member of its receiver type
        return self.function(name, qual, params, decorators, body, node, override=_overrides(node),
                             returns=returns)

    def _declared_return(self, node) -> str | None:
        """``fun telephony(): TelephonyManager``: the type after the parameters."""
        seen_params = False
        for child in node.children:
            if child.type == "function_value_parameters":
                seen_params = True
            elif seen_params and child.type in ("user_type", "nullable_type"):
                return self.resolve_type(type_text(child) or "")
            elif seen_params and child.type in ("function_body", "block"):
                return None
        return None

    def _extension_receiver(self, node, name_node) -> str | None:
        """``fun Context.hasFine()``: the qualified receiver type, if any."""
        if name_node is None or not self.project:
            return None
        previous = None
        for child in node.children:
            if child.start_byte >= name_node.start_byte:
                break
            if child.type == "." and previous is not None and previous.type in ("user_type", "nullable_type"):
                return self.resolve_type(type_text(previous) or "")
            previous = child
        return None

    def _body(self, node) -> F.Block:
        """A function body; ``_body_type`` is then the type an expression body
        evaluates to (None for a block)."""
        if node.type == "block" or (node.named_child_count and node.named_children[0].type == "block"):
            block = self._block(node if node.type == "block" else node.named_children[0])
            self._body_type = None
            return block
        inner = next((c for c in node.named_children), None)
        if inner is None:
            return F.EMPTY
        value = self.expr(inner)
        self._body_type = value.type  # fun manager() = getSystemService(...): its type
        expr = value.expr
        return F.Block((F.Exit("return", expr),)) if expr is not None else F.EMPTY

    # -------------------------------------------------------------- statements

    def _stmt(self, node, out: list) -> None:
        t = node.type
        if t in _PLAIN and not self.matters(node):
            # nothing tracked is spelled here: only the locals it binds count
            self._unknown_locals(node, out)
            return
        if t == "property_declaration":
            decl = next((c for c in node.named_children if c.type == "variable_declaration"), None)
            value = self._initializer(node)
            if value is not None and value.type == "property_delegate":
                lowered = self._delegate(value)
            else:
                lowered = self.expr(value) if value is not None else NOTHING
            if decl is None:
                if lowered.expr is not None:
                    out.append(F.Eval(lowered.expr))
                return
            ident = next((c for c in decl.named_children if c.type == "identifier"), None)
            if ident is None:
                return
            declared = self.resolve_type(type_text(_type_child(decl)) or "")
            name = ts.text(ident)
            self.bind(name, self.local_var(declared or lowered.type, lowered.expr, lowered.type))
            out.append(F.Assign(name, lowered.expr))
        elif t == "assignment":
            left = node.child_by_field_name("left")
            right = self.expr(node.child_by_field_name("right"))
            op = node.child_by_field_name("operator")
            setter = self._setter(left, right) if op is not None and op.type == "=" else None
            if left is not None and (left.type != "identifier" or setter is not None or op is None or op.type != "="):
                # x.f = v, this.f = v, f += v, a setter: no Store stands for it (FileFacts.private)
                leaf = left if left.type == "identifier" else next(
                    (c for c in reversed(left.named_children) if c.type == "identifier"), None)
                if leaf is not None:
                    self.written.add(ts.text(leaf).lstrip("?."))
            if setter is not None:
                out.append(F.Eval(setter))
                return
            if left is not None and left.type == "identifier" and op is not None and op.type == "=":
                var = self.scope.lookup(ts.text(left))
                if var is not None and var.local:
                    var.has_const = False
                    if right.type is not None:
                        var.type = right.type
                        self.heat(ts.text(left))
                    out.append(F.Assign(ts.text(left), right.expr))
                    return
                if var is not None and var.type is None and right.type is not None:
                    var.type = right.type
                    self.heat(ts.text(left))
                if var is not None and var.field is not None:
                    self.store(var, right.expr, out)
                    return
            items = [self.expr(left) if left is not None and left.type != "identifier" else NOTHING, right]
            expr = seq(items)
            if expr is not None:
                out.append(F.Eval(expr))
        elif t == "if_expression":
            test, then, other = self._if_parts(node)
            out.append(F.If(self.expr(test).expr, self._branch(then), self._branch(other)))
        elif t == "when_expression":
            out.extend(self._when(node, statement=True))
        elif t == "for_statement":
            saved, self.scope = self.scope, Scope(self.scope)
            body, items, element = None, [], None
            for child in node.named_children:
                if child.type in ("variable_declaration", "multi_variable_declaration"):
                    ident = next((c for c in child.named_children if c.type == "identifier"), None)
                    if ident is not None:
                        self.bind(ts.text(ident), Var(None, local=True))
                        element = ts.text(ident)
                elif child.type == "block":
                    body = child
                elif body is None and child.type not in ("annotation", "label"):
                    items.append(self.expr(child))
            expr = seq(items)
            if expr is not None:
                out.append(F.Eval(expr))
            out.append(F.Loop(None, for_each(element, expr, self._branch(body)), F.EMPTY))
            self.scope = saved
        elif t in ("while_statement", "do_while_statement"):
            cond = node.child_by_field_name("condition")
            body = next((c for c in node.named_children if c.type == "block"), None)
            if t == "do_while_statement":
                block = self._branch(body)
                out.extend(block.stmts)
                out.append(F.Loop(self.expr(cond).expr, block, F.EMPTY))
            else:
                out.append(F.Loop(self.expr(cond).expr, self._branch(body), F.EMPTY))
        elif t == "try_expression":
            out.append(self._try(node))
        elif t in ("return_expression", "throw_expression"):
            value = next((c for c in node.named_children if c.type != "label"), None)
            expr = self.expr(value).expr if value is not None else None
            keyword = node.children[0].type if node.child_count else ""
            kind = {"throw": "raise", "break": "break", "continue": "continue"}.get(keyword, "return")
            if t == "throw_expression":
                kind = "raise"
            out.append(F.Exit(kind, expr))
        elif t == "identifier" and ts.text(node) in ("break", "continue"):
            out.append(F.Exit(ts.text(node)))
        elif t == "function_declaration":
            info = self.cls or ClassInfo("", self.package, [], self.scope)
            out.append(F.Def(self._function(node, info)))
        elif t in _CLASS_TYPES:
            before = len(self.functions)
            self._class(node, self.cls.qualname if self.cls else self.package, self.scope)
            defs = self.functions[before:]
            del self.functions[before:]
            out.extend(F.Def(f) for f in defs)
        elif t in ("line_comment", "block_comment", "label"):
            return
        else:
            expr = self.expr(node).expr
            if expr is not None:
                out.append(F.Eval(expr))

    def _unknown_locals(self, node, out: list) -> None:
        if node.type == "property_declaration":
            decl = next((c for c in node.named_children if c.type == "variable_declaration"), None)
            ident = next((c for c in decl.named_children if c.type == "identifier"), None) if decl else None
            if ident is not None:
                value = self._initializer(node)
                text = self._string(value) if value is not None and value.type == "string_literal" else None
                lit = F.Lit(text) if text is not None else None
                self.bind(ts.text(ident), self.local_var(None, lit))
                out.append(F.Assign(ts.text(ident), lit))
        elif node.type == "assignment":
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                var = self.scope.lookup(ts.text(left))
                if var is not None and var.local:
                    var.has_const = False
                    out.append(F.Assign(ts.text(left), None))

    def _branch(self, node) -> F.Block:
        if node is None:
            return F.EMPTY
        return self._block(node)

    def _if_parts(self, node):
        test = node.child_by_field_name("condition")
        then = other = None
        seen_else = False
        for child in node.children:
            if child.type == "else":
                seen_else = True
            elif child.is_named and child.type not in _COMMENTS and child.id != (test.id if test is not None else None):
                if seen_else:
                    other = child
                elif then is None:
                    then = child
        return test, then, other

    def _try(self, node) -> F.Try:
        body, handlers, final = F.EMPTY, [], F.EMPTY
        for child in node.named_children:
            if child.type == "block":
                body = self._block(child)
            elif child.type == "catch_block":
                block = next((c for c in child.named_children if c.type == "block"), None)
                handlers.append(self._branch(block))
            elif child.type == "finally_block":
                block = next((c for c in child.named_children if c.type == "block"), None)
                final = self._branch(block)
        return F.Try(body, tuple(handlers), F.EMPTY, final)

    def _when(self, node, statement: bool):
        """``when`` as a chain of ifs over the subject (kept in a local)."""
        pre: list = []
        subject = None
        entries = []
        for child in node.named_children:
            if child.type == "when_subject":
                inner = [c for c in child.named_children]
                value = inner[-1] if inner else None
                decl = next((c for c in inner if c.type == "variable_declaration"), None)
                lowered = self.expr(value) if value is not None and value is not decl else NOTHING
                pre.append(F.Assign(_WHEN, lowered.expr))
                subject = F.Name(_WHEN, local=True)
                if decl is not None:
                    ident = next((c for c in decl.named_children if c.type == "identifier"), None)
                    if ident is not None:
                        self.bind(ts.text(ident), Var(lowered.type, local=True))
                        pre.append(F.Assign(ts.text(ident), lowered.expr))
            elif child.type == "when_entry":
                entries.append(child)
        chain_else = None
        tests_bodies = []
        for entry in entries:
            conditions = entry.children_by_field_name("condition")
            body = next((c for c in reversed(entry.named_children)
                         if c.type not in _COMMENTS and all(c.id != cond.id for cond in conditions)), None)
            if not conditions:
                chain_else = body
                continue
            tests = []
            for cond in conditions:
                if cond.type in ("type_test", "range_test"):
                    tests.append(None)
                    continue
                value = self.expr(cond).expr
                tests.append(F.Compare(subject, "eq", value) if subject is not None else value)
            test = tests[0] if len(tests) == 1 else F.BoolOp("or", tuple(tests))
            tests_bodies.append((test, body))
        if statement:
            orelse = self._branch(chain_else)
            for test, body in reversed(tests_bodies):
                orelse = F.Block((F.If(test, self._branch(body), orelse),))
            return pre + list(orelse.stmts)
        value = self._branch_value(chain_else)
        for test, body in reversed(tests_bodies):
            value = F.IfExp(test, self._branch_value(body), value)
        return pre, value

    def _branch_value(self, node):
        """A branch of an ``if``/``when`` used as a value: an expression, or a
        block run as a callback under the branch's guards."""
        if node is None:
            return None
        if node.type == "block":
            function = self.function("<branch>", f"{self.cls.qualname if self.cls else ''}.<branch>", (), (),
                                     self._block(node), node)
            return F.Lambda(function)
        return self.expr(node).expr

    # ------------------------------------------------------------- expressions

    def expr(self, node) -> Value:
        if node is None:
            return NOTHING
        t = node.type
        if t == "identifier":
            return self._identifier(node)
        if t in ("call_expression", "navigation_expression", "index_expression"):
            negated = self._misparsed_prefix(node)
            if negated is not None:
                self._strip.add(negated.id)
                try:
                    value = self.expr(node)
                finally:
                    self._strip.discard(negated.id)
                return Value(F.Not(value.expr))
            if t == "call_expression":
                return self._call(node)
            if t == "navigation_expression":
                return self._navigation(node)
        if t == "parenthesized_expression":
            return self.expr(node.named_children[0]) if node.named_child_count else NOTHING
        if t == "string_literal":
            value = self._string(node)
            if value is not None:
                return Value(F.Lit(value))
            return Value(self._template(node))
        if t == "number_literal":
            try:
                return Value(F.Lit(int(ts.text(node).rstrip("lLuU").replace("_", ""), 0)))
            except ValueError:
                return NOTHING
        if t == "binary_expression":
            op_node = node.child_by_field_name("operator")
            op = op_node.type if op_node is not None else ""
            left = self.expr(node.child_by_field_name("left"))
            right = self.expr(node.child_by_field_name("right"))
            if op == "?:":
                return Value(F.BoolOp("or", (left.expr, right.expr)), left.type or right.type)
            return self.binary(op, left, right)
        if t == "unary_expression":
            if node.id in self._strip:
                return self.expr(node.child_by_field_name("argument"))
            operand = self.expr(node.child_by_field_name("argument"))
            op_node = node.child_by_field_name("operator")
            op = op_node.type if op_node is not None else ""
            if op == "!":
                return Value(F.Not(operand.expr))
            if op == "!!":
                return operand
            return Value(operand.expr)
        if t == "as_expression":
            value = self.expr(node.child_by_field_name("left"))
            cast = self.resolve_type(type_text(node.child_by_field_name("right")) or "")
            return Value(value.expr, cast or value.type)
        if t == "if_expression":
            test, then, other = self._if_parts(node)
            return Value(F.IfExp(self.expr(test).expr, self._branch_value(then), self._branch_value(other)))
        if t == "when_expression":
            pre, value = self._when(node, statement=False)
            items = [s.value for s in pre if isinstance(s, F.Assign)]
            if pre:
                # the subject is kept in a local the conditions read
                function = self.function("<when>", "<when>", (), (), F.Block((*pre, F.Exit("return", value))), node)
                return Value(F.Lambda(function)) if items else Value(value)
            return Value(value)
        if t in ("lambda_literal", "annotated_lambda"):
            lam = node if t == "lambda_literal" else next(
                (c for c in node.named_children if c.type == "lambda_literal"), None)
            if lam is None:
                return NOTHING
            function, _ = self._lambda(lam, None, None)
            return Value(F.Lambda(function))
        if t == "object_literal":
            return self._object(node)
        if t == "index_expression":
            children = node.named_children
            base = self.expr(children[0]) if children else NOTHING
            index = self.expr(children[1]) if len(children) > 1 else NOTHING
            return self.index_value(base, index, node) or Value(seq((base, index)))
        if t == "try_expression":
            function = self.function("<try>", "<try>", (), (), F.Block((self._try(node),)), node)
            return Value(F.Lambda(function))
        if t in ("return_expression", "throw_expression"):
            value = next((c for c in node.named_children if c.type != "label"), None)
            return Value(self.expr(value).expr) if value is not None else NOTHING
        if t == "callable_reference":
            ident = node.named_children[-1] if node.named_child_count else None
            if ident is not None and ident.type == "identifier" and node.named_child_count == 1:
                return self.reference(None, ts.text(ident), ident)
            return NOTHING
        if t == "this_expression":
            # the object itself (a callback handed on: initLoader(0, null, this)),
            # or this@Outer
            label = next((c for c in node.named_children if c.type in ("label", "identifier")),
                         None)
            if label is not None:
                cls = self.resolve_type(ts.text(label).lstrip("@").strip())
            elif self.this_type is not None:  # in an extension function: its receiver
                cls = self.this_type
            else:
                cls = self.cls.qualname if self.cls is not None else None
            return Value(F.Name("this", resolved=cls), cls) if cls else NOTHING
        if t in ("this_expression", "super_expression", "character_literal",
                 "line_comment", "block_comment", "label", "type_arguments", "user_type", "nullable_type"):
            return NOTHING
        # check/range/infix/... expressions: evaluate the parts
        return Value(seq([self.expr(c) for c in node.named_children
                          if c.type not in ("user_type", "nullable_type", "type_arguments", "label")]))

    def _misparsed_prefix(self, node):
        """The grammar reads ``!a.b()`` as ``(!a).b()``: the ``!`` leading a
        chain, which negates the whole chain."""
        inner = node
        while inner.type in ("call_expression", "navigation_expression", "index_expression") \
                and inner.named_child_count:
            inner = inner.named_children[0]
        if inner is node or inner.type != "unary_expression" or inner.id in self._strip:
            return None
        op = inner.child_by_field_name("operator")
        if op is None or op.type != "!" or op.start_byte != inner.start_byte:
            return None
        return inner

    def _identifier(self, node) -> Value:
        name = ts.text(node)
        if name in _LITERAL_WORDS:
            return Value(F.Lit(_LITERAL_WORDS[name]))
        var = self.scope.lookup(name)
        if var is not None and var.getter is not None:
            return Value(self.call(var.getter, name, "call", node), var.type)  # runs the property's getter
        value = self.name_value(name, node)
        if isinstance(value.expr, F.Name) and value.expr.resolved is None and not value.expr.local \
                and var is None:
            # a property of `this` or an implicit Context: contentResolver, packageManager
            for getter in getter_names(name)[:1]:
                callee = self.method_callee(None, getter, project=False)
                if callee is not None:
                    return Value(self.call(callee, name, "call", node), self.returns.get(callee))
        return value

    def _setter(self, left, right: Value) -> F.Call | None:
        """``map?.isMyLocationEnabled = true``: the Java setter of a typed
        receiver (``setMyLocationEnabled(true)``) when the catalog knows it."""
        if left is None or left.type != "navigation_expression" or left.named_child_count < 2:
            return None
        ident = left.named_children[-1]
        if ident.type != "identifier" or left.named_children[0].type == "this_expression":
            return None
        receiver = self.expr(left.named_children[0])
        if receiver.type is None:
            return None
        name = ts.text(ident)
        base = name[2:] if name.startswith("is") and name[2:3].isupper() else name[:1].upper() + name[1:]
        candidate = self.member(receiver.type, "set" + base)
        if candidate not in self.prefixes:
            return None
        return self.call(candidate, name, "call", ident, receiver=receiver.expr, args=(right.expr,))

    def _string(self, node) -> str | None:
        if _simple_template(node):
            return None
        return string_value(node, "string_content", _ESCAPES)

    def _template(self, node) -> F.Concat:
        """``"content://mms/$id/part"``: text and interpolated values in order."""
        items: list = []
        dollar = False
        for child in node.named_children:
            if child.type == "string_content":
                text = ts.text(child)
                if text == "$":
                    if dollar:  # "$$id": the first is text
                        _add_text(items, "$")
                    dollar = True
                    continue
                if dollar:
                    # the grammar splits "$id/x" as "$", "id/x": the name is interpolated
                    dollar = False
                    name = _TEMPLATE_NAME.match(text)
                    if name:
                        items.append(self.name_value(name.group(), child).expr)
                        text = text[name.end():]
                    else:
                        text = "$" + text
                    if not text:
                        continue
                _add_text(items, text)
            elif child.type == "escape_sequence":
                raw = ts.text(child)
                _add_text(items, _ESCAPES.get(raw[1:2], raw))
            elif child.type == "interpolation" and child.named_child_count:
                items.append(self.expr(child.named_children[0]).expr)
            else:  # $name
                items.append(self.expr(child).expr if child.is_named else None)
        if dollar:
            _add_text(items, "$")
        return F.Concat(tuple(items))

    def _navigation(self, node) -> Value:
        children = node.named_children
        if len(children) < 2:
            return NOTHING
        receiver_node, ident = children[0], children[-1]
        name = ts.text(ident)
        op = next((c.type for c in node.children if not c.is_named), ".")
        if op == "::":
            if name == "class":
                return class_literal(self.resolve_type(self._type_name(receiver_node) or ""))
            if receiver_node.type == "this_expression":
                return self.reference(None, name, ident)
            base = self.expr(receiver_node)
            return self.reference(base, name, ident) if base.type is not None else Value(base.expr)
        if receiver_node.type == "this_expression":
            var = self.cls.scope.lookup(name) if self.cls else None
            if var is not None and var.getter is not None:
                return Value(self.call(var.getter, name, "call", ident), var.type)
            if var is not None:
                return Value(F.Name(name, resolved=var.field), var.type)
            return self._identifier(ident)
        base = self.expr(receiver_node)
        if isinstance(base.expr, F.Name) and base.expr.name == "class" and base.static \
                and name in ("java", "javaClass"):
            return base
        if ident.type != "identifier":
            return Value(seq((base,)))
        return _safe(self.member_value(base, name, ident), op)

    def _type_name(self, node) -> str | None:
        if node.type == "identifier":
            return ts.text(node)
        if node.type == "navigation_expression":
            parts = [self._type_name(node.named_children[0]), ts.text(node.named_children[-1])]
            return ".".join(parts) if all(parts) else None
        return type_text(node)

    def _trailing_lambda(self, call):
        for child in call.named_children:
            if child.type == "annotated_lambda":
                return next((c for c in child.named_children if c.type == "lambda_literal"), None)
        return None

    def _call(self, node) -> Value:
        children = node.named_children
        if not children:
            return NOTHING
        # f(a) { ... } parses as a call of the call f(a) with a trailing lambda
        extra = []
        while children[0].type == "call_expression" and len(children) > 1 \
                and all(c.type == "annotated_lambda" for c in children[1:]):
            extra = children[1:] + extra
            children = children[0].named_children
        children = children + extra
        callee_node = children[0]
        if callee_node.type == "unary_expression" and callee_node.id in self._strip:
            callee_node = callee_node.child_by_field_name("argument")
        receiver: Value | None = None
        receiver_node = None
        exact = False
        if callee_node.type == "navigation_expression" and len(callee_node.named_children) >= 2:
            receiver_node = callee_node.named_children[0]
            name_node = callee_node.named_children[-1]
            if receiver_node.type not in ("this_expression", "super_expression"):
                receiver = self.expr(receiver_node)
            exact = receiver_node.type == "super_expression"
        elif callee_node.type == "identifier":
            name_node = callee_node
        else:
            # (expr)(args), lambda invocations: evaluate the parts
            return Value(seq([self.expr(c) for c in children]))
        name = ts.text(name_node)
        type_args, arg_nodes, lambda_nodes, keyword_nodes = [], [], [], []
        for child in children[1:]:
            if child.type == "type_arguments":
                for proj in child.named_children:
                    type_args.append(self.resolve_type(type_text(_type_child(proj) or proj) or ""))
            elif child.type == "value_arguments":
                for arg in child.named_children:
                    value = arg.named_children[-1] if arg.named_child_count else None
                    if value is None:
                        continue
                    if any(c.type == "=" for c in arg.children) and arg.named_child_count > 1:
                        keyword_nodes.append((ts.text(arg.named_children[0]), value))
                        continue
                    if value.type in ("lambda_literal", "annotated_lambda"):
                        lambda_nodes.append((len(arg_nodes), value))
                        arg_nodes.append(None)
                    else:
                        arg_nodes.append(value)
            elif child.type == "annotated_lambda":
                lam = next((c for c in child.named_children if c.type == "lambda_literal"), None)
                if lam is not None:
                    lambda_nodes.append((len(arg_nodes), lam))
                    arg_nodes.append(None)
        if name == "all" and len(lambda_nodes) == 1 and receiver is not None:
            lam = lambda_nodes[0][1]
            body = [c for c in lam.named_children if c.type not in _COMMENTS]
            if len(body) == 1:
                granted = self.all_granted(receiver, ts.text(body[0]), name_node)
                if granted is not None:
                    return granted
        if name in _SCOPE_FUNCTIONS and receiver is not None and lambda_nodes:
            return self._scope_function(name, receiver, receiver_node, lambda_nodes[0][1],
                                        _operator(callee_node) == "?.", name_node)
        if name == "with" and receiver is None and len(arg_nodes) == 2 and len(lambda_nodes) == 1 \
                and arg_nodes[0] is not None and self.lookup("with") is None:
            subject = self.expr(arg_nodes[0])
            function, last = self._receiver_lambda(lambda_nodes[0][1], subject.type)
            return Value(seq((subject, Value(F.Lambda(function)))), last)
        values = [self.expr(a) if a is not None else None for a in arg_nodes]
        keywords = [(k, self.expr(v)) for k, v in keyword_nodes]
        granted = self.map_get(receiver, name, values, name_node)
        if granted is not None:
            return granted
        # a constructor: Foo(...) or pkg.Foo(...) / Outer.Inner(...)
        callee = None
        if name[:1].isupper():
            if receiver is None:
                callee = self.resolve_type(name)
            elif receiver.static and receiver.type:
                candidate = self.canonical(f"{receiver.type}.{name}")
                callee = candidate if candidate in self.prefixes else None
            ctor_type = callee
        else:
            ctor_type = None
        if callee is None and exact:
            # super.m(), super<T>.m(): the supertype's method, never this override
            named = next((c for c in receiver_node.named_children if c.type == "user_type"), None)
            superclass = self.resolve_type(type_text(named) or "") if named is not None \
                else self.cls.superclass if self.cls is not None else None
            callee = self.super_callee(superclass, name)
        elif callee is None:
            callee = self.method_callee(receiver, name)
        grant = None
        if lambda_nodes:
            probe = F.Call(0, callee, "", "call", F.Span(0, 0, 0, 0))
            grant = self.grant_api(probe, [v.expr for v in values if v is not None])
        for index, lam in lambda_nodes:
            if lam.type == "annotated_lambda":
                lam = next((c for c in lam.named_children if c.type == "lambda_literal"), lam)
            function, _ = self._lambda(lam, grant, None)
            values[index] = Value(F.Lambda(function))
        if callee is None:
            # unresolved: kept with its name, for what the project stage knows
            # of its receiver (a URI built with buildUpon())
            service = self.service_type(None, name, [v for v in values if v is not None], type_args)
            call = self.call(None, name, "call", name_node, receiver=receiver.expr if receiver is not None else None,
                             args=self.arguments(values, name_node),
                             keywords=[(k, v.expr) for k, v in keywords])
            return _safe(Value(call, service), _operator(callee_node))
        call = self.call(callee, name, "call", name_node, receiver=receiver.expr if receiver is not None else None,
                         args=self.arguments(values, name_node),
                         keywords=[(k, v.expr) for k, v in keywords], exact=exact)
        result = ctor_type or self.service_type(callee, name, [v for v in values if v is not None], type_args) \
            or self.returns.get(callee)
        return _safe(Value(call, result), _operator(callee_node))

    def _scope_function(self, name, receiver: Value, receiver_node, lam, safe: bool = False,
                        name_node=None) -> Value:
        """``x?.let { }``, ``x.also { }``; ``x.takeIf { cond }?.let { body }``
        runs the body only when the condition held."""
        it_type = receiver.type if name in _TYPED_IT or name in ("run", "apply") else None
        if name in ("takeIf", "takeUnless"):
            function, _ = self._lambda(lam, None, it_type)
            test = _returned(F.Lambda(function))
            if test is not None:
                # x.takeIf { cond }: x when cond held, else null
                test = F.Not(test) if name == "takeUnless" else test
                return Value(F.IfExp(test, receiver.expr, F.Lit(None)), receiver.type)
            return Value(seq((receiver, Value(F.Lambda(function)))), receiver.type)
        function, last = self._receiver_lambda(lam, receiver.type) if name in _RECEIVER_SCOPES \
            else self._lambda(lam, None, it_type if name in _TYPED_IT else None)
        # x.takeIf { cond }?.let { body }: the body runs only when cond held
        # (takeIf is `cond ? x : null`)
        taken = receiver.expr
        if safe and type(taken) is F.IfExp and type(taken.orelse) is F.Lit and taken.orelse.value is None:
            return Value(F.IfExp(taken.test, F.Seq((taken.body, F.Lambda(function))), None), last)
        result = last if name in ("let", "run") else receiver.type
        if safe and taken is not None and name_node is not None:
            # x?.let { body }: the body runs only when x is a value, as the
            # argument of a call made only then
            call = self.call(None, name, "call", name_node, taken, (F.Lambda(function),))
            return Value(replace(call, safe=True), result)
        return Value(seq((receiver, Value(F.Lambda(function)))), result)

    def _receiver_lambda(self, lam, receiver_type: str | None):
        """The lambda of ``x.apply { }``, ``x.run { }``, ``with(x) { }``:
        ``this`` is ``x``, so a bare call is first a member of ``x``'s type
        (``lm.apply { getLastKnownLocation(p) }``)."""
        outer, self.this_type = self.this_type, receiver_type or self.this_type
        try:
            return self._lambda(lam, None, None)
        finally:
            self.this_type = outer

    def _lambda(self, node, grant: str | None, it_type: str | None):
        """(Function, type of the last expression) for a lambda literal."""
        saved, self.scope = self.scope, Scope(self.scope)
        params_node = next((c for c in node.named_children if c.type == "lambda_parameters"), None)
        params = self._params(params_node)
        stmts: list = []
        if not params:
            self.bind("it", Var(it_type, local=True))
            first, first_node = "it", node
        else:
            first, first_node = params[0], params_node
            if it_type is not None:
                self.bind(first, Var(it_type, local=True))
        if grant is not None:
            binding = self.grant_binding(grant, first, first_node)
            if binding is not None:
                stmts.append(binding)
        body_nodes = [c for c in node.named_children if c.type != "lambda_parameters" and c.type not in _COMMENTS]
        last_type = None
        for i, child in enumerate(body_nodes):
            if i == len(body_nodes) - 1 and child.type not in _STATEMENTS:
                value = self.expr(child)
                last_type = value.type
                if value.expr is not None:
                    stmts.append(F.Exit("return", value.expr))
            else:
                self._stmt(child, stmts)
        self.scope = saved
        qual = f"{self.cls.qualname}.<lambda>" if self.cls and self.cls.qualname else "<lambda>"
        return self.function("<lambda>", qual, params, (), F.Block(tuple(stmts)), node), last_type

    def _object(self, node) -> Value:
        supers = self._supers(node)
        qual = f"{self.cls.qualname}.<anonymous>" if self.cls and self.cls.qualname else "<anonymous>"
        if not self.mentions(node):
            return Value(None, supers[0] if supers else None)
        before = len(self.functions)
        self._class(node, "", self.scope, supers=supers, qual=qual)
        defs = self.functions[before:]
        del self.functions[before:]
        return Value(seq([Value(F.Lambda(f)) for f in defs]), supers[0] if supers else None)


def _operator(node) -> str:
    """The member operator of a navigation expression (``.``, ``?.``, ``::``)."""
    if node is None or node.type != "navigation_expression":
        return "."
    return next((c.type for c in node.children if not c.is_named), ".")


def _safe(value: Value, op: str) -> Value:
    """``x?.m()``, ``x?.p``: the call is made only when ``x`` is not null."""
    call = value.expr
    if op != "?." or type(call) is not F.Call or call.receiver is None:
        return value
    return Value(replace(call, safe=True), value.type)


def _returned(expr):
    """The value a one-expression lambda returns (its condition)."""
    if isinstance(expr, F.Lambda):
        stmts = expr.function.body.stmts
        if len(stmts) == 1 and isinstance(stmts[0], F.Exit) and stmts[0].kind == "return":
            return stmts[0].value
    return None


def _property_name(node) -> str | None:
    decl = next((c for c in node.named_children if c.type == "variable_declaration"), None)
    ident = next((c for c in decl.named_children if c.type == "identifier"), None) if decl is not None else None
    return ts.text(ident) if ident is not None else None


_TEMPLATE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _add_text(items: list, text: str) -> None:
    """Append template text, joined to the text before it (not to an
    interpolated number: ``"${0xF0} px"``)."""
    if items and isinstance(items[-1], F.Lit) and isinstance(items[-1].value, str):
        items[-1] = F.Lit(items[-1].value + text)
    else:
        items.append(F.Lit(text))


def _simple_template(node) -> bool:
    """Whether a string literal interpolates a name (``"$id"``), which the
    grammar parses as the text ``$`` followed by text starting with the name."""
    contents = [c for c in node.named_children]
    return any(a.type == "string_content" and ts.text(a) == "$" and b.type == "string_content"
               and _TEMPLATE_NAME.match(ts.text(b)) for a, b in zip(contents, contents[1:]))


def _overrides(node) -> bool:
    """Whether a declaration carries the ``override`` modifier."""
    modifiers = next((c for c in node.named_children if c.type == "modifiers"), None)
    return modifiers is not None and any(
        m.type == "member_modifier" and ts.text(m) == "override" for m in modifiers.named_children)
