"""Input and output shapes of the API. Inputs validate everything a client can send."""

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from claims.models import ClaimState, InstalmentStatus, TerminationReason
from participants.models import ContractType

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

NIK_PATTERN = r"^\d{16}$"
NIK_ERRORS: "dict[str, str | _StrPromise]" = {
    "invalid": _("A NIK has 16 digits."),
    "max_length": _("A NIK has 16 digits."),
}
NPP_PATTERN = r"^\d{8}$"
# No PHK can predate the JKP programme; a date far in the future is a typing mistake.
EARLIEST_PHK = dt.date(2021, 2, 2)
LATEST_PHK_DAYS_AHEAD = 90


def _check_phk_date(value: dt.date) -> None:
    latest = timezone.localdate() + dt.timedelta(days=LATEST_PHK_DAYS_AHEAD)
    if not EARLIEST_PHK <= value <= latest:
        raise serializers.ValidationError(
            _("The PHK date must be between %(start)s and %(end)s.")
            % {"start": EARLIEST_PHK.isoformat(), "end": latest.isoformat()},
            code="out_of_range",
        )


class DigitsField(serializers.RegexField):
    """A number written as text (NIK, NPP, account): a JSON number is refused, not coerced,
    because 16-digit identifiers lose leading zeros and precision as numbers."""

    default_error_messages = {"not_text": _("Send this number as a JSON string.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class TerminationInputMixin(serializers.Serializer):
    phk_date = serializers.DateField(validators=[_check_phk_date])
    reason = serializers.ChoiceField(choices=TerminationReason.choices)
    contract_type = serializers.ChoiceField(
        choices=ContractType.choices, default=ContractType.PKWTT
    )
    contract_end_date = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("contract_type") == ContractType.PKWT and not attrs.get("contract_end_date"):
            raise serializers.ValidationError(
                {"contract_end_date": _("A PKWT contract needs its agreed end date.")},
                code="required",
            )
        if attrs.get("contract_type") != ContractType.PKWT:
            attrs["contract_end_date"] = None
        return attrs


class EligibilityRequestSerializer(serializers.Serializer):
    """The NIK travels in the body, never in the URL: URLs end up in logs."""

    nik = DigitsField(NIK_PATTERN, max_length=16, error_messages=NIK_ERRORS)
    phk_date = serializers.DateField(required=False, validators=[_check_phk_date])
    reason = serializers.ChoiceField(choices=TerminationReason.choices, required=False)
    contract_type = serializers.ChoiceField(
        choices=ContractType.choices, default=ContractType.PKWTT
    )
    contract_end_date = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if ("phk_date" in attrs) != ("reason" in attrs):
            missing = "reason" if "phk_date" in attrs else "phk_date"
            raise serializers.ValidationError(
                {missing: _("Give both the PHK date and the reason, or neither.")},
                code="required",
            )
        if (
            "phk_date" in attrs
            and attrs["contract_type"] == ContractType.PKWT
            and not attrs.get("contract_end_date")
        ):
            raise serializers.ValidationError(
                {"contract_end_date": _("A PKWT contract needs its agreed end date.")},
                code="required",
            )
        return attrs


class ContributionSummarySerializer(serializers.Serializer):
    months_paid_in_window = serializers.IntegerField(
        help_text="Paid months in the 24 months up to the reference month."
    )
    window_start = serializers.CharField(help_text="YYYY-MM")
    window_end = serializers.CharField(help_text="YYYY-MM")
    consecutive_months = serializers.IntegerField(
        help_text="Consecutive paid months ending with the latest paid month."
    )
    latest_period = serializers.CharField(allow_null=True, help_text="YYYY-MM")
    latest_wage = serializers.IntegerField(allow_null=True, help_text="Rupiah")
    latest_employer_npp = serializers.CharField(allow_null=True)


class ClaimRefSerializer(serializers.Serializer):
    number = serializers.CharField()
    state = serializers.ChoiceField(choices=ClaimState.choices)


class EvaluationCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    passed = serializers.BooleanField()
    value = serializers.JSONField(allow_null=True, help_text="The figure the rule used.")
    # Field names of the API that shadow Field attributes in the stubs only: DRF's metaclass
    # takes declared fields off the class.
    required = serializers.JSONField(  # type: ignore[assignment]
        allow_null=True, help_text="The threshold it was held to."
    )
    source = serializers.CharField(help_text="The article applied.")  # type: ignore[assignment]
    message = serializers.CharField()
    message_en = serializers.CharField()


class ScheduledInstalmentSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    due_date = serializers.DateField()
    percent = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="Rupiah")
    rule_version = serializers.CharField()


class EvaluationSerializer(serializers.Serializer):
    rule_version = serializers.CharField()
    eligible = serializers.BooleanField()
    claim_deadline = serializers.DateField(allow_null=True)
    wage_basis = serializers.IntegerField(help_text="Rupiah")
    cash_total = serializers.IntegerField(help_text="Rupiah")
    cash_schedule = ScheduledInstalmentSerializer(many=True)
    checks = EvaluationCheckSerializer(many=True)


class EligibilitySummarySerializer(serializers.Serializer):
    nik_masked = serializers.CharField()
    kpj_number = serializers.CharField()
    name = serializers.CharField()
    citizen = serializers.BooleanField()
    enrollments = serializers.ListField(child=serializers.CharField())
    contributions = ContributionSummarySerializer()
    approved_claims = serializers.IntegerField()
    open_claim = ClaimRefSerializer(allow_null=True)
    evaluation = EvaluationSerializer(
        allow_null=True,
        help_text="The rules engine on the PHK given in the request; null when none was given.",
    )


class PhkReportSerializer(TerminationInputMixin):
    nik = DigitsField(NIK_PATTERN, max_length=16, error_messages=NIK_ERRORS)
    npp = DigitsField(NPP_PATTERN, max_length=8)
    proof_number = serializers.CharField(max_length=80, required=False, default="")
    proof_date = serializers.DateField(required=False, allow_null=True, default=None)
    open_claim = serializers.BooleanField(
        default=False, help_text="Also open a draft claim for this termination."
    )
    bank_name = serializers.CharField(max_length=60, required=False, default="")
    bank_account = DigitsField(r"^\d{5,30}$", max_length=30, required=False, default="")
    bank_account_holder = serializers.CharField(max_length=200, required=False, default="")
    kapk_signed = serializers.BooleanField(default=False)


class PhkReportResultSerializer(serializers.Serializer):
    termination_id = serializers.IntegerField()
    created = serializers.BooleanField(help_text="False when an earlier report was updated.")
    claim = ClaimRefSerializer(allow_null=True)


class InstalmentSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    due_date = serializers.DateField()
    percent = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="Rupiah")
    rule_version = serializers.CharField()
    status = serializers.ChoiceField(choices=InstalmentStatus.choices)
    status_reason = serializers.CharField(allow_blank=True)
    paid_at = serializers.DateTimeField(allow_null=True)


class ClaimStatusSerializer(serializers.Serializer):
    number = serializers.CharField()
    state = serializers.ChoiceField(choices=ClaimState.choices)
    state_changed_at = serializers.DateTimeField(allow_null=True)
    branch = serializers.CharField(source="branch.code")
    channel = serializers.CharField()
    phk_date = serializers.DateField(source="termination.phk_date")
    reason = serializers.CharField(source="termination.reason")
    claim_date = serializers.DateField(allow_null=True)
    decision_date = serializers.DateField(allow_null=True)
    rule_version = serializers.CharField(allow_blank=True)
    instalments = InstalmentSerializer(many=True)


class ChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    claim = serializers.CharField(source="claim.number")
    branch = serializers.CharField(source="claim.branch.code")
    action = serializers.CharField()
    from_state = serializers.CharField(allow_blank=True)
    to_state = serializers.CharField(allow_blank=True)
    reason_code = serializers.CharField(allow_blank=True)
    occurred_at = serializers.DateTimeField(source="created_at")


class BoundedDateTimeField(serializers.DateTimeField):
    """A timestamp between the years 1900 and 9998.

    At the edges of the calendar, moving a time between zones (into Asia/Jakarta, or to UTC
    for the database) overflows Python's datetime, which DRF's field lets escape as a server
    error; no real timestamp lies there.
    """

    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
        except OverflowError:
            self.fail("overflow")
        if not 1900 <= parsed.year <= 9998:
            self.fail("overflow")
        return parsed


class ChangesQuerySerializer(serializers.Serializer):
    since = BoundedDateTimeField(help_text="ISO 8601 timestamp; only changes after it are listed.")
