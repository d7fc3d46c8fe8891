"""The reports' own records: the monthly figures of the report, kept per (month, branch), and
the report files being made.

Figures are computed once from the recorded events (reports.monthly.compute_figures) and read by
the dashboard and the Kemnaker report. A month is materialised as a whole: its ``ReportMonth``
row says when, and its ``MonthlyFigures`` rows (branches with nothing recorded have none) are
replaced together in one transaction. The current and the previous month are recomputed by a
beat job (reports.tasks.refresh_monthly_figures_task); any month by ``manage.py
rebuild_monthly_figures``.

A ``ReportJob`` is one requested file, so a file whose worker died is seen and made again
(reports.jobs), never shown as "being generated" for good.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jkp_site.core.models import BaseModel, KantorCabang


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
    # Same Day Service (reports.monthly): claims first decided in the month after a complete
    # file, those decided on the working day it became complete, and every decision by its
    # working days from complete to decided: {"0": 12, "1": 3, ...} (medians of any group of
    # branches are read from it).
    same_day_decided = models.IntegerField(default=0)
    same_day_met = models.IntegerField(default=0)
    decision_working_days = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("monthly figures")
        verbose_name_plural = _("monthly figures")
        constraints = [
            models.UniqueConstraint(fields=["month", "branch"], name="monthly_figures_once")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.branch_id}"


class SameDayMiss(models.Model):
    """A claim first decided in ``month`` later than the working day its file became complete:
    the cases behind a branch's Same Day Service figure, kept and replaced with the month."""

    month = models.DateField(_("month"))
    branch = models.ForeignKey(KantorCabang, on_delete=models.CASCADE, related_name="+")
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(_("file complete"))
    decided_at = models.DateTimeField(_("decided"))
    working_days = models.PositiveSmallIntegerField(_("working days"))

    class Meta:
        verbose_name = _("same-day service miss")
        verbose_name_plural = _("same-day service misses")
        ordering = ["month", "branch", "-working_days", "claim"]
        constraints = [
            models.UniqueConstraint(fields=["month", "claim"], name="same_day_miss_once"),
            models.CheckConstraint(condition=Q(working_days__gte=1), name="same_day_miss_late"),
        ]
        indexes = [models.Index(fields=["month", "branch"], name="same_day_miss_branch")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.claim_id}"


class ReportJob(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    LIVE = (Status.PENDING, Status.RUNNING)

    month = models.DateField(_("month"))
    fmt = models.CharField(_("format"), max_length=4, choices=[("xlsx", "XLSX"), ("pdf", "PDF")])
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    message = models.TextField(_("message"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        ordering = ["-created_at"]
        constraints = [
            # One file of a month and format is made at a time.
            models.UniqueConstraint(
                fields=["month", "fmt"],
                condition=Q(status__in=["pending", "running"]),
                name="report_one_live_job",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "done", "failed"]),
                name="report_job_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}.{self.fmt} ({self.status})"
