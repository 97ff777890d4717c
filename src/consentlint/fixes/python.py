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

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, PositionProvider


class GuardCollections(VisitorBasedCodemodCommand):
    """Guard the statements at ``targets``: (line, column) 1-based as in
    findings, category, check."""

    DESCRIPTION = "Guard collecting statements with the manifest's consent check."
    METADATA_DEPENDENCIES = (PositionProvider,)  # (parents are known from the walk: ParentNodeProvider doubles the cost)

    def __init__(self, context: CodemodContext, targets, package: str | None = None):
        super().__init__(context)
        self.targets = [(line, column - 1, category, check) for line, column, category, check in targets]
        self.package = package
        self.innermost: dict[int, cst.CSTNode] = {}  # target index -> the statement holding it
        self.names: dict[str, str] = {}  # check -> how this module calls it
        self.imports: list[str] = []  # checks to import
        self.bodies: set[int] = set()  # ids of the functions' bodies
        self.elifs: set[int] = set()  # ids of `elif` clauses
        self.tree: cst.Module | None = None

    # -- where each target is
    def on_visit(self, node: cst.CSTNode) -> bool:
        where = self.get_metadata(PositionProvider, node, None)
        if where is None or isinstance(node, cst.Module):
            return super().on_visit(node)
        start, end = (where.start.line, where.start.column), (where.end.line, where.end.column)
        inside = [i for i, (line, column, _, _) in enumerate(self.targets) if start <= (line, column) < end]
        if not inside:
            return False  # nothing to do below: one fix costs a walk down to it, not over the file
        if isinstance(node, cst.FunctionDef):
            self.bodies.add(id(node.body))
        elif isinstance(node, cst.If) and isinstance(node.orelse, cst.If):
            self.elifs.add(id(node.orelse))
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) and id(node) not in self.elifs:
            for i in inside:
                self.innermost[i] = node  # a deeper statement comes later
        return super().on_visit(node)

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
        return updated.with_changes(body=self._block(original.body, updated.body, id(original) in self.bodies))

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body = self._block(original.body, updated.body, False)
        if self.imports:
            body = _with_imports(body, self.imports)
        return updated.with_changes(body=body)

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
        if self.context.full_module_name == owner:  # the check's own module
            return name
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
        self.imports.append(f"from {owner} import {name}")
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


def _with_imports(body: list, imports: list[str]) -> list:
    """``body`` with ``imports`` after its leading imports (or docstring)."""
    at = 1 if body and _is_docstring(body[0]) else 0
    for i, statement in enumerate(body):
        if isinstance(statement, cst.SimpleStatementLine) and all(
                isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body):
            at = i + 1
        elif i >= at:
            break
    added = [cst.parse_statement(f"{line}\n") for line in imports]
    rest = body[at:]
    if rest and at == (1 if body and _is_docstring(body[0]) else 0) and not rest[0].leading_lines:
        rest = [rest[0].with_changes(leading_lines=[cst.EmptyLine()]), *rest[1:]]  # a new import block
    return [*body[:at], *added, *rest]


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
    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
    if any(isinstance(t, (cst.Tuple, cst.List)) for t in targets):  # (None cannot be unpacked)
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
        wrapper = _wrapper(text)
    except cst.ParserSyntaxError:
        return text
    from consentlint.engine import module_name_of

    name, package = module_name_of(Path(path))
    context = CodemodContext(filename=path, full_module_name=name, full_package_name=package)
    command = GuardCollections(context, targets, package)
    command.context = replace(context, wrapper=wrapper, metadata_manager=None)
    return wrapper.visit(command).code


@lru_cache(maxsize=8)
def _wrapper(text: str) -> MetadataWrapper:
    """The file parsed and its metadata resolved once, for all its fixes
    (each fix alone, for the reports, then all of them)."""
    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    wrapper.resolve_many(GuardCollections.METADATA_DEPENDENCIES)
    return wrapper
