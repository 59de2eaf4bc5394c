"""Developer and CI sessions.

- ``nox -s spec -- [SOURCE]``: refresh ``openapi.yaml`` from the published document (or SOURCE) and
  print what changed in the API.
- ``nox -s generate``: regenerate ``generated/`` and the emulator's route table from ``openapi.yaml``.
- ``nox -s unasync``: regenerate the blocking ``_sync`` code from its asyncio ``_async`` source.
- ``nox -s api``: print the public API; ``nox -s api -- --write`` refreshes ``api/sentinelhub_byoc.api.txt``.
- ``nox -s docs``: build the documentation site into ``site/`` (``mkdocs build --strict``).
- ``nox -t ci``: everything CI runs (lint, check_generated, check_unasync, check_api, tests, conformance,
  docs).
- ``nox -s demo``: the main job, the demo story against the embedded emulator (outputs in ./demo-output).
- ``nox -s bench``: speed and memory ratios against a baseline measured in the same run.
"""

from __future__ import annotations

import os

import nox

# Generation must be reproducible: these pins are part of generated/'s inputs.
GENERATOR = "openapi-python-client==0.29.1"
RUFF = "ruff==0.17.5"
MYPY = "mypy==2.4.1"
SPEC_TOOLS = ("pyyaml>=6.0.1",)
SCHEMATHESIS = "schemathesis==4.32.5"
# Reads the public API statically for its snapshot and compares versions of it.
GRIFFE = "griffe==2.4.1"
# Examples per operation in CI; set CONFORMANCE_MAX_EXAMPLES for a longer local run.
CONFORMANCE_MAX_EXAMPLES = "20"
# The documentation site (mkdocs.yml); tests/docs builds it too.
DOCS_TOOLS = (
    "mkdocs==1.6.1",
    "mkdocs-material==9.8.2",
    "mkdocs-autorefs==1.4.5",
    "mkdocstrings[python]==1.0.8",
    "mkdocstrings-python==2.0.11",
    # The per-command reference of `byoc` (docs/reference/cli-commands.md), read from the click commands.
    "mkdocs-click==0.9.0",
    GRIFFE,
    # Formats the signatures.
    RUFF,
)
TEST_TOOLS = (
    "pytest>=8.3",
    # The suite on every core: most of its time is waiting on loopback servers and subprocesses.
    "pytest-xdist>=3.6",
    "hypothesis>=6.100",
    # The async workflows run on trio too (tests/workflows/test_trio.py): the clients claim it.
    "trio>=0.25",
    "moto[server,s3]>=5.0",
    # Google Cloud Storage on loopback, for the gs:// tests (tests/gcs_fixtures.py).
    "gcp-storage-emulator>=2024.8",
    "geopandas>=1.0",
    # Lets the tests write TIFFs with every compression (LZW, ZSTD, JPEG...) the ingestion rules judge.
    "imagecodecs>=2024.1",
    "types-PyYAML",
    # The field's COG validator: converted files must pass it as well as our own checks.
    "rio-cogeo>=5.3",
    # Building and checking the distributions (tests/packaging).
    "build>=1.2",
    "hatchling>=1.27",
    "twine>=6.1",
    # The public API's snapshot and checks (tests/api).
    GRIFFE,
    # The incumbent client: tests/emulator/test_sentinelhub_py.py drives it against the emulator.
    "sentinelhub>=3.9,<4",
    *DOCS_TOOLS,
)

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "check_generated", "check_unasync", "check_api", "tests"]


def _install_generator(session: nox.Session) -> None:
    session.install(GENERATOR, RUFF, *SPEC_TOOLS)


@nox.session
def spec(session: nox.Session) -> None:
    """Extract the BYOC part of an upstream OpenAPI document into openapi.yaml and report changes."""
    session.install(*SPEC_TOOLS)
    session.run("python", "-m", "codegen", "spec", *session.posargs)


@nox.session
def generate(session: nox.Session) -> None:
    """Regenerate generated/sentinelhub_byoc_api and the emulator's route table from openapi.yaml."""
    _install_generator(session)
    session.run("python", "-m", "codegen", "generate")


@nox.session(tags=["ci"])
def check_generated(session: nox.Session) -> None:
    """Fail, naming the files, if generated/ or the route table differs from a fresh generation."""
    _install_generator(session)
    session.run("python", "-m", "codegen", "check")


@nox.session
def unasync(session: nox.Session) -> None:
    """Regenerate every ``_sync`` folder of overlay/ from its ``_async`` sibling (pinned ruff)."""
    session.install(RUFF)
    session.run("python", "-m", "codegen.unasync")


@nox.session(tags=["ci"])
def check_unasync(session: nox.Session) -> None:
    """Fail, naming the files, if a ``_sync`` folder differs from a fresh generation from ``_async``."""
    session.install(RUFF)
    session.run("python", "-m", "codegen.unasync", "--check")


@nox.session
def api(session: nox.Session) -> None:
    """Print the public API as the snapshot lists it; ``-- --write`` refreshes the committed snapshot."""
    session.install(GRIFFE)
    session.run("python", "-m", "codegen.api_snapshot", *session.posargs)


@nox.session(tags=["ci"])
def check_api(session: nox.Session) -> None:
    """Fail, naming each module and name, if the public API differs from the committed snapshot."""
    session.install(GRIFFE)
    session.run("python", "-m", "codegen.api_snapshot", "--check")


@nox.session(tags=["ci"])
def lint(session: nox.Session) -> None:
    """Ruff on everything hand-written; mypy --strict on overlay/, generated/ and codegen/."""
    session.install(RUFF, MYPY, ".[all]", *SPEC_TOOLS, *TEST_TOOLS)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy", "--strict", "overlay/sentinelhub_byoc")
    session.run("mypy", "--strict", "generated/sentinelhub_byoc_api")
    session.run("mypy", "--strict", "codegen")
    session.run("mypy", "--strict", "docs")


@nox.session(tags=["ci"])
def tests(session: nox.Session) -> None:
    """The test suite, against the installed package."""
    session.install(".[all]", GENERATOR, RUFF, *SPEC_TOOLS, *TEST_TOOLS)
    # loadfile: the tests of one module run in one process, in order, sharing its fixtures.
    session.run("pytest", "-n", "auto", "--dist", "loadfile", *session.posargs)


@nox.session(tags=["ci"])
def docs(session: nox.Session) -> None:
    """Build the documentation site into site/ from docs/ and the docstrings; warnings fail it."""
    # mkdocs-click imports the `byoc` command, so the package is installed with its cli extra; uv does
    # not reinstall a local package into a reused environment, and a stale copy documents old commands.
    reinstall = ("--reinstall-package", "sentinelhub-byoc") if session.venv_backend == "uv" else ()
    session.install(*reinstall, ".[cli]", *DOCS_TOOLS)
    session.run("mkdocs", "build", "--strict", *session.posargs, env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session
def demo(session: nox.Session) -> None:
    """The main job: the story of a collection, told against the embedded emulator over loopback.

    ``nox -s demo -- --output-dir DIR`` keeps the outputs in DIR (default: ./demo-output).
    """
    # Only what the demo needs (the demo extra), not [all]: no rasterio, shapely or boto3.
    session.install(".[demo]")
    arguments = session.posargs or ["--output-dir", "demo-output"]
    session.run("byoc", "demo", *arguments)


@nox.session(tags=["ci"])
def conformance(session: nox.Session) -> None:
    """Schemathesis, all checks, against the emulator on loopback (see tests/conformance/)."""
    session.install(".[all]", SCHEMATHESIS)
    examples = os.environ.get("CONFORMANCE_MAX_EXAMPLES") or CONFORMANCE_MAX_EXAMPLES
    session.run(
        "python",
        "tests/conformance/run_schemathesis.py",
        *session.posargs,
        env={"CONFORMANCE_MAX_EXAMPLES": examples},
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Client, COG and emulator benchmarks: ratios against baselines from the same run (``-- --quick``).

    ``-- --only cpu listing import convert check dask emulator`` picks some. Needs no network
    beyond installing.
    """
    # uv does not reinstall a local package into a reused environment: without this, a re-run
    # would measure the code as it was when the environment was made.
    reinstall = ("--reinstall-package", "sentinelhub-byoc") if session.venv_backend == "uv" else ()
    # The COG benchmarks' baselines: rio-cogeo (conversion and validation) and moto's S3 server.
    session.install(*reinstall, ".[all]", "rio-cogeo>=5.3", "moto[server,s3]>=5.0")
    try:
        # The incumbent client, for the import-time comparison; the benchmark says when it is missing.
        session.install("sentinelhub")
    except nox.command.CommandFailed:
        session.warn("could not install sentinelhub: the import-time comparison with it will be skipped")
    session.run("python", "benchmarks/run.py", *session.posargs)
