"""How the flow rules (PDC104, PDC401, PDC402) name the collection a flow starts at."""

from consentlint.consent import short_name


def origin_text(flow, path: str) -> str:
    """``location.precise from `LocationManager.getLastKnownLocation` (line 12)``;
    ``(src/Tracker.java:12)`` when collected in another file."""
    origin = flow.origin
    where = f"line {origin.span.line}" if origin.path == path else f"{origin.path}:{origin.span.line}"
    return f"{origin.category} from `{short_name(origin.api)}` ({where})"
