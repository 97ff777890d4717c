"""The one error family: each becomes exit 2 with one clear line at the CLI edge
(and so does any other exception, as an internal error)."""


class ConsentlintError(Exception):
    """Base class: a problem with the user's input or configuration (exit 2)."""


class ManifestError(ConsentlintError):
    """A malformed privacy manifest: names the file, line and key."""


class CatalogError(ConsentlintError):
    """A malformed catalog file under checks/ or --catalog."""


class ConfigError(ConsentlintError):
    """A bad command-line option or configuration value."""


def internal_error(exc: BaseException) -> str:
    """The one wording for a bug in consentlint, at the CLI edge (exit 2) and
    in the flake8 plugin (a diagnostic)."""
    message = " ".join(str(exc).split())
    detail = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return f"internal error: {detail} (please report)"
