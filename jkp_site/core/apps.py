from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jkp_site.core"
    label = "core"
    verbose_name = _("Organisation and access")

    def ready(self) -> None:
        from jkp_site.core.roles import sync_roles_after_migrate

        # Groups need the permissions Django creates after migrating, so they are kept in
        # step here rather than in a data migration.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="core.sync_roles")
        # Sign-in signals: session clocks and records, and the password-spraying count;
        # Celery signals: the request id travels with each task, failures are counted.
        from jkp_site.core import requestid, session_policy, taskmetrics, throttle  # noqa: F401
