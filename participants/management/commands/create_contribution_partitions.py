"""manage.py create_contribution_partitions

Creates the contribution table's partitions for this year, next year and every year whose
months sit in the DEFAULT partition (moving them there), as the daily beat task does
(participants.partitions). Does nothing on SQLite, where the table is not partitioned.
"""

from django.core.management.base import BaseCommand

from participants.partitions import ensure_contribution_partitions, partition_years


class Command(BaseCommand):
    help = "Create the missing yearly partitions of the contribution table (PostgreSQL)."

    def handle(self, *args, **options):
        created = ensure_contribution_partitions()
        for year in created:
            self.stdout.write(f"created the partition for {year}")
        if not created:
            self.stdout.write("no partition missing")
        years = partition_years()
        if years:
            self.stdout.write(f"partitions: {years[0]}-{years[-1]} and DEFAULT")
