"""The rules: one module per code; each module's docstring (What it does / Why
is this bad? / Example / Use instead / Configuration / References) is the one
source for ``consentlint rule``, SARIF help and the docs.

File-scope rules read one ``FileContext``; project-scope rules read a
``ProjectContext`` once per run."""

from __future__ import annotations

from dataclasses import dataclass

from consentlint.rules import (
    bundled_consent,
    cleartext_transmission,
    default_consent,
    forced_consent,
    installs_other_apps,
    manifest_problem,
    mismatched_consent,
    personal_data_logged,
    reads_verification_codes,
    missing_account_deletion,
    missing_correction,
    missing_policy,
    sdk_before_consent,
    undeclared_collection,
    undeclared_sharing,
    unguarded_collection,
    unreadable_source,
    unused_declaration,
    unused_suppression,
)

RULES = {
    module.CODE: module
    for module in (
        unreadable_source,
        manifest_problem,
        unused_suppression,
        undeclared_collection,
        unused_declaration,
        missing_policy,
        undeclared_sharing,
        unguarded_collection,
        mismatched_consent,
        default_consent,
        bundled_consent,
        forced_consent,
        sdk_before_consent,
        missing_account_deletion,
        missing_correction,
        cleartext_transmission,
        personal_data_logged,
        reads_verification_codes,
        installs_other_apps,
    )
}

FILE_RULES = tuple(r for r in RULES.values() if r.SCOPE == "file")
RUN_RULES = tuple(r for r in RULES.values() if r.SCOPE != "file")


@dataclass(frozen=True)
class FileContext:
    path: str
    problems: tuple  # facts.SyntaxProblem, incl. unreadable or undecodable input
    collections: tuple  # sites.Collection
    manifest: object  # manifest.Manifest or None
    unused_suppressions: tuple = ()  # suppressions.Suppression that silenced nothing (PDC003)
    refusals: tuple = ()  # (check guard, call, app exit api, function): it closes the app where the check was refused
    defaults: tuple = ()  # (call, setting, default, function): a consent-named setting read with a granted default
    started: tuple = ()  # (call, api, start callback, function): consent recorded as granted when the app starts
    initials: tuple = ()  # facts.Initial: a consent-named field, state, parameter or checkbox that starts as granted
    bundles: tuple = ()  # bundles.Bundle: one consent action or permission request for several purposes
    installs: tuple = ()  # sites.Collection for the purpose install-apps (PDC501)
    auto_started: tuple = ()  # (call, api, sdk, categories, function): an SDK the AndroidManifest lets start with the app
    flows: tuple = ()  # flows.Flow: collected data reaching a sink in this file (PDC104, PDC401, PDC402, PDC403)
    window_reads: tuple = ()  # (call, api, service, function): an accessibility service reads window text (PDC403)


@dataclass(frozen=True)
class ProjectContext:
    """``project_scope`` is false for explicit file lists (pre-commit, flake8):
    then only the run-level parts of project rules apply."""

    manifest: object
    manifest_display: str | None  # the manifest's path as printed
    expected_manifest: str  # the first file that no manifest governs ("": none)
    project_scope: bool
    collections: tuple
    used_names: frozenset[str]
    defined_names: frozenset[str] = frozenset()  # the manifest's [rights] handlers the scanned code defines
    accounts: tuple = ()  # (path, line, api): where the code creates a user account


def selector_problem(selector: str) -> str | None:
    """Why ``selector`` (``ALL``, a code or a code prefix, upper-case) selects
    no rule, or None. An empty one would select every code."""
    if not selector:
        return "empty rule selector"
    if selector != "ALL" and not any(code.startswith(selector) for code in RULES):
        return f"unknown rule selector {selector!r} (known codes: {', '.join(RULES)})"
    return None


DOCS = "https://github.com/consentlint/consentlint/blob/main/docs/rules"


def docs_url(code: str) -> str:
    """The page that documents a rule (``docs/rules/PDC201.md``)."""
    return f"{DOCS}/{code}.md"


def find(name: str):
    """The rule a code (``PDC201``, any case) or a name (``unguarded-collection``) stands for, or None."""
    return RULES.get(name.upper()) or next((m for m in RULES.values() if m.NAME == name.lower()), None)


# GitHub code scanning sorts alerts with a security tag by this score (0-10)
_SECURITY_SEVERITY = {"error": "7.0", "warning": "3.0"}


def security_severity(module) -> str:
    """A rule's ``security-severity`` (SARIF): its own ``SECURITY_SEVERITY``, else by its level."""
    return getattr(module, "SECURITY_SEVERITY", None) or _SECURITY_SEVERITY[module.SEVERITY]


_SCOPES = {"file": "in the source file where it happens (judged over the whole project)",
           "project": "once per project, when a scan covers the manifest's folder (or with `--project`)",
           "run": "once per run"}


def page(module) -> str:
    """The rule's documentation page (``docs/rules/<code>.md``), from its docstring."""
    text = (module.__doc__ or "").strip()
    head, _, rest = text.partition("\n")
    scope = _SCOPES[module.SCOPE]
    return (f"# {module.CODE}: {module.NAME}\n\n{head}\n\n"
            f"Default severity: **{module.SEVERITY}**. Reported {scope}. "
            f"Explain it in a terminal with `consentlint rule {module.CODE}`; "
            f"silence one site with `noqa: {module.CODE} -- reason`.\n"
            f"{rest.rstrip()}\n")


def docs(module) -> dict[str, str]:
    """The sections of a rule's docstring, by heading."""
    sections: dict[str, list[str]] = {}
    current = "summary"
    for line in (module.__doc__ or "").strip("\n").splitlines():
        if line.startswith("## "):
            current = line[3:].strip().rstrip("?").lower()
            sections[current] = []
        else:
            sections.setdefault(current, []).append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items()}


def summary(module) -> str:
    return docs(module)["summary"].splitlines()[0].strip()


def fixability(module) -> str | None:
    """What fixes a rule can offer (its ``FIXES``: safe, unsafe, display-only;
    its docstring's "Fix" section says what they do), or None."""
    levels = getattr(module, "FIXES", ())
    return ", ".join(levels) if levels else None
