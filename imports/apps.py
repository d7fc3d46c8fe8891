from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Monthly contribution files from BPJS core: checked, merged, and their effect on running
    benefits (re-employment). The import job's record is participant data
    (``participants.ImportJob``)."""

    name = "imports"
    verbose_name = _("Contribution imports")
