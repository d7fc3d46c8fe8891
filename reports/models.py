"""The monthly figures of the report, kept per (month, branch): computed once from the recorded
events (reports.monthly.compute_figures) and read by the dashboard and the Kemnaker report.

A month is materialised as a whole: its ``ReportMonth`` row says when, and its
``MonthlyFigures`` rows (branches with nothing recorded have none) are replaced together in one
transaction. The current and the previous month are recomputed by a beat job
(reports.tasks.refresh_monthly_figures_task); any month by ``manage.py
rebuild_monthly_figures``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jkp_site.core.models import KantorCabang


class ReportMonth(models.Model):
    month = models.DateField(_("month"), unique=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("computed report month")
        verbose_name_plural = _("computed report months")
        ordering = ["month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class MonthlyFigures(models.Model):
    month = models.DateField(_("month"))
    branch = models.ForeignKey(KantorCabang, on_delete=models.CASCADE, related_name="+")
    received = models.IntegerField(default=0)
    approved = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    # Rejections of the month by reason code: {"not_eligible": 3, ...}.
    rejected_by_reason = models.JSONField(default=dict)
    in_progress = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    beneficiaries_paid = models.IntegerField(default=0)
    amount_paid = models.BigIntegerField(default=0)
    referrals = models.IntegerField(default=0)
    completions = models.IntegerField(default=0)
    reemployments = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("monthly figures")
        verbose_name_plural = _("monthly figures")
        constraints = [
            models.UniqueConstraint(fields=["month", "branch"], name="monthly_figures_once")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.branch_id}"
