"""The report files being made: one row per requested file, so a file whose worker died is seen
and made again (reports.jobs), never shown as "being generated" for good."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jkp_site.core.models import BaseModel


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
