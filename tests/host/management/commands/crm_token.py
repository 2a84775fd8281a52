"""Print a bearer token for the host project's API (demo and manual tests).

    # staff with the CRM's permissions (optionally restricted to channels)
    python tests/manage.py crm_token --kind staff --permissions MANAGE_USERS MANAGE_ORDERS
    # a signed-in customer, by the ID the API shows (CustomerProfile.user) or a user's pk
    python tests/manage.py crm_token --kind customer --user-id VXNlcjo0MDU=
    # an app (Saleor's app tokens)
    python tests/manage.py crm_token --kind app --app-id QXBwOjE= --permissions MANAGE_USERS

Guests have no token: the storefront calls the CRM without one, and a guest
reaches their ticket with the access token mailed to them (ticketByAccessToken).
"""

import binascii

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from graphql_relay import from_global_id

from saleor_crm_plugin.auth import CRMPermission, RequestorKind
from tests.host.auth import issue_token


def user_pk(value: str) -> str:
    """The pk in a Saleor global ID of a User (what the API shows), else ``value``."""
    try:
        type_name, pk = from_global_id(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return value
    return pk if type_name == "User" and pk else value


class Command(BaseCommand):
    help = "Print a signed bearer token for the standalone CRM API."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=[k.value for k in RequestorKind], default="staff")
        parser.add_argument(
            "--permissions", nargs="*", default=[], choices=[p.value for p in CRMPermission]
        )
        parser.add_argument(
            "--user-id",
            default=None,
            help="A user's global ID (as CustomerProfile.user shows it) or primary key.",
        )
        parser.add_argument("--email", default=None, help="Default: the user's own email.")
        parser.add_argument("--app-id", default=None, help="For --kind app.")
        parser.add_argument(
            "--channels", nargs="*", default=None, help="Staff restricted to these channel slugs."
        )
        parser.add_argument(
            "--unconfirmed",
            action="store_true",
            help="A customer who signed in before confirming their email.",
        )

    def handle(self, *args, kind, permissions, user_id, email, app_id, channels, unconfirmed, **o):
        pk = user_pk(user_id) if user_id else None
        if kind == RequestorKind.CUSTOMER:
            if pk is None:
                raise CommandError("A customer token needs --user-id (the profile's user ID).")
            user = get_user_model().objects.filter(pk=pk).first() if pk.isdigit() else None
            if email is None:
                if user is None:
                    raise CommandError(f"No user {user_id}; give --email too.")
                email = user.email
        if kind == RequestorKind.STAFF:
            pk = pk or "demo-staff"
            email = email or "staff@example.com"
        if kind == RequestorKind.APP and not app_id:
            raise CommandError("An app token needs --app-id.")
        self.stdout.write(
            issue_token(
                kind=kind,
                user_id=pk,
                email=email,
                permissions=tuple(permissions),
                app_id=app_id,
                channels=None if channels is None else tuple(channels),
                is_confirmed=not unconfirmed,
            )
        )
