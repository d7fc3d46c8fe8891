"""Forms of the sign-in pages that are not Django's own."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """Django's sign-in form with a refusal said once: Django's Indonesian wording puts the
    field's name after "nama pengguna" ("Masukkan nama pengguna nama pengguna dan sandi")."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The user name or the password is not right. Both are case-sensitive."),
    }


class FirstCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The six-digit code your app shows now"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9 ]*",
            }
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        help_text=_(
            "The six-digit code from your authenticator app, or one of your recovery codes."
        ),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
