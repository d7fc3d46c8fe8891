"""Engine speed: how many 24-month scenarios per second one core parses and evaluates.

Not a test (pytest does not collect it). Run it from the project root::

    .venv/bin/python -m tests.rules.bench_engine            # parse + evaluate
    .venv/bin/python -m tests.rules.bench_engine --to-dict  # ... and render the JSON result

The scenarios are contract-shaped dicts (what ``json.loads`` gives): 24 paid months before a
PHK spread over 2022-2027, mixed reasons, arrears and prior claims, so every check and both
rule versions run. The target is 10,000 scenarios per second for parse + evaluate.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import time
from datetime import date, timedelta
from typing import Any

REASONS = ["efficiency", "efficiency", "merger", "bankruptcy", "resign_voluntary", "misconduct"]


def make_scenarios(count: int, seed: int = 7) -> list[dict[str, Any]]:
    from claims.rules import Period

    rng = random.Random(seed)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20_000, help="scenarios per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--to-dict", action="store_true", help="also build the JSON result")
    parser.add_argument("--profile", action="store_true", help="cProfile one round")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jkp_site.settings")
    import django

    django.setup()
    from django.utils import translation

    from claims.rules import evaluate, parse_scenario

    scenarios = make_scenarios(args.n)
    # The inputs stay in memory for the whole run; keep the collector from walking them again
    # and again (a real caller decodes one scenario at a time and holds no such heap).
    gc.collect()
    gc.freeze()

    def run() -> int:
        eligible = 0
        for data in scenarios:
            decision = evaluate(parse_scenario(data))
            if args.to_dict:
                decision.to_dict()
            eligible += decision.eligible
        return eligible

    with translation.override("id"):
        run()  # warm up
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(run)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
            return
        best = best_cpu = float("inf")
        for _ in range(args.rounds):
            began, began_cpu = time.perf_counter(), time.process_time()
            eligible = run()
            best = min(best, time.perf_counter() - began)
            best_cpu = min(best_cpu, time.process_time() - began_cpu)
    what = "parse + evaluate" + (" + to_dict" if args.to_dict else "")
    print(  # noqa: T201
        f"{what}: {args.n / best:,.0f} scenarios/s wall, {args.n / best_cpu:,.0f} per CPU "
        f"second ({best_cpu / args.n * 1e6:.1f} µs CPU each; {eligible} of {args.n} eligible)"
    )


if __name__ == "__main__":
    main()
