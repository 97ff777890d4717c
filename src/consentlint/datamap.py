"""The app's data map: what the manifest declares beside what the code
collects, per category, with the app-store and fideslang labels of each. The
inventory reports and the exports (Play Data Safety, Apple privacy manifest,
fideslang) are renderings of it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from consentlint import taxonomy


@dataclass
class Entry:
    """One category: its declaration (None: collected but not declared), the
    sites that collect it, and the SDKs the code starts that collect it."""

    category: str
    declaration: object | None = None  # manifest.DataDeclaration
    sites: list = field(default_factory=list)  # sites.Collection
    sdks: set = field(default_factory=set)  # SDK names (catalog `sdk`)

    @property
    def collected(self) -> bool:
        return bool(self.sites)

    @property
    def shared_with(self) -> tuple[str, ...]:
        """Who receives it: the declaration's ``shared_with`` and the SDKs
        that collect it themselves."""
        declared = tuple(self.declaration.shared_with) if self.declaration else ()
        return tuple(dict.fromkeys((*declared, *sorted(self.sdks))))

    @property
    def shared(self) -> bool:
        return bool(self.shared_with)

    @property
    def purposes(self) -> tuple[str, ...]:
        return tuple(self.declaration.purposes) if self.declaration else ()

    @property
    def basis(self) -> str | None:
        return self.declaration.basis if self.declaration else None

    @property
    def required(self) -> bool:
        return bool(self.declaration and self.declaration.required)

    @property
    def labels(self) -> dict:
        """``play``, ``apple`` and ``fideslang`` labels of the category (those
        of the nearest taxonomy leaf below a prefix declaration)."""
        known = taxonomy.categories()
        if self.category in known:
            return known[self.category]
        leaves = sorted(c for c in known if taxonomy.covers(self.category, c))
        return known[leaves[0]] if leaves else {}

    @property
    def guarded(self) -> int:
        return sum(1 for s in self.sites if s.status == "guarded")


@dataclass
class DataMap:
    app: str
    policy_url: str | None
    policy_file: str | None
    entries: list[Entry]
    third_parties: list  # manifest.ThirdParty
    manifest: str | None  # its path as shown, or None without one

    @property
    def undeclared(self) -> list[Entry]:
        return [e for e in self.entries if e.collected and e.declaration is None]

    @property
    def unused(self) -> list[Entry]:
        return [e for e in self.entries if not e.collected]


def sdk_id(name: str) -> str:
    """The ``[[third_party]] id`` an SDK gets (``Google Mobile Ads`` -> ``google-mobile-ads``)."""
    return re.sub(r"[^a-z0-9_.-]+", "-", name.lower()).strip("-") or "sdk"


def recipient(sdk: str, parties) -> str:
    """How the data map names an SDK: the manifest's third party that is it
    (by id or name, in any case), else the SDK's own name."""
    wanted = sdk.lower()
    return next((t.id for t in parties if t.id in (wanted, sdk_id(sdk)) or (t.name or "").lower() == wanted), sdk)


def build(run, manifest, app: str | None = None) -> DataMap:
    """The data map of a scan (``engine.RunResult``) against ``manifest``."""
    entries: dict[str, Entry] = {}
    parties = list(manifest.third_parties) if manifest is not None else []
    for site in sorted(run.collections, key=lambda c: (c.category, c.path, c.span.line, c.span.column)):
        entry = entries.setdefault(site.category, Entry(site.category))
        entry.sites.append(site)
        if site.source.sdk:
            entry.sdks.add(recipient(site.source.sdk, parties))
    if manifest is not None:
        for entry in entries.values():
            entry.declaration = manifest.declaration(entry.category)
        for decl in manifest.data:
            if not any(taxonomy.covers(decl.category, c) for c in entries):
                entries.setdefault(decl.category, Entry(decl.category, decl))
    name = app or (manifest.root.resolve().name if manifest is not None else Path.cwd().name)
    return DataMap(name, manifest.policy_url if manifest else None, manifest.policy_file if manifest else None,
                   sorted(entries.values(), key=lambda e: e.category),
                   parties,
                   str(manifest.path) if manifest else None)
