import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from demo import seed as demo


@contextmanager
def _quiet_tasks():
    """The year's thousands of inline tasks would each log two lines on the console."""
    logger = logging.getLogger("jkp.task")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _fast_sqlite_commits() -> None:
    """The year is some ten thousand small transactions: on the development SQLite file (WAL)
    a commit need not wait for the disk (synchronous=NORMAL keeps the file consistent; a power
    cut could lose the last commits of a demo, which `make run` makes again). SQLite allows
    the change only outside a transaction (a test's, for one)."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")


class Command(BaseCommand):
    help = (
        "Create the demo offices, their staff, workers with contribution histories and a year "
        "of claims over every office."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=["small", "medium", "large"],
            default="small",
            help="small: the named cases and the year of claims; medium/large add synthetic "
            "workers.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Allow outside DEBUG (never in production)."
        )

    def handle(self, *args, size, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo logins are only created with DEBUG on (or --force).")
        _fast_sqlite_commits()
        # The demo workers' addresses are fictitious: their notification e-mails are kept in
        # memory instead of filling the console on every `make run`.
        # DEBUG=False while seeding only spares the debug log of its tens of thousands of
        # queries (connection.queries), which nothing reads here.
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", DEBUG=False
            ),
            _quiet_tasks(),
        ):
            demo.seed(size=size, stdout=self.stdout)
        self.stdout.write(
            f"Demo logins (password {demo.DEMO_PASSWORD}): "
            "petugas1/petugas2, kepala1/kepala2, konselor1/konselor2, pusat1, admin, "
            "peserta1/peserta2 (or KPJ 11000000001/21000000001); the other offices' staff are "
            "petugas-<code>, kepala-<code>, konselor-<code> (clg, ckd, pdg, lbk, pms) and "
            "kepala-jkt-2, kepala-srg-2, kepala-pms-2"
        )
