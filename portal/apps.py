from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The workers' self-service portal: a face over the domain apps, never called by them."""

    name = "portal"
    verbose_name = _("Worker portal")
