from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jkp_site.core.crypto import EncryptedCharField, blind_index, mask
from jkp_site.core.models import BaseModel, KantorCabang
from participants.nik import parse_nik, validate_nik

NIK_INDEX_CONTEXT = "participant.nik"
# One context for every bank account, whoever holds it: a participant's and a claim's account
# have the same index, which is how a shared account is found (duplicate identities).
BANK_ACCOUNT_INDEX_CONTEXT = "bank.account"


def bank_account_index(account: str) -> str:
    digits = "".join(str(account or "").split())
    return blind_index(digits, context=BANK_ACCOUNT_INDEX_CONTEXT) if digits else ""


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class ContractType(models.TextChoices):
    PKWTT = "PKWTT", _("Permanent (PKWTT)")
    PKWT = "PKWT", _("Fixed-term (PKWT)")


class Program(models.TextChoices):
    JKN = "JKN", _("Health (JKN)")
    JKK = "JKK", _("Work accident (JKK)")
    JKM = "JKM", _("Death (JKM)")
    JHT = "JHT", _("Old age savings (JHT)")
    JP = "JP", _("Pension (JP)")


class Employer(BaseModel):
    npp = models.CharField(
        _("NPP"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^\d{8}$", _("NPP must be 8 digits."))],
        help_text=_("Nomor Pendaftaran Perusahaan: the employer's BPJS registration number."),
    )
    name = models.CharField(_("name"), max_length=200)
    size_class = models.CharField(_("size class"), max_length=8, choices=SizeClass.choices)
    branch = models.ForeignKey(
        KantorCabang, on_delete=models.PROTECT, related_name="employers", verbose_name=_("branch")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    arrears_months = models.PositiveSmallIntegerField(_("consecutive months in arrears"), default=0)
    bankrupt_or_closed = models.BooleanField(_("bankrupt or closed"), default=False)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size_class__in=SizeClass.values), name="employer_size_class_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.npp})"


class Participant(BaseModel):
    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    # The NIK is stored encrypted; nik_index (keyed HMAC) is what lookups and uniqueness use.
    nik = EncryptedCharField(_("NIK"), validators=[validate_nik])
    nik_index = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("NIK blind index")
    )
    kpj_number = models.CharField(
        _("KPJ number"),
        max_length=11,
        unique=True,
        validators=[RegexValidator(r"^\d{11}$", _("The KPJ number has 11 digits."))],
        help_text=_("The participant card number."),
    )
    name = models.CharField(_("full name"), max_length=200)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    citizen = models.BooleanField(_("Indonesian citizen"), default=True)
    registered_on = models.DateField(_("registered on"))
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    bank_account = EncryptedCharField(_("bank account number"), blank=True)
    bank_account_index = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        db_index=True,
        verbose_name=_("bank account blind index"),
    )
    bank_account_holder = models.CharField(_("account holder"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
        verbose_name=_("portal account"),
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["name"]
        permissions = [
            ("reveal_personal_data", "Can reveal a whole NIK or bank account number (recorded)")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.nik_masked})"

    @property
    def nik_masked(self) -> str:
        return mask(self.nik)

    @property
    def bank_account_masked(self) -> str:
        return mask(self.bank_account, keep_start=0, keep_end=4)

    @staticmethod
    def index_for(nik: str) -> str:
        return blind_index(nik, context=NIK_INDEX_CONTEXT)

    def clean(self) -> None:
        super().clean()
        if not self.nik:
            return
        try:
            info = parse_nik(self.nik)
        except ValidationError as exc:
            raise ValidationError({"nik": exc.messages}) from None
        errors = {}
        if self.birth_date and info.birth_date != self.birth_date:
            errors["birth_date"] = _("The birth date does not match the one encoded in the NIK.")
        if self.gender and (self.gender == self.Gender.FEMALE) != info.female:
            errors["gender"] = _("The gender does not match the NIK (women add 40 to the day).")
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.nik = "".join(str(self.nik).split())
        self.nik_index = self.index_for(self.nik)
        self.bank_account_index = bank_account_index(self.bank_account)
        fields = kwargs.get("update_fields")
        if fields is not None:
            if "nik" in fields:
                fields = {*fields, "nik_index"}
            if "bank_account" in fields:
                fields = {*fields, "bank_account_index"}
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)


class Employment(BaseModel):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="employments"
    )
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="employments")
    contract_type = models.CharField(_("contract type"), max_length=5, choices=ContractType.choices)
    contract_number = models.CharField(_("contract number"), max_length=60, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("contract end date"), null=True, blank=True, help_text=_("For PKWT: the agreed end.")
    )
    ended_on = models.DateField(_("employment ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(contract_type="PKWT") | Q(end_date__isnull=False),
                name="employment_pkwt_has_end_date",
                violation_error_message=_("A PKWT contract needs its agreed end date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant.name} @ {self.employer.name}"


class ProgramEnrollment(BaseModel):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="enrollments"
    )
    program = models.CharField(_("programme"), max_length=3, choices=Program.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme enrollment")
        verbose_name_plural = _("programme enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "program"], name="enrollment_unique_per_program"
            )
        ]

    def __str__(self) -> str:
        return self.program


class ContributionMonth(models.Model):
    """One paid month of contributions: what eligibility is computed from.

    `period` is the first day of the month it pays for. Millions of rows: the unique
    (participant, period) index serves the eligibility query (one participant's months in a
    window); (employer, period) serves imports and re-employment detection. On PostgreSQL the
    table is partitioned by month of `period` (participants.0007, 0009; the database's primary
    key is (id, period)): the first import of a month attaches that month's partition, and
    ``participants.partitions`` gives months written to the DEFAULT partition their own.
    """

    # No single-column index on either key: (participant, period) and (employer, period) lead
    # with them. The foreign key constraints stay (the database refuses an orphan month,
    # whoever writes it): checked row by row at COMMIT, except for an import's new month, whose
    # partition's keys ATTACH validates with one query each (issue #14).
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="contributions",
        db_index=False,
        verbose_name=_("participant"),
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        related_name="contributions",
        db_index=False,
        verbose_name=_("employer"),
    )
    period = models.DateField(_("period"))
    wage = models.PositiveBigIntegerField(_("reported wage (Rp)"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("recorded at"))

    class Meta:
        verbose_name = _("contribution month")
        verbose_name_plural = _("contribution months")
        ordering = ["participant", "-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "period"],
                name="contribution_unique_participant_period",
                violation_error_message=_(
                    "This participant already has a contribution for that month."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period__day=1), name="contribution_period_first_of_month"
            ),
        ]
        indexes = [models.Index(fields=["employer", "period"], name="contribution_employer_period")]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}"


def import_upload_to(instance: "ImportJob", filename: str) -> str:
    # Random name: the file holds NIKs; the operator's file name is kept in the row only.
    import uuid

    return f"imports/{uuid.uuid4().hex}.csv"


class ImportJob(BaseModel):
    """One contribution file being imported (imports.contributions), with its progress.

    The status page polls this row; `errors_file` is the downloadable report of bad rows.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        VALIDATING = "validating", _("Checking rows")
        APPLYING = "applying", _("Applying")
        NEEDS_DECISION = "needs_decision", _("Errors found: nothing applied")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled: nothing applied")

    file = models.FileField(upload_to=import_upload_to, max_length=200, verbose_name=_("file"))
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    apply_valid_rows = models.BooleanField(
        _("apply the valid rows even if some rows have errors"), default=False
    )
    apply_corrections = models.BooleanField(
        _("correct the wage of months already stored (the old wage is kept in history)"),
        default=False,
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    inserted_rows = models.PositiveIntegerField(_("months added"), default=0)
    skipped_rows = models.PositiveIntegerField(_("months already present"), default=0)
    corrected_rows = models.PositiveIntegerField(_("months corrected"), default=0)
    stopped_claims = models.PositiveIntegerField(_("benefits stopped (re-employment)"), default=0)
    errors_file = models.FileField(
        upload_to="imports/errors/", max_length=200, blank=True, verbose_name=_("file of errors")
    )
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    file_removed_at = models.DateTimeField(
        _("file removed (retention)"), null=True, blank=True, editable=False
    )
    resumes = models.PositiveSmallIntegerField(
        _("times resumed after its worker stopped"), default=0, editable=False
    )
    # Who resumed or cancelled it, and when: every save() of the job is kept.
    history = HistoricalRecords(excluded_fields=["processed_rows"])

    IN_PROGRESS = (Status.PENDING, Status.VALIDATING, Status.APPLYING)

    class Meta:
        verbose_name = _("contribution import")
        verbose_name_plural = _("contribution imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ContributionCorrection(models.Model):
    """A stored contribution month whose wage an import corrected, with the values it replaced.

    Written by the correction mode of the import (``ImportJob.apply_corrections``) in the same
    transaction as the change; never edited. The month itself holds the new values."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="contribution_corrections"
    )
    period = models.DateField(_("period"))
    old_wage = models.PositiveBigIntegerField(_("wage before (Rp)"))
    new_wage = models.PositiveBigIntegerField(_("wage after (Rp)"))
    old_employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="+", verbose_name=_("employer before")
    )
    new_employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="+", verbose_name=_("employer after")
    )
    import_job = models.ForeignKey(
        ImportJob, on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    created_at = models.DateTimeField(_("corrected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contribution correction")
        verbose_name_plural = _("contribution corrections")
        ordering = ["participant", "-period", "-created_at"]
        indexes = [models.Index(fields=["participant", "period"], name="correction_month")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(old_wage=models.F("new_wage")), name="correction_changes_the_wage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}"


class PersonalDataReveal(models.Model):
    """Someone was shown a participant's whole NIK or bank account number: who, when, which
    field, whose, and why (UU PDP 27/2022: financial data is specific personal data). Masked is
    the default everywhere; every reveal leaves one of these."""

    class Field(models.TextChoices):
        NIK = "nik", _("NIK")
        BANK_ACCOUNT = "bank_account", _("bank account number")

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="reveals", verbose_name=_("participant")
    )
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    revealed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("revealed to"),
    )
    reason = models.CharField(_("reason"), max_length=255)
    revealed_at = models.DateTimeField(_("revealed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal data reveal")
        verbose_name_plural = _("personal data reveals")
        ordering = ["-revealed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(field__in=["nik", "bank_account"]), name="reveal_field_valid"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="reveal_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()} {self.participant_id} -> {self.revealed_to_id}"
