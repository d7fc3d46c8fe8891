"""manage.py create_contribution_partitions

Gives every month whose rows sit in the DEFAULT partition of the contribution table its own
partition (moving them there), as the daily beat task does (participants.partitions). No month
is made ahead: a contribution import makes its own month's partition. Does nothing on SQLite,
where the table is not partitioned.
"""

from django.core.management.base import BaseCommand

from participants.partitions import ensure_contribution_partitions, partition_months


class Command(BaseCommand):
    help = "Move the months found in DEFAULT into monthly partitions of the contribution table."

    def handle(self, *args, **options):
        created = ensure_contribution_partitions()
        for month in created:
            self.stdout.write(f"created the partition for {month:%Y-%m}")
        if not created:
            self.stdout.write("no partition missing")
        months = partition_months()
        if months:
            self.stdout.write(f"partitions: {months[0]:%Y-%m} to {months[-1]:%Y-%m} and DEFAULT")
