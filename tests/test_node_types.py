"""Every node type and field name a front-end names exists in the pinned
grammar (as nvim-treesitter checks its queries against each parser): a name
the grammar lacks is a branch that never runs, most often a name from another
version of the grammar.

The grammar wheels ship no ``node-types.json``; the names come from the
``Language`` itself (``node_kind_for_id``, ``field_name_for_id``). The names a
module uses are read from its syntax tree: the strings compared with a
``.type`` (or a local assigned from one), directly or through a module or
class constant, the keys of a table looked up by ``.type``, the arguments of
``child_by_field_name``/``children_by_field_name``, and those of a module
function that compares its parameter with a ``.type`` (``string_value``). A
front-end is checked against its languages' grammars (the registry's), a
module shared by several against all of them. Queries (``queries/<grammar>/*.scm``) are checked by
compiling them: tree-sitter rejects an unknown node type or field."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from consentlint import languages, treesitter

PACKAGE = Path(treesitter.__file__).parent
MODULES = sorted([*(PACKAGE / "frontends").glob("*.py"), PACKAGE / "treesitter.py"])
SPECIAL = {"ERROR", "MISSING"}  # tree-sitter's own node types, in every grammar


@cache
def grammar_names(grammar: str) -> tuple[frozenset[str], frozenset[str]]:
    """(node types, field names) of a pinned grammar."""
    lang = treesitter.language(grammar)
    kinds = frozenset(lang.node_kind_for_id(i) for i in range(lang.node_kind_count)) | SPECIAL
    fields = frozenset(lang.field_name_for_id(i) for i in range(1, lang.field_count + 1))
    return kinds, fields


def grammars_of(module: Path) -> list[str]:
    found = [g for lang in languages.LANGUAGES if lang.frontend == f"consentlint.frontends.{module.stem}"
             for g, _, _ in lang.grammars]
    return found or list(languages.GRAMMARS)


def _strings(node: ast.AST, constants: dict[str, list[str]]) -> list[str]:
    """The string literals an expression stands for (a tuple, set, dict's keys, a constant)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for e in node.elts for s in _strings(e, constants)]
    if isinstance(node, ast.Dict):
        return [s for k in node.keys if k is not None for s in _strings(k, constants)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args \
            and node.func.id in ("frozenset", "set", "tuple"):
        return _strings(node.args[0], constants)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitOr, ast.Add)):
        return _strings(node.left, constants) + _strings(node.right, constants)
    if isinstance(node, ast.Name):
        return constants.get(node.id, [])
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
        return constants.get(node.attr, [])  # a class constant
    return []


def type_parameters(path: Path) -> dict[str, int]:
    """The module functions of ``path`` that compare a parameter with a
    ``.type``, and its position (``string_value(node, "string_fragment", ...)``)."""
    out = {}
    for fn in ast.parse(path.read_text("utf-8")).body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        params = [a.arg for a in fn.args.args]
        for n in ast.walk(fn):
            if isinstance(n, ast.Compare):
                sides = [n.left, *n.comparators]
                for a, b in zip(sides, sides[1:]):
                    for x, y in ((a, b), (b, a)):
                        if isinstance(x, ast.Attribute) and x.attr == "type" and isinstance(y, ast.Name) \
                                and y.id in params:
                            out[fn.name] = params.index(y.id)
    return out


def names_used(path: Path, shared: frozenset[str] = frozenset(),
               helpers: dict[str, int] | None = None) -> tuple[dict, dict, set[str]]:
    """(node type -> first line, field name -> first line) that ``path``
    names, and the class constants it compares with a ``.type`` through
    ``self.`` (``BLOCK_TYPES``: a subclass elsewhere may set them); the
    class constants named in ``shared`` count as node types too, and so do
    the arguments of ``helpers`` (function -> the position of its node type)."""
    helpers = helpers or {}
    tree = ast.parse(path.read_text("utf-8"))
    constants: dict[str, list[str]] = {}
    types: dict[str, int] = {}
    fields: dict[str, int] = {}
    attributes: set[str] = set()
    classes = [s for s in tree.body if isinstance(s, ast.ClassDef)]
    for stmt in [*tree.body, *(s for c in classes for s in c.body)]:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                if isinstance(target, ast.Name):
                    constants[target.id] = _strings(stmt.value, constants)
                    if target.id in shared and stmt not in tree.body:
                        for s in constants[target.id]:
                            types.setdefault(s, stmt.lineno)
    for scope in ast.walk(tree):
        if not isinstance(scope, (ast.Module, ast.FunctionDef)):
            continue
        aliases = {t.id for n in ast.walk(scope) if isinstance(n, ast.Assign)
                   and isinstance(n.value, ast.Attribute) and n.value.attr == "type"
                   for t in n.targets if isinstance(t, ast.Name)}  # t = node.type

        def is_type(e: ast.AST) -> bool:
            return (isinstance(e, ast.Attribute) and e.attr == "type") or (isinstance(e, ast.Name) and e.id in aliases)

        def named(e: ast.AST) -> list[str]:
            if isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and e.value.id == "self":
                attributes.add(e.attr)
            return _strings(e, constants)

        for n in ast.walk(scope):
            found: list[str] = []
            if isinstance(n, ast.Compare):
                sides = [n.left, *n.comparators]
                for a, b in zip(sides, sides[1:]):
                    found += named(b) if is_type(a) else named(a) if is_type(b) else []
            elif isinstance(n, ast.Subscript) and is_type(n.slice):
                found = named(n.value)
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.args:
                if n.func.attr == "get" and is_type(n.args[0]):
                    found = named(n.func.value)
                elif n.func.attr in ("child_by_field_name", "children_by_field_name"):
                    for s in _strings(n.args[0], constants):
                        fields.setdefault(s, n.lineno)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in helpers \
                    and len(n.args) > helpers[n.func.id]:
                found = _strings(n.args[helpers[n.func.id]], constants)
            for s in found:
                types.setdefault(s, n.lineno)
    return types, fields, attributes


@cache
def shared_attributes() -> frozenset[str]:
    return frozenset().union(*(names_used(p)[2] for p in MODULES))


@cache
def helpers() -> dict[str, int]:
    return {name: at for p in MODULES for name, at in type_parameters(p).items()}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_every_node_type_and_field_exists_in_the_grammar(path: Path):
    kinds = frozenset().union(*(grammar_names(g)[0] for g in grammars_of(path)))
    fields = frozenset().union(*(grammar_names(g)[1] for g in grammars_of(path)))
    types, used_fields, _ = names_used(path, shared_attributes(), helpers())
    unknown = [f"line {line}: node type {name!r}" for name, line in types.items() if name not in kinds] + \
              [f"line {line}: field {name!r}" for name, line in used_fields.items() if name not in fields]
    assert not unknown, f"{path.name} names what {', '.join(grammars_of(path))} lack:\n" + "\n".join(unknown)


def test_the_check_sees_the_front_ends_names():
    """The reading above finds the names front-ends use (so an empty pass is no pass)."""
    types, fields, _ = names_used(PACKAGE / "frontends" / "python.py")
    assert {"call", "attribute", "identifier"} <= set(types) and {"function", "arguments"} <= set(fields)
    java = names_used(PACKAGE / "frontends" / "java.py", shared_attributes(), helpers())[0]
    assert "BLOCK_TYPES" in shared_attributes() and "constructor_body" in java
    assert helpers()["string_value"] == 1 and {"string_fragment", "static"} <= set(java)


@pytest.mark.parametrize("path", sorted((PACKAGE / "queries").glob("*/*.scm")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_query_compiles_against_its_grammar(path: Path):
    assert path.parent.name in languages.GRAMMARS
    assert treesitter.query(path.parent.name, path.stem) is not None
