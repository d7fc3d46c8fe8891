"""Background work of the reports: the monthly report's files, and the kept monthly figures of
the months that can still change."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from reports.monthly import generate_report_file, refresh_open_months


@shared_task
def generate_monthly_report_task(month_iso: str, fmt: str, language: str) -> str:
    return generate_report_file(month=dt.date.fromisoformat(month_iso), fmt=fmt, language=language)


@shared_task
def refresh_monthly_figures_task() -> list[str]:
    """Recompute the current and the previous month's figures (beat, every few minutes)."""
    return [month.isoformat() for month in refresh_open_months()]
