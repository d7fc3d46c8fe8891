"""manage.py rebuild_monthly_figures [--month YYYY-MM]

Recompute the kept monthly figures of the report from the recorded events: one month, or every
month from the first recorded event to the current one.
"""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Min
from django.utils import timezone

from claims.models import CaseEvent
from reports.monthly import month_start, parse_month, rebuild_month


class Command(BaseCommand):
    help = "Recompute the kept monthly report figures (one month, or every month)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="the month to rebuild, YYYY-MM (default: every month)")

    def handle(self, *args, **options):
        current = month_start(timezone.localdate())
        if options["month"]:
            month = parse_month(options["month"])
            if month is None:
                raise CommandError("Give the month as YYYY-MM.")
            if month > current:
                raise CommandError("That month has not started.")
            months = [month]
        else:
            first = CaseEvent.objects.aggregate(first=Min("created_at"))["first"]
            month = month_start(timezone.localdate(first)) if first else current
            months = []
            while month <= current:
                months.append(month)
                month += relativedelta(months=1)
        for month in months:
            rows = rebuild_month(month)
            self.stdout.write(f"{month:%Y-%m}: {rows} branch rows")
