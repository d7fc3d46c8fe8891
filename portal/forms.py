"""Forms of the worker portal: field cleaning only; the rules live in the services."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.validators import RegexValidator
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models import Document, TerminationReason
from jkp_site.core import sms
from jkp_site.core.account_forms import SignInForm
from participants.models import ContractType
from training.models import JobSeekingActivity

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DateInput(forms.DateInput):
    """The browser's own date picker (large, accessible, localised on phones)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _digits(value: str | None) -> str:
    return "".join((value or "").split())


class DigitsField(forms.CharField):
    """A number typed with spaces (as printed on cards); only its digits are kept.

    `length` is exact; `min_digits`..`max_length` is a range (bank account numbers vary).
    """

    def __init__(self, *, length: int | None = None, min_digits: int = 1, **kwargs):
        kwargs.setdefault("max_length", (length or 30) + 8)
        super().__init__(**kwargs)
        message: StrOrPromise
        if length is not None:
            pattern = rf"^\d{{{length}}}$"
            message = _("Enter the %(length)d digits.") % {"length": length}
        else:
            pattern = rf"^\d{{{min_digits},}}$"
            message = _("Enter digits only.")
        self.validators.append(RegexValidator(pattern, message))
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        return _digits(super().to_python(value))


class MobileField(forms.CharField):
    """An Indonesian mobile number as people write it (0812-…, +62 812 …), kept as +62…."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 24)
        kwargs.setdefault("help_text", _("For example 0812 3456 7890."))
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        number = sms.normalise_mobile(value)
        if number is None:
            raise forms.ValidationError(
                _("Enter an Indonesian mobile number, such as 0812 3456 7890.")
            )
        return number


class ActivationForm(forms.Form):
    nik = DigitsField(
        length=16,
        label=_("NIK (identity number)"),
        help_text=_("The 16 digits on your KTP."),
    )
    kpj_number = DigitsField(
        length=11,
        label=_("KPJ number"),
        help_text=_("The 11 digits on your BPJS Ketenagakerjaan participant card."),
    )
    birth_date = forms.DateField(
        label=_("Birth date"), widget=DateInput(attrs={"autocomplete": "bday"})
    )
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only digits and not a common password."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("We send a link to confirm it, then tell you there about your case."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = MobileField(
        label=_("Or your mobile phone number"),
        required=False,
        help_text=_("We send a code by SMS to confirm it. For example 0812 3456 7890."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not sms.available():
            del self.fields["phone"]
            self.fields["email"].required = True

    def clean_password1(self) -> str:
        password = self.cleaned_data["password1"]
        password_validation.validate_password(password)
        return password

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if (
            cleaned.get("password1")
            and cleaned.get("password2")
            and cleaned["password1"] != cleaned["password2"]
        ):
            self.add_error("password2", _("The two passwords are not the same."))
        given = cleaned.get("email") or cleaned.get("phone")
        mistyped = "email" in self.errors or "phone" in self.errors
        if "phone" in self.fields and not given and not mistyped:
            self.add_error("email", _("Give an e-mail address or a mobile phone number (or both)."))
        return cleaned


class PhoneForm(forms.Form):
    phone = MobileField(label=_("Mobile phone number"))


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class TerminationForm(forms.Form):
    """How the worker's job ended: the facts both the pre-check and a claim start from."""

    phk_date = forms.DateField(label=_("Date your work ended (PHK date)"), widget=DateInput())
    reason = forms.ChoiceField(
        label=_("Why your work ended"), choices=[("", "---------"), *TerminationReason.choices]
    )
    contract_type = forms.ChoiceField(label=_("Your contract"), choices=ContractType.choices)
    contract_end_date = forms.DateField(
        label=_("Agreed end date of the contract"),
        required=False,
        widget=DateInput(),
        help_text=_("Only for a fixed-term contract (PKWT)."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("contract_type") == ContractType.PKWT and not cleaned.get(
            "contract_end_date"
        ):
            self.add_error(
                "contract_end_date", _("A fixed-term contract (PKWT) needs its agreed end date.")
            )
        if cleaned.get("contract_type") == ContractType.PKWTT:
            cleaned["contract_end_date"] = None
        phk_date = cleaned.get("phk_date")
        if phk_date and phk_date > timezone.localdate():
            self.add_error("phk_date", _("The date cannot be in the future."))
        return cleaned


class ClaimTerminationForm(TerminationForm):
    """Step 1 of a claim: the PHK, as in the pre-check, plus the proof's number and date."""

    proof_number = forms.CharField(
        label=_("Number of the PHK letter or proof"), max_length=80, required=False
    )
    proof_date = forms.DateField(label=_("Date of that letter"), required=False, widget=DateInput())


class BankForm(forms.Form):
    """Step 2: where the monthly cash goes. The account must be in the worker's own name."""

    bank_name = forms.CharField(label=_("Bank"), max_length=60)
    bank_account = DigitsField(min_digits=5, label=_("Account number"), max_length=30)
    bank_account_holder = forms.CharField(
        label=_("Name of the account holder"),
        max_length=200,
        help_text=_("Exactly as on your bank book: it must be your own name."),
    )

    def __init__(self, *args, owner_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_name = owner_name

    def clean_bank_account_holder(self) -> str:
        holder = " ".join(self.cleaned_data["bank_account_holder"].split())
        if holder.casefold() != " ".join(self.owner_name.split()).casefold():
            raise forms.ValidationError(
                _("The account must be in your own name (%(name)s).") % {"name": self.owner_name}
            )
        return holder


ACCEPTED_UPLOADS = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class DocumentForm(forms.Form):
    """Step 3: one document at a time (PDF, JPEG or PNG); the workflow checks the real type."""

    doc_type = forms.ChoiceField(label=_("Which document is this?"), choices=Document.Type.choices)
    uploaded_file = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_UPLOADS}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.DOCUMENT_MAX_BYTES
        self.fields["uploaded_file"].help_text = _("At most %(size)s.") % {
            "size": filesizeformat(limit)
        }
        self.fields["uploaded_file"].widget.attrs.update(
            {
                "data-max-bytes": str(limit),
                "data-too-large": _("This file is too large; the limit is %(size)s.")
                % {"size": filesizeformat(limit)},
            }
        )


class KapkForm(forms.Form):
    """Step 4: the job-seeking commitment (Komitmen Aktivitas Pencarian Kerja)."""

    kapk_signed = forms.BooleanField(
        label=_(
            "I commit to actively look for work while I receive JKP, and I confirm that what I "
            "entered is true (KAPK)."
        ),
        required=True,
    )


class AppealForm(forms.Form):
    note = forms.CharField(
        label=_("Why do you think the decision is wrong?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class ActivityForm(forms.Form):
    """A job application or a selection test/interview the worker reports for the month."""

    kind = forms.ChoiceField(
        label=_("What did you do?"),
        choices=[
            (JobSeekingActivity.Kind.JOB_APPLICATION, _("I applied for a job")),
            (JobSeekingActivity.Kind.INTERVIEW, _("I had a selection test or an interview")),
        ],
        widget=forms.RadioSelect,
    )
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    employer_name = forms.CharField(label=_("Company"), max_length=200)
    position = forms.CharField(label=_("Job"), max_length=200)

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class EmploymentStatusForm(forms.Form):
    """The month-6 employment-status form (formulir status kebekerjaan)."""

    employed = forms.TypedChoiceField(
        label=_("Do you have a job now?"),
        choices=[("no", _("No, I am still looking for work")), ("yes", _("Yes, I found a job"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    employer_name = forms.CharField(label=_("New employer"), max_length=200, required=False)
    started_on = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    notes = forms.CharField(
        label=_("Anything to add"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("employed"):
            if not cleaned.get("employer_name"):
                self.add_error("employer_name", _("Give the name of your new employer."))
            if not cleaned.get("started_on"):
                self.add_error("started_on", _("Give the day you started."))
        return cleaned


class PortalAuthenticationForm(SignInForm):
    """Sign-in with the KPJ number, the user name every activated account gets (accounts made
    by the branch or the demo data, such as peserta1, have a plain user name instead)."""

    error_messages = {
        **SignInForm.error_messages,
        "invalid_login": _(
            "The KPJ number (or user name) or the password is not right. The password is "
            "case-sensitive."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("KPJ number or user name")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
