"""The one output format of every benchmark (issue #14).

Each benchmark calls `report()` once per figure: it prints exactly one line

    BENCH name=<name> size=<rows> value=<v> floor=<f> ratio=<r>

and writes the same figures, with the goal and whether it was met, to var/bench/<name>.json.
`ratio` is value/floor, or for the scale benchmarks the figure at the large size over the figure
at the small size (then `floor` is the small-size figure). `goal` reads "<= 1.5" or ">= 0.5".
"""

import functools
import json
import operator
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

_COMPARE = {"<=": operator.le, ">=": operator.ge}


@dataclass(frozen=True)
class Figure:
    name: str
    size: int
    value: float
    floor: float
    ratio: float
    goal: str
    met: bool
    unit: str
    note: str


def bench_dir() -> Path:
    root = Path(os.environ.get("JKP_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    path = root / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def report(
    name: str,
    *,
    size: int,
    value: float,
    floor: float,
    goal: str,
    ratio: float | None = None,
    unit: str = "s",
    note: str = "",
    extra: dict | None = None,
    also_met: bool = True,
) -> Figure:
    """Print the BENCH line of one figure and keep it as JSON; returns the figure.

    ``extra`` adds figures to the JSON only; ``also_met`` False fails the goal whatever the
    ratio (a condition besides it, such as "no errors")."""
    if ratio is None:
        ratio = value / floor if floor else float("inf")
    sign, _, bound = goal.partition(" ")
    met = _COMPARE[sign](ratio, float(bound)) and also_met
    figure = Figure(name, size, value, floor, ratio, goal, met, unit, note)
    sys.stdout.write(
        f"BENCH name={name} size={size} value={_fmt(value)} floor={_fmt(floor)} "
        f"ratio={_fmt(ratio)}\n"
    )
    sys.stdout.flush()
    record = (
        asdict(figure)
        | (extra or {})
        | {
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": {
                "cpus": os.cpu_count(),
                "load": _load(),
                "python": platform.python_version(),
            },
        }
    )
    (bench_dir() / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n")
    return figure


def timed(function: Callable[[], object], *, repeat: int = 5) -> float:
    """The best of `repeat` wall-clock runs of `function()`, in seconds (noise only adds)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _fmt(number: float) -> str:
    return f"{number:.6g}"


def _load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


@functools.cache
def client_environment() -> None:
    """What Django's test client needs, once per process (several benchmarks of one run use
    it), and one connection kept across requests, as the web nodes keep theirs."""
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.settings_dict["CONN_MAX_AGE"] = None
    connection.close()


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
