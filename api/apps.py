from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    label = "api"
    verbose_name = _("Integrations (REST API)")

    def ready(self) -> None:
        from api import schema  # noqa: F401  registers the security scheme
