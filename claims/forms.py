"""Forms of the staff screens. They clean input only; the services enforce the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from claims.models import Claim, Document, TerminationReason
from claims.vocabulary import RejectReason, ReturnReason, StopReason, WithdrawReason
from jkp_site.core.models import User
from participants.models import ContractType, Employer

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ParticipantSearchForm(forms.Form):
    q = forms.CharField(
        label=_("NIK, KPJ number or name"),
        min_length=3,
        max_length=100,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "search"}),
    )


class TerminationFieldsMixin(forms.Form):
    phk_date = forms.DateField(label=_("PHK date"), widget=DATE_INPUT)
    reason = forms.ChoiceField(label=_("Termination reason"), choices=TerminationReason.choices)
    contract_type = forms.ChoiceField(label=_("Contract type"), choices=ContractType.choices)
    contract_end_date = forms.DateField(
        label=_("Contract end date (PKWT)"), required=False, widget=DATE_INPUT
    )
    proof_number = forms.CharField(label=_("PHK proof number"), max_length=80, required=False)
    proof_date = forms.DateField(label=_("PHK proof date"), required=False, widget=DATE_INPUT)
    bank_name = forms.CharField(label=_("Bank"), max_length=60, required=False)
    bank_account = forms.CharField(
        label=_("Bank account number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    bank_account_holder = forms.CharField(
        label=_("Account holder (the worker's own name)"), max_length=200, required=False
    )
    kapk_signed = forms.BooleanField(
        label=_("The worker signed the job-seeking commitment (KAPK)"), required=False
    )

    def clean_bank_account(self) -> str:
        value = "".join(self.cleaned_data["bank_account"].split())
        if value and not value.isdigit():
            raise forms.ValidationError(_("Digits only."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("contract_type") == ContractType.PKWT and not data.get("contract_end_date"):
            self.add_error(
                "contract_end_date", _("A PKWT termination needs the contract's end date.")
            )
        return data


class IntakeForm(TerminationFieldsMixin):
    """A new claim for a participant found by the officer."""

    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Employer.objects.none())

    field_order = ["employer"]

    def __init__(self, *args, employers, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["employer"]).queryset = employers


class DraftForm(TerminationFieldsMixin):
    """Corrections to a draft claim."""

    @classmethod
    def initial_for(cls, claim: Claim) -> dict:
        termination = claim.termination
        return {
            "phk_date": termination.phk_date,
            "reason": termination.reason,
            "contract_type": termination.contract_type,
            "contract_end_date": termination.contract_end_date,
            "proof_number": termination.proof_number,
            "proof_date": termination.proof_date,
            "bank_name": claim.bank_name,
            "bank_account": claim.bank_account,
            "bank_account_holder": claim.bank_account_holder,
            "kapk_signed": claim.kapk_signed_at is not None,
        }


class DocumentUploadForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document type"), choices=Document.Type.choices)
    uploaded_file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        allow_empty_file=True,  # the service refuses it with a clear message
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["uploaded_file"].help_text = _("PDF, JPEG or PNG, at most %(limit)s.") % {
            "limit": filesizeformat(settings.DOCUMENT_MAX_BYTES)
        }


class DocumentReplaceForm(forms.Form):
    uploaded_file = forms.FileField(
        label=_("New file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        allow_empty_file=True,  # the service refuses it with a clear message
    )


class DocumentCheckForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("1", _("Accept")), ("0", _("Ask again"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class RecommendForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=Claim.Recommendation.choices, widget=forms.RadioSelect
    )
    reason_code = forms.ChoiceField(
        label=_("Reason (when recommending rejection)"),
        choices=[("", "---------"), *RejectReason.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AppealForm(forms.Form):
    note = forms.CharField(
        label=_("Grounds of the appeal (keberatan)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class _ReasonForm(forms.Form):
    reasons: type[models.TextChoices] = RejectReason

    reason_code = forms.ChoiceField(label=_("Reason"))
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reason_code = cast(forms.ChoiceField, self.fields["reason_code"])
        reason_code.choices = [("", "---------"), *self.reasons.choices]


class RejectForm(_ReasonForm):
    reasons = RejectReason


class ReturnForm(_ReasonForm):
    reasons = ReturnReason


class WithdrawForm(_ReasonForm):
    reasons = WithdrawReason


class StopForm(_ReasonForm):
    reasons = StopReason


class ReassignForm(forms.Form):
    officer: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Officer"), queryset=None
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["officer"]).queryset = officers


class BankChangeDecisionForm(forms.Form):
    confirm = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Confirm the new account")), ("0", _("Refuse the change"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class ClearFlagForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the flag can be cleared"),
        max_length=255,
        help_text=_("What you checked, e.g. a joint account of spouses confirmed at the counter."),
    )
