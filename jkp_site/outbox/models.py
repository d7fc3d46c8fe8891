"""The transactional outbox: a side effect a change owes (a notification, a follow-up task) is a
row written in the same transaction as the change, and published to Celery afterwards."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Handed to the workers")
        FAILED = "failed", _("Given up (see the error)")

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    # One message per owed effect: enqueueing the same key twice adds nothing.
    key = models.CharField(
        max_length=200, unique=True, null=True, blank=True, verbose_name=_("key")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    available_at = models.DateTimeField(_("next attempt"), db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["available_at", "id"]
        indexes = [
            models.Index(
                fields=["available_at", "id"],
                condition=Q(state="pending"),
                name="outbox_pending_due",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sent", "failed"]), name="outbox_state_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.state}"
