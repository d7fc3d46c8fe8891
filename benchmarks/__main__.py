"""python -m benchmarks [import] [--rows N]

With no name, every benchmark runs at its quick default size. They need PostgreSQL: the
database named by BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/jkp_bench)
is created if missing and migrated; it holds only generated data.
"""

import argparse
import os
import sys

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jkp_bench"
NAMES = ("import",)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("names", nargs="*", help="benchmarks to run: import (default: all)")
    parser.add_argument("--rows", type=int, default=None, help="rows for the import benchmark")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(NAMES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}; choose from {NAMES}")

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    from benchmarks.database import prepare

    prepare(url)

    from benchmarks import bench_import

    benchmarks = {"import": lambda: bench_import.run(rows=args.rows or bench_import.QUICK_ROWS)}
    for name in args.names or list(benchmarks):
        benchmarks[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
