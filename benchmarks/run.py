"""Run the speed and memory benchmarks and print ratios against baselines from the same run.

Usage: ``python benchmarks/run.py [--quick]``. ``--quick`` uses smaller counts, as a smoke test
for CI. Exits 1 when a benchmark misses its bound.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import import_time
import pagination
import tile_creation
from _common import Result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts, for a CI smoke run")
    args = parser.parse_args(argv)

    results: list[Result] = []
    results.append(tile_creation.run(args.quick))
    listing, _peak = pagination.run(args.quick)
    results.append(listing)
    results.extend(import_time.run(args.quick))

    print(f"benchmarks ({'quick' if args.quick else 'full'}; ratios against baselines from this run)")
    for result in results:
        for line in result.lines():
            print(line)
    failed = [r.name for r in results if not r.passed]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
