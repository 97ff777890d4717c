"""The project index (DESIGN section 7): every function and class in the
project's facts, the class hierarchy, and which project functions a call can
run (its callee, an inherited method, or any override in a subtype: dispatch
through interfaces and abstract methods reaches every implementation).

Names are the front-ends' qualified names (DESIGN section 12): a call's
``callee`` names a project function when it equals that function's
``qualname``, or names a method of a project class that a supertype declares.
"""

from __future__ import annotations

from dataclasses import dataclass

from consentlint import facts as F

MAX_HOPS = 8  # re-exports followed from one name
MAX_BY_NAME = 4  # project methods one name may stand for when the receiver is unknown


@dataclass(frozen=True, slots=True, eq=False)
class FunctionInfo:
    """A named project function (lambdas and anonymous classes are not named:
    they run where they are handed to, with the guards in force there). One
    per function, compared and hashed by identity (by value, a set of them
    hashed every fact of their bodies)."""

    function: F.Function
    path: str
    language: str

    @property
    def qualname(self) -> str:
        return self.function.qualname


class ProjectIndex:
    def __init__(self, files):
        files = list(files)
        self.functions: dict[str, list[FunctionInfo]] = {}
        self.classes: dict[str, F.ClassDecl] = {}
        self._subtypes: dict[str, set[str]] = {}
        self._targets: dict[str, tuple[FunctionInfo, ...]] = {}
        self._outer: set[str] = set()  # callees whose targets are an enclosing class's methods
        self._by_name: dict[str, list] | None = None
        self._packages: set[str] | None = None
        # initialisers and top-level code, with their files and languages
        self.unnamed: list[tuple[F.Function, str, str]] = []
        # (Java, Kotlin) private fields: only their class writes them
        self.private: frozenset[str] = frozenset(name for facts in files for name in facts.private)
        for facts in files:
            for cls in facts.classes:
                self.classes.setdefault(cls.qualname, cls)
            for function in F.functions_in(facts.functions):
                if not function.name.startswith("<"):
                    self.functions.setdefault(function.qualname, []).append(
                        FunctionInfo(function, facts.path, facts.language))
            self.unnamed += [(f, facts.path, facts.language) for f in facts.functions if f.name.startswith("<")]
        for cls in self.classes.values():
            for sup in cls.supers:
                self._subtypes.setdefault(sup, set()).add(cls.qualname)
        # what each module binds to names of other modules: JS/TS exports and
        # re-exports, Python imports (``pkg/__init__.py``: ``from .perms import has``)
        self._bound: dict[str, dict[str, str]] = {}
        self._stars: dict[str, list[str]] = {}
        self.modules = frozenset(f.module for f in files if f.module)  # the files' own modules
        for facts in files:
            if facts.module is None or facts.language not in ("python", "javascript", "typescript"):
                continue  # JVM imports bind types, not re-exports
            own = facts.module
            bound = self._bound.setdefault(own, {})
            if facts.language in ("javascript", "typescript"):
                _bind_js(own, facts.imports, bound, self._stars)
                continue
            for imp in facts.imports:
                if imp.star:
                    self._stars.setdefault(own, []).append(imp.module)
                elif imp.name is not None:
                    bound[imp.alias or imp.name] = f"{imp.module}.{imp.name}"
                elif imp.alias is not None:
                    bound[imp.alias] = imp.module

    def supertypes(self, qualname: str):
        """Project supertypes of a class, nearest first (each once)."""
        seen, queue, out = {qualname}, [qualname], []
        while queue:
            cls = self.classes.get(queue.pop(0))
            if cls is None:
                continue
            for sup in cls.supers:
                if sup not in seen:
                    seen.add(sup)
                    out.append(sup)
                    queue.append(sup)
        return out

    def supers_of(self, qualname: str):
        """Every supertype the class or one of its project supertypes names
        (external ones included), nearest class first, in declaration order."""
        for name in (qualname, *self.supertypes(qualname)):
            cls = self.classes.get(name)
            yield from (cls.supers if cls is not None else ())

    def subtypes(self, qualname: str):
        """Every project class below ``qualname``."""
        return reachable(self._subtypes.get(qualname, ()), self._subtypes)

    def follow(self, name: str, _seen: set | None = None) -> str:
        """``name`` through re-exports and imports to what it is defined as
        (``./src/index#hasPerm`` -> ``./src/perms#hasPerm``, ``pkg.has`` ->
        ``pkg.perms.has``); itself when no module re-binds it. ``_seen``: the
        names this lookup has passed (star imports in a cycle, as pip's
        vendored pyparsing has, end there)."""
        seen = set() if _seen is None else _seen
        for _ in range(MAX_HOPS):
            if name in self.functions or name in self.classes:
                return name
            if name in seen:
                return name
            seen.add(name)
            module, head, tail = self._split(name)
            if module is None:
                return name
            target = self._bound.get(module, {}).get(head)
            if target is None:
                for star in self._stars.get(module, ()):
                    candidate = self.follow(f"{star}#{head}" + (f".{tail}" if tail else ""), seen)
                    if candidate in self.functions or candidate in self.classes:
                        return candidate
                return name
            followed = target + tail if target.endswith("#") else target + (f".{tail}" if tail else "")
            if followed.startswith(f"{name}.") or followed.startswith(f"{name}#"):
                # a package's own submodule that is not scanned (`from .x import x` in
                # `pkg/__init__.py`, `pkg.x` absent): `pkg.x.x` read as `pkg`'s `x`
                # would grow without end (`pkg.x.x.x...`); the name is already qualified
                return name
            name = followed
        return name

    def _split(self, name: str):
        """(module, first name, rest) of a qualified name, for a module the
        project has (JS/TS ``module#a.b``; Python the longest dotted prefix)."""
        module, sep, rest = name.partition("#")
        if sep:
            head, _, tail = rest.partition(".")
            return (module, head, tail) if module in self._bound or module in self._stars else (None, "", "")
        parts = name.split(".")
        for i in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:i])
            if module in self._bound or module in self._stars:
                return module, parts[i], ".".join(parts[i + 1:])
        return None, "", ""

    def targets(self, callee: str | None) -> tuple[FunctionInfo, ...]:
        """The project functions a call of ``callee`` may run."""
        if callee is None:
            return ()
        hit = self._targets.get(callee)
        if hit is not None:
            return hit
        self._targets[callee] = ()  # (a lookup that comes back to this name finds nothing)
        followed = self.follow(callee)
        if followed == callee and callee not in self.functions:
            followed = _kotlin_from_java(callee)
        if followed != callee:
            result = self._targets[callee] = self.targets(followed)
            return result
        owner, _, name = callee.rpartition(".")
        found: list[FunctionInfo] = list(self.functions.get(callee, ()))
        if callee in self.classes and not found:
            # `new Body(uri)`, `Body(uri)`: the class's constructors (Java's
            # are named like the class, Python's __init__, JS/TS constructor)
            for constructor in (name, "__init__", "constructor"):
                found += self.functions.get(f"{callee}.{constructor}", ())
            if not found:  # (Python) an __init__ the class inherits
                for sup in self.supertypes(callee):
                    found += self.functions.get(f"{sup}.__init__", ())
                    if found:
                        break
        if owner in self.classes and not found:
            for sup in self.supertypes(owner):
                inherited = self.functions.get(f"{sup}.{name}")
                if inherited:
                    found += inherited
                    break
        # overrides below, also of a type outside the files scanned (an
        # interface in another module that project classes implement)
        for sub in sorted(self.subtypes(owner)):
            found += self.functions.get(f"{sub}.{name}", ())
        if not found:
            # a method of an enclosing class, called from a nested, inner or
            # anonymous class that neither declares nor inherits it
            enclosing = self._enclosing(owner)
            if enclosing is not None:
                found += self.targets(f"{enclosing}.{name}")
                if found:
                    self._outer.add(callee)
        result = tuple(dict.fromkeys(found))
        self._targets[callee] = result
        return result

    def call_targets(self, call: F.Call) -> tuple[FunctionInfo, ...]:
        """The project functions ``call`` may run: a ``super.m()`` call
        (``Call.exact``) runs the method its class has or inherits, never an
        override below (the caller's own)."""
        if not call.exact or call.callee is None:
            return self.targets(call.callee)
        owner, _, name = call.callee.rpartition(".")
        for cls in (owner, *self.supertypes(owner)):
            found = self.functions.get(f"{cls}.{name}")
            if found:
                return tuple(found)
        return ()

    def _enclosing(self, owner: str) -> str | None:
        """The project class ``owner`` is nested in (anonymous classes,
        ``Outer.<anonymous>``, are skipped up to the named class); None
        when ``owner`` is not a class (``pkg.Sensor._telemeter``: an attribute)."""
        if owner not in self.classes and not owner.endswith("<anonymous>"):
            return None
        head = owner.rpartition(".")[0]
        while head.endswith("<anonymous>"):
            head = head.rpartition(".")[0]
        return head if head in self.classes else None

    def returned_callees(self, call: F.Call) -> tuple[str, ...]:
        """For a call the front-end could not resolve, made on the result of a
        project call (``getBackupTask().execute(..)``): the method of the type
        each target declares (or, Kotlin, evaluates to) as its return."""
        receiver = call.receiver
        if type(receiver) is not F.Call or not call.text:
            return ()
        types = sorted({t.function.returns for t in self.targets(receiver.callee) if t.function.returns})
        return tuple(f"{type_}.{call.text}" for type_ in types)

    def methods_named(self, name: str) -> tuple[FunctionInfo, ...]:
        """Every method of a project class called ``name`` (at most
        ``MAX_BY_NAME``: a name that common is no evidence of anything)."""
        if self._by_name is None:
            self._by_name = {}
            for qualname, infos in self.functions.items():
                owner, _, method = qualname.rpartition(".")
                if owner in self.classes:
                    self._by_name.setdefault(method, []).extend(infos)
        found = self._by_name.get(name, ())
        return tuple(found) if len(found) <= MAX_BY_NAME else ()

    def inherited(self, callee: str | None) -> tuple[str, ...]:
        """A method of a project class that no project class defines: the
        same method of the class's supertypes outside the project, nearest
        first (``QueryHandler extends AsyncQueryHandler``: ``startQuery`` is
        ``android.content.AsyncQueryHandler.startQuery``)."""
        if callee is None:
            return ()
        owner, _, name = callee.rpartition(".")
        if owner not in self.classes or (self.targets(callee) and callee not in self._outer):
            return ()  # (a supertype's method comes before an enclosing class's)
        out = []
        for sup in (owner, *self.supertypes(owner)):
            cls = self.classes.get(sup)
            for parent in (cls.supers if cls is not None else ()):
                if parent not in self.classes and "." in parent:
                    out.append(f"{parent}.{name}")
        return tuple(dict.fromkeys(out))

    def framework_called(self, info: FunctionInfo) -> bool:
        """Whether the framework may call the function: its topmost
        declaration in the project (itself, or the same method in the farthest
        project supertype) overrides a method of a type outside the project."""
        owner, _, name = info.qualname.rpartition(".")
        top, top_owner = [info], owner
        for sup in self.supertypes(owner):
            found = self.functions.get(f"{sup}.{name}")
            if found:
                top, top_owner = found, sup
        if not any(i.function.override for i in top):
            return False
        # the type it overrides is outside the files scanned; when every such
        # type is in the app's own packages (an interface in a module not
        # scanned), the app calls it, not the framework
        outside = [s for c in (top_owner, *self.supertypes(top_owner))
                   for s in (self.classes[c].supers if c in self.classes else ()) if s not in self.classes]
        return not outside or not all(self._own_package(s) for s in outside)

    def _own_package(self, name: str) -> bool:
        """Whether a qualified JVM/Python name lies in a package the project's
        classes use (its first two segments: ``org.tasks``)."""
        if self._packages is None:
            self._packages = {".".join(q.split(".")[:2]) for q in self.classes
                              if "#" not in q and q.count(".") >= 2}
        return "#" not in name and name.count(".") >= 2 and ".".join(name.split(".")[:2]) in self._packages


def reachable(starts, edges: dict) -> set:
    """``starts`` and everything the ``edges`` (node -> next nodes) lead to."""
    seen = set(starts)
    queue = list(seen)
    while queue:
        for nxt in edges.get(queue.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _kotlin_from_java(callee: str) -> str:
    """How Java names Kotlin: a top-level function of ``Utils.kt`` is
    ``pkg.UtilsKt.f``, an ``object``'s ``pkg.O.INSTANCE.f``, a companion's
    ``pkg.C.Companion.f``; the Kotlin qualified name is ``pkg.f``, ``pkg.O.f``,
    ``pkg.C.f``."""
    owner, _, name = callee.rpartition(".")
    package, _, cls = owner.rpartition(".")
    if cls in ("INSTANCE", "Companion") and package:
        return f"{package}.{name}"
    if cls.endswith("Kt") and len(cls) > 2 and cls[:1].isupper():
        return f"{package}.{name}" if package else name
    return callee


def _bind_js(own: str, imports, bound: dict, stars: dict) -> None:
    """JS/TS exports (the front-end's ``Import`` entries, see ``_exports``
    there): an entry without ``alias`` is an import, which binds a local name;
    one with ``alias`` exports ``name`` under it, from another module (a
    re-export) or from this one, where ``name`` may itself be an import."""
    local = {imp.name: f"{imp.module}#{imp.name}" for imp in imports
             if imp.alias is None and not imp.star and imp.name is not None}
    for imp in imports:
        if imp.star:
            stars.setdefault(own, []).append(imp.module)
        elif imp.alias is None:
            continue
        elif imp.module != own:
            bound[imp.alias] = f"{imp.module}#{imp.name}" if imp.name else f"{imp.module}#"
        else:
            target = local.get(imp.name, f"{own}#{imp.name}")
            if target != f"{own}#{imp.alias}":
                bound[imp.alias] = target

