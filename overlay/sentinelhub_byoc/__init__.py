"""sentinelhub-byoc: a typed client for Sentinel Hub's Bring Your Own COG (BYOC) API."""

__version__ = "0.1.0"
