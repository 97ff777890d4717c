"""JavaScript / TypeScript front-end (.js .jsx .mjs .cjs .ts .tsx .mts .cts):
lowers a tree-sitter-javascript / -typescript / -tsx tree to facts.

Qualified names (catalogs, manifest and resolution use the same form):

- a module export is ``<specifier>#<export>`` and its members follow with dots:
  ``expo-location#getCurrentPositionAsync``,
  ``react-native#PermissionsAndroid.request``,
  ``react-native-device-info#default.getUniqueId`` (a default import);
  ``<specifier>#`` is the module namespace (``import * as Location``,
  ``require("expo-location")``), and calling a namespace calls its default
  export (``express()`` is ``express#default``);
- a relative specifier is resolved against the file's path from the manifest
  folder and written ``./src/privacy#hasConsent`` (DESIGN section 12);
- a well-known global is its dotted path without a module:
  ``navigator.geolocation.getCurrentPosition``; ``window.``, ``globalThis.``
  and ``self.`` in front of a global are dropped;
- the value of a call or ``new`` has the callee's name as its type
  (``const app = express()`` -> ``express#default``, ``app.post``), as do
  parameters annotated with a tracked type (``req: Request``) or named by a
  catalog ``[[parameter]]`` convention (``req`` in a file importing express).

Names are resolved without running anything: ES imports (default, named,
namespace, aliases), ``require`` (also destructured, ``.default``, and the
``_interopRequireDefault``/``__importStar`` wrappers of compiled builds),
globals, and lexical shadowing (a parameter named ``navigator`` or a local
named like an import hides it). Check results kept in locals are tracked:
``const { status } = await requestForegroundPermissionsAsync()`` binds
``status`` to the check, ``res.granted`` / ``res.status`` / ``res.state`` of a
local holding a check is the check's result, ``.then(ok => ...)`` on a check
hands the result to the callback's parameter, and the first element of a
permission hook's array (``const [permission] = useCameraPermissions()``).

An object literal argument is lowered to ``keywords`` (its properties), so
catalog constraints can ask for ``getUserMedia({ video: ... })``; a
``{ name: "geolocation" }`` permission descriptor also stands as that name for
``permission_arg``. The command of the IAB ``__tcfapi(command, version,
callback)`` is no category, so it is dropped (the manifest may name
``__tcfapi`` as a consent request). A ``switch`` whose cases do not fall
through into code is an if/else chain on its subject (``case "granted":``).
React refs are typed by ``useRef<CameraView>()`` or, in plain JS, by the JSX
element they are attached to (``queries/<grammar>/jsx_refs.scm``).

Known gaps (recorded as ``todo-`` fixture lines): check results do not flow
through locals merged from several paths, a handler module that never
imports its framework (``exports.signup = (req, res) => ...``) is not typed
here (the project stage types it when a registration or a typed caller
reaches it, see below), refs assigned in callbacks (``ref={r => this.camera =
r}``) are not typed, and the guard of a helper function does not reach its callers in this
front-end (cross-function guards are the project index's work, DESIGN
section 7, over the project facts below). Calls through instances of project
classes are call edges when the instance is built in place or kept in a
``const``/``let`` (``new Store().load()``, ``const s = new Store(); s.load()``),
not through fields, parameters or reassignments; not resolved either:
``.call``/``.apply``/``.bind``, and functions stored in object literals
other than exported ones.

Project facts (DESIGN section 7), when the file's module is known (``module``,
its path from the manifest folder without extension; with None none of this
is emitted and functions are named by their bare name):

- function identities: ``./src/privacy#hasConsent`` for module-level
  functions and consts bound to functions (``exports.x = function`` too),
  ``./src/privacy#Consent.isGranted`` for class methods and fields,
  ``./src/a#default`` for an anonymous default export, nested functions under
  their enclosing function (``./src/a#outer.inner``, ``./src/a#outer.<lambda>``),
  the module body ``./src/a#<module>``; the module part is the file's path
  normalised as relative specifiers are (``src/perms/index`` ->
  ``./src/perms``), spelled as the manifest spells it when it names the file;
- call edges: a call that resolves to no tracked name but may call a project
  function gets that function's name (``helper()``, named/default/namespace
  imports and ``require`` of relative modules, ``this.m()`` and
  ``super.m()`` in a class, ``Cls.m()``); a callee naming a class (``new C()``)
  runs its constructor; names standing for project functions
  (``_ProjectBinding``) are invisible to catalog matching, which sees exactly
  the names it saw before;
- the functions of exported object literals (``module.exports = { create:
  (req, res) => ... }`` -> ``./src/c#create``, ``export default { place() {} }``
  -> ``./src/c#default.place``) and of the revealing module pattern
  (``module.exports = (function () { ... return { a } }())``: the function is
  ``./src/c#<iife>``, export ``a`` its local ``./src/c#<iife>.a``); a member
  of a project module used as a value (``app.post(path, users.create)``) is a
  reference to that function;
- member chains on untyped parameters: ``req.body.email`` with ``req`` a
  parameter the file does not type is a read ``email`` (callee None) of a
  read ``body`` of a root read ``req`` (callee and receiver None: the local
  by name), also through locals holding a chain (``const payload = req.body``),
  literal subscripts (``req.body["e-mail"]``), destructuring, and calls on the
  root (``req.get(...)``, ``app.post(...)``); ``consentlint.params`` types
  the roots over the whole project; a further member of a keyed catalogued
  read is that read with the deeper key (``req.body.contact.givenName``);
- ``FileFacts.classes``: every class, class expression bound to a name and TS
  interface, with its ``extends``/``implements`` resolved like call targets;
- exports and re-exports as entries of ``FileFacts.imports`` (see ``_exports``).

Without a known module, only the top-level units (functions, classes,
function-valued declarations, the module body) that mention a tracked name
are lowered: a search of the source for the tracked globals and the names
bound to tracked modules finds the mentions (``interest.everything`` lowers
all of them, as the reference). With one, every unit is lowered: the project
index needs every function, edge and return.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from dataclasses import replace

from consentlint import facts as F
from consentlint import treesitter as ts
from consentlint.frontends import FRONTENDS, initials
from consentlint.frontends.names import UNKNOWN, Binding, Interest, Scope

_GLOBAL = "<global>"  # the global object: window, globalThis, self
_INTRINSIC = "JSX.IntrinsicElements."  # <input>: an intrinsic element, as TypeScript names its type
_DEFAULT = object()  # the `default:` label of a switch
_GLOBAL_OBJECTS = frozenset(("window", "globalThis", "self"))
_RESULT_FIELDS = frozenset(("granted", "status", "state", "hasPermission"))
_KEY_METHODS = frozenset(("get", "getAll"))
_FUNCTION_VALUES = frozenset(("arrow_function", "function_expression", "function", "generator_function"))
_FUNCTION_DECLS = frozenset(("function_declaration", "generator_function_declaration", "function_signature"))
_CLASS_DECLS = frozenset(("class_declaration", "abstract_class_declaration"))
_DECLARATIONS = frozenset(("lexical_declaration", "variable_declaration"))
_COMPARE = {"===": "eq", "==": "eq", "!==": "ne", "!=": "ne"}
_TRANSPARENT = frozenset(("parenthesized_expression", "await_expression", "non_null_expression",
                          "as_expression", "satisfies_expression", "type_assertion"))
_SKIP = frozenset(("comment", "type_annotation", "type_arguments", "type_parameters", "type_identifier",
                   "predefined_type", "regex", "hash_bang_line", "html_comment", "property_identifier",
                   "private_property_identifier", "statement_identifier", "optional_chain", "jsx_text",
                   "jsx_closing_element", "decorator", "accessibility_modifier", "override_modifier"))
_EXTENSIONS = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".d.ts")
_INTEROP = re.compile(r"^(_interopRequire(Default|Wildcard)|__importDefault|__importStar|_interop_require_(default|wildcard))$")
_LITERALS = {"true": True, "false": False, "null": None, "undefined": None}
# the extensions whose grammar reads JSX (a `.ts` file's cannot)
_JSX_GRAMMARS = {ext: grammar for ext, (_, grammar, _) in FRONTENDS.items() if grammar in ("javascript", "tsx")}


def extract(source: bytes, tree, path: str, module: str | None, package: str | None,
            catalog, interest: Interest) -> F.FileFacts:
    """Lower ``tree`` (parsed from ``source``) to ``FileFacts``; ``module`` is
    the file's path from the manifest folder without extension."""
    return _Lowerer(source, module, catalog, interest).run(tree, path)


class _JsBinding(Binding):
    """A binding that may also know what a React ref points at
    (``useRef<CameraView>(null)``: ``ref.current`` is a ``CameraView``)."""

    __slots__ = ("ref",)

    def __init__(self, qualname=None, const=None, has_const=False, alias=None, ref=None):
        super().__init__(qualname, const, has_const, alias)
        self.ref = ref


class _ProjectBinding(_JsBinding):
    """A name that stands for a project function or class (``target``, e.g.
    ``./src/perms#hasPerm``) but is no tracked name: resolution for catalog
    matching sees nothing (``qualname`` None, as for any untracked local);
    only call edges (``_project``) and function references read ``target``."""

    __slots__ = ("target",)

    def __init__(self, target):
        super().__init__()
        self.target = target


class _Untyped(_JsBinding):
    """A parameter whose type the file does not say, or a local holding a
    member of one (``const payload = req.body``): member reads and calls on it
    are emitted as chains (``_link``) that the project stage types from the
    registrations and callers that reach the function (DESIGN section 7)."""

    __slots__ = ()


class _FnScope(Scope):
    """A function's scope, or a block inside it (``function`` is the scope of
    the enclosing function)."""

    __slots__ = ("function",)

    def __init__(self, parent, block=False):
        super().__init__(parent)
        self.function = parent.function if block and isinstance(parent, _FnScope) else self

    def owns(self, name: str) -> bool:
        scope = self
        while isinstance(scope, _FnScope):
            if name in scope.names:
                return True
            if scope is self.function:
                return False
            scope = scope.parent
        return False


class _Unit:
    __slots__ = ("node", "start", "end", "name", "kind")

    def __init__(self, node, name, kind):
        self.node = node
        self.name = name
        self.kind = kind  # "function" | "class" | "declaration"
        self.start = node.start_byte
        self.end = node.end_byte


class _Lowerer:
    def __init__(self, source, module, catalog, interest):
        self.source = source
        self.module = module
        self.catalog = catalog
        self.interest = interest
        self.prefixes = interest.prefixes
        self.positions = ts.Positions(source)
        self.globals = Scope()
        self.imports: list[F.Import] = []
        self.specifiers: set[str] = set()
        self.next_id = 0
        self.conventions: dict[str, str] = {}
        # parameter name -> [(names of the parameter after it, type)]: a handler's shape
        self.shapes: dict[str, list] = {}
        # ref local -> (offset, component) of the JSX elements it is attached to
        self.jsx_refs: dict[str, list] = {}
        self.relative, self.checkish, self.roots = _language_facts(catalog, interest)
        # the module part of this file's qualified names (``./src/privacy``,
        # spelled as the manifest spells it when it names this file), None
        # when the file's module is unknown (then no project facts are emitted)
        self.modname = None
        if module:
            norm = _normalise("./" + posixpath.normpath(module))
            self.modname = self.relative.get(norm, norm)
        self.owner = None  # qualname of the function being lowered (None: module level)
        self.this_class = None  # qualname of the class `this` stands for
        self.classes: list[F.ClassDecl] = []
        self.class_supers: dict[str, tuple] = {}
        # functions of exported object literals lowered as units (``_member_units``):
        # (start, end) -> qualname, and the units
        self.lifted: dict[tuple[int, int], str] = {}
        self.units: list[_Unit] = []

    # ------------------------------------------------------------------ driver

    def run(self, tree, path) -> F.FileFacts:
        root = tree.root_node
        problems = ts.syntax_problems(tree, self.positions)
        units, module_stmts = self._module_pass(root)
        grammar = _JSX_GRAMMARS.get(posixpath.splitext(path)[1])
        if grammar is not None and b"ref=" in self.source:
            self._jsx_refs(grammar, root)
        for name, type_, when, after in self.catalog.parameters:
            if when and not any(s == w or s.startswith(w + "/") for s in self.specifiers for w in when):
                continue
            if after:
                self.shapes.setdefault(name, []).append((frozenset(after), type_))
            else:
                self.conventions.setdefault(name, type_)
        functions = []
        for unit in self._wanted(units, module_stmts):
            if unit is None:
                scope = _FnScope(self.globals)
                body = self._stmts(module_stmts, scope)
                functions.append(F.Function("<module>", self._qual("<module>"), (), (), F.Block(tuple(body)),
                                            self.positions.span(root)))
            else:
                functions.extend(self._unit(unit))
        return F.FileFacts(path=path, language=self.catalog.language, module=self.modname,
                           imports=tuple(self.imports), functions=tuple(functions), problems=problems,
                           classes=tuple(self.classes),
                           initials=initials.extract(root, self.source, self.catalog.language, self.interest,
                                                     self.positions))

    def _qual(self, name: str) -> str:
        """``./src/file#name`` at module level, ``<enclosing qualname>.name``
        inside a function (``./src/file#outer.inner``)."""
        if self.modname is None:
            return name
        if self.owner is None:
            return f"{self.modname}#{name}"
        return f"{self.owner}.{name}"

    def _project_binding(self, name: str):
        """The binding of a definition of ``name`` here: its qualname when it
        is tracked, else a ``_ProjectBinding`` (UNKNOWN when the module is unknown)."""
        if self.modname is None:
            return UNKNOWN
        qualname = self._qual(name)
        return _JsBinding(qualname) if qualname in self.prefixes else _ProjectBinding(qualname)

    def _module_pass(self, root):
        """Bind module-level names and list the top-level units."""
        units: list[_Unit] = []
        module_stmts: list = []
        for node in root.named_children:
            inner = node
            if node.type == "export_statement":
                if self.modname is not None:
                    self._exports(node)
                inner = node.child_by_field_name("declaration") or node.child_by_field_name("value")
                if inner is None:
                    continue  # export { a } from "x"
            elif node.type == "expression_statement" and self.modname is not None:
                unit = self._commonjs_export(node)
                if unit is not None:
                    units.append(unit)
                    continue
            t = inner.type
            if t == "import_statement":
                self._import(inner)
            elif t in _FUNCTION_DECLS:
                name = _field_text(inner, "name") or "default"
                if t != "function_signature":
                    units.append(_Unit(inner, name, "function"))
                self._bind_definition(name)
            elif t in _CLASS_DECLS or t == "class":
                name = _field_text(inner, "name") or "default"
                units.append(_Unit(inner, name, "class"))
                self._bind_definition(name)
            elif t in _FUNCTION_VALUES and node is not inner:
                units.append(_Unit(inner, "default", "function"))
            elif t == "object" and node is not inner and self.modname is not None:
                self._member_units(inner, "default.")
                module_stmts.append(inner)
            elif t in _DECLARATIONS:
                declarators = [d for d in inner.named_children if d.type == "variable_declarator"]
                values = self._unit_values if self.modname is not None else _FUNCTION_VALUES
                if declarators and all((d.child_by_field_name("value") is not None
                                        and d.child_by_field_name("value").type in values)
                                       for d in declarators):
                    for d in declarators:
                        name = _field_text(d, "name") or "<anonymous>"
                        # `const C = class extends B {}` is class C
                        kind = "class" if d.child_by_field_name("value").type == "class" else "declaration"
                        units.append(_Unit(d, name, kind))
                        self._bind_definition(name)
                else:
                    for d in declarators:
                        self._bind_global_declarator(d)
                    module_stmts.append(inner)
            elif t == "interface_declaration":
                if self.modname is not None:
                    self._interface(inner)
            elif t in ("comment", "empty_statement", "type_alias_declaration",
                       "ambient_declaration", "enum_declaration", "module", "internal_module",
                       "import_alias", "hash_bang_line"):
                continue
            else:
                module_stmts.append(inner)
        units += self.units
        units.sort(key=lambda u: u.start)
        return units, module_stmts

    # Exports and re-exports, for the project index (DESIGN section 7), are
    # entries of ``FileFacts.imports``: in JS/TS an import of a file whose
    # bound name is also exported is a re-export, and a name another file
    # asks for (``./src/m#N``) that ``m`` does not define can only be such an
    # import, so the index follows ``./src/m#N`` to the import of ``m`` bound
    # to ``N`` (``alias``, else ``name``). What is emitted:
    #
    # - ``export { a as b } from "./x"`` -> ``Import("./src/x", "a", "b")``
    #   (``alias`` always set, also when equal to ``name``);
    # - ``export * as ns from "./x"`` -> ``Import("./src/x", None, "ns")`` (as
    #   ``import * as ns``: a namespace);
    # - ``export * from "./x"`` -> ``Import("./src/x", None, None, star=True)``
    #   (JS imports never set ``star`` otherwise): every export of ``./src/x``
    #   except ``default``;
    # - an alias of the file's own name, ``export { a as b }``, ``export
    #   default a``, ``export default function a() {}``, ``module.exports = a``,
    #   ``exports.b = a`` -> ``Import(<this module>, "a", "b")``: ``./src/m#b``
    #   is ``./src/m#a``;
    # - an export under its own name (``export function a``, ``export const
    #   a``, ``export { a }``, ``exports.a = function () {}``) ->
    #   ``Import(<this module>, "a", "a")``: an export marker (entry points),
    #   nothing to follow.
    # Specifiers are resolved as for imports (``./src/x`` from ``./src/m``'s
    # folder, index files and extensions normalised; packages as written).

    def _export_clause(self, clause, module: str, span) -> None:
        """``export { a as b }`` (from ``module``): ``Import(module, "a", "b")``."""
        for item in clause.named_children:
            if item.type == "export_specifier":
                name = _field_text(item, "name")
                if name:
                    self.imports.append(F.Import(module, name, _field_text(item, "alias") or name, span))

    def _exports(self, node) -> None:
        span = self.positions.span(node)
        own = self.modname
        source = node.child_by_field_name("source")
        if source is not None:
            raw = _string(source)
            spec = self._specifier(raw) if isinstance(raw, str) else None
            if spec is None:
                return
            clause = next((c for c in node.named_children if c.type in ("export_clause", "namespace_export")), None)
            if clause is None:
                self.imports.append(F.Import(spec, None, None, span, star=True))
            elif clause.type == "namespace_export":
                name = next((ts.text(c) for c in clause.named_children if c.type == "identifier"), None)
                if name:
                    self.imports.append(F.Import(spec, None, name, span))
            else:
                self._export_clause(clause, spec, span)
            return
        default = any(c.type == "default" for c in node.children)
        declaration = node.child_by_field_name("declaration")
        value = node.child_by_field_name("value")
        clause = next((c for c in node.named_children if c.type == "export_clause"), None)
        if clause is not None:
            self._export_clause(clause, own, span)
            return
        inner = declaration if declaration is not None else value
        if inner is None:
            return
        names = []
        if inner.type in _DECLARATIONS:
            for d in inner.named_children:
                if d.type == "variable_declarator":
                    pattern = d.child_by_field_name("name")
                    if pattern is not None:
                        names.extend(local for _, local in _pattern_items(pattern) if local)
        elif inner.type == "identifier":
            names.append(ts.text(inner))
        elif inner.type in _FUNCTION_DECLS or inner.type in _CLASS_DECLS or inner.type == "class" \
                or inner.type in ("interface_declaration", "enum_declaration", "type_alias_declaration"):
            name = _field_text(inner, "name")
            if name:
                names.append(name)
        for name in names:
            self.imports.append(F.Import(own, name, "default" if default else name, span))

    def _commonjs_export(self, node):
        """``exports.a = <function>`` / ``module.exports = <function>`` at
        module level: a unit named ``a`` / ``default``; ``exports.b = a`` /
        ``module.exports = a`` / ``module.exports = { a, b: c }`` record the
        export (see above). Returns the unit, if any."""
        expr = node.named_children[0] if node.named_child_count else None
        if expr is None or expr.type != "assignment_expression":
            return None
        left = expr.child_by_field_name("left")
        right = expr.child_by_field_name("right")
        if left is None or right is None or left.type != "member_expression" \
                or left.end_byte - left.start_byte > 200:
            return None
        target = ts.text(left)
        if target == "module.exports":
            export = "default"
        elif target.startswith(("exports.", "module.exports.")) and target.count(".") == target.startswith("module.") + 1 \
                and _field_type(left, "property") == "property_identifier":
            export = _field_text(left, "property")
        else:
            return None
        span = self.positions.span(node)
        if right.type in _FUNCTION_VALUES:
            name = _field_text(right, "name") if export == "default" else None
            if name:
                self.imports.append(F.Import(self.modname, name, export, span))
            elif export != "default":
                self.imports.append(F.Import(self.modname, export, export, span))
            return _Unit(right, name or export, "function")
        revealed = _revealing(right) if export == "default" else None
        if revealed is not None:
            function, members = revealed
            for key, local in members:
                self.imports.append(F.Import(self.modname, f"<iife>.{local}", key, span))
            return _Unit(function, "<iife>", "function")
        if right.type == "identifier":
            self.imports.append(F.Import(self.modname, ts.text(right), export, span))
        elif right.type == "object" and export == "default":
            for prop in right.named_children:
                if prop.type == "shorthand_property_identifier":
                    self.imports.append(F.Import(self.modname, ts.text(prop), ts.text(prop), span))
                elif prop.type == "pair":
                    key = _property_key(prop.child_by_field_name("key"))
                    value = prop.child_by_field_name("value")
                    if key and value is not None and value.type == "identifier":
                        self.imports.append(F.Import(self.modname, ts.text(value), key, span))
                    elif key and value is not None and value.type in _FUNCTION_VALUES:
                        self.imports.append(F.Import(self.modname, key, key, span))
            self._member_units(right, "")
        return None

    def _member_units(self, obj, prefix: str) -> None:
        """The functions of an exported object literal (``module.exports =
        { create: async (req, res) => ... }``, ``export default { place() {} }``)
        are units of their own, ``<module>#create`` / ``<module>#default.place``,
        so the index and call graph see them; the object itself is lowered with
        the module body, where each stands as a reference to its function."""
        for prop in obj.named_children:
            if prop.type == "pair":
                key = _property_key(prop.child_by_field_name("key"))
                value = prop.child_by_field_name("value")
            elif prop.type == "method_definition":
                key, value = _field_text(prop, "name"), prop
            else:
                continue
            if key and value is not None and (value.type in _FUNCTION_VALUES or value.type == "method_definition"):
                name = prefix + key
                self.lifted[(value.start_byte, value.end_byte)] = self._qual(name)
                self.units.append(_Unit(value, name, "function"))

    def _jsx_refs(self, grammar, root) -> None:
        """``<CameraView ref={cameraRef} />``: ``cameraRef.current`` is a
        ``CameraView`` (names the JSX element resolves to at module level)."""
        for ref in ts.captures(ts.query(grammar, "jsx_refs"), root).get("ref", ()):
            element = ref.parent.parent.parent if ref.parent is not None and ref.parent.parent is not None else None
            name = element.child_by_field_name("name") if element is not None else None
            if name is None:
                continue
            qualname = self._static(name)
            if qualname is not None and qualname in self.prefixes:
                self.jsx_refs.setdefault(ts.text(ref), []).append((ref.start_byte, qualname))

    def _bind_definition(self, name: str) -> None:
        self.globals.bind(name, self._project_binding(name))

    def _wanted(self, units, module_stmts):
        """The units that mention a tracked name; None stands for the module body.
        With a known module every unit is lowered: the project index needs
        every function, call edge and return, whatever it mentions."""
        if self.modname is not None or getattr(self.interest, "everything", False):
            return ([None] if module_stmts else []) + list(units)
        tokens = set(self.conventions) | set(self.shapes)
        for name, binding in self.globals.names.items():
            if binding.qualname is not None and binding.qualname in self.prefixes:
                tokens.add(name)
        tokens.discard("")
        selected: dict[int, object] = {}
        starts = [u.start for u in units]
        for offset in _mentions(self.source, self.roots | {t.encode() for t in tokens}):
            i = bisect.bisect_right(starts, offset) - 1
            if i >= 0 and units[i].end > offset:
                selected.setdefault(units[i].start, units[i])
            elif module_stmts:
                selected.setdefault(-1, None)
        return [selected[k] for k in sorted(selected)]

    # ----------------------------------------------------------------- imports

    def _specifier(self, raw: str) -> str | None:
        """The module part of qualified names for an import specifier."""
        if not raw.startswith("."):
            return raw
        if self.module is None:
            return None
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(self.module), raw))
        norm = _normalise("./" + joined if not joined.startswith("..") else joined)
        return self.relative.get(norm, norm)

    def _import(self, node) -> None:
        required = next((c for c in node.named_children if c.type == "import_require_clause"), None)
        if required is not None:
            # TS `import fs = require("fs")`: the module namespace
            name = next((c for c in required.named_children if c.type == "identifier"), None)
            raw = _string(required.child_by_field_name("source"))
            spec = self._specifier(raw) if isinstance(raw, str) else None
            if isinstance(raw, str):
                self.specifiers.add(raw)
            if name is not None:
                self.globals.bind(ts.text(name), _JsBinding(f"{spec}#") if spec else UNKNOWN)
            return
        source = node.child_by_field_name("source")
        raw = _string(source) if source is not None else None
        if not isinstance(raw, str):
            return
        spec = self._specifier(raw)
        span = self.positions.span(node)
        self.specifiers.add(raw)
        clause = next((c for c in node.named_children if c.type == "import_clause"), None)
        if clause is None or spec is None:
            if clause is not None:
                for name in _clause_names(clause):
                    self.globals.bind(name, UNKNOWN)
            return
        for child in clause.named_children:
            if child.type == "identifier":
                self.imports.append(F.Import(spec, "default", ts.text(child), span))
                self.globals.bind(ts.text(child), _JsBinding(self._canonical(f"{spec}#default")))
            elif child.type == "namespace_import":
                name = ts.text(child.named_children[0]) if child.named_child_count else None
                if name:
                    self.imports.append(F.Import(spec, None, name, span, star=False))
                    self.globals.bind(name, _JsBinding(f"{spec}#"))
            elif child.type == "named_imports":
                for item in child.named_children:
                    if item.type != "import_specifier":
                        continue
                    name = _field_text(item, "name")
                    alias = _field_text(item, "alias") or name
                    if name:
                        self.imports.append(F.Import(spec, name, alias if alias != name else None, span))
                        self.globals.bind(alias, _JsBinding(self._canonical(f"{spec}#{name}")))

    def _require(self, node, record=True) -> str | None:
        """``require("m")`` (or a compiled interop wrapper of it) -> ``m#``;
        ``record`` notes the import (off to resolve a node a second time)."""
        while node is not None and node.type in _TRANSPARENT and node.named_child_count:
            node = node.named_children[0]
        if node is None or node.type != "call_expression":
            return None
        function = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if function is None or args is None or args.type != "arguments":
            return None
        values = [a for a in args.named_children if a.type != "comment"]
        if function.type == "identifier" and _INTEROP.match(ts.text(function)) and len(values) >= 1:
            return self._require(values[0], record)
        if function.type not in ("identifier", "import") or ts.text(function) not in ("require", "import"):
            return None
        raw = _string(values[0]) if values else None
        if not isinstance(raw, str):
            return None
        spec = self._specifier(raw)
        if record:
            self.specifiers.add(raw)
            if spec is not None:
                self.imports.append(F.Import(spec, None, None, self.positions.span(node)))
        return f"{spec}#" if spec is not None else None

    @staticmethod
    def _export_binding(spec, prop):
        """``const { hasPerm } = require("./perms")``: the project export, untracked."""
        if prop and spec and spec.startswith(".") and spec.endswith("#"):
            return _ProjectBinding(spec + prop)
        return UNKNOWN

    def _canonical(self, qualname: str) -> str:
        return self.interest.canonical(qualname)

    def _bind_global_declarator(self, node) -> None:
        """Module-level ``const x = ...`` (lowered again with the module body)."""
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None:
            return
        qualname = self._static(value) if value is not None else None
        if name.type == "identifier":
            binding = UNKNOWN
            if value is not None and value.type in _FUNCTION_VALUES:
                binding = self._project_binding(ts.text(name))
            elif qualname is not None:
                binding = _JsBinding(qualname)
            elif value is not None:
                const = _literal(value)
                if const is not _NOT_LITERAL:
                    binding = _JsBinding(const=const, has_const=True)
            self.globals.bind(ts.text(name), binding)
            return
        for prop, local in _pattern_items(name):
            if local is None:
                continue
            member = self._member(qualname, prop) if prop is not None else None
            self.globals.bind(local, _JsBinding(member) if member is not None else self._export_binding(qualname, prop))

    def _static(self, node) -> str | None:
        """Resolve an initializer with module-level names only."""
        spec = self._require(node)
        if spec is not None:
            return spec
        t = node.type
        if t in _TRANSPARENT and node.named_child_count:
            return self._static(node.named_children[0] if t != "type_assertion" else node.named_children[-1])
        if t == "identifier":
            return self._global_name(ts.text(node), self.globals)
        if t == "member_expression":
            base = self._static(node.child_by_field_name("object"))
            return self._member(base, _field_text(node, "property"))
        if t in ("call_expression", "new_expression"):
            callee = self._static(node.child_by_field_name("function") or node.child_by_field_name("constructor"))
            return self._call_name(callee)
        return None

    # -------------------------------------------------------------- resolution

    def _global_name(self, name: str, scope) -> str | None:
        binding = scope.lookup(name)
        if binding is not None:
            return binding.qualname
        if name in _GLOBAL_OBJECTS:
            return _GLOBAL
        if name in self.prefixes and "#" not in name:
            return name
        return None

    def _member(self, base: str | None, name: str | None) -> str | None:
        if base is None or name is None:
            return None
        if base == _GLOBAL:
            return name if name in self.prefixes else None
        if base not in self.prefixes:
            return None
        return self._canonical(base + name if base.endswith("#") else f"{base}.{name}")

    def _call_name(self, callee: str | None) -> str | None:
        """The name a call is matched by: calling a namespace calls its default export."""
        if callee is not None and callee.endswith("#"):
            return self._canonical(callee + "default")
        return callee

    def _resolve(self, node, scope) -> str | None:
        t = node.type
        if t == "identifier":
            return self._global_name(ts.text(node), scope)
        if t == "member_expression":
            obj = node.child_by_field_name("object")
            prop = _field_text(node, "property")
            if prop == "current" and obj.type == "identifier":
                binding = scope.lookup(ts.text(obj))
                if isinstance(binding, _JsBinding) and binding.ref is not None:
                    return binding.ref
            return self._member(self._resolve(obj, scope), prop)
        if t in ("call_expression", "new_expression"):
            spec = self._require(node, record=False)
            if spec is not None:
                return spec if spec in self.prefixes else None  # require("fastify")() is fastify#default
            callee = self._call_name(self._resolve(_callee_node(node), scope))
            return callee if callee in self.prefixes else None
        if t in _TRANSPARENT and node.named_child_count:
            return self._resolve(node.named_children[-1] if t == "type_assertion" else node.named_children[0], scope)
        if t == "sequence_expression" and node.named_child_count:
            return self._resolve(node.named_children[-1], scope)
        if t == "this":
            return None
        return None

    def _project(self, node, scope, top=True) -> str | None:
        """The project function or class a callee may name when it is no
        tracked name (``helper`` -> ``./src/file#helper``, ``p.hasPerm`` of
        ``import * as p from "./perms"`` -> ``./src/perms#hasPerm``,
        ``require("./perms").hasPerm``, ``this.start`` in class ``C`` ->
        ``./src/file#C.start``), or None. Project names start with ``.``.
        ``this.x`` / ``super.x`` name a method only as the callee itself
        (``top``): ``this.svc.load()`` calls a method of a field, unknown here."""
        t = node.type
        if t == "identifier":
            binding = scope.lookup(ts.text(node))
            if binding is None:
                return None
            q = binding.target if type(binding) is _ProjectBinding else binding.qualname
            return q if q is not None and q.startswith(".") else None
        if t == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            if obj is None or prop is None or prop.type not in ("property_identifier", "private_property_identifier"):
                return None
            if obj.type == "this":
                base = self.this_class if top else None
            elif not top and obj.type == "super":
                base = None
            elif obj.type == "super":
                # the first supertype when it is a project class
                supers = self.class_supers.get(self.this_class, ())
                base = supers[0] if supers and supers[0].startswith(".") else None
            elif obj.type == "call_expression":
                base = self._require(obj, record=False)
            elif obj.type == "new_expression" and obj.child_by_field_name("constructor") is not None:
                # new Source().read(): a method of that project class
                base = self._project(obj.child_by_field_name("constructor"), scope, False)
            elif _is_exports(obj) and scope.lookup("exports") is None and scope.lookup("module") is None:
                base = self.modname + "#"  # CommonJS: this module's own exports
            else:
                base = self._project(obj, scope, False)
            if base is None:
                return None
            name = ts.text(prop)
            return base + name if base.endswith("#") else f"{base}.{name}"
        if t in _TRANSPARENT and node.named_child_count:
            return self._project(node.named_children[-1] if t == "type_assertion" else node.named_children[0],
                                 scope, top)
        return None

    def _type_of(self, annotation, scope) -> str | None:
        """The tracked type a TS annotation names (``Request``, ``express.Request``)."""
        if annotation is None:
            return None
        node = annotation.named_children[0] if annotation.type == "type_annotation" and annotation.named_child_count else annotation
        if node.type == "generic_type":
            node = node.child_by_field_name("name") or node
        if node.type == "type_identifier":
            q = self._global_name(ts.text(node), scope)
        elif node.type == "nested_type_identifier":
            parts = ts.text(node).split(".")
            q = self._global_name(parts[0], scope)
            for part in parts[1:]:
                q = self._member(q, part)
        else:
            return None
        return q if q in self.prefixes else None

    # ------------------------------------------------------------------- units

    _unit_values = _FUNCTION_VALUES | {"class"}

    def _unit(self, unit: _Unit) -> list[F.Function]:
        node = unit.node
        if unit.kind == "class":
            if node.type == "variable_declarator":
                node = node.child_by_field_name("value")
            return [d.function for d in self._class(node, self.globals, unit.name)]
        if unit.kind == "declaration":
            node = node.child_by_field_name("value")
        return [self._function(node, self.globals, unit.name, self._qual(unit.name))]

    def _function(self, node, scope, name, qualname, preamble=(), this=None) -> F.Function:
        """``this`` is the class ``this`` stands for in a method; any other
        non-arrow function rebinds ``this`` to nothing known."""
        owner, this_class = self.owner, self.this_class
        if self.modname is not None:
            self.owner = qualname
        if this is not None:
            self.this_class = this
        elif node.type != "arrow_function":
            self.this_class = None
        try:
            return self._function_body(node, scope, name, qualname, preamble)
        finally:
            self.owner, self.this_class = owner, this_class

    def _function_body(self, node, scope, name, qualname, preamble) -> F.Function:
        inner = _FnScope(scope)
        params = self._params(node, inner)
        for stmt in preamble:
            # a parameter that receives a check's result holds that check
            if isinstance(stmt, F.Assign) and isinstance(stmt.value, F.Call):
                inner.bind(stmt.target, _JsBinding(alias=stmt.value))
        body = node.child_by_field_name("body")
        stmts = list(preamble)
        if body is None:
            pass
        elif body.type == "statement_block":
            stmts.extend(self._stmts(body.named_children, inner, hoist=True))
        else:
            stmts.append(F.Exit("return", self._expr(body, inner)))
        return F.Function(name, qualname, tuple(params), (), F.Block(tuple(stmts)), self.positions.span(node))

    def _params(self, node, scope) -> list[str]:
        names: list[str] = []
        single = node.child_by_field_name("parameter")
        if single is not None:
            nodes = [single]
        else:
            parameters = node.child_by_field_name("parameters")
            nodes = parameters.named_children if parameters is not None else []
        patterns = []
        for p in nodes:
            type_ = None
            pattern = p
            if p.type in ("required_parameter", "optional_parameter"):
                pattern = p.child_by_field_name("pattern")
                type_ = self._type_of(p.child_by_field_name("type"), scope)
            if pattern is not None and pattern.type == "assignment_pattern":
                pattern = pattern.child_by_field_name("left")
            if pattern is not None:
                patterns.append((pattern, type_))
        idents = [ts.text(p) if p.type == "identifier" else None for p, _ in patterns]
        for i, (pattern, type_) in enumerate(patterns):
            if pattern.type == "identifier":
                name = idents[i]
                names.append(name)
                type_ = type_ or self.conventions.get(name) or self._shaped(name, idents[i + 1:i + 2])
                scope.bind(name, _JsBinding(type_) if type_ else self._untyped_binding())
            else:
                for _, local in _pattern_items(pattern):
                    if local:
                        names.append(local)
                        scope.bind(local, UNKNOWN)
        return names

    def _shaped(self, name: str, after) -> str | None:
        """The type a handler's shape gives an untyped parameter: ``req``
        followed by ``res`` (``(req, res, next)``, ``(err, req, res, next)``)."""
        for names, type_ in self.shapes.get(name, ()):
            if after and after[0] in names:
                return type_
        return None

    def _untyped_binding(self):
        """What an untyped parameter is bound to: chains on it are project
        facts, emitted only when the module is known."""
        return _Untyped() if self.modname is not None else UNKNOWN

    def _class(self, node, scope, name) -> list[F.Def]:
        """The class's members as ``Def``s (``./src/file#C.method``) and, when
        the module is known, its ``ClassDecl``; ``this`` in members is the class."""
        qualname = self._qual(name)
        if self.modname is not None:
            supers = self._supers(node, scope)
            self.class_supers[qualname] = supers
            self.classes.append(F.ClassDecl(qualname, supers, self.positions.span(node)))
        out = []
        body = node.child_by_field_name("body")
        if body is None:
            return out
        owner, this_class = self.owner, self.this_class
        this = qualname if self.modname is not None else None
        self.this_class = this
        try:
            for member in body.named_children:
                t = member.type
                if t == "method_definition":
                    method = _field_text(member, "name") or "<method>"
                    function = self._function(member, scope, method, self._qual(f"{name}.{method}"), this=this)
                    if self.class_supers.get(qualname):
                        # JS marks no override: a method of a class that extends
                        # another may be one the framework calls (`componentDidMount`)
                        function = replace(function, override=True)
                    out.append(F.Def(function))
                elif t in ("public_field_definition", "field_definition"):
                    value = member.child_by_field_name("value")
                    field = _field_text(member, "name") or _field_text(member, "property") or "<field>"
                    field_qual = self._qual(f"{name}.{field}")
                    if value is not None and value.type in _FUNCTION_VALUES:
                        out.append(F.Def(self._function(value, scope, field, field_qual, this=this)))
                    elif value is not None:
                        fn_scope = _FnScope(scope)
                        if self.modname is not None:
                            self.owner = field_qual
                        expr = self._expr(value, fn_scope)
                        self.owner = owner
                        if expr is not None:
                            out.append(F.Def(F.Function(field, field_qual, (), (),
                                                        F.Block((F.Eval(expr),)), self.positions.span(member))))
                elif t == "class_static_block":
                    block = member.child_by_field_name("body")
                    if block is not None:
                        fn_scope = _FnScope(scope)
                        static_qual = self._qual(f"{name}.<static>")
                        if self.modname is not None:
                            self.owner = static_qual
                        stmts = tuple(self._stmts(block.named_children, fn_scope))
                        self.owner = owner
                        out.append(F.Def(F.Function("<static>", static_qual, (), (), F.Block(stmts),
                                                    self.positions.span(member))))
        finally:
            self.owner, self.this_class = owner, this_class
        return out

    def _interface(self, node) -> None:
        """A TS interface: a ``ClassDecl`` with ``interface`` set (for dispatch)."""
        name = _field_text(node, "name")
        if not name:
            return
        clause = next((c for c in node.named_children if c.type == "extends_type_clause"), None)
        supers = tuple(self._type_name(c, self.globals) for c in clause.named_children
                       if c.type != "comment") if clause is not None else ()
        self.classes.append(F.ClassDecl(self._qual(name), supers, self.positions.span(node), interface=True))
        if name not in self.globals.names and name not in self.prefixes:  # a type: never hide a value
            self._bind_definition(name)

    def _supers(self, node, scope) -> tuple[str, ...]:
        """Direct supertypes of a class (``extends``, TS ``implements``),
        resolved like call targets where possible, else as written."""
        heritage = next((c for c in node.named_children if c.type == "class_heritage"), None)
        if heritage is None:
            return ()
        out = []
        for clause in heritage.named_children:
            if clause.type in ("extends_clause", "implements_clause"):
                items = [c for c in clause.named_children if c.type not in ("type_arguments", "comment")]
            elif clause.type == "comment":
                continue
            else:
                items = [clause]  # JS: `extends <expression>`
            for item in items:
                out.append(self._type_name(item, scope))
        return tuple(out)

    def _type_name(self, node, scope) -> str:
        """A class or interface named by an expression or a TS type, qualified
        like a call target where it resolves, else as written."""
        if node.type == "generic_type":
            node = node.child_by_field_name("name") or node
        if node.type in ("type_identifier", "nested_type_identifier"):
            parts = ts.text(node).split(".")
            binding = scope.lookup(parts[0])
            base = None
            if binding is not None:
                base = binding.target if type(binding) is _ProjectBinding else binding.qualname
            if base is None:
                return ts.text(node)
            for part in parts[1:]:
                base = base + part if base.endswith("#") else f"{base}.{part}"
            return base
        resolved = self._resolve(node, scope) or self._project(node, scope)
        return resolved if resolved is not None and resolved != _GLOBAL else ts.text(node)

    # -------------------------------------------------------------- statements

    def _stmts(self, nodes, scope, hoist=False) -> list:
        if hoist:
            for node in nodes:
                inner = node.child_by_field_name("declaration") if node.type == "export_statement" else node
                if inner is not None and (inner.type in _FUNCTION_DECLS or inner.type in _CLASS_DECLS):
                    name = _field_text(inner, "name")
                    if name:
                        scope.bind(name, self._project_binding(name))
        out: list = []
        for node in nodes:
            out.extend(self._stmt(node, scope))
        return out

    def _block(self, node, scope) -> F.Block:
        if node is None:
            return F.EMPTY
        inner = _FnScope(scope, block=True)
        if node.type == "statement_block":
            return F.Block(tuple(self._stmts(node.named_children, inner, hoist=True)))
        if node.type == "else_clause":
            return F.Block(tuple(self._stmts(node.named_children, inner)))
        return F.Block(tuple(self._stmt(node, inner)))

    def _stmt(self, node, scope) -> list:
        t = node.type
        if t == "expression_statement":
            expr = node.named_children[0] if node.named_child_count else None
            return self._expression_statement(expr, scope) if expr is not None else []
        if t in _DECLARATIONS:
            out = []
            for d in node.named_children:
                if d.type == "variable_declarator":
                    out.extend(self._declarator(d, scope))
            return out
        if t == "if_statement":
            test = self._expr(node.child_by_field_name("condition"), scope)
            return [F.If(test, self._block(node.child_by_field_name("consequence"), scope),
                         self._block(node.child_by_field_name("alternative"), scope))]
        if t == "return_statement":
            value = node.named_children[0] if node.named_child_count else None
            return [F.Exit("return", self._expr(value, scope) if value is not None else None)]
        if t == "throw_statement":
            value = node.named_children[0] if node.named_child_count else None
            return [F.Exit("raise", self._expr(value, scope) if value is not None else None)]
        if t in ("break_statement", "continue_statement"):
            return [F.Exit("break" if t == "break_statement" else "continue")]
        if t == "statement_block":
            return list(self._block(node, scope).stmts)
        if t == "while_statement":
            return [F.Loop(self._expr(node.child_by_field_name("condition"), scope),
                           self._block(node.child_by_field_name("body"), scope), F.EMPTY)]
        if t == "do_statement":
            body = self._block(node.child_by_field_name("body"), scope)
            return [F.Loop(None, F.Block(body.stmts + (F.Eval(self._expr(node.child_by_field_name("condition"), scope)),)), F.EMPTY)]
        if t == "for_statement":
            inner = _FnScope(scope, block=True)
            out = []
            init = node.child_by_field_name("initializer")
            if init is not None:
                out.extend(self._stmt(init, inner) if init.type in _DECLARATIONS else
                           self._expression_statement(init, inner))
            test = node.child_by_field_name("condition")
            test_expr = None
            if test is not None and test.type == "expression_statement":
                test = test.named_children[0] if test.named_child_count else None
            if test is not None:
                test_expr = self._expr(test, inner)
            body = self._block(node.child_by_field_name("body"), inner)
            increment = node.child_by_field_name("increment")
            tail = (F.Eval(self._expr(increment, inner)),) if increment is not None else ()
            out.append(F.Loop(test_expr, F.Block(body.stmts + tail), F.EMPTY))
            return out
        if t == "for_in_statement":
            inner = _FnScope(scope, block=True)
            right = F.Eval(self._expr(node.child_by_field_name("right"), scope))
            left = node.child_by_field_name("left")
            if left is not None:
                for _, local in _pattern_items(left):
                    if local:
                        inner.bind(local, UNKNOWN)
            return [right, F.Loop(None, self._block(node.child_by_field_name("body"), inner), F.EMPTY)]
        if t == "try_statement":
            body = self._block(node.child_by_field_name("body"), scope)
            handlers = []
            handler = node.child_by_field_name("handler")
            if handler is not None:
                inner = _FnScope(scope, block=True)
                param = handler.child_by_field_name("parameter")
                if param is not None:
                    for _, local in _pattern_items(param):
                        if local:
                            inner.bind(local, UNKNOWN)
                handlers.append(self._block(handler.child_by_field_name("body"), inner))
            final = node.child_by_field_name("finalizer")
            final_block = self._block(final.child_by_field_name("body"), scope) if final is not None else F.EMPTY
            return [F.Try(body, tuple(handlers), F.EMPTY, final_block)]
        if t == "switch_statement":
            return self._switch(node, scope)
        if t == "labeled_statement":
            body = node.child_by_field_name("body")
            return self._stmt(body, scope) if body is not None else []
        if t == "export_statement":
            inner = node.child_by_field_name("declaration") or node.child_by_field_name("value")
            if inner is None:
                return []
            if inner.type in _FUNCTION_VALUES or inner.type == "class":
                return [F.Eval(self._expr(inner, scope))]
            return self._stmt(inner, scope)
        if t in _FUNCTION_DECLS:
            if t == "function_signature":
                return []
            name = _field_text(node, "name") or "<function>"
            scope.bind(name, self._project_binding(name))
            return [F.Def(self._function(node, scope, name, self._qual(name)))]
        if t in _CLASS_DECLS:
            name = _field_text(node, "name") or "<class>"
            scope.bind(name, self._project_binding(name))
            return self._class(node, scope, name)
        if t in ("import_statement", "comment", "empty_statement", "debugger_statement",
                 "type_alias_declaration", "interface_declaration", "ambient_declaration",
                 "enum_declaration", "module", "internal_module", "import_alias"):
            return []
        expr = self._expr(node, scope)
        return [F.Eval(expr)] if expr is not None else []

    def _switch(self, node, scope) -> list:
        """A switch without fall-through into code (each case ends in break,
        return, throw or continue; empty labels share the next case's code)
        is an if/else chain on the subject, so `case "granted":` is a grant
        branch; any other switch is a Choice of its cases."""
        subject = self._expr(node.child_by_field_name("value"), scope)
        body = node.child_by_field_name("body")
        inner = _FnScope(scope, block=True)
        cases = []  # (labels, statements, ends without falling through)
        pending: list = []
        for case in (body.named_children if body is not None else ()):
            if case.type not in ("switch_case", "switch_default"):
                continue
            value = case.child_by_field_name("value")
            label = self._expr(value, inner) if value is not None else _DEFAULT
            stmts = []
            for child in case.children_by_field_name("body"):
                stmts.extend(self._stmt(child, inner))
            ends = bool(stmts) and isinstance(stmts[-1], F.Exit)
            # a trailing `break` leaves the switch, not the function
            while stmts and isinstance(stmts[-1], F.Exit) and stmts[-1].kind == "break":
                stmts.pop()
            if not stmts and not ends:
                pending.append(label)
                continue
            cases.append((pending + [label], stmts, ends))
            pending = []
        if pending:
            cases.append((pending, [], True))
        chain = subject is not None and all(ends for _, _, ends in cases[:-1]) \
            and not any(_DEFAULT in labels for labels, _, _ in cases[:-1])
        if not chain:
            arms = tuple(F.Block(tuple([F.Eval(l) for l in labels if l is not _DEFAULT and l is not None] + stmts))
                         for labels, stmts, _ in cases)
            exhaustive = any(_DEFAULT in labels for labels, _, _ in cases)
            return [F.Choice(subject, arms, exhaustive, breaks=True)]
        temp = f"<switch@{node.start_byte}>"
        orelse = F.EMPTY
        for labels, stmts, _ in reversed(cases):
            if _DEFAULT in labels:
                orelse = F.Block(tuple(stmts))
                continue
            tests = tuple(F.Compare(F.Name(temp, None, True), "eq", label) for label in labels)
            test = tests[0] if len(tests) == 1 else F.BoolOp("or", tests)
            orelse = F.Block((F.If(test, F.Block(tuple(stmts)), orelse),))
        return [F.Assign(temp, subject), *orelse.stmts]

    def _expression_statement(self, node, scope) -> list:
        if node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None and left.type == "identifier":
                value = self._expr(right, scope) if right is not None else None
                name = ts.text(left)
                target = scope
                while target is not None and name not in target.names and isinstance(target, _FnScope):
                    target = target.parent
                if not isinstance(target, _FnScope):
                    target = scope  # an outer variable: shadow from here on
                untyped = F.is_link(value) or self._untyped(value, scope)
                target.bind(name, _Untyped() if untyped else self._binding_for(value))
                return [F.Assign(name, value)]
            if left is not None and left.type in ("object_pattern", "array_pattern"):
                return self._destructure(left, right, scope)
        if node.type == "sequence_expression":
            out = []
            for child in node.named_children:
                out.extend(self._expression_statement(child, scope))
            return out
        expr = self._expr(node, scope)
        return [F.Eval(expr)] if expr is not None else []

    def _declarator(self, node, scope) -> list:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None:
            return []
        if name.type == "identifier":
            local = ts.text(name)
            if value is None:
                scope.bind(local, UNKNOWN)
                return []
            spec = self._require(value)
            if spec is not None:
                scope.bind(local, _JsBinding(spec))
                return []
            if value.type in _FUNCTION_VALUES:
                scope.bind(local, self._project_binding(local))
                return [F.Def(self._function(value, scope, local, self._qual(local)))]
            expr = self._expr(value, scope)
            binding = self._binding_for(expr)
            if F.is_link(expr) or self._untyped(expr, scope):
                binding = _Untyped()  # const payload = req.body: a chain on an untyped parameter
            if value.type == "new_expression" and binding.qualname is None and self.modname is not None:
                # const s = new Store(): s.load() is a method of that project class
                cls = self._project(value.child_by_field_name("constructor"), scope, False) \
                    if value.child_by_field_name("constructor") is not None else None
                if cls is not None:
                    binding = _ProjectBinding(cls)
            ref = self._ref_of(local, value, scope)
            if ref is not None:
                binding = _JsBinding(binding.qualname, binding.const, binding.has_const, binding.alias, ref)
            scope.bind(local, binding)
            return [F.Assign(local, expr)]
        return self._destructure(name, value, scope)

    def _binding_for(self, value) -> Binding:
        binding = _JsBinding()
        if isinstance(value, F.Call):
            if value.callee is not None and (value.kind == "read" or value.key is None):
                binding.alias = value
            if value.callee in self.prefixes:
                binding.qualname = value.callee
        elif isinstance(value, F.Name) and value.resolved and value.resolved in self.prefixes:
            binding.qualname = value.resolved
        elif isinstance(value, F.Lit):
            binding.const, binding.has_const = value.value, True
        return binding

    def _ref_type(self, value, scope) -> str | None:
        """``useRef<CameraView>(null)``: what ``.current`` will be."""
        if value.type != "call_expression":
            return None
        function = value.child_by_field_name("function")
        if function is None or ts.text(function).rsplit(".", 1)[-1] not in ("useRef", "createRef"):
            return None
        args = value.child_by_field_name("type_arguments")
        if args is None or not args.named_child_count:
            return None
        return self._type_of(args.named_children[0], scope)

    def _ref_of(self, local: str, value, scope) -> str | None:
        typed = self._ref_type(value, scope)
        if typed is not None or local not in self.jsx_refs or not self._is_ref_call(value):
            return typed
        # the first element using this name after the declaration: the same component
        for offset, qualname in sorted(self.jsx_refs[local]):
            if offset > value.start_byte:
                return qualname
        return None

    @staticmethod
    def _is_ref_call(value) -> bool:
        function = value.child_by_field_name("function") if value.type == "call_expression" else None
        return function is not None and ts.text(function).rsplit(".", 1)[-1] in ("useRef", "createRef")

    def _destructure(self, pattern, value_node, scope) -> list:
        """``const { a, b: c } = value`` / ``const [x, y] = value``."""
        spec = self._require(value_node) if value_node is not None else None
        items = _pattern_items(pattern)
        if spec is not None:
            for prop, local in items:
                if local:
                    member = self._member(spec, prop) if prop else None
                    scope.bind(local, _JsBinding(member) if member else self._export_binding(spec, prop))
            return []
        value = self._expr(value_node, scope) if value_node is not None else None
        base = self._resolve(value_node, scope) if value_node is not None else None
        out: list = []
        if pattern.type == "array_pattern":
            # a hook's first element is its state: `const [permission] = useCameraPermissions()`
            first = True
            for _, local in items:
                if local is None:
                    first = False
                    continue
                if first:
                    out.append(F.Assign(local, value))
                    scope.bind(local, self._binding_for(value))
                    value = None
                else:
                    scope.bind(local, UNKNOWN)
                    out.append(F.Assign(local, None))
                first = False
            if value is not None:
                out.insert(0, F.Eval(value))
            return out
        source = self._keyed_source(value)
        chained = source is None and (F.is_link(value) or self._untyped(value, scope))
        linked = False
        keyed = []
        holder = None  # the local that receives the check result
        if isinstance(value, F.Call) and value.callee in self.checkish:
            holder = next((local for prop, local in items if prop in _RESULT_FIELDS and local), None)
        for prop, local in items:
            if local is None:
                continue
            if source is not None and prop is not None:
                keyed.append(_with_key(source, prop))
                scope.bind(local, UNKNOWN)
                out.append(F.Assign(local, None))
                continue
            if chained and prop is not None:
                # const { email } = req.body on an untyped `req`: each local holds a link
                link = self._link(value, value_node, scope, prop, _pattern_node(pattern, prop))
                scope.bind(local, _Untyped())
                out.append(F.Assign(local, link))
                linked = True  # the value is evaluated as the links' receiver
                continue
            member = self._member(base, prop) if prop is not None else None
            if local == holder:
                scope.bind(local, self._binding_for(value))
                out.insert(0, F.Assign(local, value))
                value = None
                continue
            if member is not None and self._is_read(member):
                self.next_id += 1
                read = F.Call(self.next_id, member, prop, "read", self.positions.span(_pattern_node(pattern, prop)))
                scope.bind(local, _JsBinding(None, alias=read))
                out.append(F.Assign(local, read))
                continue
            scope.bind(local, _JsBinding(member) if member is not None else UNKNOWN)
            out.append(F.Assign(local, None))
        if keyed:
            out.insert(0, F.Eval(F.Seq(tuple(keyed))))
        elif value is not None and holder is None and not linked:
            out.insert(0, F.Eval(value))
        return out

    def _is_read(self, qualname: str) -> bool:
        sources = self.catalog.sources.get(qualname, ())
        check = self.catalog.permission_checks.get(qualname)
        return any(s.kind == "read" for s in sources) or (check is not None and check.kind == "read")

    # ------------------------------------------------------------- expressions

    def _expr(self, node, scope):
        if node is None:
            return None
        t = node.type
        if t == "call_expression":
            return self._call(node, scope)
        if t == "member_expression":
            return self._member_expr(node, scope)
        if t == "identifier":
            return self._identifier(node, scope)
        if t in ("string", "template_string", "number", "true", "false", "null", "undefined"):
            value = _literal(node)
            if value is not _NOT_LITERAL:
                return F.Lit(value)
            return self._seq(node.named_children, scope)
        if t == "regex":  # /\d{6}/: its pattern's text (what it matches is judged elsewhere)
            pattern = node.child_by_field_name("pattern")
            return F.Lit(ts.text(pattern)) if pattern is not None else None
        if t == "binary_expression":
            return self._binary(node, scope)
        if t == "unary_expression":
            argument = self._expr(node.child_by_field_name("argument"), scope)
            if _field_type(node, "operator") == "!":
                return F.Not(argument)
            return argument if argument is not None and not isinstance(argument, (F.Name, F.Lit)) else None
        if t == "ternary_expression":
            return F.IfExp(self._expr(node.child_by_field_name("condition"), scope),
                           self._expr(node.child_by_field_name("consequence"), scope),
                           self._expr(node.child_by_field_name("alternative"), scope))
        if self.lifted and (t in _FUNCTION_VALUES or t == "method_definition") \
                and (node.start_byte, node.end_byte) in self.lifted:
            # a function of an exported object, lowered as a unit of its own
            qualname = self.lifted[(node.start_byte, node.end_byte)]
            return F.Name(qualname.rpartition("#")[2], qualname)
        if t in _FUNCTION_VALUES:
            return F.Lambda(self._function(node, scope, "<lambda>", self._qual("<lambda>")))
        if t in _TRANSPARENT:
            if not node.named_child_count:
                return None
            return self._expr(node.named_children[-1] if t == "type_assertion" else node.named_children[0], scope)
        if t == "subscript_expression":
            return self._subscript(node, scope)
        if t == "new_expression":
            return self._call(node, scope)
        if t == "assignment_expression":
            left = node.child_by_field_name("left")
            value = self._expr(node.child_by_field_name("right"), scope)
            if left is not None and left.type == "identifier":
                scope.bind(ts.text(left), UNKNOWN)
                return value
            target = self._expr(left, scope) if left is not None and left.type != "identifier" else None
            items = tuple(e for e in (value, target) if e is not None and not isinstance(e, (F.Name, F.Lit)))
            return F.Seq(items) if items else None
        if t == "array" and not node.named_child_count:
            return F.Lit(())  # an empty array (the dependencies of a mount-only effect)
        if t == "object":
            return self._seq([p.child_by_field_name("value") if p.type == "pair" else p
                              for p in node.named_children], scope)
        if t == "method_definition":
            return F.Lambda(self._function(node, scope, _field_text(node, "name") or "<method>", self._qual("<method>")))
        if t == "class":
            defs = self._class(node, scope, _field_text(node, "name") or "<class>")
            return F.Seq(tuple(F.Lambda(d.function) for d in defs)) if defs else None
        if t in ("jsx_self_closing_element", "jsx_opening_element"):
            element = self._jsx_call(node, scope)
            if element is not None:
                return element
        if t in ("jsx_element", "jsx_self_closing_element", "jsx_opening_element"):
            return self._seq(node.named_children, scope)
        if t == "jsx_attribute":
            return self._seq(node.named_children[1:], scope)
        if t in _SKIP or t.endswith("_type") or t == "this" or t == "super":
            return None
        return self._seq(node.named_children, scope)

    def _jsx_call(self, node, scope):
        """``<CameraScreen kind="front" onDone={...} />`` of a project
        component, or ``<Camera scanBarcode />`` of a tracked one (a mount):
        a call of it (callee ``./src/CameraScreen#default``, say), its props
        as keywords (a bare prop is ``true``)."""
        name = node.child_by_field_name("name")
        if name is None:
            return None
        if name.type == "identifier" and ts.text(name)[:1].islower():
            # an intrinsic element (<input>), named as TypeScript types it
            callee = _INTRINSIC + ts.text(name)
        else:
            callee = self._resolve(name, scope)
        if callee is None or callee not in self.prefixes:
            callee = self._project(name, scope) if self.modname is not None else None
            if callee is None or callee in self.prefixes:
                return None
        keywords = []
        for attr in node.children_by_field_name("attribute"):
            if attr.type == "jsx_attribute":
                parts = attr.named_children
                key = ts.text(parts[0]) if parts else ""
                keywords.append((key, self._expr(parts[1], scope) if len(parts) > 1 else F.Lit(True)))
            else:
                keywords.append(("", self._expr(attr, scope)))
        self.next_id += 1
        return F.Call(self.next_id, callee, _short(name), "call", self.positions.span(name), None, (), tuple(keywords))

    def _seq(self, nodes, scope):
        items = tuple(e for e in (self._expr(n, scope) for n in nodes if n is not None) if e is not None)
        if not items:
            return None
        return items[0] if len(items) == 1 and not isinstance(items[0], (F.Name, F.Lit)) else F.Seq(items)

    def _binary(self, node, scope):
        op = _field_type(node, "operator")
        left = self._expr(node.child_by_field_name("left"), scope)
        right = self._expr(node.child_by_field_name("right"), scope)
        if op in ("&&", "||"):
            kind = "and" if op == "&&" else "or"
            values = []
            for value in (left, right):
                if isinstance(value, F.BoolOp) and value.op == kind:
                    values.extend(value.values)
                else:
                    values.append(value)
            return F.BoolOp(kind, tuple(values))
        if op in _COMPARE:
            return F.Compare(left, _COMPARE[op], right)
        items = tuple(e for e in (left, right) if e is not None)
        return F.Seq(items) if items else None

    def _identifier(self, node, scope):
        name = ts.text(node)
        if name == "undefined":
            return F.Lit(None)
        binding = scope.lookup(name)
        if binding is None:
            resolved = self._global_name(name, scope)
            return F.Name(name, resolved) if resolved and resolved != _GLOBAL else None
        if binding.has_const:
            return F.Lit(binding.const)
        local = isinstance(scope, _FnScope) and scope.owns(name)
        if not local and binding.alias is not None and binding.alias.callee in self.checkish:
            # a closure reading an outer local that holds a check result
            return binding.alias
        if type(binding) is _ProjectBinding:
            # a reference to a project function or class (`register(onGranted)`)
            return F.Name(name, binding.target, local)
        return F.Name(name, binding.qualname, local)

    def _check_holder(self, obj, scope):
        """The local behind ``res.granted`` when ``res`` holds a check result
        (the check itself when the local belongs to an enclosing function)."""
        if obj.type != "identifier":
            return None
        binding = scope.lookup(ts.text(obj))
        if binding is None or binding.alias is None or binding.alias.callee not in self.checkish:
            return None
        if not (isinstance(scope, _FnScope) and scope.owns(ts.text(obj))):
            return binding.alias
        return F.Name(ts.text(obj), binding.qualname, True)

    def _member_expr(self, node, scope):
        obj = node.child_by_field_name("object")
        prop_node = node.child_by_field_name("property")
        prop = ts.text(prop_node) if prop_node is not None else None
        if prop in _RESULT_FIELDS:
            holder = self._check_holder(obj, scope)
            if holder is not None:
                return holder
        resolved = self._resolve(node, scope)
        if resolved is not None and self._is_read(resolved):
            self.next_id += 1
            return F.Call(self.next_id, resolved, _short(node), "read", self.positions.span(prop_node),
                          self._receiver(obj, scope))
        if resolved is not None and resolved in self.prefixes:
            return F.Name(_short(node), resolved)
        value = self._expr(obj, scope)
        if prop is not None and prop_node.type == "property_identifier":
            source = self._keyed(value, obj, scope)
            if source is not None:
                return _with_key(source, prop)
        if resolved is None and prop is not None and self.interest.consent_named(prop):
            # `this.state.trackingAllowed`: the user's decision, read
            return self._read(_short(node), prop_node, value)
        if prop is not None and prop_node.type == "property_identifier":
            link = self._link(value, obj, scope, prop, prop_node)
            if link is not None:
                return link
            if resolved is None and obj.type == "identifier" and self.modname is not None:
                # `users.create` of a project module: a reference to that function
                target = self._project(node, scope)
                if target is not None:
                    return F.Name(_short(node), target)
        if value is not None and not isinstance(value, (F.Name, F.Lit)):
            return value
        # an untracked member of a tracked name: a constant (RESULTS.GRANTED)
        if resolved is not None:
            return F.Name(_short(node), resolved)
        if type(value) is F.Name and value.local:
            return F.Seq((value,))  # a member of a local (pos.coords): made from its value
        return None

    def _read(self, text: str, node, value, key: str | None = None) -> F.Call:
        """A read the front-end cannot resolve, kept for what its name or key
        says (a consent-named setting); ``value`` is what it is read from."""
        self.next_id += 1
        receiver = value if value is not None and not isinstance(value, (F.Name, F.Lit)) else None
        return F.Call(self.next_id, None, text, "read", self.positions.span(node), receiver, key=key)

    def _receiver(self, obj, scope):
        value = self._expr(obj, scope)
        if type(value) is F.Name and obj.type == "identifier" and self._untyped(value, scope):
            return self._root(obj)  # req.get("X-Forwarded-For"), app.post(...) on an untyped parameter
        return value if value is not None and not isinstance(value, (F.Name, F.Lit)) else None

    def _untyped(self, value, scope) -> bool:
        """Whether ``value`` is a local bound to an untyped parameter or a
        member chain on one."""
        return type(value) is F.Name and value.local and value.resolved is None \
            and isinstance(scope.lookup(value.name), _Untyped)

    def _root(self, node) -> F.Call:
        """The untyped local ``node`` names, as the root of a chain: a read
        without callee or receiver, its text the local's name (the project
        stage looks the name up in the enclosing functions)."""
        self.next_id += 1
        return F.Call(self.next_id, None, ts.text(node), "read", self.positions.span(node))

    def _link(self, value, obj, scope, member: str, span_node):
        """A member read of an untyped parameter or of a chain on one
        (``req.body``, ``payload.shippingContact``), callee None and the chain
        so far as receiver, or a deeper key of a keyed catalogued read
        (``req.body.shippingContact.givenName``: key ``givenName``). None
        when ``value`` is neither."""
        if type(value) is F.Call and value.kind == "read":
            if F.is_link(value):
                receiver = value
            elif value.key is not None and value.callee in self.catalog.sources:
                self.next_id += 1
                return F.Call(self.next_id, value.callee, value.text, "read", value.span, value, key=member)
            else:
                return None
        elif obj.type == "identifier" and self._untyped(value, scope):
            receiver = self._root(obj)
        else:
            return None
        self.next_id += 1
        return F.Call(self.next_id, None, member, "read", self.positions.span(span_node), receiver)

    def _subscript(self, node, scope):
        obj = node.child_by_field_name("object")
        value = self._expr(obj, scope)
        index = node.child_by_field_name("index")
        key = _literal(index) if index is not None else _NOT_LITERAL
        if isinstance(key, str):
            source = self._keyed(value, obj, scope)
            if source is not None:
                return _with_key(source, key)
            if self.interest.consent_named(key):
                # `config["analytics_consent"]`: the user's decision, read
                return self._read(_short(obj), index, value, key)
            # req.body["email-typo"]: a link reported where its object's name is
            link = self._link(value, obj, scope, key, _name_node(obj) or obj)
            if link is not None:
                return link
        items = tuple(e for e in (value, self._expr(index, scope)) if e is not None)
        return F.Seq(items) if items else None

    def _keyed_source(self, value):
        if isinstance(value, F.Call) and value.callee is not None and value.key is None \
                and value.callee in self.catalog.sources:
            return value
        return None

    def _keyed(self, value, node, scope):
        """The catalogued read or call whose result ``value`` is, when a key read
        from it may be collection: directly (``req.body.email``) or through a
        local that holds it (``const body = req.body`` ... ``body.email``,
        then reported at ``body``)."""
        source = self._keyed_source(value)
        if source is not None:
            return source
        if isinstance(value, F.Name) and value.local and node.type == "identifier":
            binding = scope.lookup(value.name)
            alias = binding.alias if binding is not None else None
            if alias is not None and alias.key is None and any(
                    src.fields or any(c.key is not None for c in src.where)
                    for src in self.catalog.sources.get(alias.callee, ())):
                self.next_id += 1
                return F.Call(self.next_id, alias.callee, value.name, alias.kind, self.positions.span(node))
        return None

    def _call(self, node, scope):
        function = _callee_node(node)
        if function is None:
            return self._seq(node.named_children, scope)
        if function.type in ("import", "identifier") and ts.text(function) in ("require", "import"):
            self._require(node)
            return None
        receiver = None
        name_node = _name_node(function)
        method = ts.text(name_node) if name_node is not None else None
        obj = None
        if function.type == "member_expression":
            obj = function.child_by_field_name("object")
            receiver = self._receiver(obj, scope)
        elif function.type not in ("identifier",):
            inner = self._expr(function, scope)
            receiver = inner if inner is not None and not isinstance(inner, (F.Name, F.Lit)) else None
        callee = self._call_name(self._resolve(function, scope))
        if callee is None and self.modname is not None:
            # a call edge to a project function (or `new` of a project class)
            callee = self._call_name(self._project(function, scope))
        args_node = node.child_by_field_name("arguments")
        preamble = None
        if method == "then" and isinstance(receiver, F.Call) and receiver.callee in self.checkish:
            preamble = receiver
        args, keywords = self._arguments(args_node, scope, preamble)
        if callee == "__tcfapi" and args:
            # __tcfapi(command, version, callback): the command is no category
            args = (None, *args[1:])
        if method in _KEY_METHODS and obj is not None and args and isinstance(args[0], F.Lit) \
                and isinstance(args[0].value, str):
            source = self._keyed(receiver if receiver is not None else self._expr(obj, scope), obj, scope)
            if source is not None:
                return _with_key(source, args[0].value)
        self.next_id += 1
        span_node = name_node if name_node is not None else function
        if callee in self.catalog.permission_checks:
            # a permission request taking callbacks runs the first one on grant
            # (`Geolocation.requestAuthorization(onGranted, onDenied)`)
            first = next((i for i, a in enumerate(args) if isinstance(a, F.Lambda)), None)
            if first is not None:
                check = F.Call(self.next_id, callee, _short(function), "call", self.positions.span(span_node),
                               receiver, args[:first] + (None,) + args[first + 1:], keywords)
                return F.IfExp(check, args[first], None)
        return F.Call(self.next_id, callee, _short(function), "call", self.positions.span(span_node),
                      receiver, args, keywords)

    def _arguments(self, node, scope, result=None):
        """Positional arguments, and the properties of object-literal
        arguments as keywords; ``result`` is a check whose answer the first
        callback receives (``check().then(ok => ...)``)."""
        if node is None or node.type != "arguments":
            return (), ()
        args, keywords = [], []
        for arg in node.named_children:
            t = arg.type
            if t == "comment":
                continue
            if t == "object":
                descriptor = None
                for prop in arg.named_children:
                    if prop.type == "pair":
                        key = prop.child_by_field_name("key")
                        key_text = _property_key(key)
                        value = self._expr(prop.child_by_field_name("value"), scope)
                        keywords.append((key_text or "", value))
                        if key_text == "name" and isinstance(value, F.Lit) and isinstance(value.value, str):
                            descriptor = value
                    elif prop.type == "shorthand_property_identifier":
                        keywords.append((ts.text(prop), self._identifier(prop, scope)))
                    else:
                        keywords.append(("", self._expr(prop, scope)))
                args.append(descriptor)
                continue
            if result is not None and t in _FUNCTION_VALUES:
                args.append(self._callback(arg, scope, result))
                result = None
                continue
            args.append(self._expr(arg, scope))
        return tuple(args), tuple(keywords)

    def _callback(self, node, scope, result: F.Call):
        """A ``.then`` callback whose first parameter receives ``result``."""
        preamble = []
        single = node.child_by_field_name("parameter")
        params = node.child_by_field_name("parameters")
        first = single if single is not None else (params.named_children[0] if params is not None and params.named_child_count else None)
        if first is not None and first.type in ("required_parameter", "optional_parameter"):
            first = first.child_by_field_name("pattern")
        if first is not None and first.type == "identifier":
            preamble.append(F.Assign(ts.text(first), result))
        elif first is not None and first.type == "object_pattern":
            for prop, local in _pattern_items(first):
                if prop in _RESULT_FIELDS and local:
                    preamble.append(F.Assign(local, result))
                    break
        return F.Lambda(self._function(node, scope, "<lambda>", self._qual("<lambda>"), preamble))


# ------------------------------------------------------------------- helpers

_LANGUAGE_FACTS: dict = {}


def _language_facts(catalog, interest):
    """What a run needs per (catalog, interest), computed once: manifest names
    of relative modules by normalised path, the calls whose result answers a
    consent or permission question, and the regex of tracked roots."""
    key = (id(catalog), id(interest))
    cached = _LANGUAGE_FACTS.get(key)
    if cached is not None and cached[0] is catalog and cached[1] is interest:
        return cached[2]
    relative = {}
    for p in interest.prefixes:
        head, hash_, _ = p.partition("#")
        if hash_ and head.startswith("."):
            relative.setdefault(_normalise(head), head)
    checkish = frozenset(catalog.permission_checks) | (interest.prefixes - catalog.prefixes)
    # a unit reaches a module only through a name bound to it (per-file
    # tokens) or an inline `require`; the globals are spelled out
    roots = {p.split(".", 1)[0] for p in interest.prefixes if "#" not in p} | {"require"}
    # (an intrinsic element is written by its tag: <input>)
    tags = (p[len(_INTRINSIC):] for p in interest.prefixes if p.startswith(_INTRINSIC))
    roots |= {tag for tag in tags if "." not in tag}
    roots.discard("")
    facts = (relative, checkish, frozenset(r.encode() for r in roots))
    _LANGUAGE_FACTS[key] = (catalog, interest, facts)
    return facts


_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")


def _mentions(source: bytes, tokens):
    """Offsets where one of ``tokens`` occurs as a whole identifier (each
    token is searched with ``bytes.find``, in C: faster than one regex
    alternation over the whole file)."""
    end = len(source)
    for token in tokens:
        size = len(token)
        at = source.find(token)
        while at >= 0:
            after = at + size
            if (at == 0 or source[at - 1] not in _WORD) and (after >= end or source[after] not in _WORD):
                yield at
            at = source.find(token, after)


def _normalise(module: str) -> str:
    """``./src/privacy/index.ts`` -> ``./src/privacy``."""
    for ext in _EXTENSIONS:
        if module.endswith(ext):
            module = module[: -len(ext)]
            break
    if module.endswith("/index"):
        module = module[: -len("/index")]
    if module.startswith("./"):
        module = "./" + posixpath.normpath(module[2:])
    return module


def _is_exports(node) -> bool:
    """``exports`` / ``module.exports`` (checked by size before reading text)."""
    size = node.end_byte - node.start_byte
    if node.type == "identifier":
        return size == 7 and node.text == b"exports"
    return node.type == "member_expression" and size == 14 and node.text == b"module.exports"


def _field_text(node, field):
    child = node.child_by_field_name(field)
    return ts.text(child) if child is not None else None


def _field_type(node, field):
    child = node.child_by_field_name(field)
    return child.type if child is not None else None


def _callee_node(node):
    """The function a call calls. ``await (0, _mod.fn)()`` (Babel output) parses
    as a call of an identifier ``await``: the callee is then the last item of
    that call's parenthesised arguments."""
    function = node.child_by_field_name("function") or node.child_by_field_name("constructor")
    if function is not None and function.type == "call_expression":
        inner = function.child_by_field_name("function")
        args = function.child_by_field_name("arguments")
        if inner is not None and inner.type == "identifier" and inner.text == b"await" \
                and args is not None and args.named_child_count:
            return args.named_children[-1]
    return function


def _name_node(function):
    """The identifier a call is reported at."""
    t = function.type
    if t == "identifier":
        return function
    if t == "member_expression":
        prop = function.child_by_field_name("property")
        return prop if prop is not None and prop.type == "property_identifier" else None
    if t in _TRANSPARENT or t == "sequence_expression":
        return _name_node(function.named_children[-1]) if function.named_child_count else None
    return None


def _property_key(key):
    if key is None:
        return None
    if key.type in ("property_identifier", "identifier"):
        return ts.text(key)
    value = _literal(key)
    return value if isinstance(value, str) else None


def _clause_names(clause):
    out = []
    for child in clause.named_children:
        if child.type == "identifier":
            out.append(ts.text(child))
        elif child.type == "namespace_import" and child.named_child_count:
            out.append(ts.text(child.named_children[0]))
        elif child.type == "named_imports":
            for item in child.named_children:
                name = _field_text(item, "alias") or _field_text(item, "name")
                if name:
                    out.append(name)
    return out


def _pattern_items(pattern):
    """(property or None, local or None) for each name a pattern binds."""
    t = pattern.type
    if t in ("identifier", "shorthand_property_identifier_pattern"):
        return [(ts.text(pattern), ts.text(pattern))]
    if t == "object_pattern":
        out = []
        for child in pattern.named_children:
            ct = child.type
            if ct == "shorthand_property_identifier_pattern":
                out.append((ts.text(child), ts.text(child)))
            elif ct == "pair_pattern":
                key = _property_key(child.child_by_field_name("key"))
                value = child.child_by_field_name("value")
                if value is not None and value.type == "assignment_pattern":
                    value = value.child_by_field_name("left")
                if value is not None and value.type == "identifier":
                    out.append((key, ts.text(value)))
                elif value is not None:
                    out.extend((None, local) for _, local in _pattern_items(value))
            elif ct == "object_assignment_pattern":
                left = child.child_by_field_name("left")
                if left is not None:
                    out.extend(_pattern_items(left))
            elif ct == "rest_pattern" and child.named_child_count:
                out.extend((None, local) for _, local in _pattern_items(child.named_children[0]))
        return out
    if t == "array_pattern":
        # (None, local) per element, in order; an element that binds no plain
        # local (a hole, a nested pattern) is (None, None) so positions hold
        out = []
        pending = True  # no element seen since the last comma
        for child in pattern.children:
            if child.type == ",":
                if pending:
                    out.append((None, None))
                pending = True
                continue
            if not child.is_named or child.type == "comment":
                continue
            pending = False
            if child.type == "identifier":
                out.append((None, ts.text(child)))
            elif child.type == "assignment_pattern" and child.child_by_field_name("left") is not None \
                    and child.child_by_field_name("left").type == "identifier":
                out.append((None, ts.text(child.child_by_field_name("left"))))
            else:
                out.append((None, None))
                out.extend((None, local) for _, local in _pattern_items(child))
        return out
    if t in ("assignment_pattern",):
        left = pattern.child_by_field_name("left")
        return _pattern_items(left) if left is not None else []
    if t == "rest_pattern" and pattern.named_child_count:
        return [(None, local) for _, local in _pattern_items(pattern.named_children[0])]
    return []


def _pattern_node(pattern, prop):
    """The identifier of ``prop`` in an object pattern (for positions)."""
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern" and ts.text(child) == prop:
            return child
        if child.type == "pair_pattern":
            key = child.child_by_field_name("key")
            if key is not None and _property_key(key) == prop:
                return key
        if child.type == "object_assignment_pattern":
            left = child.child_by_field_name("left")
            if left is not None and ts.text(left) == prop:
                return left
    return pattern


def _revealing(node):
    """``module.exports = (function () { ... return { a, b: c } }())``, the
    revealing module pattern: (the function, [(export, local)] of the object
    it returns last), or None. The function is lowered as the unit
    ``<iife>``, so its locals are ``<module>#<iife>.a`` and each export is
    bound to one."""
    while node.type == "parenthesized_expression" and node.named_child_count:
        node = node.named_children[0]
    if node.type != "call_expression":
        return None
    function = node.child_by_field_name("function")
    while function is not None and function.type == "parenthesized_expression" and function.named_child_count:
        function = function.named_children[0]
    if function is None or function.type not in _FUNCTION_VALUES:
        return None
    body = function.child_by_field_name("body")
    if body is None or body.type != "statement_block":
        return None
    last = next((s for s in reversed(body.named_children) if s.type != "comment"), None)
    if last is None or last.type != "return_statement" or not last.named_child_count:
        return None
    value = last.named_children[0]
    if value.type != "object":
        return None
    members = []
    for prop in value.named_children:
        if prop.type == "shorthand_property_identifier":
            members.append((ts.text(prop), ts.text(prop)))
        elif prop.type == "pair":
            key, local = _property_key(prop.child_by_field_name("key")), prop.child_by_field_name("value")
            if key and local is not None and local.type == "identifier":
                members.append((key, ts.text(local)))
    return function, members


def _with_key(call: F.Call, key: str) -> F.Call:
    return F.Call(call.id, call.callee, call.text, call.kind, call.span, call.receiver,
                  call.args, call.keywords, key)


def _short(node) -> str:
    text = ts.text(node)
    return text if len(text) <= 80 else text[:77] + "..."


_NOT_LITERAL = object()


def _string(node):
    """The value of a string literal (or a template without substitutions)."""
    if node is None:
        return _NOT_LITERAL
    if node.type == "string":
        parts = []
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(ts.text(child))
            elif child.type == "escape_sequence":
                parts.append(_unescape(ts.text(child)))
        return "".join(parts)
    if node.type == "template_string":
        parts = []
        for child in node.named_children:
            if child.type == "template_substitution":
                return _NOT_LITERAL
            if child.type == "string_fragment":
                parts.append(ts.text(child))
            elif child.type == "escape_sequence":
                parts.append(_unescape(ts.text(child)))
        return "".join(parts)
    return _NOT_LITERAL


def _unescape(text: str) -> str:
    simple = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "v": "\v"}
    body = text[1:]
    return simple.get(body, body) if len(body) == 1 else text


def _literal(node):
    t = node.type
    if t in ("string", "template_string"):
        return _string(node)
    if t == "number":
        text = ts.text(node).replace("_", "")
        try:
            return int(text, 0)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return _NOT_LITERAL
    if t in _LITERALS:
        return _LITERALS[t]
    if t == "identifier" and ts.text(node) == "undefined":
        return None
    if t == "parenthesized_expression" and node.named_child_count == 1:
        return _literal(node.named_children[0])
    return _NOT_LITERAL
