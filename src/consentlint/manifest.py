"""The privacy manifest (``privacy-manifest.toml``, DESIGN section 4)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from consentlint import schema, taxonomy
from consentlint.errors import ManifestError

MANIFEST_NAME = "privacy-manifest.toml"


@dataclass(frozen=True)
class DataDeclaration:
    category: str
    purposes: tuple[str, ...] = ()
    required: bool = False
    basis: str = "consent"
    shared_with: tuple[str, ...] = ()
    retention: str | None = None
    line: int = 1


@dataclass(frozen=True)
class ThirdParty:
    """A recipient of data (``[[third_party]]``): an SDK in the app or a service."""

    id: str
    name: str | None = None
    sdk: tuple[str, ...] = ()
    policy_url: str | None = None


@dataclass(frozen=True)
class ConsentCheck:
    """A function that answers "did the user consent to X?"."""

    function: str
    category_arg: int = 0
    line: int = 1


@dataclass(frozen=True)
class Manifest:
    path: Path
    policy_url: str | None = None
    policy_file: str | None = None
    data: tuple[DataDeclaration, ...] = ()
    checks: tuple[ConsentCheck, ...] = ()
    decorators: tuple[str, ...] = ()
    requests: tuple[str, ...] = ()
    platform_permissions: bool = True
    records: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    rights: tuple[tuple[str, str], ...] = ()
    third_parties: tuple[ThirdParty, ...] = ()
    text: str = field(default="", compare=False, repr=False)

    @property
    def root(self) -> Path:
        """The folder the manifest governs."""
        return self.path.parent

    def declaration(self, category: str) -> DataDeclaration | None:
        """The most specific declaration covering ``category``, if any."""
        best = None
        for decl in self.data:
            if taxonomy.covers(decl.category, category):
                if best is None or len(decl.category) > len(best.category):
                    best = decl
        return best

    def needs_consent(self, category: str) -> bool:
        """Whether collecting ``category`` needs a consent guard (basis consent,
        which is also what an undeclared category counts as)."""
        decl = self.declaration(category)
        return decl is None or decl.basis == "consent"

    def purposes(self, category: str) -> frozenset[str]:
        """Purposes declared for ``category`` by any covering declaration."""
        return frozenset(
            p for d in self.data if taxonomy.covers(d.category, category) for p in d.purposes
        )

    def line_of(self, *path) -> int:
        return schema.locate(self.text, path)

    def line_of_item(self, path: tuple, value: str) -> int:
        """The line of ``value`` in the array at ``path``."""
        return schema.locate_string(self.text, schema.locate(self.text, path), value)


def find_manifest(start: Path) -> Path | None:
    """The nearest ``privacy-manifest.toml`` in ``start`` or a parent folder
    (a folder of that name there is an error, not "no manifest")."""
    start = Path(os.path.realpath(start))  # Path.resolve raises on a symlink loop
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        path = candidate / MANIFEST_NAME
        if path.is_file():
            return path
        problem = schema.not_a_file(path)
        if problem:
            raise ManifestError(f"{path}: {problem}")
    return None


def group_by_manifest(files, seeds=()) -> dict[Path | None, list[Path]]:
    """``files`` (discovered files, never folders) by the manifest nearest to
    each (None: none above it), in input order within a group; each of
    ``seeds`` (the paths a scan names, files or folders) starts its
    manifest's group, so a manifest governing a named folder without source
    files still has its project-scope rules run. Each folder is looked at
    once, however many files are in it or below it."""
    nearest: dict[str, Path | None] = {}

    def in_folder(folder: str) -> Path | None:
        climbed = []
        while folder not in nearest:
            path = Path(folder) / MANIFEST_NAME
            if path.is_file():
                nearest[folder] = path
                break
            problem = schema.not_a_file(path)
            if problem:
                raise ManifestError(f"{path}: {problem}")
            climbed.append(folder)
            parent = os.path.dirname(folder)
            if parent == folder:
                nearest[folder] = None
                break
            folder = parent
        found = nearest[folder]
        for below in climbed:
            nearest[below] = found
        return found

    real: dict[str, str] = {}

    def manifest_of(path: Path, maybe_folder: bool = False) -> Path | None:
        # a file belongs to the folder it is in (a symlink to a file elsewhere
        # too); that folder by its real path (os.path.realpath never raises on
        # a loop), resolved once per folder (it costs ~20 us a call)
        folder = path if maybe_folder and os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
        if folder not in real:
            real[folder] = os.path.realpath(folder)
        return in_folder(real[folder])

    groups: dict[Path | None, list[Path]] = {}
    for seed in seeds:
        groups.setdefault(manifest_of(seed, maybe_folder=True), [])
    for path in files:
        groups.setdefault(manifest_of(path), []).append(path)
    return groups


def load_manifest(path: Path) -> Manifest:
    """Read and validate a manifest; a problem raises ``ManifestError`` naming
    file, line and key."""
    text, raw = schema.read_toml(path, ManifestError, "manifest")
    problems = schema.validate(raw, schema.load_schema("privacy-manifest.schema.json"))
    if problems:  # every one, a line each, in the file's order
        lines = []
        for where, message in problems:
            if where and where[-1] == "category" and "is not one of" in message:
                value = _value_at(raw, where)
                hint = schema.did_you_mean(str(value), taxonomy.valid_ids())
                message = f"unknown category {value!r} ({hint + ' ' if hint else ''}" \
                          "see `consentlint catalog --categories`)"
            line = schema.locate(text, where)
            lines.append((line, f"{path}:{line}: key {schema.format_path(where)}: {message}"))
        raise ManifestError("\n".join(line for _, line in sorted(lines, key=lambda item: item[0])))

    data = tuple(
        DataDeclaration(
            category=d["category"],
            purposes=tuple(d.get("purposes", ())),
            required=d.get("required", False),
            basis=d.get("basis", "consent"),
            shared_with=tuple(d.get("shared_with", ())),
            retention=d.get("retention"),
            line=schema.locate(text, ("data", i, "category")),
        )
        for i, d in enumerate(raw.get("data", ()))
    )
    consent = raw.get("consent", {})
    checks = []
    for i, entry in enumerate(consent.get("checks", ())):
        if isinstance(entry, str):
            entry = {"function": entry}
        checks.append(
            ConsentCheck(
                function=entry["function"],
                category_arg=entry.get("category_arg", 0),
                line=schema.locate_string(text, schema.locate(text, ("consent", "checks")), entry["function"]),
            )
        )
    policy = raw.get("policy", {})
    return Manifest(
        path=path,
        policy_url=policy.get("url"),
        policy_file=policy.get("file"),
        data=data,
        checks=tuple(checks),
        decorators=tuple(consent.get("decorators", ())),
        requests=tuple(consent.get("requests", ())),
        platform_permissions=consent.get("platform_permissions", True),
        records=tuple(consent.get("records", ())),
        settings=tuple(consent.get("settings", ())),
        rights=tuple(sorted(raw.get("rights", {}).items())),
        third_parties=tuple(ThirdParty(t["id"], t.get("name"), tuple(t.get("sdk", ())), t.get("policy_url"))
                            for t in raw.get("third_party", ())),
        text=text,
    )


def _value_at(raw, path):
    for part in path:
        raw = raw[part]
    return raw
