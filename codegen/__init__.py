"""The spec pipeline: upstream OpenAPI document → ``openapi.yaml`` → ``generated/``.

Stages, one module each:

- :mod:`codegen.source` loads a document from a URL or a file and checks it is OpenAPI 3.x;
- :mod:`codegen.extract` keeps the BYOC part of it, as published;
- :mod:`codegen.changes` reports what changed in the API between two BYOC documents;
- :mod:`codegen.normalise` applies the named rules that work around upstream defects;
- :mod:`codegen.generate` runs the pinned generator and writes ``generated/`` reproducibly.

``python -m codegen --help`` drives them; ``nox -s spec``, ``generate`` and ``check_generated`` call it.

Apart from the spec pipeline, :mod:`codegen.unasync` generates the client's blocking code from its
asyncio code (``python -m codegen.unasync [--check]``; ``nox -s unasync`` and ``check_unasync``), and
:mod:`codegen.api_snapshot` lists the public API and checks it (``nox -s api`` and ``check_api``).
"""
