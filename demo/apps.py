from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data (``manage.py seed_demo``): made through the services of every app, so it sits
    on top of them all."""

    name = "demo"
    verbose_name = _("Demo data")
