"""Command line of the spec pipeline: ``python -m codegen {spec,generate,check,operations}``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from codegen import _yaml, routes
from codegen._files import write_text_atomic
from codegen.additions import format_additions, load_additions, merge_additions
from codegen.changes import diff_api, format_report
from codegen.coverage import coverage, format_coverage
from codegen.extract import HTTP_METHODS, extract_byoc
from codegen.generate import GenerationError, check, generate
from codegen.source import PUBLISHED_URL, SpecError, load_openapi

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
ADDITIONS = ROOT / "openapi-additions.yaml"
CONFIG = ROOT / "generator-config.yaml"
GENERATED = ROOT / "generated"


def _spec(arguments: argparse.Namespace) -> int:
    output: Path = arguments.output
    additions: Path = arguments.additions
    byoc, merged = merge_additions(extract_byoc(load_openapi(arguments.source)), load_additions(additions))
    text = _yaml.dump(byoc)
    if output.is_file():
        try:
            previous = _yaml.load(output.read_text(encoding="utf-8"))
        except Exception:
            previous = None
        if isinstance(previous, dict):
            print(format_report(diff_api(previous, byoc), old_label=output.name, new_label=arguments.source))
    else:
        print(f"{output.name} did not exist; wrote the BYOC part of {arguments.source}")
    write_text_atomic(output, text)
    operations = sum(1 for item in byoc["paths"].values() for method in HTTP_METHODS if method in item)
    print(f"wrote {output} ({operations} operations, {len(byoc['paths'])} paths)")
    print(format_additions(merged, additions.name))
    print(format_coverage(coverage(byoc)))
    return 0


def _generate(arguments: argparse.Namespace) -> int:
    target = generate(arguments.spec, arguments.config, arguments.output)
    print(f"generated {target}")
    print(f"generated {routes.write(arguments.spec, ROOT)}")
    print(format_coverage(coverage(_yaml.load(arguments.spec.read_text(encoding="utf-8")))))
    return 0


def _check(arguments: argparse.Namespace) -> int:
    found = check(arguments.spec, arguments.config, arguments.output) + routes.check(arguments.spec, ROOT)
    if found:
        print(
            "generated code is out of date with openapi.yaml and the generator settings:",
            file=sys.stderr,
        )
        for line in found:
            print(f"  {line}", file=sys.stderr)
        print("run `nox -s generate` and commit the result", file=sys.stderr)
        return 1
    print(f"generated/ and {routes.ROUTES_MODULE.as_posix()} match a fresh generation")
    return 0


def _operations(arguments: argparse.Namespace) -> int:
    document = _yaml.load(arguments.spec.read_text(encoding="utf-8"))
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                operation = item[method]
                print(f"{method.upper():7} {path:60} {operation.get('operationId', '')}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    spec = commands.add_parser("spec", help="extract the BYOC part of an upstream document into openapi.yaml")
    spec.add_argument("source", nargs="?", default=PUBLISHED_URL, help="URL or file (default: %(default)s)")
    spec.add_argument("--output", type=Path, default=SPEC)
    spec.add_argument(
        "--additions", type=Path, default=ADDITIONS, help="our own addition to merge (default: %(default)s)"
    )
    spec.set_defaults(run=_spec)
    for name, run, summary in (
        ("generate", _generate, "regenerate generated/ and the emulator's route table from openapi.yaml"),
        ("check", _check, "fail if generated/ or the route table differs from a fresh generation"),
        ("operations", _operations, "list the operations in openapi.yaml"),
    ):
        command = commands.add_parser(name, help=summary)
        command.add_argument("--spec", type=Path, default=SPEC)
        command.add_argument("--config", type=Path, default=CONFIG)
        command.add_argument("--output", type=Path, default=GENERATED)
        command.set_defaults(run=run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the pipeline command in *argv*; errors print one line and return a non-zero status."""
    arguments = _parser().parse_args(argv)
    try:
        return int(arguments.run(arguments))
    except (SpecError, GenerationError, routes.RoutesError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
