from functools import cache

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _


@cache
def _choice_labels(field: models.Field) -> dict:
    """A field's choices as value -> label (the labels lazy: translated when shown)."""
    return {make_hashable(value): label for value, label in field.flatchoices}


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field) -> str:  # noqa: N802 (Django's name)
        """Django's ``get_<field>_display``, without rebuilding (and translating) the field's
        whole list of choices on every call: a queue page asks it twice a row."""
        value = getattr(self, field.attname)
        return force_str(_choice_labels(field).get(make_hashable(value), value), strings_only=True)


class Kanwil(BaseModel):
    """Kantor Wilayah: a regional office grouping branch offices."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("regional office")
        verbose_name_plural = _("regional offices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class KantorCabang(BaseModel):
    """A branch office. Staff belong to one; every queue and object URL is scoped to it."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kanwil = models.ForeignKey(
        Kanwil, on_delete=models.PROTECT, related_name="branches", verbose_name=_("region")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_offices",
        verbose_name=_("parent branch"),
        help_text=_("For a sub-office (KCP): the branch it reports to."),
    )
    city = models.CharField(_("city"), max_length=80, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("branch office")
        verbose_name_plural = _("branch offices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff member (with a branch) or a worker using the portal (without one)."""

    branch = models.ForeignKey(
        KantorCabang,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("branch office"),
    )
    # A worker's mobile number, once they typed back the code sent to it (portal): where a
    # password reset code may go. Kept as +62…; blank until confirmed.
    phone = models.CharField(_("confirmed mobile number"), max_length=20, blank=True)

    # Not a subclass of AbstractUser.Meta: it would add only `abstract`, which Django drops for
    # a concrete child anyway, and its names, which are given here.
    class Meta:
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def role_names(self) -> frozenset[str]:
        """The names of the user's groups (their roles), read with their permissions."""
        from jkp_site.core.backends import access_of

        return access_of(self).roles


# --- Identity and sessions (ASVS L2) -----------------------------------------------------------


class AccountEvent(models.Model):
    """Append-only record of what one person did to another's sign-in: who, to whom, when.

    The user names are kept beside the links, so the record still reads after an account is
    deleted.
    """

    class Kind(models.TextChoices):
        SECOND_FACTOR_RESET = "otp_reset", _("second factor reset")
        BRANCH_RESET_LINK = "branch_reset_link", _("password reset link issued at the branch")
        ADMIN_RESET_LINK = "admin_reset_link", _("password reset link issued by an administrator")
        RESET_ASKED = "reset_asked", _("password reset asked for (by e-mail or phone)")
        PASSWORD_RESET = "password_reset", _("password set again after a reset")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="account_events_done",
        verbose_name=_("done by"),
    )
    actor_username = models.CharField(_("done by (user name)"), max_length=150)
    subject = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="account_events",
        verbose_name=_("account"),
    )
    subject_username = models.CharField(_("account (user name)"), max_length=150)
    ip_address = models.CharField(_("address"), max_length=45, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("account security event")
        verbose_name_plural = _("account security events")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("reset_second_factor", "Can reset the second factor of staff of the branch"),
            ("issue_worker_reset_link", "Can issue a portal password reset link at the branch"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.actor_username} -> {self.subject_username}"


class UserSession(models.Model):
    """The sessions a user is signed in with, so "sign out everywhere" can end each one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tracked_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:6]}…"
