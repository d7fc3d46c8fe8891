from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Head office's dashboard and the monthly report to the Ministry, from recorded events."""

    name = "reports"
    verbose_name = _("Reports")
