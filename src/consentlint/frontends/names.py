"""Name resolution shared by the front-ends: lexical scopes, what the analysis
is interested in, and how members of resolved names are named."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from consentlint.catalog import normalise_name


@dataclass(frozen=True)
class Interest:
    """The qualified names that can matter for one language (catalog APIs and
    the manifest's consent functions, with all their dotted prefixes); a name
    outside this set is never tracked."""

    prefixes: frozenset[str]
    roots: frozenset[str]
    aliases: dict  # qualified name -> the name it stands for
    # last segments of every catalogued API and manifest function: where a
    # language always spells them at the use site, code without one cannot matter
    leaves: frozenset[str] = frozenset()
    # lower every function and statement (no text shortcuts): the reference
    # the shortcuts are tested against
    everything: bool = False
    # whole-program lowering: every function, call edge and return is kept
    # (the project index needs callers and helpers that mention no catalog name)
    project: bool = False
    # consent-named values (catalog patterns, and the manifest's `[consent]
    # settings`, normalised): reads of them are lowered, for the guard analysis
    consent_names: object = None  # catalog.ConsentNames
    settings: frozenset = frozenset()

    @classmethod
    def build(cls, names, aliases=None) -> Interest:
        prefixes = set()
        module_roots = set()
        for name in names:
            module, hash_, rest = name.partition("#")
            if hash_:
                # JS/TS `<module>#<export>.<member>` (DESIGN section 12): the
                # namespace `<module>#` and each dotted prefix of the export;
                # the prefilter root is the specifier's last path segment,
                # which any file importing it spells out
                prefixes.add(module + "#")
                parts = rest.split(".") if rest else []
                for i in range(1, len(parts) + 1):
                    prefixes.add(module + "#" + ".".join(parts[:i]))
                segment = module.rstrip("/").rsplit("/", 1)[-1].lstrip(".")
                if segment:
                    module_roots.add(segment)
                continue
            parts = name.split(".")
            for i in range(1, len(parts) + 1):
                prefixes.add(".".join(parts[:i]))
        roots = frozenset(p.split(".", 1)[0] for p in prefixes if "#" not in p) | module_roots
        return cls(frozenset(prefixes), roots, dict(aliases or {}))

    def consent_named(self, name: str) -> bool:
        """Whether ``name`` (a key, attribute or property) may hold the
        user's consent decision."""
        if self.settings and normalise_name(name) in self._settings:
            return True
        names = self.consent_names
        return names is not None and names.gate.search(name) is not None and names.meaning(name) is not None

    @cached_property
    def _settings(self) -> frozenset:
        return frozenset(normalise_name(s) for s in self.settings)

    def consent_words(self, source: bytes) -> list[int]:
        """Offsets in ``source`` where a consent-named value may be spelled
        (the catalog's gate, and the manifest's setting names), sorted."""
        if self.consent_names is None:
            return []
        # (lower-cased once: a case-insensitive search is six times slower)
        offsets = [m.start() for m in self.consent_names.gate_bytes.finditer(source.lower())]
        for setting in self.settings:
            offsets += [m.start() for m in re.finditer(re.escape(setting.encode()), source, re.I)]
        return sorted(offsets)

    def canonical(self, qualname: str) -> str:
        """Apply type aliases (``fastapi.Request`` -> ``starlette.requests.Request``)."""
        return self.aliases.get(qualname, qualname)

    def member(self, base: str | None, name: str) -> str | None:
        """The qualified name of ``base.name``."""
        if base is None:
            return None
        return self.canonical(f"{base}.{name}")

    def tracked(self, qualname: str | None) -> bool:
        return qualname is not None and qualname in self.prefixes


class Binding:
    """What a name stands for in a scope: a qualified name (an import, a
    definition, or the type of a value), a literal constant, or nothing known
    (a local that shadows everything outside)."""

    __slots__ = ("qualname", "const", "has_const", "alias")

    def __init__(self, qualname=None, const=None, has_const=False, alias=None):
        self.qualname = qualname  # resolved name or type of the value
        self.const = const  # literal value, when has_const
        self.has_const = has_const
        self.alias = alias  # a catalogued read/call this local holds (facts.Call)


UNKNOWN = Binding()


class Scope:
    """A lexical scope; lookups fall through to the parent."""

    __slots__ = ("names", "parent")

    def __init__(self, parent: Scope | None = None):
        self.parent = parent
        self.names: dict[str, Binding] = {}

    def lookup(self, name: str) -> Binding | None:
        scope = self
        while scope is not None:
            binding = scope.names.get(name)
            if binding is not None:
                return binding
            scope = scope.parent
        return None

    def bind(self, name: str, binding: Binding) -> None:
        self.names[name] = binding
