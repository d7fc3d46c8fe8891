"""Point Django at the benchmark database (created and migrated on first use)."""

import os
from urllib.parse import urlsplit, urlunsplit


def prepare(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit("The benchmarks need PostgreSQL: set BENCH_DATABASE_URL=postgres://...")
    name = parts.path.lstrip("/")
    _create_database(urlunsplit(parts._replace(path="/postgres")), name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jkp_site.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    # The code as production runs it: without the development settings' log of every query.
    settings.DEBUG = False
    call_command("migrate", verbosity=0, interactive=False)


def _create_database(maintenance_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
