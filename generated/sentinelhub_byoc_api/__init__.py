# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
"""A client library for accessing API Reference"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
