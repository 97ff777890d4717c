"""Python code fixes as libcst codemods, run only on the files being fixed.

``python.guard`` (line, column, category, check): the statement that holds
the collecting call or read at (line, column), a position tree-sitter found,
mapped to libcst's nodes through its position metadata, is guarded by the
manifest's consent check ``check`` (a dotted import path):

- a function that does nothing but collect returns early at its top
  (``if not has_consent("location.precise"): return``);
- an assignment keeps its name defined: ``x = <value> if has_consent(..) else None``;
- any other statement is wrapped: ``if has_consent(".."):``;

statements next to each other with the same guard share it. The check is
called as the module already imports it (``from demo import privacy`` gives
``privacy.has_consent``), else an import is added.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import libcst as cst
from libcst.codemod import CodemodContext, SkipFile, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor
from libcst.helpers import get_full_name_for_node
from libcst.metadata import ParentNodeProvider, PositionProvider


class GuardCollections(VisitorBasedCodemodCommand):
    """Guard the statements at ``targets``: (line, column) 1-based as in
    findings, category, check."""

    DESCRIPTION = "Guard collecting statements with the manifest's consent check."
    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider)

    def __init__(self, context: CodemodContext, targets, package: str | None = None):
        super().__init__(context)
        self.targets = [(line, column - 1, category, check) for line, column, category, check in targets]
        self.package = package
        self.innermost: dict[int, cst.CSTNode] = {}  # target index -> the statement holding it
        self.names: dict[str, str] = {}  # check -> how this module calls it
        self.tree: cst.Module | None = None

    # -- where each target is
    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) and not self._is_elif(node):
            where = self.get_metadata(PositionProvider, node)
            start, end = (where.start.line, where.start.column), (where.end.line, where.end.column)
            for i, (line, column, _, _) in enumerate(self.targets):
                if start <= (line, column) < end:
                    self.innermost[i] = node  # a deeper statement comes later
        return super().on_visit(node)

    def _is_elif(self, node) -> bool:
        return isinstance(node, cst.If) and isinstance(self.get_metadata(ParentNodeProvider, node), cst.If)

    def visit_Module(self, node: cst.Module) -> None:
        self.tree = node

    # -- guarding them
    def _guards(self) -> dict[int, tuple]:
        """id of a statement -> the (check, category) pairs it needs."""
        out: dict[int, set] = {}
        for i, node in self.innermost.items():
            if not isinstance(node, (cst.FunctionDef, cst.ClassDef)):  # (in a decorator or default)
                _, _, category, check = self.targets[i]
                out.setdefault(id(node), set()).add((check, category))
        return {k: tuple(sorted(v)) for k, v in out.items()}

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        function = isinstance(self.get_metadata(ParentNodeProvider, original), cst.FunctionDef)
        return updated.with_changes(body=self._block(original.body, updated.body, function))

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return updated.with_changes(body=self._block(original.body, updated.body, False))

    def _block(self, originals, updated, function: bool) -> list:
        guards = self._guards()
        keys = [guards.get(id(node)) for node in originals]
        if not any(keys):
            return list(updated)
        head = 1 if originals and _is_docstring(originals[0]) else 0
        rest = keys[head:]
        if function and rest and all(k == rest[0] for k in rest):  # the function does nothing but collect
            first = updated[head]
            early = cst.If(test=cst.UnaryOperation(cst.Not(), self._condition(rest[0], group=True)),
                           body=cst.IndentedBlock([cst.SimpleStatementLine([cst.Return()])]),
                           leading_lines=first.leading_lines)
            return [*updated[:head], early, first.with_changes(leading_lines=()), *updated[head + 1:]]
        out, i = [], 0
        while i < len(updated):
            key = keys[i]
            if key is None:
                out.append(updated[i])
                i += 1
                continue
            assigned = _guarded_value(updated[i], self._condition(key, group=True))
            if assigned is not None:
                out.append(assigned)
                i += 1
                continue
            j = i + 1
            while j < len(updated) and keys[j] == key and _guarded_value(updated[j], None) is None:
                j += 1
            group = [updated[i].with_changes(leading_lines=()), *updated[i + 1:j]]
            out.append(cst.If(test=self._condition(key), body=cst.IndentedBlock(group),
                              leading_lines=updated[i].leading_lines))
            i = j
        return out

    def _condition(self, key: tuple, group: bool = False) -> cst.BaseExpression:
        for check, _ in key:
            if check not in self.names:  # (an import is added only when a guard uses it)
                self.names[check] = self._reference(self.tree, check)
        calls = [f'{self.names[check]}("{category}")' for check, category in key]
        text = " and ".join(calls)
        return cst.parse_expression(f"({text})" if group and len(calls) > 1 else text)

    # -- naming the check
    def _reference(self, module: cst.Module, check: str) -> str:
        """How ``module`` can call ``check``: through an import it has, else
        through one added."""
        owner, _, name = check.rpartition(".")
        parent, _, leaf = owner.rpartition(".")
        for statement in module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                    source = self._absolute(small)
                    for alias in small.names:
                        bound = alias.evaluated_alias or alias.evaluated_name
                        if source == owner and alias.evaluated_name == name:
                            return bound
                        if source == parent and alias.evaluated_name == leaf:
                            return f"{bound}.{name}"
                elif isinstance(small, cst.Import):
                    for alias in small.names:
                        if alias.evaluated_name == owner:
                            return f"{alias.evaluated_alias or owner}.{name}"
        AddImportsVisitor.add_needed_import(self.context, owner, name)
        return name

    def _absolute(self, node: cst.ImportFrom) -> str | None:
        module = get_full_name_for_node(node.module) if node.module is not None else ""
        dots = len(node.relative)
        if not dots:
            return module
        if self.package is None:
            return None
        parts = self.package.split(".")
        if dots - 1 > len(parts) - 1:
            return None
        base = ".".join(parts[:len(parts) - (dots - 1)])
        return f"{base}.{module}" if module else base


def _is_docstring(node) -> bool:
    return (isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1 and isinstance(node.body[0], cst.Expr)
            and isinstance(node.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def _guarded_value(node, condition):
    """``x = <value>`` as ``x = <value> if <condition> else None`` (the name
    stays defined), or None when ``node`` is no single assignment."""
    if not isinstance(node, cst.SimpleStatementLine) or len(node.body) != 1:
        return None
    small = node.body[0]
    if not isinstance(small, (cst.Assign, cst.AnnAssign)) or small.value is None:
        return None
    if condition is None:
        return node
    value = cst.IfExp(test=condition, body=small.value, orelse=cst.Name("None"),
                      whitespace_before_if=cst.SimpleWhitespace(" "), whitespace_after_if=cst.SimpleWhitespace(" "),
                      whitespace_before_else=cst.SimpleWhitespace(" "), whitespace_after_else=cst.SimpleWhitespace(" "))
    return node.with_changes(body=[small.with_changes(value=value)])


def render(text: str, path: str, actions) -> str:
    targets = [tuple(a[1:]) for a in actions if a[0] == "python.guard"]
    if not targets:
        return text
    try:
        module = _parse(text)
    except cst.ParserSyntaxError:
        return text
    from consentlint.engine import module_name_of

    name, package = module_name_of(Path(path))
    context = CodemodContext(filename=path, full_module_name=name, full_package_name=package)
    try:
        return GuardCollections(context, targets, package).transform_module(module).code
    except SkipFile:
        return text


@lru_cache(maxsize=8)
def _parse(text: str) -> cst.Module:
    return cst.parse_module(text)
