"""Benchmarks. `python -m benchmarks` runs every one; each prints its rate beside a floor
measured in the same run on the same machine, and the ratio, so results compare across
machines."""
