"""Engine speed (`engine`): how many 24-month scenarios one core parses and evaluates per second.

The scenarios are contract-shaped dicts (what ``json.loads`` gives): 24 months before a PHK
spread over 2022-2027 (one in twenty unpaid), mixed reasons, arrears and prior claims, so every
check and both rule versions run. The figure is scenarios per CPU second of this one-threaded
process (the best of ROUNDS rounds; the wall-clock rate is in the note): the pure engine, no
database. Floor 10,000 (issue #14); the goal is value / floor >= 1.

    python -m benchmarks engine                          # with the others' setup
    python -m benchmarks.bench_engine --profile          # cProfile one round (no database)
    python -m benchmarks.bench_engine --to-dict          # ... and render the JSON result too
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from benchmarks.harness import Figure, report

REASONS = ["efficiency", "efficiency", "merger", "bankruptcy", "resign_voluntary", "misconduct"]
FLOOR = 10_000
QUICK = 20_000
ROUNDS = 3


def make_scenarios(count: int, seed: int = 7) -> list[dict[str, Any]]:
    from claims.rules import Period

    rng = random.Random(seed)  # noqa: S311 (generated benchmark data)
    start = date(2022, 1, 1)
    out = []
    for _ in range(count):
        phk = start + timedelta(days=rng.randrange(0, 6 * 365))
        claim = phk + timedelta(days=rng.randrange(0, 200))
        decision = claim + timedelta(days=rng.randrange(0, 30))
        last = Period.of(phk) - rng.choice([0, 0, 0, 1, 2])
        wage = rng.choice([2_000_000, 3_500_000, 4_000_000, 5_000_000, 8_000_000])
        contributions = [
            {"period": str(last - offset), "wage": wage}
            for offset in range(23, -1, -1)
            if rng.random() > 0.05
        ]
        data: dict[str, Any] = {
            "participant": {
                "citizen": True,
                "registered_on": "2021-06-01",
                "birth_date": "1985-04-17",
            },
            "employer_size": rng.choice(["micro", "small", "medium", "large"]),
            "enrollments": ["JKN", "JKK", "JKM", "JHT", "JP"],
            "contract": {"type": "PKWTT"},
            "contributions": contributions,
            "termination": {"date": phk.isoformat(), "reason": rng.choice(REASONS)},
            "claim_date": claim.isoformat(),
            "decision_date": decision.isoformat(),
            "prior_claims": ([{"termination_date": "2015-01-10"}] if rng.random() < 0.2 else []),
            "employer": {
                "arrears_months": rng.choice([0, 0, 0, 2, 4, 7]),
                "bankrupt_or_closed": rng.random() < 0.1,
            },
        }
        out.append(data)
    return out


def measure(count: int, *, rounds: int = ROUNDS, to_dict: bool = False) -> tuple[float, float]:
    """(scenarios per CPU second, per wall-clock second), the best of ``rounds``."""
    from django.utils import translation

    from claims.rules import evaluate, parse_scenario

    scenarios = make_scenarios(count)
    # The inputs stay in memory for the whole run; keep the collector from walking them again
    # and again (a real caller decodes one scenario at a time and holds no such heap).
    gc.collect()
    gc.freeze()

    def run() -> None:
        for data in scenarios:
            decision = evaluate(parse_scenario(data))
            if to_dict:
                decision.to_dict()

    try:
        with translation.override("id"):
            run()  # warm up
            best = best_cpu = float("inf")
            for _ in range(rounds):
                began, began_cpu = time.perf_counter(), time.process_time()
                run()
                best = min(best, time.perf_counter() - began)
                best_cpu = min(best_cpu, time.process_time() - began_cpu)
    finally:
        gc.unfreeze()
    return count / best_cpu, count / best


def engine(national: bool = False) -> list[Figure]:
    per_cpu, per_wall = measure(QUICK)
    return [
        report(
            "engine",
            size=QUICK,
            value=per_cpu,
            floor=FLOOR,
            goal=">= 1",
            unit="scenarios/s",
            note=f"parse + evaluate per CPU second, one core; {per_wall:,.0f} per wall-clock "
            "second with the machine's other load",
        )
    ]


BENCHES: dict[str, Callable[..., list[Figure]]] = {"engine": engine}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=QUICK, help="scenarios per round")
    parser.add_argument("--to-dict", action="store_true", help="also build the JSON result")
    parser.add_argument("--profile", action="store_true", help="cProfile one round")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jkp_site.settings")
    import django

    django.setup()
    if args.profile:
        import cProfile
        import pstats

        from django.utils import translation

        from claims.rules import evaluate, parse_scenario

        scenarios = make_scenarios(args.n)
        with translation.override("id"):
            profiler = cProfile.Profile()
            profiler.runcall(lambda: [evaluate(parse_scenario(data)) for data in scenarios])
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return
    per_cpu, per_wall = measure(args.n, to_dict=args.to_dict)
    what = "parse + evaluate" + (" + to_dict" if args.to_dict else "")
    print(  # noqa: T201
        f"{what}: {per_cpu:,.0f} scenarios per CPU second, {per_wall:,.0f} per wall-clock second"
    )


if __name__ == "__main__":
    main()
