from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    """The cash benefit and the benefit screens: monthly conditions, payment batches, bank
    files, reconciliation. The instalment, batch and line records are the claim's own
    (``claims.models``), fixed when the claim is approved."""

    name = "benefits"
    verbose_name = _("Benefits and payments")
