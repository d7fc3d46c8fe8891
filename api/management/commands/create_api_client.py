"""manage.py create_api_client NAME --grant eligibility:read [--branch JKT] [--npp 12345678]

Registers an integrating system and prints its token once; only a hash is kept.
"""

from django.core.management.base import BaseCommand, CommandError

from api.models import Grant
from api.services import create_integration_client
from jkp_site.core.exceptions import ApplicationError
from jkp_site.core.models import KantorCabang
from participants.models import Employer


class Command(BaseCommand):
    help = "Register an integrating system and print its API token (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--grant", action="append", required=True, choices=Grant.values, dest="grants"
        )
        parser.add_argument("--branch", help="Limit the token to this branch code.")
        parser.add_argument("--npp", help="Limit PHK reports and reads to this employer.")

    def handle(self, *args, name, grants, branch, npp, **options):
        branch_obj = employer = None
        if branch:
            branch_obj = KantorCabang.objects.filter(code=branch).first()
            if branch_obj is None:
                raise CommandError(f"No branch with code {branch}.")
        if npp:
            employer = Employer.objects.filter(npp=npp).first()
            if employer is None:
                raise CommandError(f"No employer with NPP {npp}.")
        try:
            client, token = create_integration_client(
                name=name, grants=grants, branch=branch_obj, employer=employer
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{client.name}: {token}")
