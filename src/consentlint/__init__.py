"""consentlint: finds personal-data collection in app code and checks that each
site is declared in the privacy manifest and guarded by a consent check."""

__version__ = "0.1.0"
