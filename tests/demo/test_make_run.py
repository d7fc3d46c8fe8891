"""`make run` serves on HOST:PORT and the links in its e-mails (SITE_URL) lead there too, not
to a fixed port 8000; a SITE_URL set by the developer is kept."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def site_url_of_make_run(*make_vars: str, **env: str) -> str:
    """The SITE_URL the server started by `make run` would see: the recipe's runserver line
    (from `make -n`), run by the shell with the server replaced by a probe."""
    environment = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | env
    plan = subprocess.run(
        ["make", "-n", "run", *make_vars],  # noqa: S607 (the developer's make, as `make run`)
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in plan.splitlines() if "manage.py runserver" in line)
    assignment = line[: line.index(" .venv/bin/python")]
    probe = f"{assignment} {sys.executable} -c 'import os; print(os.environ[\"SITE_URL\"])'"
    return subprocess.run(
        ["/bin/sh", "-c", probe], env=environment, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.parametrize(
    ("make_vars", "expected"),
    [
        ((), "http://127.0.0.1:8000"),
        (("PORT=8123",), "http://127.0.0.1:8123"),
        (("HOST=0.0.0.0", "PORT=9000"), "http://0.0.0.0:9000"),
    ],
)
def test_links_follow_the_port_make_run_serves_on(make_vars, expected):
    assert site_url_of_make_run(*make_vars) == expected


def test_a_site_url_of_the_developer_is_kept():
    assert (
        site_url_of_make_run("PORT=8123", SITE_URL="https://jkp.example.invalid")
        == "https://jkp.example.invalid"
    )
