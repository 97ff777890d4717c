"""Java front-end: lowers a tree-sitter-java tree to facts.

Resolution and the shared machinery live in ``jvm.py``; this module knows Java
syntax: declarations, statements and expressions.
"""

from __future__ import annotations

from consentlint import facts as F
from consentlint import treesitter as ts
from consentlint.frontends.jvm import (NOTHING, ClassInfo, JvmLowerer, Value, Var, class_literal, for_each, seq,
                                      string_value)
from consentlint.frontends.names import Scope

_COMMENTS = frozenset(("line_comment", "block_comment"))

_CLASS_TYPES = frozenset(("class_declaration", "interface_declaration", "enum_declaration",
                          "record_declaration", "annotation_type_declaration"))
_METHOD_TYPES = frozenset(("method_declaration", "constructor_declaration", "compact_constructor_declaration"))
_INT_TYPES = frozenset(("decimal_integer_literal", "hex_integer_literal", "octal_integer_literal",
                        "binary_integer_literal"))
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", "'": "'", '"': '"', "b": "\b", "f": "\f"}


def extract(source: bytes, tree, path: str, module: str | None, package: str | None,
            catalog, interest) -> F.FileFacts:
    """Lower ``tree`` (parsed from ``source``) to ``FileFacts``."""
    return _Java(source, module, catalog, interest).facts(tree, path)


def type_text(node) -> str | None:
    """The name of a type as written, without type arguments (None for
    primitives and arrays)."""
    if node is None:
        return None
    t = node.type
    if t == "type_identifier":
        return ts.text(node)
    if t == "scoped_type_identifier":
        parts = [type_text(c) for c in node.named_children]
        return ".".join(p for p in parts if p) if all(parts) else None
    if t == "generic_type":
        return type_text(node.named_children[0]) if node.named_child_count else None
    if t == "annotated_type":
        return type_text(node.named_children[-1])
    return None


def _dotted(node) -> str:
    return ts.text(node).replace(" ", "").replace("\n", "")


class _Java(JvmLowerer):
    LANGUAGE = "java"
    BLOCK_TYPES = ("block", "constructor_body")

    # ------------------------------------------------------------ declarations

    def module_pass(self, root) -> None:
        header = ts.captures(ts.query(self.LANGUAGE, "imports"), root, max_depth=0)
        for node in header.get("package", ()):
            for child in node.named_children:
                if child.type in ("scoped_identifier", "identifier"):
                    self.package = _dotted(child)
        for node in sorted(header.get("import", ()), key=lambda n: n.start_byte):
            self._import(node)
        classes = [node for node in root.named_children if node.type in _CLASS_TYPES]
        for node in classes:
            name = node.child_by_field_name("name")
            if name is not None:
                qual = f"{self.package}.{ts.text(name)}" if self.package else ts.text(name)
                self.local_types[ts.text(name)] = qual
        for node in classes:
            self._class(node, self.package, self.scope)

    def _import(self, node) -> None:
        static = any(c.type == "static" for c in node.children)
        star = any(c.type == "asterisk" for c in node.named_children)
        target = next((c for c in node.named_children if c.type in ("scoped_identifier", "identifier")), None)
        if target is None:
            return
        self.add_import(_dotted(target), None, star, static, node)

    def _supers(self, node) -> list[str]:
        out = []
        for field in ("superclass", "interfaces"):
            sub = node.child_by_field_name(field)
            if sub is None:
                continue
            for child in sub.named_children:
                kids = child.named_children if child.type == "type_list" else [child]
                for kid in kids:
                    resolved = self.resolve_type(type_text(kid) or "")
                    if resolved:
                        out.append(resolved)
        for child in node.named_children:
            if child.type == "extends_interfaces":
                for kid in (child.named_children[0].named_children if child.named_child_count else ()):
                    resolved = self.resolve_type(type_text(kid) or "")
                    if resolved:
                        out.append(resolved)
        return out

    def _declared(self, node) -> str | None:
        """A declared type, qualified; an array's is its element's with one
        ``[]`` a dimension (``SmsMessage[]``), for what indexing it gives."""
        if node is not None and node.type == "array_type":
            element = self._declared(node.child_by_field_name("element"))
            dims = node.child_by_field_name("dimensions")
            return element + "[]" * max(1, ts.text(dims).count("[")) if element and dims is not None else None
        return self.resolve_type(type_text(node) or "")

    def _class(self, node, outer: str, parent_scope: Scope, supers=None, qual=None, grant=None) -> ClassInfo:
        """Bind a class's fields and lower its members; ``grant``: the class is
        a callback handed to a permission request, its method receives the grant."""
        name_node = node.child_by_field_name("name")
        name = ts.text(name_node) if name_node is not None else "<anonymous>"
        qual = qual or (f"{outer}.{name}" if outer else name)
        if supers is None:
            supers = self._supers(node)
            extends = node.child_by_field_name("superclass")  # (without one, super.m() is Object's)
            superclass = self.resolve_type(type_text(extends.named_children[0]) or "") \
                if extends is not None and extends.named_child_count else None
        else:  # an anonymous class: of the type it is created as
            superclass = supers[0] if supers else None
        info = ClassInfo(name, qual, supers, Scope(parent_scope), superclass)
        self.class_scopes.setdefault(qual, []).append(info.scope)
        self.declare_class(qual, info.supers, node, node.type == "interface_declaration", _instance_only(node))
        body = node.child_by_field_name("body") if node.type != "class_body" else node
        if body is None:
            return info
        members = body.named_children
        if body.type == "enum_body":
            members = [m for c in members if c.type == "enum_body_declarations" for m in c.named_children]
        outer_cls, self.cls = self.cls, info
        saved, self.scope = self.scope, info.scope
        for member in members:  # nested classes are in scope before they are declared
            inner = member.child_by_field_name("name") if member.type in _CLASS_TYPES else None
            if inner is not None:
                self.local_types.setdefault(ts.text(inner), f"{qual}.{ts.text(inner)}")
        init: list = []
        for member in members:
            if member.type in ("field_declaration", "constant_declaration"):
                self._field(member, init)
        nested = []
        for member in members:
            t = member.type
            if t in _METHOD_TYPES:
                if self.mentions(member):
                    self.functions.append(self._method(member, info, grant))
            elif t in _CLASS_TYPES:
                nested.append(member)
            elif t in ("static_initializer", "block") and self.mentions(member):
                block = member if t == "block" else member.named_children[-1]
                init.extend(self._block(block).stmts)
        if init:
            self.functions.append(self.function("<init>", f"{qual}.<init>", (), (), F.Block(tuple(init)), node))
        for member in nested:
            self._class(member, qual, info.scope)
        self.scope, self.cls = saved, outer_cls
        return info

    def _field(self, node, init: list) -> None:
        declared = self._declared(node.child_by_field_name("type"))
        modifiers = next((c for c in node.named_children if c.type == "modifiers"), None)
        private = modifiers is not None and any(c.type == "private" for c in modifiers.children)
        for decl in node.children_by_field_name("declarator"):
            name = ts.text(decl.child_by_field_name("name"))
            value = decl.child_by_field_name("value")
            var = self.field(name, declared)
            if private and var.field is not None:
                self.private.append(var.field)
            if value is not None:
                if value.type == "string_literal":
                    lit = self._string(value)
                    if lit is not None:
                        var.const, var.has_const = lit, True
                        self.store(var, F.Lit(lit), init)
                elif self.types_value(value):
                    lowered = self.expr(value)
                    var.type = var.type or lowered.type
                    if self.mentions(value):
                        self.store(var, lowered.expr, init)
            self.bind(name, var)

    def _annotations(self, node):
        decorators, names = [], []
        modifiers = next((c for c in node.named_children if c.type == "modifiers"), None)
        if modifiers is None:
            return decorators, names
        for child in modifiers.named_children:
            if child.type not in ("annotation", "marker_annotation"):
                continue
            name_node = child.child_by_field_name("name")
            resolved = self.resolve_type(_dotted(name_node))
            if resolved is None:
                continue
            args = []
            arguments = child.child_by_field_name("arguments")
            if arguments is not None:
                for arg in arguments.named_children:
                    if arg.type == "element_value_pair":
                        arg = arg.child_by_field_name("value")
                    args.append(self.expr(arg).expr)
            names.append(resolved)
            decorators.append(F.Decorator(resolved, ts.text(name_node), tuple(args), self.positions.span(name_node)))
        return decorators, names

    def _method(self, node, info: ClassInfo, grant: str | None = None) -> F.Function:
        name_node = node.child_by_field_name("name")
        name = ts.text(name_node) if name_node is not None else "<init>"
        saved, self.scope = self.scope, Scope(info.scope)
        outer_cls, self.cls = self.cls, info
        params = self._params(node.child_by_field_name("parameters"))
        self.grants_param(name, params)
        decorators, annotation_names = self._annotations(node)
        binding = None
        if grant is not None and params:
            binding = self.grant_binding(grant, params[0], node.child_by_field_name("parameters"))
        body_node = node.child_by_field_name("body")
        body = self._block(body_node) if body_node is not None else F.EMPTY
        if binding is not None:
            body = F.Block((binding, *body.stmts))
        guard = self.callback_guard(info.supers, name, annotation_names, name_node or node)
        if guard is not None:
            body = F.Block((F.If(guard, body, F.EMPTY),))
        self.scope, self.cls = saved, outer_cls
        # @Override is optional: a callback-like name in a class with supertypes may override too
        callback = bool(info.supers) and name[:2] == "on" and name[2:3].isupper()
        returns = self.resolve_type(type_text(node.child_by_field_name("type")) or "")
        return self.function(name, f"{info.qualname}.{name}", params, decorators, body, node,
                             override=callback or _overrides(node), returns=returns)

    def _params(self, node) -> list[str]:
        out = []
        if node is None:
            return out
        if node.type == "identifier":
            nodes = [node]
        elif node.type == "inferred_parameters":
            nodes = node.named_children
        else:
            nodes = node.named_children
        for param in nodes:
            if param.type == "identifier":
                name = ts.text(param)
                self.bind(name, Var(None, local=True))
                out.append(name)
                continue
            if param.type not in ("formal_parameter", "spread_parameter"):
                continue
            name_node = param.child_by_field_name("name")
            if name_node is None:
                declarator = next((c for c in param.named_children if c.type == "variable_declarator"), None)
                name_node = declarator.child_by_field_name("name") if declarator is not None else None
            if name_node is None:
                continue
            type_node = param.child_by_field_name("type") or next(
                (c for c in param.named_children if c.type.endswith("type") or c.type == "type_identifier"), None)
            name = ts.text(name_node)
            declared = self._declared(type_node)
            if declared is not None and param.type == "spread_parameter":
                declared += "[]"  # String... names: an array
            self.bind(name, Var(declared, local=True))
            out.append(name)
        return out

    # -------------------------------------------------------------- statements

    def _stmt(self, node, out: list) -> None:
        t = node.type
        if t in ("expression_statement", "local_variable_declaration") and not self.matters(node):
            # nothing tracked is spelled here: only the locals it binds count
            self._unknown_locals(node, out)
            return
        if t == "expression_statement":
            inner = node.named_children[0] if node.named_child_count else None
            if inner is None:
                return
            if inner.type == "assignment_expression":
                self._assign(inner, out)
            else:
                expr = self.expr(inner).expr
                if expr is not None:
                    out.append(F.Eval(expr))
        elif t == "local_variable_declaration":
            declared = self._declared(node.child_by_field_name("type"))
            for decl in node.children_by_field_name("declarator"):
                name = ts.text(decl.child_by_field_name("name"))
                value = decl.child_by_field_name("value")
                lowered = self.expr(value) if value is not None else NOTHING
                self.bind(name, self.local_var(declared or lowered.type, lowered.expr, lowered.type))
                out.append(F.Assign(name, lowered.expr))
        elif t == "if_statement":
            test = self.expr(node.child_by_field_name("condition")).expr
            body = self._block(node.child_by_field_name("consequence"))
            other = node.child_by_field_name("alternative")
            out.append(F.If(test, body, self._block(other) if other is not None else F.EMPTY))
        elif t == "while_statement":
            test = self.expr(node.child_by_field_name("condition")).expr
            out.append(F.Loop(test, self._block(node.child_by_field_name("body")), F.EMPTY))
        elif t == "do_statement":
            body = self._block(node.child_by_field_name("body"))
            out.extend(body.stmts)  # the body runs at least once
            test = self.expr(node.child_by_field_name("condition")).expr
            out.append(F.Loop(test, body, F.EMPTY))
        elif t == "for_statement":
            saved, self.scope = self.scope, Scope(self.scope)
            for init in node.children_by_field_name("init"):
                if init.type == "local_variable_declaration":
                    self._stmt(init, out)
                else:
                    expr = self.expr(init).expr
                    if expr is not None:
                        out.append(F.Eval(expr))
            cond = node.child_by_field_name("condition")
            test = self.expr(cond).expr if cond is not None else None
            body = list(self._block(node.child_by_field_name("body")).stmts)
            for update in node.children_by_field_name("update"):
                expr = self.expr(update).expr
                if expr is not None:
                    body.append(F.Eval(expr))
            out.append(F.Loop(test, F.Block(tuple(body)), F.EMPTY))
            self.scope = saved
        elif t == "enhanced_for_statement":
            value = self.expr(node.child_by_field_name("value")).expr
            if value is not None:
                out.append(F.Eval(value))
            saved, self.scope = self.scope, Scope(self.scope)
            name = node.child_by_field_name("name")
            if name is not None:
                declared = self.resolve_type(type_text(node.child_by_field_name("type")) or "")
                self.bind(ts.text(name), Var(declared, local=True))
            body = self._block(node.child_by_field_name("body"))
            element = ts.text(name) if name is not None else None
            out.append(F.Loop(None, for_each(element, value, body), F.EMPTY))
            self.scope = saved
        elif t in ("try_statement", "try_with_resources_statement"):
            saved, self.scope = self.scope, Scope(self.scope)
            pre: list = []
            resources = node.child_by_field_name("resources")
            if resources is not None:
                for resource in resources.named_children:
                    value = resource.child_by_field_name("value")
                    name = resource.child_by_field_name("name")
                    if value is not None and name is not None:
                        lowered = self.expr(value)
                        self.bind(ts.text(name), Var(lowered.type, local=True))
                        pre.append(F.Assign(ts.text(name), lowered.expr))
            body = self._block(node.child_by_field_name("body"))
            handlers, final = [], F.EMPTY
            for child in node.named_children:
                if child.type == "catch_clause":
                    handlers.append(self._block(child.child_by_field_name("body")))
                elif child.type == "finally_clause":
                    block = next((c for c in child.named_children if c.type == "block"), None)
                    if block is not None:
                        final = self._block(block)
            self.scope = saved
            out.append(F.Try(F.Block(tuple(pre) + body.stmts), tuple(handlers), F.EMPTY, final))
        elif t == "switch_expression":
            out.append(self._switch(node))
        elif t == "return_statement":
            value = node.named_children[0] if node.named_child_count else None
            out.append(F.Exit("return", self.expr(value).expr if value is not None else None))
        elif t == "throw_statement":
            value = node.named_children[0] if node.named_child_count else None
            out.append(F.Exit("raise", self.expr(value).expr if value is not None else None))
        elif t == "break_statement":
            out.append(F.Exit("break"))
        elif t == "continue_statement":
            out.append(F.Exit("continue"))
        elif t == "block":
            out.extend(self._block(node).stmts)
        elif t == "labeled_statement":
            for child in node.named_children:
                if child.type != "identifier":
                    self._stmt(child, out)
        elif t == "synchronized_statement":
            for child in node.named_children:
                if child.type == "block":
                    out.extend(self._block(child).stmts)
                else:
                    expr = self.expr(child).expr
                    if expr is not None:
                        out.append(F.Eval(expr))
        elif t in ("class_declaration", "record_declaration", "enum_declaration", "interface_declaration"):
            before = len(self.functions)
            self._class(node, self.cls.qualname if self.cls else self.package, self.scope)
            defs = self.functions[before:]
            del self.functions[before:]
            out.extend(F.Def(f) for f in defs)
        elif t in ("yield_statement", "assert_statement", "explicit_constructor_invocation"):
            items = [self.expr(c) for c in node.named_children]
            expr = seq(items)
            if expr is not None:
                out.append(F.Eval(expr))
        # comments, empty statements and declarations without effects are dropped

    def _unknown_locals(self, node, out: list) -> None:
        if node.type == "local_variable_declaration":
            for decl in node.children_by_field_name("declarator"):
                name = ts.text(decl.child_by_field_name("name"))
                value = decl.child_by_field_name("value")
                text = self._string(value) if value is not None and value.type == "string_literal" else None
                lit = F.Lit(text) if text is not None else None
                self.bind(name, self.local_var(None, lit))
                out.append(F.Assign(name, lit))
            return
        inner = node.named_children[0] if node.named_child_count else None
        if inner is not None and inner.type == "assignment_expression":
            left = inner.child_by_field_name("left")
            right = inner.child_by_field_name("right")
            if right is not None and right.type == "identifier" and _is_plain_assignment(inner):
                # `this.uri = uri`: what a field holds, for values across functions
                self._assign(inner, out)
                return
            if left.type == "identifier":
                var = self.scope.lookup(ts.text(left))
                if var is not None and var.local:
                    var.has_const = False
                    out.append(F.Assign(ts.text(left), None))

    def _assign(self, node, out: list) -> None:
        left = node.child_by_field_name("left")
        right = self.expr(node.child_by_field_name("right"))
        op = node.child_by_field_name("operator")
        self._written(left, op)
        if left.type == "identifier" and op is not None and op.type == "=":
            name = ts.text(left)
            var = self.scope.lookup(name)
            if var is not None and var.local:
                var.has_const = False
                if right.type is not None:
                    var.type = right.type
                    self.heat(name)
                out.append(F.Assign(name, right.expr))
                return
            if var is not None and right.type is not None and var.type is None:
                var.type = right.type  # a field typed by what is stored in it
                self.heat(name)
            if var is not None and var.field is not None:
                self.store(var, right.expr, out)
                return
        elif left.type == "field_access" and op is not None and op.type == "=":
            obj = left.child_by_field_name("object")
            if obj is not None and obj.type == "this":
                var = self.cls.scope.lookup(ts.text(left.child_by_field_name("field"))) if self.cls else None
                if var is not None and var.type is None and right.type is not None:
                    var.type = right.type
                    self.heat(ts.text(left.child_by_field_name("field")))
                if var is not None and var.field is not None:
                    self.store(var, right.expr, out)
                    return
        items = [self.expr(left) if left.type != "identifier" else NOTHING, right]
        expr = seq(items)
        if expr is not None:
            out.append(F.Eval(expr))

    def _written(self, left, op) -> None:
        """Note a name assigned otherwise than as a field of this object
        (``other.f = v``, ``f += v``): no ``Store`` may stand for it."""
        if left is None:
            return
        plain = op is not None and op.type == "="
        if left.type == "identifier" and not plain:
            self.written.add(ts.text(left))
        elif left.type == "field_access":
            obj = left.child_by_field_name("object")
            field = left.child_by_field_name("field")
            if field is not None and not (plain and obj is not None and obj.type == "this"):
                self.written.add(ts.text(field))

    def _switch(self, node) -> F.Stmt:
        subject = self.expr(node.child_by_field_name("condition")).expr
        arms, exhaustive = [], False
        body = node.child_by_field_name("body")
        for group in (body.named_children if body is not None else ()):
            if group.type not in ("switch_block_statement_group", "switch_rule"):
                continue
            stmts: list = []
            saved, self.scope = self.scope, Scope(self.scope)
            for child in group.named_children:
                if child.type == "switch_label":
                    if any(c.type == "default" for c in child.children):
                        exhaustive = True
                    continue
                if group.type == "switch_rule" and child.type not in ("block", "throw_statement",
                                                                      "expression_statement"):
                    expr = self.expr(child).expr
                    if expr is not None:
                        stmts.append(F.Eval(expr))
                    continue
                self._stmt(child, stmts)
            self.scope = saved
            arms.append(F.Block(tuple(stmts)))
        return F.Choice(subject, tuple(arms), exhaustive, breaks=True)

    # ------------------------------------------------------------- expressions

    def expr(self, node) -> Value:
        if node is None:
            return NOTHING
        t = node.type
        if t == "identifier":
            return self.name_value(ts.text(node), node)
        if t == "method_invocation":
            return self._invocation(node)
        if t == "field_access":
            obj = node.child_by_field_name("object")
            field = node.child_by_field_name("field")
            if obj.type == "identifier" and ts.text(obj) == "Boolean" and ts.text(field) in ("TRUE", "FALSE") \
                    and self.scope.lookup("Boolean") is None:
                return Value(F.Lit(ts.text(field) == "TRUE"))
            if obj.type == "this":
                var = self.cls.scope.lookup(ts.text(field)) if self.cls else None
                if var is not None:
                    return Value(F.Name(ts.text(field), resolved=var.field), var.type)
                return NOTHING
            if field.type == "this":  # Outer.this: the enclosing object
                outer = self.resolve_type(ts.text(obj)) if obj.type == "identifier" else None
                return Value(F.Name("this", resolved=outer), outer) if outer else NOTHING
            return self.member_value(self.expr(obj), ts.text(field), field)
        if t == "parenthesized_expression":
            return self.expr(node.named_children[0]) if node.named_child_count else NOTHING
        if t == "string_literal":
            value = self._string(node)
            return Value(F.Lit(value)) if value is not None else NOTHING
        if t in _INT_TYPES:
            try:
                return Value(F.Lit(int(ts.text(node).rstrip("lL").replace("_", ""), 0)))
            except ValueError:
                return NOTHING
        if t == "true":
            return Value(F.Lit(True))
        if t == "false":
            return Value(F.Lit(False))
        if t == "null_literal":
            return Value(F.Lit(None))
        if t == "binary_expression":
            op = node.child_by_field_name("operator").type
            return self.binary(op, self.expr(node.child_by_field_name("left")),
                               self.expr(node.child_by_field_name("right")))
        if t == "unary_expression":
            operand = self.expr(node.child_by_field_name("operand"))
            if node.child_by_field_name("operator").type == "!":
                return Value(F.Not(operand.expr))
            return Value(operand.expr)
        if t == "ternary_expression":
            return Value(F.IfExp(self.expr(node.child_by_field_name("condition")).expr,
                                 self.expr(node.child_by_field_name("consequence")).expr,
                                 self.expr(node.child_by_field_name("alternative")).expr))
        if t == "cast_expression":
            value = self.expr(node.child_by_field_name("value"))
            cast = self.resolve_type(type_text(node.child_by_field_name("type")) or "")
            return Value(value.expr, cast or value.type)
        if t == "object_creation_expression":
            return self._new(node)
        if t == "lambda_expression":
            return Value(F.Lambda(self._lambda(node, None)))
        if t == "class_literal":
            self.named_classes.add((type_text(node.named_children[0]) or "").rpartition(".")[2])
            return class_literal(self.resolve_type(type_text(node.named_children[0]) or ""))
        if t == "array_access":
            base = self.expr(node.child_by_field_name("array"))
            index = self.expr(node.child_by_field_name("index"))
            return self.index_value(base, index, node) or Value(seq((base, index)))
        if t == "assignment_expression":
            self._written(node.child_by_field_name("left"), None)  # (an assignment inside an expression is no Store)
            return Value(seq((self.expr(node.child_by_field_name("left")) if
                              node.child_by_field_name("left").type != "identifier" else NOTHING,
                              self.expr(node.child_by_field_name("right")))))
        if t == "method_reference":
            return self._method_reference(node)
        if t == "this":
            # the object itself (a callback handed on: initLoader(0, null, this))
            cls = self.cls.qualname if self.cls is not None else None
            return Value(F.Name("this", resolved=cls), cls) if cls else NOTHING
        if t in ("super", "character_literal", "decimal_floating_point_literal", "hex_floating_point_literal"):
            return NOTHING
        if t == "switch_expression":
            choice = self._switch(node)
            return Value(F.Seq(tuple(F.Lambda(self.function("<switch>", "<switch>", (), (), arm, node))
                                     for arm in choice.arms))) if choice.arms else NOTHING
        # instanceof, update, array creation and initialisers, ...: evaluate the parts
        return Value(seq([self.expr(c) for c in node.named_children if not c.type.endswith("type")
                          and c.type not in ("type_identifier", "dimensions", "dimensions_expr")]))

    def _string(self, node) -> str | None:
        return string_value(node, "string_fragment", _ESCAPES)

    def _method_reference(self, node) -> Value:
        """``this::onGranted``, ``Foo::bar``, ``obj::bar`` (``::new`` refers to no method)."""
        parts = node.named_children
        if parts and any(c.type == "new" for c in node.children):
            self.named_classes.add((type_text(parts[0]) or ts.text(parts[0])).rpartition(".")[2])  # K::new
        if len(parts) < 2 or parts[-1].type != "identifier":
            return NOTHING
        target = parts[0]
        receiver = None if target.type in ("this", "super") else self.expr(target)
        if receiver is not None and receiver.type is None:
            return Value(receiver.expr)
        return self.reference(receiver, ts.text(parts[-1]), parts[-1])

    def _arguments(self, node, call_callee: str | None):
        """Lowered arguments; lambdas are lowered last, with the grant binding
        a consent/permission request gives them."""
        # (a comment among them is not an argument: positions and counts are the call's)
        nodes = [c for c in node.named_children if c.type not in _COMMENTS] if node is not None else []
        values: list = [None] * len(nodes)
        lambdas = []
        for i, arg in enumerate(nodes):
            if arg.type == "lambda_expression" or (arg.type == "object_creation_expression"
                                                   and any(c.type == "class_body" for c in arg.named_children)):
                lambdas.append(i)  # callbacks: a lambda or an anonymous class
            else:
                values[i] = self.expr(arg)
        return nodes, values, lambdas

    def _finish_lambdas(self, call_callee, nodes, values, lambdas):
        grant = None
        if lambdas:
            probe = F.Call(0, call_callee, "", "call", F.Span(0, 0, 0, 0))
            grant = self.grant_api(probe, [v.expr for v in values if v is not None])
        for i in lambdas:
            if nodes[i].type == "object_creation_expression":
                values[i] = self._new(nodes[i], grant)
            else:
                values[i] = Value(F.Lambda(self._lambda(nodes[i], grant)))
        return values

    def _invocation(self, node) -> Value:
        obj = node.child_by_field_name("object")
        name_node = node.child_by_field_name("name")
        name = ts.text(name_node)
        exact = obj is not None and obj.type == "super"
        if obj is None or obj.type in ("this", "super"):
            receiver = None
        else:
            receiver = self.expr(obj)
        if exact:
            callee = self.super_callee(self.cls.superclass if self.cls is not None else None, name)
        else:
            callee = self.method_callee(receiver, name)
        nodes, values, lambdas = self._arguments(node.child_by_field_name("arguments"), callee)
        granted = self.map_get(receiver, name, values, name_node)
        if granted is not None:
            return granted
        values = self._finish_lambdas(callee, nodes, values, lambdas)
        type_args = []
        targs = node.child_by_field_name("type_arguments")
        if targs is not None:
            type_args = [self.resolve_type(type_text(c) or "") for c in targs.named_children]
        if callee is None:
            # unresolved: kept with its name, for what the project stage knows
            # of its receiver (a URI built with buildUpon())
            call = self.call(None, name, "call", name_node,
                             receiver=receiver.expr if receiver is not None else None,
                             args=self.arguments(values, name_node))
            return Value(call, self.service_type(None, name, values, type_args))
        call = self.call(callee, name, "call", name_node,
                         receiver=receiver.expr if receiver is not None else None,
                         args=self.arguments(values, name_node), exact=exact)
        return Value(call, self.service_type(callee, name, values, type_args) or self.returns.get(callee))

    def _new(self, node, grant: str | None = None) -> Value:
        type_node = node.child_by_field_name("type")
        qualified = self.resolve_type(type_text(type_node) or "")
        nodes, values, lambdas = self._arguments(node.child_by_field_name("arguments"), qualified)
        values = self._finish_lambdas(qualified, nodes, values, lambdas)
        outer = node.child_by_field_name("object") if hasattr(node, "child_by_field_name") else None
        body = next((c for c in node.named_children if c.type == "class_body"), None)
        call = None
        if qualified is not None:
            # the span is the class's own name (``CursorLoader`` in ``androidx.loader.content.CursorLoader``)
            name_node = type_node
            while name_node.type in ("scoped_type_identifier", "generic_type") and name_node.named_child_count:
                name_node = name_node.named_children[-1 if name_node.type == "scoped_type_identifier" else 0]
            call = self.call(qualified, ts.text(name_node), "call", name_node,
                             args=self.arguments(values, name_node))
        parts = [Value(self.expr(outer).expr if outer is not None else None)]
        parts += [Value(call)] if call is not None else values
        if body is not None and self.mentions(body):
            qual = f"{self.cls.qualname}.<anonymous>" if self.cls else "<anonymous>"
            before = len(self.functions)
            self._class(body, "", self.scope, supers=[qualified] if qualified else [], qual=qual, grant=grant)
            defs = self.functions[before:]
            del self.functions[before:]
            parts += [Value(F.Lambda(f)) for f in defs]
        return Value(seq(parts), qualified)

    def _lambda(self, node, grant: str | None) -> F.Function:
        saved, self.scope = self.scope, Scope(self.scope)
        params = self._params(node.child_by_field_name("parameters"))
        stmts: list = []
        if grant is not None and params:
            binding = self.grant_binding(grant, params[0], node.child_by_field_name("parameters"))
            if binding is not None:
                stmts.append(binding)
        body = node.child_by_field_name("body")
        if body is not None and body.type == "block":
            stmts.extend(self._block(body).stmts)
        elif body is not None:
            expr = self.expr(body).expr
            if expr is not None:
                stmts.append(F.Exit("return", expr))
        self.scope = saved
        qual = f"{self.cls.qualname}.<lambda>" if self.cls else "<lambda>"
        return self.function("<lambda>", qual, params, (), F.Block(tuple(stmts)), node)


def _is_plain_assignment(node) -> bool:
    op = node.child_by_field_name("operator")
    return op is not None and op.type == "="


def _overrides(node) -> bool:
    """Whether a method declaration carries ``@Override``."""
    modifiers = next((c for c in node.named_children if c.type == "modifiers"), None)
    if modifiers is None:
        return False
    for child in modifiers.named_children:
        if child.type in ("marker_annotation", "annotation"):
            name = child.child_by_field_name("name")
            if name is not None and ts.text(name).rsplit(".", 1)[-1] == "Override":
                return True
    return False


def _modifier(node, word: str) -> bool:
    modifiers = next((c for c in node.named_children if c.type == "modifiers"), None)
    return modifiers is not None and any(c.type == word for c in modifiers.children)


def _instance_only(node) -> bool:
    """A private class (``ClassDecl.private``): declared ``private``, not an
    enum or record, without static methods or initialisers."""
    if node.type != "class_declaration" or not _modifier(node, "private"):
        return False
    body = node.child_by_field_name("body")
    return body is not None and not any(
        c.type == "static_initializer" or (c.type == "method_declaration" and _modifier(c, "static"))
        for c in body.named_children)
