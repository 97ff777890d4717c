"""Accessibility services that read other apps' window text (PDC403, DESIGN
section 13): a call of a catalogued window-text read (``[[window_text]]``:
``AccessibilityEvent.getText``, ``AccessibilityNodeInfo.getText`` of
``getRootInActiveWindow()`` or ``event.getSource()``) in the code of a project
class that extends an accessibility service, directly or through project
classes (its methods and the lambdas and nested classes in them)."""

from __future__ import annotations

from consentlint import facts as F


def find(facts: F.FileFacts, catalog, index) -> list[tuple]:
    """``(call, api, service, function)`` for each such read in ``facts``."""
    if not catalog.window_text:
        return []
    out, seen = [], set()
    for call, chain in F.calls_in(facts.functions):
        if call.callee is None or id(call) in seen:
            continue
        seen.add(id(call))
        apis = (call.callee, *index.inherited(call.callee))
        for services, reads in catalog.window_text:
            api = next((a for a in apis if a in reads), None)
            if api is None:
                continue
            service = next((s for s in (_service(f.qualname, services, index) for f in chain) if s), None)
            if service is not None:
                out.append((call, api, service, chain[0].qualname))
                break
    return out


def _service(qualname: str, services, index) -> str | None:
    """The service ``qualname``'s class (or a class it is nested in) extends, or None."""
    owner = qualname
    while owner:
        owner = owner.rpartition(".")[0]
        if owner not in index.classes:
            continue
        for parent in index.supers_of(owner):
            if parent in services:
                return parent
    return None
