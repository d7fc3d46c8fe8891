"""Settings fail closed: with DEBUG off, a missing or malformed key stops the start."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def key(size: int = 32) -> str:
    return base64.urlsafe_b64encode(os.urandom(size)).decode()


def start(tmp_path, **overrides: str | None) -> subprocess.CompletedProcess:
    """Load the production settings in a fresh interpreter (``manage.py check``)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jkp_site.settings",
        "DEBUG": "false",
        "SECRET_KEY": key(48),
        "FIELD_ENCRYPTION_KEY": key(),
        "BLIND_INDEX_KEY": key(),
        "ALLOWED_HOSTS": "jkp.example.go.id",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'settings.sqlite3'}",
        "JKP_VAR_DIR": str(tmp_path),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_key_given_starts(tmp_path):
    result = start(tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY"])
def test_a_missing_key_with_debug_off_stops_the_start(tmp_path, missing):
    result = start(tmp_path, **{missing: None})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr
    assert not (tmp_path / "dev-secrets.json").exists(), "no key may be generated"


def test_a_malformed_data_key_stops_the_start(tmp_path):
    result = start(tmp_path, FIELD_ENCRYPTION_KEY="not-a-key")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY must be urlsafe base64 of 32 random bytes" in result.stderr


@pytest.mark.django_db
def test_postgresql_reorders_joins_within_groups_of_four():
    """A page's few joins are planned in about a millisecond instead of four (settings:
    PG_JOIN_COLLAPSE_LIMIT), on every connection the site opens."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        assert cursor.fetchone() == ("4",)
