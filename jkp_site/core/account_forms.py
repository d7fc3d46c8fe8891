"""Forms of the sign-in pages that are not Django's own, and the limited reset by e-mail."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from jkp_site.core.identity import is_staff_member
from jkp_site.core.models import User
from jkp_site.core.net import client_ip
from jkp_site.core.throttle import reset_allowed_for, reset_allowed_from


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


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset by e-mail for the accounts ``accepts`` lets through, limited per address
    and per account (core.throttle, RESETS_PER_*). The e-mail goes out from a background task
    after commit, with a link on the request's own address; whether the address belongs to an
    account is never shown."""

    def accepts(self, user: User) -> bool:
        raise NotImplementedError

    def get_users(self, email: str):
        for user in super().get_users(email):
            if self.accepts(user):
                yield user

    def save(self, request: HttpRequest | None = None, **kwargs: Any) -> None:  # type: ignore[override]
        from jkp_site.core.tasks import send_password_reset_task

        if request is None or not reset_allowed_from(client_ip(request)):
            return
        language = translation.get_language() or "id"
        base_url = request.build_absolute_uri("/")
        for user in self.get_users(self.cleaned_data["email"]):
            if reset_allowed_for(user):
                transaction.on_commit(
                    partial(
                        send_password_reset_task.delay,
                        user.pk,
                        base_url,
                        language,
                        client_ip(request),
                    )
                )


class StaffPasswordResetForm(ThrottledPasswordResetForm):
    """Staff reset their own password by e-mail; the second factor still guards the sign-in."""

    def accepts(self, user: User) -> bool:
        return is_staff_member(user)
