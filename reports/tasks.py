"""Background work of the reports: the monthly report's files."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from jkp_site.db_router import reading_replica
from reports.monthly import generate_report_file


@shared_task
def generate_monthly_report_task(month_iso: str, fmt: str, language: str) -> str:
    with reading_replica():
        return generate_report_file(
            month=dt.date.fromisoformat(month_iso), fmt=fmt, language=language
        )
