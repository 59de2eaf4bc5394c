"""The package's version: the one place it is written (hatch reads it from here when building)."""

__version__ = "0.1.0"
"""The version of this package, e.g. ``"0.1.0"``; ``byoc --version`` shows it."""
