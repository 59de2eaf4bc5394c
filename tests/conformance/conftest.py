"""The conformance runner is a script run by ``nox -s conformance``, not a test module."""

collect_ignore = ["run_schemathesis.py"]
