"""python -m benchmarks [NAME ...] [--national] [--size N]

Every module `benchmarks/bench_<group>.py` offers `BENCHES`, a dict of name -> callable taking
`national: bool`. With no name every benchmark runs at its quick size (`make bench`, under ten
minutes here); `--national` runs the sizes of issue #14 (`make bench-national`). They need
PostgreSQL: the database named by BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/jkp_bench) is created if missing and migrated; it holds only
generated data. Each figure is one `BENCH name=… size=… value=… floor=… ratio=…` line and a JSON
file under var/bench/ (benchmarks/harness.py). The exit status is 1 when a figure misses its goal.
`--size N` runs the named benchmarks that take a size (`load`) at N rows.
"""

import argparse
import importlib
import inspect
import os
import pkgutil
import sys
from collections.abc import Callable

import benchmarks

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jkp_bench"


def discover() -> dict[str, Callable[..., object]]:
    found: dict[str, Callable[..., object]] = {}
    for module in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda m: m.name):
        if module.name.startswith("bench_"):
            found.update(importlib.import_module(f"benchmarks.{module.name}").BENCHES)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--national", action="store_true", help="the national sizes")
    parser.add_argument("--size", type=int, help="the size, for a benchmark that takes one")
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    from benchmarks.database import prepare

    prepare(url)
    registry = discover()
    unknown = set(args.names) - set(registry)
    if unknown:
        choices = ", ".join(sorted(registry))
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}; choose from {choices}")
    options = {} if args.size is None else {"size": args.size}
    fixed = [
        n for n in args.names if options and "size" not in inspect.signature(registry[n]).parameters
    ]
    if fixed or (options and not args.names):
        parser.error(f"--size needs benchmarks that take a size, not {', '.join(fixed) or 'all'}")
    missed = []
    for name in args.names or list(registry):
        figures = registry[name](national=args.national, **options) or []
        missed += [f.name for f in figures if not f.met]  # type: ignore[attr-defined]
    if missed:
        sys.stdout.write(f"benchmarks missing their goal: {', '.join(missed)}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
