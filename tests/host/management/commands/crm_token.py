"""Print a bearer token for the host project's API (demo and manual tests)."""

from django.core.management.base import BaseCommand

from saleor_crm_plugin.auth import CRMPermission, RequestorKind
from tests.host.auth import issue_token


class Command(BaseCommand):
    help = "Print a signed bearer token for the standalone CRM API."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=[k.value for k in RequestorKind], default="staff")
        parser.add_argument(
            "--permissions", nargs="*", default=[], choices=[p.value for p in CRMPermission]
        )
        parser.add_argument("--user-id", default="demo-staff")
        parser.add_argument("--email", default="staff@example.com")

    def handle(self, *args, kind, permissions, user_id, email, **options):
        self.stdout.write(
            issue_token(kind=kind, user_id=user_id, email=email, permissions=tuple(permissions))
        )
