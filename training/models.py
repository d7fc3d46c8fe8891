"""Labour-market information and training: the two non-cash benefits of a claim."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.models import Claim
from jkp_site.core.models import BaseModel, Kanwil
from jkp_site.core.money import format_rupiah


class JobSeekingActivity(BaseModel):
    """Self-assessment, counselling, vacancies shared, applications and interviews of a claim."""

    class Kind(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
        COUNSELLING = "counselling", _("Counselling session")
        VACANCY_SHARED = "vacancy_shared", _("Vacancy shared")
        JOB_APPLICATION = "job_application", _("Job application")
        INTERVIEW = "interview", _("Selection test or interview")
        EMPLOYMENT_STATUS = "employment_status", _("Employment-status form")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="activities", verbose_name=_("claim")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="done")
    occurred_on = models.DateField(_("date"))
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("job-seeking activity")
        verbose_name_plural = _("job-seeking activities")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["claim", "kind", "occurred_on"], name="activity_claim_kind")
        ]
        permissions = [
            ("manage_activity", "Can record assessments, counselling and job-seeking activity"),
            ("refer_training", "Can refer a beneficiary to training"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%d-%m-%Y}"


class TrainingProvider(BaseModel):
    class Kind(models.TextChoices):
        LPK = "LPK", _("Training institute (LPK)")
        BLK = "BLK", _("Vocational training centre (BLK)")

    class Ownership(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        PRIVATE = "private", _("Private")
        COMPANY = "company", _("Company")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices)
    city = models.CharField(_("city"), max_length=80, blank=True)
    region = models.ForeignKey(
        Kanwil,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_(
            "The regional office's area the provider is in: its programmes are offered first "
            "to the workers of that region's branches."
        ),
    )

    class Meta:
        verbose_name = _("training provider")
        verbose_name_plural = _("training providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingProgram(BaseModel):
    provider = models.ForeignKey(
        TrainingProvider,
        on_delete=models.PROTECT,
        related_name="programs",
        verbose_name=_("provider"),
    )
    title = models.CharField(_("title"), max_length=200)
    competency = models.CharField(_("competency"), max_length=200)
    duration_hours = models.PositiveSmallIntegerField(_("duration (hours)"))
    cost = models.PositiveBigIntegerField(_("cost per participant (Rp)"))
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TrainingReferral(BaseModel):
    class State(models.TextChoices):
        REFERRED = "referred", _("Referred")
        ACCEPTED = "accepted", _("Accepted by the worker")
        ENROLLED = "enrolled", _("Enrolled")
        COMPLETED = "completed", _("Completed")
        DROPPED = "dropped", _("Dropped out")
        DECLINED = "declined", _("Declined")

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="training_referrals", verbose_name=_("claim")
    )
    program = models.ForeignKey(
        TrainingProgram,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("programme"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="referred")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referred by"),
    )
    enrolled_on = models.DateField(null=True, blank=True, verbose_name=_("enrolled on"))
    completed_on = models.DateField(null=True, blank=True, verbose_name=_("completed on"))
    certificate_number = models.CharField(_("certificate number"), max_length=80, blank=True)
    cost = models.PositiveBigIntegerField(_("cost to BPJS (Rp)"), default=0)

    class Meta:
        verbose_name = _("training referral")
        verbose_name_plural = _("training referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "referred",
                        "accepted",
                        "enrolled",
                        "completed",
                        "dropped",
                        "declined",
                    ]
                ),
                name="referral_state_valid",
            ),
            # One live training track per claim: a new referral waits for the last to end.
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(state__in=["referred", "accepted", "enrolled"]),
                name="referral_one_live_per_claim",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} ({self.get_state_display()})"

    def cost_said(self) -> str:
        """What the referral costs BPJS, in words (never "Rp 0"): the cost once enrolled, the
        programme's cost while the worker may still enrol, or why it costs nothing."""
        if self.enrolled_on:
            if self.cost:
                return gettext("Cost to BPJS") + f": {format_rupiah(self.cost)}"
            return gettext("No cost to BPJS: the programme is free")
        if self.state not in (self.State.REFERRED, self.State.ACCEPTED):
            return gettext("No cost to BPJS: never enrolled")
        if self.program.cost:
            return gettext("Cost to BPJS once enrolled: %(cost)s") % {
                "cost": format_rupiah(self.program.cost)
            }
        return gettext("No cost to BPJS: the programme is free")


class TrainingAttendance(models.Model):
    """Attendance of one referral in one month, as a whole percentage."""

    referral = models.ForeignKey(
        TrainingReferral, on_delete=models.CASCADE, related_name="attendance"
    )
    period = models.DateField(_("month"))
    percent = models.PositiveSmallIntegerField(_("attendance (%)"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "period"], name="attendance_one_per_month"),
            models.CheckConstraint(
                condition=Q(percent__lte=100), name="attendance_percent_max_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}: {self.percent}%"
