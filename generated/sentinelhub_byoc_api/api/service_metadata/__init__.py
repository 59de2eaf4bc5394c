# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
"""Contains endpoint functions for accessing the API"""
