"""The portal's password forms: Django's own, limited to workers' accounts."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jkp_site.core.account_forms import ThrottledPasswordResetForm
from jkp_site.core.identity import is_staff_member
from jkp_site.core.models import User
from portal.forms import DigitsField, MobileField


class WorkerPasswordResetForm(ThrottledPasswordResetForm):
    """Django's reset by e-mail, for workers' portal accounts only (staff have their own)."""

    def accepts(self, user: User) -> bool:
        return hasattr(user, "participant") and not is_staff_member(user)


class PhoneResetForm(forms.Form):
    """A reset by a code sent to the worker's confirmed mobile number: the KPJ number says
    which account (a family may share a phone)."""

    kpj_number = DigitsField(length=11, label=_("KPJ number"))
    phone = MobileField(label=_("Mobile phone number"))


class SmsCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The code we sent by SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())
