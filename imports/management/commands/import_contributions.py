"""manage.py import_contributions FILE.csv [--apply-valid-rows] [--errors OUT.csv]

Imports a monthly contribution file the same way as the admin upload, in the foreground.
Exit status 0 when applied, 1 when errors kept the file from being applied (or it could not be
read); the error report (line, field, reason) goes to --errors, or to standard error.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imports.contributions import ImportFileError, import_contributions, write_error_report


class Command(BaseCommand):
    help = "Import a monthly contribution CSV (nik,npp,period,wage,paid_date)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--apply-valid-rows",
            action="store_true",
            help="Apply the valid rows even when some rows have errors.",
        )
        parser.add_argument("--errors", type=Path, help="Write the error report (CSV) here.")

    def handle(self, *args, file: Path, apply_valid_rows: bool, errors: Path | None, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            outcome, row_errors = import_contributions(file, apply_valid_rows=apply_valid_rows)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        if row_errors:
            report = write_error_report(row_errors)
            if errors:
                errors.write_bytes(report)
            else:
                sys.stderr.write(report.decode())
        self.stdout.write(
            f"rows={outcome.total_rows} errors={outcome.error_rows} "
            f"added={outcome.inserted_rows} already_present={outcome.skipped_rows} "
            f"benefits_stopped={outcome.stopped_claims} "
            f"applied={'yes' if outcome.applied else 'no'}"
        )
        if not outcome.applied:
            sys.exit(1)
