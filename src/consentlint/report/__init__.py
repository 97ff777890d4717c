"""Reporters: one module per output format of ``consentlint check`` (the module
named like the format), each with ``render(run) -> str``."""

FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab")
