"""The one error family: each becomes exit 2 with one clear line at the CLI edge."""


class ConsentlintError(Exception):
    """Base class: a problem with the user's input or configuration (exit 2)."""


class ManifestError(ConsentlintError):
    """A malformed privacy manifest: names the file, line and key."""


class CatalogError(ConsentlintError):
    """A malformed catalog file under checks/ or --catalog."""


class ConfigError(ConsentlintError):
    """A bad command-line option or configuration value."""
