"""Integrating systems (BPJS core membership, Sisnaker/SIAPkerja, employer HR systems).

Each system holds one bearer token. Only a SHA-256 of it is stored: the token is 32 random
bytes, so a fast hash is as strong as a slow one and keeps every request cheap. The first
characters (the prefix) are stored in clear so the row can be found without scanning hashes.
"""

import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jkp_site.core.models import BaseModel, KantorCabang
from participants.models import Employer


class Grant(models.TextChoices):
    ELIGIBILITY_READ = "eligibility:read", _("Read eligibility summaries")
    PHK_WRITE = "phk:write", _("Report terminations (PHK) and open draft claims")
    CLAIMS_READ = "claims:read", _("Read claim status and instalments")
    CHANGES_READ = "changes:read", _("List changes for synchronisation")


TOKEN_PREFIX_LENGTH = 8


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class IntegrationClient(BaseModel):
    """One integrating system and what its token may do.

    `branch` narrows every read and write to one branch office; `employer` narrows PHK
    reports to one employer (an employer's HR system may report only its own workers).
    `service_user` is the account recorded as the actor of what the system does, so the
    audit trail names the system; it has no usable password and cannot sign in.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    token_prefix = models.CharField(
        max_length=TOKEN_PREFIX_LENGTH, unique=True, editable=False, verbose_name=_("token prefix")
    )
    token_hash = models.CharField(max_length=64, editable=False, verbose_name=_("token hash"))
    grants = models.JSONField(_("grants"), default=list)
    branch = models.ForeignKey(
        KantorCabang,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("limited to branch"),
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("limited to employer"),
    )
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="integration_client",
        editable=False,
        verbose_name=_("service user"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(
        _("token expires"), null=True, blank=True, help_text=_("Empty: the token does not expire.")
    )
    allowed_networks = models.CharField(
        _("allowed addresses"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated addresses or networks (203.0.113.0/24). Empty: any."),
    )
    rate_per_minute = models.PositiveIntegerField(
        _("requests per minute"), null=True, blank=True, help_text=_("Empty: the site default.")
    )

    class Meta:
        verbose_name = _("integration client")
        verbose_name_plural = _("integration clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def has_grant(self, grant: str) -> bool:
        return grant in self.grants

    def token_matches(self, token: str) -> bool:
        return hmac.compare_digest(self.token_hash, hash_token(token))

    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [
            ipaddress.ip_network(item.strip(), strict=False)
            for item in self.allowed_networks.split(",")
            if item.strip()
        ]

    def allows_address(self, address: str) -> bool:
        networks = self.networks()
        if not networks:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in networks)

    def clean(self) -> None:
        super().clean()
        try:
            self.networks()
        except ValueError:
            raise ValidationError(
                {"allowed_networks": _("Give addresses or networks such as 203.0.113.0/24.")}
            ) from None


class NikLookup(models.Model):
    """One request of an integration client that carried a NIK: which client, when, whose NIK
    (its blind index, never the number) and what it found. Head office reads these."""

    class Outcome(models.TextChoices):
        FOUND = "found", _("found")
        NOT_FOUND = "not_found", _("not found")

    client = models.ForeignKey(
        IntegrationClient, on_delete=models.PROTECT, related_name="+", verbose_name=_("client")
    )
    endpoint = models.CharField(_("operation"), max_length=40)
    nik_index = models.CharField(max_length=64, db_index=True, verbose_name=_("NIK blind index"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("NIK look-up")
        verbose_name_plural = _("NIK look-ups")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.client_id} {self.endpoint} {self.outcome}"
