from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from demo import seed as demo


class Command(BaseCommand):
    help = "Create the demo branches, one login per role and workers with contribution histories."

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=["small", "medium", "large"],
            default="small",
            help="small: the named demo cases; medium/large add synthetic workers.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Allow outside DEBUG (never in production)."
        )

    def handle(self, *args, size, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo logins are only created with DEBUG on (or --force).")
        # The demo workers' addresses are fictitious: their notification e-mails are kept in
        # memory instead of filling the console on every `make run`.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            demo.seed(size=size, stdout=self.stdout)
        self.stdout.write(
            f"Demo logins (password {demo.DEMO_PASSWORD}): "
            "petugas1/petugas2, kepala1/kepala2, konselor1/konselor2, pusat1, admin, "
            "peserta1/peserta2"
        )
