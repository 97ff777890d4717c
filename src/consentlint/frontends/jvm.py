"""What the Java and Kotlin front-ends share: imports and name resolution,
typed values, catalog-driven member lookup, grant callbacks, and the driver
that lowers only the members that can matter.

Resolution follows the JVM rules closely enough that a method name alone never
matches: a type name resolves through single, wildcard and static imports (and
Kotlin ``import x as y``), the file's own package, or a fully qualified name; a
value's type comes from a declaration (field, local, parameter), a cast
(``(T) e``, ``e as T``), a class literal handed to ``getSystemService``, a
constructor, or a catalogued factory (``[[return_type]]``). A member of a typed
value resolves to ``Type.member``; in Kotlin a property ``x.fooBar`` also reads
the Java getter ``getFooBar()``.

Grant callbacks are lowered to ordinary checks the guard analysis understands:
the boolean a callback receives (``registerForActivityResult(RequestPermission())
{ granted -> }``) is bound to a synthetic read of ``<api>.granted``, and a
method the platform calls only after a grant (Dexter's ``onPermissionGranted``,
EasyPermissions' ``@AfterPermissionGranted``) has its body wrapped in a check
of its own name; the catalog lists these names as ``[[permission_check]]``.

Speed comes from not visiting what cannot matter, decided on the source text
(C-speed scans) before any node is touched from Python: a file that spells no
tracked package (nor an implicit Context factory) is skipped; in the others,
only members (methods, initialisers, property initialisers) that spell the last
segment of a catalogued API or manifest function are lowered, and inside them
a plain statement that spells no tracked word and no typed local is reduced to
the locals it binds. ``Interest.everything`` turns all of this off (the
reference the shortcuts are tested against).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from consentlint import facts as F
from consentlint import treesitter as ts
from consentlint.frontends import initials
from consentlint.frontends.names import Interest, Scope

# methods whose result type is the class literal / type argument they are given
SERVICE_GETTERS = frozenset(("getSystemService",))
# receivers of unknown type may still reach these (platform permission checks
# and factories on a Context), never a collecting API
_IMPLICIT_OWNER = "android.content.Context"
_GRANTED = ".granted"
_MULTI = "multi:"  # type of a map of permission -> granted
_GRANTS = "grants:"  # type of onRequestPermissionsResult's int[] grantResults
GRANT_RESULTS_CALLBACK = "android.app.Activity.onRequestPermissionsResult"
# lambdas that say "granted" of each entry of a grant map / grant results
_ALL_VALUES = frozenset(("it", "it.value", "it == true", "it.value == true", "it.second"))
_ALL_GRANTED = re.compile(r"it == (?:PackageManager\.)?PERMISSION_GRANTED")
_PERMISSION_GRANTED = "android.content.pm.PackageManager.PERMISSION_GRANTED"


class Var:
    """A name in a scope: its type (qualified name), a literal value, whether
    it is a local of the function being lowered, and for a field or property
    its qualified name (reads resolve to it; ``F.Store`` writes it) and the
    function a read calls when it has a getter of its own."""

    __slots__ = ("type", "const", "has_const", "local", "field", "getter")

    def __init__(self, type_=None, const=None, has_const=False, local=False, field=None):
        self.type = type_
        self.const = const
        self.has_const = has_const
        self.local = local
        self.field = field
        self.getter: str | None = None  # a Kotlin property's own getter: reading it calls that


class Value:
    """A lowered expression with what is known of its value: ``type`` (the
    qualified name of its static type, or of the class/package it names when
    ``static``)."""

    __slots__ = ("expr", "type", "static")

    def __init__(self, expr, type_=None, static=False):
        self.expr = expr
        self.type = type_
        self.static = static


NOTHING = Value(None)


class ClassInfo:
    """A class, object or the file's top level: its qualified name, resolved
    supertypes, the scope of its fields and the class ``super.m()`` calls
    into (None: none declared, or not known)."""

    __slots__ = ("name", "qualname", "supers", "scope", "superclass")

    def __init__(self, name, qualname, supers, scope, superclass=None):
        self.name = name
        self.qualname = qualname
        self.supers = supers
        self.scope = scope
        self.superclass = superclass


_CACHE: dict = {}

# java.lang types: never project classes, though unqualified and not imported
_JAVA_LANG = frozenset(("Object", "String", "Integer", "Long", "Boolean", "Double", "Float", "Short", "Byte",
                        "Character", "Math", "System", "Runtime", "Thread", "Runnable", "Exception", "RuntimeException",
                        "Override", "Deprecated", "SuppressWarnings", "Class", "Iterable", "StringBuilder",
                        "Throwable", "Error", "Void", "Number", "Enum", "Record", "CharSequence",
                        "Unit", "Any", "Int", "List", "Map", "Set", "Array", "Pair", "Result", "Lazy"))

# kinds of tracked words (bit flags), see tracked_names()
UNIT, FIELD, FILE, GUARD = 1, 2, 4, 8


def trie_pattern(words) -> re.Pattern | None:
    """A regular expression matching any of ``words`` as a whole word, with
    common prefixes factored out (Python's ``re`` tries alternatives one by
    one, so a flat alternation of a hundred words is several times slower)."""
    if not words:
        return None
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word.encode():
            node = node.setdefault(ch, {})
        node[None] = True

    def build(node) -> bytes:
        end = None in node
        children = sorted((k, v) for k, v in node.items() if k is not None)
        branches = [re.escape(bytes([ch])) + build(child) for ch, child in children]
        if not branches:
            return b""
        body = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"
        if end:
            return b"(?:" + body + b")?"
        return body

    return re.compile(rb"\b" + build(trie) + rb"\b")


def tracked_names(catalog, interest: Interest):
    """(names worth resolving, word pattern, word -> UNIT/FIELD/FILE bits),
    cached per catalog and interest.

    Names worth resolving add, to the interest's prefixes, the constants that
    argument constraints and grant values name (``ContactsContract.Data.CONTENT_URI``).
    A member must spell a UNIT word (last segment of a collecting API or of a
    manifest function, or its Kotlin property form) to be lowered; a field
    initialiser is lowered to learn its type when it spells a FIELD word (a
    factory too); a file that spells no FILE word (a tracked class name, an
    implicit Context property, a manifest name) cannot resolve anything."""
    key = (id(catalog), id(interest))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is catalog and hit[1] is interest:
        return hit[2]
    constants = [v for v in catalog.grant_values if isinstance(v, str) and "." in v]
    for sources in catalog.sources.values():
        for source in sources:
            for constraint in source.where:
                constants += [v for v in constraint.equals or () if isinstance(v, str) and "." in v]
    prefixes = set(interest.prefixes)
    for name in constants:
        parts = name.split(".")
        prefixes.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    kinds: dict[str, int] = {}

    def add(word, bits):
        if word and word.isidentifier():
            kinds[word] = kinds.get(word, 0) | bits

    extra = interest.prefixes - catalog.prefixes
    manifest = [n for n in extra if not any(o.startswith(n + ".") for o in extra)]
    for name in [*catalog.sources, *manifest]:
        leaf = re.split(r"[.#]", name)[-1]
        add(leaf, UNIT | FIELD)
        if catalog.language == "kotlin":  # Java spells the getter itself
            add(kotlin_property(leaf), UNIT | FIELD)
    for name in manifest:
        for part in re.split(r"[.#]", name):
            add(part, FILE)
    for name in catalog.permission_checks:
        leaf = name.rsplit(".", 1)[-1]
        add(leaf, GUARD)
        add(kotlin_property(leaf), GUARD)
    for name in catalog.returns or {}:
        leaf = name.rsplit(".", 1)[-1]
        add(leaf, FIELD)
        if name.startswith(_IMPLICIT_OWNER + "."):
            add(kotlin_property(leaf), FILE | FIELD)
    for word in SERVICE_GETTERS:
        add(word, FIELD)
    for name in prefixes:
        leaf = name.rsplit(".", 1)[-1]
        if leaf[:1].isupper() and not leaf.isupper():
            add(leaf, FILE)
    # the gate: a file can only reach a tracked class through its package
    # (import, wildcard, fully qualified name or its own package line), or
    # reach a factory on an implicit Context by name
    packages = set()
    for name in prefixes:
        parts = []
        for part in name.split("."):
            if part[:1].isupper() or "#" in part:
                break
            parts.append(part)
        if len(parts) >= 2:
            packages.add(".".join(parts))
    gate = {p for p in packages if not any(p != q and p.startswith(q + ".") for q in packages)}
    for name in catalog.returns or {}:
        if name.startswith(_IMPLICIT_OWNER + "."):
            leaf = name.rsplit(".", 1)[-1]
            gate.update(w for w in (leaf, kotlin_property(leaf)) if w)
    # a distinctive member matches on receivers of unknown type, in any file
    for leaf in catalog.distinctive:
        words = (leaf, kotlin_property(leaf)) if catalog.language == "kotlin" else (leaf,)
        for word in words:
            add(word, FILE)
            if word:
                gate.add(word)
    by_root: dict[bytes, list[bytes]] = {}
    for text in sorted(gate):
        by_root.setdefault(text.split(".", 1)[0][:4].encode(), []).append(text.encode())
    result = (frozenset(prefixes), trie_pattern(kinds), kinds, tuple((r, tuple(v)) for r, v in by_root.items()))
    _CACHE[key] = (catalog, interest, result)
    return result


def kotlin_property(method: str) -> str | None:
    """``getLastLocation`` -> ``lastLocation`` (the Kotlin property of a Java getter)."""
    if method.startswith("get") and len(method) > 3 and method[3].isupper():
        rest = method[3:]
        if len(rest) > 1 and rest[1].isupper():  # getURL -> URL
            return rest
        return rest[0].lower() + rest[1:]
    return None


def getter_names(prop: str) -> tuple[str, ...]:
    """Java methods a Kotlin property ``prop`` may stand for, the JVM's own
    name first (``isEnabled`` is read by ``isEnabled()``, ``location`` by
    ``getLocation()``)."""
    if not prop:
        return ()
    if prop.startswith("is") and prop[2:3].isupper():
        return (prop, "get" + prop[0].upper() + prop[1:])
    return ("get" + prop[0].upper() + prop[1:], prop)


class JvmLowerer:
    """Language-neutral half of the Java and Kotlin lowerers."""

    LANGUAGE = ""
    # node types whose children are a block's statements
    BLOCK_TYPES: tuple = ("block",)

    @staticmethod
    def binary(op: str, left: Value, right: Value) -> Value:
        """A binary operator: short-circuit ``&&``/``||`` and (in)equality keep
        their meaning for the guard analysis; the rest just evaluates both sides."""
        if op == "&&":
            return Value(F.BoolOp("and", (left.expr, right.expr)))
        if op == "||":
            return Value(F.BoolOp("or", (left.expr, right.expr)))
        if op in ("==", "==="):
            return Value(F.Compare(left.expr, "eq", right.expr))
        if op in ("!=", "!=="):
            return Value(F.Compare(left.expr, "ne", right.expr))
        if op == "+" and (left.expr is not None or right.expr is not None):
            # string concatenation (or arithmetic: its value is never a string)
            head = left.expr.items if isinstance(left.expr, F.Concat) else (left.expr,)
            return Value(F.Concat((*head, right.expr)))
        return Value(seq((left, right)))

    def _block(self, node) -> F.Block:
        """A nested block in its own scope (``self._stmt`` lowers each statement)."""
        saved, self.scope = self.scope, Scope(self.scope)
        out: list = []
        if node.type in self.BLOCK_TYPES:
            for child in node.named_children:
                self._stmt(child, out)
        else:
            self._stmt(node, out)
        self.scope = saved
        return F.Block(tuple(out))

    def __init__(self, source: bytes, module: str | None, catalog, interest: Interest):
        self.source = source
        self.module = module
        self.catalog = catalog
        self.interest = interest
        self.prefixes, self.words, self.kinds, self.gate = tracked_names(catalog, interest)
        # lower every member and statement: the reference mode, and whole-program
        # lowering (callers and helpers need not mention a catalogued name)
        self.all = interest.everything or interest.project
        self.project = interest.project
        self.classes: list[F.ClassDecl] = []
        self.private: list[str] = []  # fields declared private (FileFacts.private)
        self.written: set[str] = set()  # names assigned otherwise than as a Store (x.f = v, f += v)
        self.named_classes: set[str] = set()  # classes named by K.class or K::new (made without a call)
        self.field_hits: list[int] = []
        self.any_hits: list[int] = []
        self.hot: set[bytes] = set()  # names of typed values: statements using them matter
        self.returns = catalog.returns or {}
        self.positions = ts.Positions(source, self.LANGUAGE)
        self.package = ""
        self.types: dict[str, str] = {}  # simple name -> qualified (imports)
        self.members: dict[str, str] = {}  # static imports: member -> qualified
        self.wild: list[str] = []  # wildcard-imported packages / classes
        self.imports: list[F.Import] = []
        self.local_types: dict[str, str] = {}  # classes declared in this file
        self.next_id = 0
        self.hits: list[int] = []
        self.functions: list[F.Function] = []
        self.cls: ClassInfo | None = None
        self.this_type: str | None = None  # the receiver type of the extension function being lowered
        self.scope = Scope()
        self.class_scopes: dict[str, list] = {}

    # ----------------------------------------------------------------- driver

    def find_hits(self) -> bool:
        """Find the words that can matter; False when the file names none of
        the tracked classes (then nothing in it can resolve)."""
        if self.all:
            self.hits = self.field_hits = self.any_hits = [0]
            return True
        if self.words is None:
            return False
        source = self.source
        if not any(root in source and any(text in source for text in texts) for root, texts in self.gate):
            return False
        kinds = self.kinds
        seen = 0
        for m in self.words.finditer(self.source):
            bits = kinds[m.group().decode()]
            seen |= bits
            self.any_hits.append(m.start())
            if bits & UNIT:
                self.hits.append(m.start())
            if bits & FIELD:
                self.field_hits.append(m.start())
        return bool(seen & FILE) and bool(self.hits)

    def mentions(self, node) -> bool:
        """Whether ``node`` spells a word of a collecting API or manifest function."""
        if self.all:
            return True
        i = bisect.bisect_left(self.hits, node.start_byte)
        return i < len(self.hits) and self.hits[i] < node.end_byte

    def matters(self, node) -> bool:
        """Whether a statement can matter to a site or a guard: it spells a
        tracked word of any kind (API, factory, class, check, manifest name).
        Other plain statements are not lowered (locals they declare or assign
        are still bound, as unknown)."""
        if self.all:
            return True
        i = bisect.bisect_left(self.any_hits, node.start_byte)
        if i < len(self.any_hits) and self.any_hits[i] < node.end_byte:
            return True
        if self.hot:
            segment = self.source[node.start_byte:node.end_byte]
            return any(name in segment for name in self.hot)
        return False

    def types_value(self, node) -> bool:
        """Whether an initialiser may give its variable a tracked type."""
        if self.all:
            return True
        i = bisect.bisect_left(self.field_hits, node.start_byte)
        return i < len(self.field_hits) and self.field_hits[i] < node.end_byte

    def facts(self, tree, path: str) -> F.FileFacts:
        problems = ts.syntax_problems(tree, self.positions)
        if self.find_hits():
            self.module_pass(tree.root_node)
        return F.FileFacts(path=path, language=self.LANGUAGE, module=self.module,
                           imports=tuple(self.imports), functions=tuple(self.functions), problems=problems,
                           classes=tuple(replace(c, private=False) if c.private and
                                         c.qualname.rpartition(".")[2] in self.named_classes else c
                                         for c in self.classes),
                           private=tuple(f for f in self.private if f.rpartition(".")[2] not in self.written),
                           initials=initials.extract(tree.root_node, self.source, self.LANGUAGE, self.interest,
                                                     self.positions))

    def module_pass(self, root) -> None:  # pragma: no cover - per language
        raise NotImplementedError

    # ---------------------------------------------------------------- imports

    def add_import(self, dotted: str, alias: str | None, star: bool, static: bool, node) -> None:
        span = self.positions.span(node)
        if star:
            self.imports.append(F.Import(dotted, None, None, span, star=True))
            self.wild.append(dotted)
            return
        head, _, last = dotted.rpartition(".")
        self.imports.append(F.Import(head, last, alias, span))
        name = alias or last
        if static or (last[:1].islower() and self.LANGUAGE == "kotlin"):
            # Kotlin imports functions and properties the same way as types
            self.members[name] = dotted
        if not static:
            self.types[name] = dotted

    # ------------------------------------------------------------- resolution

    def canonical(self, qualname: str) -> str:
        return self.interest.aliases.get(qualname, qualname)

    def resolve_type(self, name: str) -> str | None:
        """A simple or dotted type name as written -> qualified name, when it
        can matter: a tracked prefix, or (whole-program) a type of the project."""
        head, dot, rest = name.partition(".")
        qualified = self._resolve_simple_type(head)
        if qualified is None:
            if head in self.prefixes and head[:1].islower():
                qualified = head  # a package root: android.provider.Settings
            else:
                return self.project_type(name)
        if dot:
            qualified = f"{qualified}.{rest}"
        qualified = self.canonical(qualified)
        if qualified in self.prefixes:
            return qualified
        return self.project_type(name)

    def project_type(self, name: str) -> str | None:
        """Whole-program: the qualified name a type of the project would have
        (imported, declared in this file, or in the file's own package); the
        project index decides whether it is one."""
        if not self.project or not name:
            return None
        head, dot, rest = name.partition(".")
        if not head[:1].isupper():
            return name if dot and name.rsplit(".", 1)[-1][:1].isupper() else None
        qualified = self.types.get(head) or self.local_types.get(head)
        if qualified is None:
            if head in _JAVA_LANG:
                return None
            qualified = f"{self.package}.{head}" if self.package else head
        return f"{qualified}.{rest}" if dot else qualified

    def _resolve_simple_type(self, name: str) -> str | None:
        if name in self.types:
            return self.types[name]
        if name in self.local_types:
            return self.local_types[name]
        if self.package:
            candidate = f"{self.package}.{name}"
            if candidate in self.prefixes:
                return candidate
        for wild in self.wild:
            candidate = f"{wild}.{name}"
            if candidate in self.prefixes:
                return candidate
        if name in _JAVA_LANG:  # imported by every file (System.exit)
            candidate = f"java.lang.{name}"
            if candidate in self.prefixes:
                return candidate
        return None

    def bind(self, name: str, var: Var) -> None:
        """Bind ``name`` in the current scope; a typed value makes the
        statements that mention it matter."""
        self.scope.bind(name, var)
        if var.type is not None:
            self.hot.add(name.encode())

    def local_var(self, type_, value, value_type=None) -> Var:
        """A local initialised with ``value``: a string literal or a resolved
        constant is kept as its value (``String perm = "android.permission.CAMERA"``)
        until the local is assigned again."""
        var = Var(type_, local=True)
        if isinstance(value, F.Lit) and isinstance(value.value, str):
            var.const, var.has_const = value.value, True
        elif isinstance(value, F.Name) and value.resolved is not None and not value.local \
                and value_type in (None, value.resolved):
            var.const, var.has_const = value, True  # Uri uri = ContactsContract.Contacts.CONTENT_URI
        return var

    def field(self, name: str, type_=None) -> Var:
        """A field or property ``name`` of the class being lowered (of the
        package, for a Kotlin top-level property)."""
        owner = self.cls.qualname if self.cls is not None and self.cls.qualname else self.package
        return Var(type_, field=f"{owner}.{name}" if owner else name)

    def store(self, var: Var, value: F.Expr | None, out: list) -> None:
        """A field initialiser or assignment: ``F.Store`` where the field is known."""
        if var.field is not None:
            out.append(F.Store(var.field, value))
        elif value is not None:
            out.append(F.Eval(value))

    def heat(self, name: str) -> None:
        self.hot.add(name.encode())

    def lookup(self, name: str) -> Var | None:
        return self.scope.lookup(name)

    def name_value(self, name: str, node) -> Value:
        """An identifier used as a value: a local, a field, a static import,
        a class, or a package root."""
        var = self.scope.lookup(name)
        if var is not None:
            if var.has_const:
                if isinstance(var.const, F.Name):
                    return Value(var.const)
                return Value(F.Lit(var.const))
            return Value(F.Name(name, resolved=var.field, local=var.local), var.type)
        member = self.members.get(name)
        if member is not None:
            member = self.canonical(member)
            if self.catalog.sources.get(member) and any(s.kind == "read" for s in self.catalog.sources[member]):
                return Value(self.call(member, name, "read", node))
            return Value(F.Name(name, resolved=member), self.returns.get(member))
        if name[:1].isupper():
            qualified = self.resolve_type(name)
            if qualified is not None:
                return Value(F.Name(name, resolved=qualified), qualified, True)
            return NOTHING
        if name in self.prefixes:
            return Value(None, name, True)
        return Value(F.Name(name))

    def member_value(self, base: Value, name: str, node, base_expr=None) -> Value:
        """``base.name`` read as a field or (Kotlin) property."""
        if base.type is not None and base.type.startswith(_MULTI) and name in ("values", "entries"):
            return Value(base.expr, base.type)  # perms.values.all { it }
        if base.type is None and self.project and self.LANGUAGE == "kotlin" and type(base.expr) is F.Call \
                and base.expr.callee is not None:
            # a property of what a call returns: the project index may know its type
            return Value(self.call(None, name, "call", node, receiver=base.expr))
        if name == "length" and self.LANGUAGE == "java" and base.expr is not None \
                and (base.type is None or base.type.endswith("[]")):
            # an array's length (the only ``length`` field Java has): a count, read of the array
            return Value(self.call(None, name, "read", node, receiver=base.expr))
        if base.type is None or base.type.startswith((_MULTI, _GRANTS)) or base.type.endswith("[]"):
            return Value(base.expr)
        qualified = self.canonical(f"{base.type}.{name}")
        if base.static and name in ("INSTANCE", "Companion") and self.project:
            # Java's view of a Kotlin object / companion: Required.INSTANCE.granted(ctx)
            return Value(F.Name(name, resolved=qualified), qualified if name == "Companion" else base.type)
        if base.static:
            sources = self.catalog.sources.get(qualified)
            if sources and any(s.kind == "read" for s in sources):
                return Value(self.call(qualified, name, "read", node, receiver=None))
            if (qualified in self.prefixes and qualified not in self.catalog.sources) or _class_like(name):
                # a nested class, a package segment or a catalogued constant group
                return Value(F.Name(name, resolved=qualified), qualified, True)
            member = self._class_member(base.type, name)
            if member is not None:
                return member
            if self.LANGUAGE == "kotlin" and name[:1].islower():
                # a property of a catalogued Kotlin object (an extension
                # property too, `Firebase.analytics`): its Java getter
                for method in getter_names(name):
                    candidate = self.member(base.type, method)
                    if candidate in self.returns:
                        return Value(self.call(candidate, name, "call", node, receiver=None),
                                     self.returns.get(candidate))
            return Value(F.Name(name, resolved=qualified), self.returns.get(qualified))
        sources = self.catalog.sources.get(qualified)
        if sources and any(s.kind == "read" for s in sources):
            return Value(self.call(qualified, name, "read", node, receiver=base.expr), self.returns.get(qualified))
        if self.LANGUAGE == "kotlin":
            for method in getter_names(name):
                candidate = self.member(base.type, method)
                if candidate in self.prefixes or candidate in self.returns:
                    return Value(self.call(candidate, name, "call", node, receiver=base.expr),
                                 self.returns.get(candidate))
            if self.project and base.type not in self.prefixes:
                # a property of a type the catalog does not know (a project
                # class, perhaps with a getter of its own): its getter's name,
                # for the project index to find
                return Value(self.call(f"{base.type}.{getter_names(name)[0]}", name, "call", node,
                                       receiver=base.expr))
        elif self.project and base.type not in self.prefixes:
            # Java: a field of a type the catalog does not know (a project
            # class): named, for what the project knows of it
            read = F.Name(name, resolved=qualified)
            return Value(read if base.expr is None or type(base.expr) is F.Name else F.Seq((base.expr, read)))
        return Value(base.expr)

    def _class_member(self, qualname: str, name: str) -> Value | None:
        """``Cls.name`` of a class declared in this file: a constant's value,
        or a static field read with its declared type (``App.api.registerApp``)."""
        for cls_scope in self.class_scopes.get(qualname, ()):
            var = cls_scope.names.get(name)
            if var is not None and var.has_const:
                return Value(F.Lit(var.const))
            if var is not None and var.field is not None and var.type is not None:
                return Value(F.Name(name, resolved=var.field), var.type)
        return None

    def method_callee(self, receiver: Value | None, name: str, project: bool = True) -> str | None:
        """The qualified method ``name`` called on ``receiver`` (None: unqualified);
        ``project``: an unqualified name no catalog knows is this class's."""
        if receiver is None:
            member = self.members.get(name)
            if member is not None:
                return self.canonical(member)
            if self.this_type is not None:
                candidate = self.member(self.this_type, name)
                if candidate in self.prefixes:
                    return candidate
            cls = self.cls
            if cls is not None:
                own = f"{cls.qualname}.{name}"
                if own in self.prefixes:
                    return own
                for sup in cls.supers:
                    candidate = self.canonical(f"{sup}.{name}")
                    if candidate in self.prefixes:
                        return candidate
            implicit = self._implicit(name)
            if implicit is None and self.project and project:
                # a method of this class, a supertype or an enclosing scope:
                # the project index looks it up
                owner = cls.qualname if cls is not None and cls.qualname else self.package
                return f"{owner}.{name}" if owner else name
            return implicit
        if receiver.type is None or receiver.type.startswith((_MULTI, _GRANTS)) or receiver.type.endswith("[]"):
            return self._implicit(name) if receiver.static is False and receiver.type is None else None
        return self.member(receiver.type, name)

    def super_callee(self, superclass: str | None, name: str) -> str | None:
        """``super.name()``: the method of ``superclass`` (which may inherit
        it), never this class's own override of it."""
        if superclass is None:
            return self._implicit(name)
        candidate = self.member(superclass, name)
        if candidate in self.prefixes or candidate in self.returns or self.project:
            return candidate
        return self._implicit(name)

    def member(self, type_: str, name: str) -> str:
        """``type_.name``, or the same member of a catalogued supertype that
        the catalog knows (``FragmentActivity.getContentResolver`` is
        ``Context.getContentResolver``)."""
        qualified = self.canonical(f"{type_}.{name}")
        if qualified in self.prefixes or qualified in self.returns:
            return qualified
        for sup in self.catalog.supertypes.get(type_, ()):
            candidate = self.canonical(f"{sup}.{name}")
            if candidate in self.prefixes or candidate in self.returns:
                return candidate
        return qualified

    def _implicit(self, name: str) -> str | None:
        """Context methods reached on an unknown receiver: only permission
        checks and typed factories, never a collecting API."""
        candidate = f"{_IMPLICIT_OWNER}.{name}"
        if candidate in self.catalog.permission_checks or candidate in self.returns:
            return candidate
        return None

    # ------------------------------------------------------------------ facts

    def call(self, callee, text, kind, node, receiver=None, args=(), keywords=(), exact=False) -> F.Call:
        self.next_id += 1
        return F.Call(self.next_id, callee, text, kind, self.positions.span(node), receiver, tuple(args),
                      tuple(keywords), exact=exact)

    def grant_api(self, call: F.Call, args) -> str | None:
        """The synthetic check a lambda handed to ``call`` receives as its first
        parameter (``<api>.granted`` in the catalog's permission checks)."""
        checks = self.catalog.permission_checks
        for candidate in (call.callee, *(a.callee for a in args if isinstance(a, F.Call))):
            if candidate is not None and candidate + _GRANTED in checks:
                return candidate + _GRANTED
        return None

    def grant_binding(self, api: str, param: str, node) -> F.Stmt | None:
        """Bind the first parameter of a grant callback: a boolean (Assign of a
        synthetic read) or a map of permission -> granted (typed)."""
        check = self.catalog.permission_checks[api]
        if check.permission_arg is not None:
            self.bind(param, Var(_MULTI + api, local=True))
            return None
        self.bind(param, Var(None, local=True))
        return F.Assign(param, self.call(api, param, "read", node))

    def map_get(self, receiver: Value | None, name: str, args, node) -> Value | None:
        """``perms.get(P)`` / ``perms.getValue(P)`` on a grant map."""
        if receiver is not None and receiver.type is not None and receiver.type.startswith(_MULTI) \
                and name in ("get", "getValue", "getOrDefault") and args:
            return self.index_value(receiver, args[0], node)
        return None

    def all_granted(self, receiver: Value | None, predicate: str, node) -> Value | None:
        """``perms.values.all { it }`` / ``grantResults.all { it == PERMISSION_GRANTED }``:
        every requested permission was granted (a check for all of them)."""
        if receiver is None:
            return None
        predicate = " ".join(predicate.split())
        if receiver.type is None or not receiver.type.startswith((_MULTI, _GRANTS)):
            # a helper's parameter (fun verify(results: IntArray) = results.all { it == GRANTED }):
            # each element compared with the grant value, which the helper's
            # check summary fills in from the caller's argument
            expr = receiver.expr
            if type(expr) is F.Name and expr.local and _ALL_GRANTED.fullmatch(predicate):
                return Value(F.Compare(expr, "eq", F.Name("PERMISSION_GRANTED", resolved=_PERMISSION_GRANTED)))
            return None
        if receiver.type.startswith(_MULTI) and predicate in _ALL_VALUES:
            return Value(self.call(receiver.type[len(_MULTI):], "all", "read", node))
        if receiver.type.startswith(_GRANTS) and _ALL_GRANTED.fullmatch(predicate):
            return Value(self.call(receiver.type[len(_GRANTS):], "all", "read", node))
        return None

    def index_value(self, base: Value, index: Value, node) -> Value | None:
        """``perms[P]`` on a grant map, ``grantResults[i]`` in onRequestPermissionsResult;
        an element of a typed Java array (``messages[0]``: an ``SmsMessage``)."""
        if base.type is None:
            return None
        if base.type.endswith("[]"):
            return Value(seq((base, index)), base.type[:-2])
        if base.type.startswith(_MULTI):
            return Value(self.call(base.type[len(_MULTI):], "", "read", node, args=(index.expr,)))
        if base.type.startswith(_GRANTS):
            return Value(self.call(base.type[len(_GRANTS):], "", "read", node, args=(index.expr,)))
        return None

    def callback_guard(self, supers, name: str, annotations, node) -> F.Call | None:
        """A method the platform calls only after a grant: a synthetic check."""
        checks = self.catalog.permission_checks
        for sup in supers:
            api = f"{sup}.{name}"
            if api in checks and checks[api].kind == "read" and api != GRANT_RESULTS_CALLBACK:
                return self.call(api, name, "read", node)
        for annotation in annotations:
            if annotation in checks and checks[annotation].kind == "read":
                return self.call(annotation, name, "read", node)
        return None

    def arguments(self, values, node) -> list:
        """Argument expressions of a call; the grant results a callback received
        (``onRequestPermissionsResult``'s ``int[]``), handed to a helper, are
        handed on as what they are: the result of the request, which the
        helper's check summary compares (``allGranted(grantResults)``)."""
        out = []
        for v in values:
            if v is not None and v.type is not None and v.type.startswith(_GRANTS) and v.expr is not None:
                out.append(self.call(v.type[len(_GRANTS):], getattr(v.expr, "name", ""), "read", node))
            else:
                out.append(v.expr if v is not None else None)
        return out

    def grants_param(self, method: str, params: list[str]) -> None:
        if method == "onRequestPermissionsResult" and len(params) >= 3 \
                and GRANT_RESULTS_CALLBACK in self.catalog.permission_checks:
            self.bind(params[2], Var(_GRANTS + GRANT_RESULTS_CALLBACK, local=True))

    def service_type(self, callee: str | None, text: str, args: list[Value], type_args) -> str | None:
        """``getSystemService(T.class)``, ``getSystemService<T>()``."""
        if text not in SERVICE_GETTERS:
            return None
        for t in type_args:
            if t:
                return t
        for arg in args:
            if arg.static and isinstance(arg.expr, F.Name) and arg.expr.name == "class":
                return arg.type
        return None

    def function(self, name, qualname, params, decorators, body, node, override=False,
                 returns: str | None = None) -> F.Function:
        return F.Function(name, qualname, tuple(params), tuple(decorators), body, self.positions.span(node),
                          override, returns)

    def declare_class(self, qualname: str, supers, node, interface: bool = False, private: bool = False) -> None:
        """Whole-program: record a class and its supertypes for the index."""
        if self.project:
            self.classes.append(F.ClassDecl(qualname, tuple(supers), self.positions.span(node), interface,
                                            private and not interface))

    def reference(self, receiver: Value | None, name: str, node) -> Value:
        """``this::onGranted`` / ``Foo::bar`` / ``::helper``: the function may
        now be called from anywhere (an entry point for caller guards)."""
        callee = self.method_callee(receiver, name) if self.project else None
        if callee is None:
            return NOTHING
        return Value(self.call(callee, name, "ref", node))


def for_each(element: str | None, iterable, body: F.Block) -> F.Block:
    """A for-each body that starts by binding its element to (an element of)
    what is iterated, when that is a plain local, parameter, field or constant:
    a loop over a helper's parameter that exits unless each element is granted
    leaves every element granted (``for (p : permissions) if (check(p) != GRANTED) return false``)."""
    if element is None or not (isinstance(iterable, F.Name) and (iterable.local or iterable.resolved)):
        return body
    return F.Block((F.Assign(element, iterable), *body.stmts))


def seq(values) -> F.Expr | None:
    """Sub-expressions evaluated in order, dropping what cannot matter."""
    items = tuple(v.expr for v in values if v is not None and v.expr is not None)
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return F.Seq(items)


def _class_like(name: str) -> bool:
    """A member named like a class (``Contacts`` in ``ContactsContract.Contacts``),
    not like a constant (``CONTENT_URI``) or a field."""
    return name[:1].isupper() and any(c.islower() for c in name)


def class_literal(qualified: str | None) -> Value:
    """``T.class`` / ``T::class.java``."""
    if qualified is None:
        return NOTHING
    return Value(F.Name("class", resolved=qualified), qualified, True)


def string_value(node, fragment: str, escapes: dict) -> str | None:
    """The value of a string literal made of ``fragment`` nodes and escape
    sequences; None when it interpolates anything."""
    parts = []
    for child in node.named_children:
        if child.type == fragment:
            parts.append(ts.text(child))
        elif child.type == "escape_sequence":
            raw = ts.text(child)
            parts.append(escapes.get(raw[1:2], raw))
        else:
            return None
    return "".join(parts)
