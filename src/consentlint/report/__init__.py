"""Reporters: one module per output format, each with ``render(run, ...) -> str``."""

FORMATS = ("text", "json")
