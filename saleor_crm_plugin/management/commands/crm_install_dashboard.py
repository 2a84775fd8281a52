"""Install the CRM's Dashboard extension into Saleor (Saleor adapter).

    python manage.py crm_install_dashboard --api-url https://api.shop.example
    python manage.py crm_install_dashboard --uninstall

Only Apps get Dashboard extensions, so this creates (or updates) a
third-party App "CRM" holding the permissions the CRM views need, and one
extension per place the CRM appears. It works without HTTP: Saleor's
``install_app`` fetches a manifest over the network and refuses loopback,
which a self-hosted store often is. Running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ...hosting import running_in_saleor

APP_IDENTIFIER = "saleor.crm.dashboard"
APP_NAME = "CRM"
ROUTE = "/plugins/global/saleor.crm/dashboard/"
# What staff may do through the CRM views (the token Saleor issues to an
# extension holds these, narrowed to what the staff member has).
APP_PERMISSIONS = ("account.manage_users", "order.manage_orders")


@dataclass(frozen=True)
class Extension:
    identifier: str
    label: str
    mount: str
    target: str
    view: str
    permissions: tuple[str, ...] = ("account.manage_users",)


EXTENSIONS = (
    Extension("crm-app", "CRM", "navigation_customers", "app_page", "#/app/customers"),
    Extension(
        "crm-customer-card",
        "Customer 360",
        "customer_details_widgets",
        "widget",
        "#/widget/customer",
    ),
    Extension(
        "crm-order-card",
        "CRM: buyer and tickets",
        "order_details_widgets",
        "widget",
        "#/widget/order",
    ),
    Extension(
        "crm-customer-actions",
        "Log interaction / open ticket",
        "customer_details_more_actions",
        "popup",
        "#/popup/customer-actions",
    ),
    Extension("crm-home", "CRM key figures", "homepage_widgets", "widget", "#/widget/home"),
)


class Command(BaseCommand):
    help = "Create or update the CRM App and its Dashboard extensions (or remove them)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--api-url",
            help="Public URL of this Saleor API host, as the Dashboard's browser reaches it, "
            "e.g. https://api.shop.example",
        )
        parser.add_argument("--uninstall", action="store_true", help="Remove the App.")

    def handle(self, *args, api_url: str | None, uninstall: bool, **options):
        if not running_in_saleor():
            raise CommandError("crm_install_dashboard needs Saleor: run it in a Saleor project.")
        from saleor.app.models import App

        if uninstall:
            deleted, _ = App.objects.filter(identifier=APP_IDENTIFIER).delete()
            self.stdout.write(
                "Removed the CRM App." if deleted else "The CRM App was not installed."
            )
            return
        if not api_url or not api_url.startswith(("http://", "https://")):
            raise CommandError("Give --api-url, the public http(s) URL of this Saleor API host.")
        base = api_url.rstrip("/") + ROUTE
        app, created = install(base)
        verb = "Installed" if created else "Updated"
        self.stdout.write(f"{verb} the CRM App (id {app.pk}) with {len(EXTENSIONS)} extensions.")
        for extension in EXTENSIONS:
            self.stdout.write(
                f"  {extension.mount:<32} {extension.target:<9} {base}{extension.view}"
            )


def _permissions(codes):
    from saleor.permission.models import Permission

    found = []
    for code in codes:
        app_label, codename = code.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


@transaction.atomic
def install(base_url: str):
    """Create or update the App and its extensions; returns (app, created)."""
    from saleor.app.models import App, AppExtension
    from saleor.app.types import AppType

    app, created = App.objects.get_or_create(
        identifier=APP_IDENTIFIER,
        defaults={"name": APP_NAME, "type": AppType.THIRDPARTY, "is_active": True},
    )
    app.name = APP_NAME
    app.type = AppType.THIRDPARTY
    app.is_active = True
    app.is_installed = True
    app.app_url = base_url + "#/app/customers"
    app.about_app = "Customer 360 profiles, help desk and analytics from saleor-crm-plugin."
    app.save()
    app.permissions.set(_permissions(APP_PERMISSIONS))
    keep = []
    for spec in EXTENSIONS:
        extension, _ = AppExtension.objects.update_or_create(
            app=app,
            identifier=spec.identifier,
            defaults={
                "label": spec.label,
                "url": base_url + spec.view,
                "mount": spec.mount,
                "target": spec.target,
                # Widgets are loaded with a plain GET of the URL.
                "settings": {"widgetTarget": {"method": "GET"}} if spec.target == "widget" else {},
            },
        )
        extension.permissions.set(_permissions(spec.permissions))
        keep.append(extension.pk)
    app.extensions.exclude(pk__in=keep).delete()
    return app, created
