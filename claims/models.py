"""The JKP case: termination, claim, evidence, eligibility, decisions, benefits and audit.

Claim.state is only ever assigned by claims.workflow (the transition table) under a row lock.
"""

import enum
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from jkp_site.core.crypto import EncryptedCharField, mask
from jkp_site.core.models import BaseModel, KantorCabang
from participants.models import (
    ContractType,
    Employer,
    Employment,
    Participant,
    bank_account_index,
)


class TerminationReason(models.TextChoices):
    """Stable codes of jkp-rules.md ("Termination reason codes")."""

    EFFICIENCY = "efficiency", _("Efficiency / restructuring")
    MERGER = "merger", _("Merger, consolidation or change of ownership")
    CLOSURE_LOSS = "closure_loss", _("Company closed because of losses")
    CLOSURE_FORCE_MAJEURE = "closure_force_majeure", _("Closure because of force majeure")
    BANKRUPTCY = "bankruptcy", _("Bankruptcy (pailit)")
    POSTPONEMENT_OF_DEBTS = "postponement_of_debts", _("Postponement of debts (PKPU)")
    EMPLOYER_FAULT = "employer_fault", _("PHK requested for the employer's misconduct")
    RESIGN_EMPLOYER_FAULT = "resign_employer_fault", _("Resignation driven by employer misconduct")
    MISCONDUCT = "misconduct", _("PHK for breach of work rules")
    LONG_ILLNESS = "long_illness", _("Prolonged illness (over 12 months)")
    CONTRACT_EARLY_END = "contract_early_end", _("PKWT ended before its end date")
    OTHER_PHK = "other_phk", _("Other PHK reason with valid proof")
    RESIGN_VOLUNTARY = "resign_voluntary", _("Voluntary resignation")
    CONTRACT_EXPIRED = "contract_expired", _("PKWT reached its agreed end date")
    RETIREMENT = "retirement", _("Retirement")
    TOTAL_PERMANENT_DISABILITY = "total_permanent_disability", _("Total permanent disability")
    DEATH = "death", _("Death")


class Termination(BaseModel):
    """The PHK (end of employment) a claim rests on."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="terminations"
    )
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="terminations")
    employment = models.ForeignKey(
        Employment, on_delete=models.PROTECT, null=True, blank=True, related_name="terminations"
    )
    phk_date = models.DateField(_("PHK date"))
    reason = models.CharField(_("reason"), max_length=32, choices=TerminationReason.choices)
    contract_type = models.CharField(_("contract type"), max_length=5, choices=ContractType.choices)
    contract_end_date = models.DateField(_("contract end date"), null=True, blank=True)
    proof_number = models.CharField(_("PHK proof number"), max_length=80, blank=True)
    proof_date = models.DateField(_("PHK proof date"), null=True, blank=True)
    reported_by_employer = models.BooleanField(_("reported by the employer"), default=False)

    class Meta:
        verbose_name = _("termination (PHK)")
        # The queue's "PHK date" order (with the id as the keyset tie-break).
        indexes = [models.Index(fields=["phk_date", "id"], name="termination_phk_date")]
        verbose_name_plural = _("terminations (PHK)")
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=TerminationReason.values), name="termination_reason_valid"
            ),
            models.CheckConstraint(
                condition=~Q(contract_type="PKWT") | Q(contract_end_date__isnull=False),
                name="termination_pkwt_has_end_date",
                violation_error_message=_("A PKWT termination needs the contract's end date."),
            ),
        ]

    def __str__(self) -> str:
        return f"PHK {self.phk_date:%d-%m-%Y} ({self.get_reason_display()})"


class ClaimState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFYING = "verifying", _("Verifying documents")
    ELIGIBILITY_CHECKED = "eligibility_checked", _("Eligibility checked")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    APPEALED = "appealed", _("Appealed")
    BENEFIT_ACTIVE = "benefit_active", _("Benefit active")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    # Named groups of states, one definition each for every service, screen and report.
    # Waiting on branch staff: the queues, the service-level clocks and "in progress" figures.
    IN_PROGRESS = enum.nonmember(
        frozenset(
            {"submitted", "verifying", "eligibility_checked", "awaiting_approval", "appealed"}
        )
    )
    # Approved at some point: the benefit screens, and earlier claims for repeat claims (D10).
    BENEFIT = enum.nonmember(frozenset({"approved", "benefit_active", "completed", "stopped"}))
    # The benefit is being paid (or about to start): activities and instalments count.
    RUNNING = enum.nonmember(frozenset({"approved", "benefit_active"}))
    # No longer in progress: a participant may open a new claim once every earlier one is here.
    CLOSED = enum.nonmember(frozenset({"rejected", "withdrawn", "completed", "stopped"}))
    # Nothing more can happen to the case.
    TERMINAL = enum.nonmember(frozenset({"completed", "stopped", "withdrawn"}))
    # Documents may still be added or replaced.
    DOCUMENTS_OPEN = enum.nonmember(frozenset({"draft", "submitted", "verifying"}))
    # The officer may run (or re-run) the eligibility check.
    ELIGIBILITY_RUNNABLE = enum.nonmember(
        frozenset({"verifying", "eligibility_checked", "awaiting_approval", "appealed"})
    )
    # "Take next case" hands these out.
    TAKEABLE = enum.nonmember(frozenset({"submitted", "verifying", "eligibility_checked"}))


# A rejected claim may be appealed (keberatan) once; Claim's check constraint holds it.
MAX_APPEALS = 1


class Claim(BaseModel):
    """A JKP case, from intake to the end of its benefits."""

    State = ClaimState

    class Recommendation(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")

    class Channel(models.TextChoices):
        COUNTER = "counter", _("Branch counter")
        PORTAL = "portal", _("Self-service portal")
        API = "api", _("Employer system (API)")

    number = models.CharField(_("claim number"), max_length=20, unique=True)
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="claims", verbose_name=_("participant")
    )
    termination = models.OneToOneField(
        Termination,
        on_delete=models.PROTECT,
        related_name="claim",
        verbose_name=_("termination (PHK)"),
    )
    branch = models.ForeignKey(
        KantorCabang, on_delete=models.PROTECT, related_name="claims", verbose_name=_("branch")
    )
    state = models.CharField(
        _("state"), max_length=24, choices=State.choices, default=State.DRAFT, db_index=True
    )
    state_changed_at = models.DateTimeField(_("in this state since"), null=True, blank=True)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.COUNTER
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_claims",
        verbose_name=_("assigned officer"),
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counselled_claims",
        verbose_name=_("job counsellor"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="created_claims",
        verbose_name=_("created by"),
    )
    claim_date = models.DateField(_("claim date"), null=True, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    rule_version = models.CharField(_("rule version"), max_length=16, blank=True)
    payer = models.CharField(_("payer"), max_length=16, blank=True)
    kapk_signed_at = models.DateTimeField(_("KAPK commitment signed"), null=True, blank=True)
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
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verified_claims",
        verbose_name=_("verified by"),
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=8, choices=Recommendation.choices, blank=True
    )
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommended_claims",
        verbose_name=_("recommended by"),
    )
    recommendation_note = models.TextField(_("recommendation note"), blank=True)
    appeal_count = models.PositiveSmallIntegerField(default=0, verbose_name=_("appeals"))
    history = HistoricalRecords(excluded_fields=["bank_account", "bank_account_index"])

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ClaimState.values), name="claim_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(appeal_count__lte=MAX_APPEALS), name="claim_appeal_at_most_once"
            ),
            # One case in progress per participant (claims.services.open_claim says why).
            models.UniqueConstraint(
                fields=["participant"],
                condition=~Q(state__in=sorted(ClaimState.CLOSED)),
                name="claim_one_open_per_participant",
            ),
        ]
        # The queue's orders, each with the primary key as its tie-break (keyset pagination
        # reads them from a cursor: claims.keyset); a branch's queue by state and clock.
        indexes = [
            models.Index(
                fields=["branch", "state", "state_changed_at", "id"],
                name="claim_branch_state_clock",
            ),
            models.Index(fields=["state", "state_changed_at", "id"], name="claim_state_clock"),
            models.Index(fields=["branch", "state_changed_at", "id"], name="claim_branch_clock"),
            models.Index(fields=["state_changed_at", "id"], name="claim_clock"),
            models.Index(fields=["claim_date", "id"], name="claim_claim_date"),
            models.Index(fields=["branch", "claim_date", "id"], name="claim_branch_claim_date"),
            models.Index(fields=["branch", "number"], name="claim_branch_number"),
        ]
        permissions = [
            ("intake_claim", "Can take in claims"),
            ("verify_claim", "Can verify documents and run eligibility"),
            ("recommend_claim", "Can recommend a decision"),
            ("decide_claim", "Can approve or reject a recommended claim"),
            ("reassign_claim", "Can reassign claims"),
            ("stop_benefit", "Can stop a running benefit"),
            ("view_all_branches", "Can see every branch"),
            ("run_payment_batch", "Can run payment batches"),
            ("view_report", "Can see head-office reports"),
            ("change_payment_details", "Can ask for a change of a claim's bank account"),
            ("clear_identity_flag", "Can clear a duplicate-identity flag"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.bank_account_index = bank_account_index(self.bank_account)
        fields = kwargs.get("update_fields")
        if fields is not None and "bank_account" in fields:
            kwargs["update_fields"] = {*fields, "bank_account_index"}
        super().save(*args, **kwargs)

    @property
    def may_still_appeal(self) -> bool:
        return self.appeal_count < MAX_APPEALS

    @property
    def documents_open(self) -> bool:
        """Documents may still be added, replaced or removed (not yet accepted ones)."""
        return self.state in ClaimState.DOCUMENTS_OPEN

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("claims:detail", kwargs={"pk": self.pk})

    @property
    def bank_account_masked(self) -> str:
        return mask(self.bank_account, keep_start=0, keep_end=4)


def claim_participant_among(ids: list[int]) -> Q | RawSQL:
    """A filter of claims: the claim's participant is one of `ids`. On PostgreSQL one array
    parameter (a monthly file's million ids cost nothing to pass, in one query), elsewhere
    IN (...), which SQLite caps: callers there pass a few thousand ids at a time."""
    if connection.vendor == "postgresql":
        column = f'"{Claim._meta.db_table}"."participant_id"'
        # The SQL text is the model's own table name; the ids go in as one parameter, the
        # array's text (a million ints adapted one by one cost a second). IN (SELECT unnest)
        # rather than = ANY: the planner estimates = ANY element by element, another second.
        array = "{" + ",".join(map(str, map(int, ids))) + "}"
        among = f"{column} IN (SELECT unnest(%s::bigint[]))"
        return RawSQL(among, [array], output_field=BooleanField())  # noqa: S611
    return Q(participant_id__in=ids)


class EligibilityResult(models.Model):
    """One run of the rules engine on a claim, frozen. A re-run adds a row; none is overwritten."""

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="eligibility_results", verbose_name=_("claim")
    )
    rule_version = models.CharField(_("rule version"), max_length=16)
    eligible = models.BooleanField(_("eligible"))
    wage_basis = models.PositiveBigIntegerField(_("wage basis (Rp)"), default=0)
    cash_total = models.PositiveBigIntegerField(_("cash total (Rp)"), default=0)
    payer = models.CharField(_("payer"), max_length=16)
    inputs = models.JSONField(_("inputs snapshot"))
    result = models.JSONField(_("engine result"))
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("run by"),
    )
    run_at = models.DateTimeField(auto_now_add=True, verbose_name=_("run at"))

    class Meta:
        verbose_name = _("eligibility result")
        verbose_name_plural = _("eligibility results")
        ordering = ["-run_at", "-id"]
        get_latest_by = ["run_at", "id"]

    def __str__(self) -> str:
        verdict = gettext("eligible") if self.eligible else gettext("not eligible")
        return f"{self.claim_id} {self.rule_version} {verdict}"


class EligibilityCheck(models.Model):
    """One rule's verdict inside a result, with the article it applies and the figure used."""

    result = models.ForeignKey(EligibilityResult, on_delete=models.CASCADE, related_name="checks")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40)
    passed = models.BooleanField()
    value = models.CharField(max_length=60, blank=True)
    required = models.CharField(max_length=60, blank=True)
    source = models.CharField(max_length=120)
    message = models.TextField()

    class Meta:
        ordering = ["result", "position"]
        constraints = [
            models.UniqueConstraint(fields=["result", "code"], name="eligibility_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {'ok' if self.passed else 'fail'}"


class Decision(models.Model):
    """A supervisor's approval or rejection (four eyes: never the recommender)."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("claim")
    )
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="claim_decisions",
        verbose_name=_("decided by"),
    )
    reason_code = models.CharField(_("reason"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    eligibility_result = models.ForeignKey(
        EligibilityResult,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("eligibility result"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("decided at"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.decided_by})"


def document_upload_to(instance: "Document", filename: str) -> str:
    # Random name: the original is kept in the row, never trusted as a path.
    import uuid

    return f"claims/{instance.claim_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """An uploaded piece of evidence (PHK proof, KAPK, bank book...)."""

    class Type(models.TextChoices):
        PHK_ACCEPTANCE = "phk_acceptance", _("Proof the worker accepted the PHK")
        PHK_REPORT_RECEIPT = "phk_report_receipt", _("PHK report receipt (Kemnaker/Disnaker)")
        PERJANJIAN_BERSAMA = "perjanjian_bersama", _("Bipartite settlement (perjanjian bersama)")
        PHI_REGISTRATION = "phi_registration", _("PHI deed of registration")
        PHI_DECISION = "phi_decision", _("Industrial relations court decision")
        KAPK = "kapk", _("Job-seeking commitment (KAPK)")
        BANK_BOOK = "bank_book", _("Bank book / account proof")
        IDENTITY = "identity", _("Identity card (KTP)")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Not yet checked")
        ACCEPTED = "accepted", _("Accepted")
        REQUESTED_AGAIN = "requested_again", _("Asked again")

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="documents", verbose_name=_("claim")
    )
    doc_type = models.CharField(_("document type"), max_length=24, choices=Type.choices)
    file = models.FileField(upload_to=document_upload_to, max_length=200, verbose_name=_("file"))
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=80, verbose_name=_("file type"))
    size = models.PositiveIntegerField(verbose_name=_("size (bytes)"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("checked at"))
    file_removed_at = models.DateTimeField(
        _("file removed (retention)"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()}: {self.original_name}"


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Case events are append-only.")

    def delete(self):
        raise TypeError("Case events are append-only.")


class CaseEvent(models.Model):
    """Append-only audit of every transition and action on a claim: who, when, from, to, why."""

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="events", verbose_name=_("claim")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the system (scheduled tasks, imports)."),
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=24, blank=True)
    to_state = models.CharField(_("to"), max_length=24, blank=True)
    reason_code = models.CharField(_("reason"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True, verbose_name=_("details"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("at"))

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "id"]
        # Event time with the id: where the API changes feed starts, and the report's moves.
        indexes = [
            models.Index(fields=["created_at", "id"], name="case_event_time"),
            models.Index(fields=["to_state", "created_at"], name="case_event_move_time"),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} -> {self.to_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Case events are append-only.")


class InstalmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    PAYABLE = "payable", _("Payable")
    NOT_PAID = "not_paid", _("Not paid (condition not met)")
    IN_BATCH = "in_batch", _("In a payment batch")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected by the bank")
    CANCELLED = "cancelled", _("Cancelled (benefit stopped)")
    # Settled in full by setting it off against the worker's debt (claims.recovery): no transfer.
    OFFSET = "offset", _("Set off against a debt")


class EventNotification(models.Model):
    """The delivery of one case event to the worker over one channel (today: e-mail).

    Written, pending, in the transaction of the event that owes it (``claims.workflow``), so the
    case shows what the worker is owed even while the broker is down. At most one per event and
    channel: a rerun of the delivery task (a retry, a redelivered message) sends nothing twice.
    A failed send is recorded with its reason and tried again later with a growing delay
    (``claims.delivery``) until it is sent or given up.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will be tried again")
        GAVE_UP = "gave_up", _("Failed, given up")
        NO_ADDRESS = "no_address", _("Not sent: no address")

    event = models.ForeignKey(
        CaseEvent, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("event")
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    recipient = models.EmailField(_("recipient"), blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "id"]
        permissions = [("resend_notification", "Can send a failed notification again")]
        constraints = [
            models.UniqueConstraint(fields=["event", "channel"], name="notification_once"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed", "gave_up", "no_address"]),
                name="notification_status_valid",
            ),
            # Sent exactly when it has a time of sending.
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="notification_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="failed"),
                name="notification_retry_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.channel} {self.status}"


# The highest percent and amount of any rule version (V2: 60 % of the Rp 5,000,000 ceiling,
# PP 6/2025 Pasal 21); the database refuses an instalment above them.
MAX_INSTALMENT_PERCENT = 60
MAX_INSTALMENT_AMOUNT = 3_000_000


class CashInstalment(BaseModel):
    """One monthly cash payment of a claim (month 1..6), with the rule version that priced it."""

    Status = InstalmentStatus

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="instalments", verbose_name=_("claim")
    )
    month = models.PositiveSmallIntegerField(_("month"))
    due_date = models.DateField(_("due date"))
    percent = models.PositiveSmallIntegerField(_("percent of wage"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    rule_version = models.CharField(_("rule version"), max_length=16)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    status_reason = models.CharField(_("reason"), max_length=255, blank=True)
    evaluated_at = models.DateTimeField(_("condition evaluated at"), null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True, verbose_name=_("paid at"))
    # The part of the amount set off against a debt (claims.recovery): the transfer is the rest.
    offset_debt = models.ForeignKey(
        "claims.Debt",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offsets",
        verbose_name=_("debt set off"),
    )
    offset_amount = models.PositiveBigIntegerField(_("set off (Rp)"), default=0)

    class Meta:
        verbose_name = _("cash instalment")
        verbose_name_plural = _("cash instalments")
        ordering = ["claim", "month"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "month"], name="instalment_one_per_month"),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=6), name="instalment_month_1_to_6"
            ),
            models.CheckConstraint(
                condition=Q(status__in=InstalmentStatus.values), name="instalment_status_valid"
            ),
            # No rule version pays more than this (tests.rules check it against every version).
            models.CheckConstraint(
                condition=Q(percent__gte=1) & Q(percent__lte=MAX_INSTALMENT_PERCENT),
                name="instalment_percent_bounded",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=1) & Q(amount__lte=MAX_INSTALMENT_AMOUNT),
                name="instalment_amount_bounded",
            ),
            # An offset reduces the instalment, never below zero, and always names its debt.
            models.CheckConstraint(
                condition=Q(offset_amount__lte=models.F("amount")),
                name="instalment_offset_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(offset_amount=0, offset_debt__isnull=True)
                | Q(offset_amount__gte=1, offset_debt__isnull=False),
                name="instalment_offset_has_debt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim.number} #{self.month}"


class PaymentBatch(BaseModel):
    """A monthly run gathering payable instalments into one bank transfer file."""

    class State(models.TextChoices):
        OPEN = "open", _("Being gathered")
        READY = "ready", _("Ready for export")
        EXPORTED = "exported", _("Sent to the bank")
        RECONCILED = "reconciled", _("Reconciled")

    reference = models.CharField(_("reference"), max_length=30, unique=True)
    period = models.DateField(_("month"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    gathered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("gathered at"))
    exported_at = models.DateTimeField(null=True, blank=True, verbose_name=_("exported at"))
    reconciled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reconciled at"))

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ["-period", "-created_at"]
        constraints = [
            # A retried or concurrent run resumes the batch being gathered instead of
            # starting a second one.
            models.UniqueConstraint(
                fields=["state"], condition=Q(state="open"), name="payment_batch_one_open"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["open", "ready", "exported", "reconciled"]),
                name="payment_batch_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class PaymentLine(models.Model):
    """One transfer in a batch: of an instalment (less what is set off against a debt), or of
    an underpayment found by a reassessment. At most one live (pending or paid) line for each."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Sent, awaiting result")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected")
        HELD = "held", _("Held (duplicate identity)")

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="lines")
    instalment = models.ForeignKey(
        CashInstalment,
        on_delete=models.PROTECT,
        related_name="payment_lines",
        null=True,
        blank=True,
    )
    underpayment = models.ForeignKey(
        "claims.Underpayment",
        on_delete=models.PROTECT,
        related_name="payment_lines",
        null=True,
        blank=True,
    )
    amount = models.PositiveBigIntegerField()
    bank_name = models.CharField(max_length=60)
    bank_account = EncryptedCharField()
    account_holder = models.CharField(max_length=200)
    reference = models.CharField(_("transfer reference"), max_length=40, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    bank_reference = models.CharField(max_length=60, blank=True)
    rejection_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instalment"],
                condition=Q(status__in=["pending", "paid"]),
                name="payment_line_one_live_per_instalment",
            ),
            models.UniqueConstraint(
                fields=["underpayment"],
                condition=Q(status__in=["pending", "paid"]),
                name="payment_line_one_live_per_underpayment",
            ),
            # Exactly one of the two things a transfer pays.
            models.CheckConstraint(
                condition=Q(instalment__isnull=False, underpayment__isnull=True)
                | Q(instalment__isnull=True, underpayment__isnull=False),
                name="payment_line_pays_one_thing",
            ),
            # The amount equals its instalment's (a trigger, see migration 0004); never zero.
            models.CheckConstraint(condition=Q(amount__gte=1), name="payment_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.instalment_id} {self.status}"


class BankAccountChange(models.Model):
    """A change of where a claim's money goes, asked by one person and, once the claim has been
    submitted, confirmed by a second person of the branch (four eyes). Before submission the
    worker's or officer's own entry applies at once and is recorded here as applied."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a second person")
        APPLIED = "applied", _("Applied")
        REFUSED = "refused", _("Refused")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="bank_changes")
    bank_name = models.CharField(_("bank"), max_length=60)
    bank_account = EncryptedCharField(_("bank account number"))
    account_holder = models.CharField(_("account holder"), max_length=200)
    note = models.CharField(_("note"), max_length=255, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("bank account change")
        verbose_name_plural = _("bank account changes")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "applied", "refused"]),
                name="bank_change_state_valid",
            ),
            models.UniqueConstraint(
                fields=["claim"], condition=Q(state="pending"), name="bank_change_one_pending"
            ),
            # Whoever confirms or refuses is not whoever asked.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="bank_change_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.get_state_display()}"

    @property
    def bank_account_masked(self) -> str:
        return mask(self.bank_account, keep_start=0, keep_end=4)


class IdentityFlag(models.Model):
    """The claim's bank account, phone or e-mail is also another participant's. Money is held
    (no transfer is gathered or exported) until a supervisor clears the flag with a reason."""

    class Kind(models.TextChoices):
        BANK_ACCOUNT = "bank_account", _("Bank account shared with another participant")
        PHONE = "phone", _("Phone number shared with another participant")
        EMAIL = "email", _("E-mail address shared with another participant")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="identity_flags")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    other_participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="+", verbose_name=_("shared with")
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    clear_reason = models.CharField(_("reason for clearing"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("identity flag")
        verbose_name_plural = _("identity flags")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "kind", "other_participant"], name="identity_flag_once"
            ),
            models.CheckConstraint(
                condition=Q(cleared_at__isnull=True)
                | (Q(cleared_by__isnull=False) & ~Q(clear_reason="")),
                name="identity_flag_cleared_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.kind}"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class ClaimStateCount(models.Model):
    """How many claims each branch holds in each state, kept by database triggers on the
    claim table (migration claims.0007) in the transaction of every insert, state change,
    branch change and delete: the queue's per-state figures read these few rows instead of
    counting a branch's claims on every page view."""

    branch = models.ForeignKey(KantorCabang, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=24)
    total = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("claims per state")
        verbose_name_plural = _("claims per state")
        constraints = [
            models.UniqueConstraint(fields=["branch", "state"], name="claim_state_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.branch_id}/{self.state}: {self.total}"


def letter_upload_to(instance: "Letter", filename: str) -> str:
    # Random name: the letter's number is in the row, never in a storage path.
    import uuid

    return f"letters/{instance.claim_id}/{uuid.uuid4().hex}.pdf"


class Letter(models.Model):
    """A letter to the worker about their claim (receipt, decision, stop), as a PDF generated
    once and kept: every download serves these bytes (``sha256``). Numbered per branch and year
    (``claims.letters``), under the branch row's lock; the constraints hold the rest."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Claim receipt")
        APPROVAL = "approval", _("Decision letter (approval)")
        REJECTION = "rejection", _("Decision letter (rejection)")
        STOP = "stop", _("Benefit stop letter")
        REASSESSMENT = "reassessment", _("Reassessment letter")

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # The decision a decision letter announces (a claim may be rejected, appealed and decided
    # again); empty for the receipt and the stop letter.
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    # The reassessment a reassessment letter tells (a claim may be reassessed several times).
    reassessment = models.OneToOneField(
        "claims.Reassessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letter",
    )
    branch = models.ForeignKey(
        KantorCabang, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("running number"))
    number = models.CharField(_("letter number"), max_length=60, unique=True)
    file = models.FileField(upload_to=letter_upload_to, max_length=200)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["receipt", "approval", "rejection", "stop", "reassessment"]),
                name="letter_kind_valid",
            ),
            models.UniqueConstraint(
                fields=["branch", "year", "sequence"], name="letter_number_once"
            ),
            models.UniqueConstraint(
                fields=["claim", "kind"],
                condition=Q(decision__isnull=True, reassessment__isnull=True),
                name="letter_once_per_claim",
            ),
            models.UniqueConstraint(
                fields=["claim", "kind", "decision"],
                condition=Q(decision__isnull=False),
                name="letter_once_per_decision",
            ),
            # A reassessment letter names its reassessment; no other letter does.
            models.CheckConstraint(
                condition=Q(kind="reassessment", reassessment__isnull=False)
                | (~Q(kind="reassessment") & Q(reassessment__isnull=True)),
                name="letter_reassessment_named",
            ),
        ]

    def __str__(self) -> str:
        return self.number


# --- Reassessment: when the facts change after a decision (claims.reassessment) ----------------


class ReassessmentTrigger(models.TextChoices):
    CONTRIBUTIONS = "contributions", _("Contribution months posted late or corrected")
    RULING = "ruling", _("A rule ruling")
    APPEAL = "appeal", _("An appeal decided")
    STOP = "stop", _("A stop or death report")
    SUPERVISOR = "supervisor", _("A supervisor's request")


class Reassessment(models.Model):
    """A decided claim evaluated again, under the rule version that governed it (D5/D6), with the
    facts known now, and compared month by month with what was paid or scheduled. Nothing in it
    changes afterwards; what it found becomes underpayments to pay and a debt to recover."""

    Trigger = ReassessmentTrigger

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="reassessments", verbose_name=_("claim")
    )
    # The claim's n-th reassessment: two runs at once cannot both record the same one.
    sequence = models.PositiveIntegerField(_("number"))
    trigger = models.CharField(_("trigger"), max_length=16, choices=Trigger.choices)
    trigger_note = models.CharField(_("about"), max_length=255, blank=True)
    job = models.ForeignKey(
        "claims.ReassessmentJob",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reassessments",
        verbose_name=_("job"),
    )
    rule_version = models.CharField(_("rule version"), max_length=16)
    # The facts and the rules' figures it was computed from: a rerun on the same ones records
    # nothing.
    facts_digest = models.CharField(max_length=64, verbose_name=_("facts digest"))
    inputs = models.JSONField(_("inputs"))
    old_result = models.JSONField(_("before"))
    new_result = models.JSONField(_("after"))
    underpaid_total = models.PositiveBigIntegerField(_("underpaid (Rp)"), default=0)
    overpaid_total = models.PositiveBigIntegerField(_("overpaid (Rp)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reassessment")
        verbose_name_plural = _("reassessments")
        ordering = ["claim", "sequence"]
        permissions = [("reassess_in_bulk", "Can reassess every affected claim after a ruling")]
        constraints = [
            models.UniqueConstraint(fields=["claim", "sequence"], name="reassessment_sequence"),
            models.CheckConstraint(
                condition=Q(trigger__in=ReassessmentTrigger.values),
                name="reassessment_trigger_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} #{self.sequence}"


class ReassessmentLine(models.Model):
    """One benefit month of a reassessment: what was paid or scheduled, what is due now."""

    class Outcome(models.TextChoices):
        UNCHANGED = "unchanged", _("No difference")
        UNDERPAID = "underpaid", _("Underpaid: paid in the next batch")
        OVERPAID = "overpaid", _("Overpaid: a debt to recover")
        REPRICED = "repriced", _("Not yet paid: new amount")
        CANCELLED = "cancelled", _("Not yet paid: no longer due")

    reassessment = models.ForeignKey(Reassessment, on_delete=models.PROTECT, related_name="lines")
    month = models.PositiveSmallIntegerField(_("month"))
    due_date = models.DateField(_("due date"))
    status_before = models.CharField(_("status before"), max_length=12)
    was_amount = models.PositiveBigIntegerField(_("paid or scheduled (Rp)"))
    now_amount = models.PositiveBigIntegerField(_("due now (Rp)"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("reassessment month")
        verbose_name_plural = _("reassessment months")
        ordering = ["reassessment", "month"]
        constraints = [
            models.UniqueConstraint(fields=["reassessment", "month"], name="reassessment_month"),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=6), name="reassessment_month_1_to_6"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["unchanged", "repriced", "cancelled"])
                | Q(outcome="underpaid", now_amount__gt=models.F("was_amount"))
                | Q(outcome="overpaid", now_amount__lt=models.F("was_amount")),
                name="reassessment_outcome_matches_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reassessment_id}/{self.month} {self.outcome}"

    @property
    def difference(self) -> int:
        return self.now_amount - self.was_amount

    @property
    def gap(self) -> int:
        return abs(self.difference)


class Underpayment(BaseModel):
    """Money a reassessment found still due for a month: paid once, by the next payment batch."""

    class Status(models.TextChoices):
        PAYABLE = "payable", _("Payable")
        IN_BATCH = "in_batch", _("In a payment batch")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected by the bank")

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="underpayments", verbose_name=_("claim")
    )
    line = models.OneToOneField(
        ReassessmentLine,
        on_delete=models.PROTECT,
        related_name="underpayment",
        verbose_name=_("payment line"),
    )
    month = models.PositiveSmallIntegerField(_("month"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PAYABLE
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("underpayment")
        verbose_name_plural = _("underpayments")
        ordering = ["claim", "month", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=1), name="underpayment_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["payable", "in_batch", "paid", "rejected"]),
                name="underpayment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="paid", paid_at__isnull=False)
                | (~Q(status="paid") & Q(paid_at__isnull=True)),
                name="underpayment_paid_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status"], condition=Q(status="payable"), name="underpayment_payable"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} #{self.month}: {self.amount}"


class Debt(BaseModel):
    """What a reassessment found overpaid, owed back by the worker; recovered by the plan a
    supervisor proposes and another approves (four eyes): offset against the instalments still
    to come, then repayment by the worker, or written off with a reason. The worker's objection
    pauses it until a supervisor answers."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a recovery plan")
        RECOVERING = "recovering", _("Being recovered")
        OBJECTED = "objected", _("Paused: the worker objected")
        RECOVERED = "recovered", _("Recovered")
        WRITTEN_OFF = "written_off", _("Written off")
        WITHDRAWN = "withdrawn", _("Withdrawn: the objection was upheld")

    CLOSED = frozenset({"recovered", "written_off", "withdrawn"})

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="debts", verbose_name=_("claim")
    )
    reassessment = models.OneToOneField(
        Reassessment, on_delete=models.PROTECT, related_name="debt", verbose_name=_("reassessment")
    )
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    objection = models.TextField(_("the worker's objection"), blank=True)
    objected_at = models.DateTimeField(_("objected at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("debt")
        verbose_name_plural = _("debts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=1), name="debt_amount_positive"),
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "open",
                        "recovering",
                        "objected",
                        "recovered",
                        "written_off",
                        "withdrawn",
                    ]
                ),
                name="debt_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="objected") | Q(objected_at__isnull=False),
                name="debt_objection_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.amount} ({self.state})"


class RecoveryPlan(BaseModel):
    """How a debt is recovered, proposed by one supervisor and approved by another."""

    class Kind(models.TextChoices):
        RECOVER = "recover", _("Offset against the instalments to come, then repayment")
        WRITE_OFF = "write_off", _("Write off")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, waiting for a second supervisor")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        ENDED = "ended", _("Ended")

    debt = models.ForeignKey(
        Debt, on_delete=models.PROTECT, related_name="plans", verbose_name=_("debt")
    )
    kind = models.CharField(_("plan"), max_length=10, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PROPOSED
    )
    repayment_months = models.PositiveSmallIntegerField(_("monthly repayments"), default=1)
    first_due_date = models.DateField(_("first repayment due"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("recovery plan")
        verbose_name_plural = _("recovery plans")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["recover", "write_off"]), name="recovery_plan_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["proposed", "approved", "refused", "ended"]),
                name="recovery_plan_state_valid",
            ),
            # One plan in play per debt.
            models.UniqueConstraint(
                fields=["debt"],
                condition=Q(state__in=["proposed", "approved"]),
                name="recovery_plan_one_open_per_debt",
            ),
            # Four eyes: whoever approves or refuses is not whoever proposed.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")),
                name="recovery_plan_four_eyes",
            ),
            models.CheckConstraint(
                condition=~Q(kind="write_off") | ~Q(reason=""),
                name="recovery_plan_write_off_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(repayment_months__gte=1) & Q(repayment_months__lte=24),
                name="recovery_plan_months_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.debt_id}: {self.kind} ({self.state})"


class Repayment(BaseModel):
    """One repayment the worker owes under an approved plan, matched by its reference when the
    bank's receipts file is reconciled."""

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        PAID = "paid", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(RecoveryPlan, on_delete=models.PROTECT, related_name="repayments")
    sequence = models.PositiveSmallIntegerField(_("number"))
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    due_date = models.DateField(_("due date"))
    reference = models.CharField(_("payment reference"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="due")
    paid_at = models.DateTimeField(_("received at"), null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        ordering = ["plan", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "sequence"], name="repayment_sequence"),
            models.CheckConstraint(condition=Q(amount__gte=1), name="repayment_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["due", "paid", "cancelled"]), name="repayment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="paid", paid_at__isnull=False, bank_reference__gt="")
                | (~Q(status="paid") & Q(paid_at__isnull=True)),
                name="repayment_paid_has_receipt",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ReassessmentJob(BaseModel):
    """Reassessing many claims in the background (after a ruling, or an import's corrections),
    with its progress; ``updated_at`` is its heartbeat (claims.reassessment_jobs)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    LIVE = ("pending", "running")

    trigger = models.CharField(_("trigger"), max_length=16, choices=ReassessmentTrigger.choices)
    note = models.CharField(_("about"), max_length=255)
    # The claims to reassess, chosen when the job was asked for.
    claim_ids = models.JSONField(default=list, verbose_name=_("claims"))
    total = models.PositiveIntegerField(_("claims"), default=0)
    processed = models.PositiveIntegerField(_("reassessed"), default=0)
    changed = models.PositiveIntegerField(_("with a difference"), default=0)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    message = models.TextField(_("message"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reassessment job")
        verbose_name_plural = _("reassessment jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "done", "failed"]),
                name="reassessment_job_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(processed__lte=models.F("total")),
                name="reassessment_job_progress_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.note} ({self.processed}/{self.total})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.processed * 100 // self.total
