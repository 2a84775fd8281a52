"""Install the CRM's Dashboard extension into Saleor.

The Saleor models are written by the adapter (``saleor_crm_plugin.saleor.dashboard_app``).

    python manage.py crm_install_dashboard --api-url https://api.shop.example/graphql/
    python manage.py crm_install_dashboard --uninstall

Only Apps get Dashboard extensions, so this creates (or updates) a
third-party App "CRM" holding the permissions the CRM views need, and one
extension per place the CRM appears. It works without HTTP: Saleor's
``install_app`` fetches a manifest over the network and refuses loopback,
which a self-hosted store often is. Running it twice changes nothing.

How the Dashboard (3.23) opens each target decides the URLs stored here:

- ``APP_PAGE``: the extension URL must be a path relative to the App URL. The
  Dashboard navigates to ``/extensions/app/<app id>/<that path>`` and loads
  the App URL joined with the same path in its iframe, so the App URL ends in
  the extension's hash route (``…/dashboard/#/app``) and the CRM's pages are
  paths under it (``/customers``, ``/tickets/<id>``): deep links and
  ``updateRouting`` use the same paths.
- ``WIDGET`` and ``POPUP``: absolute URLs. A relative popup URL is not
  resolved by the Dashboard's "more actions" menu.
- Widgets are loaded with a GET of the URL followed by the AppBridge
  handshake only when their options say so: ``widgetTarget.method`` on
  customer and order pages, ``homeWidgetTarget.method`` on the home page
  (which ignores ``widgetTarget`` and would otherwise POST the token).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.core.management.base import BaseCommand, CommandError

from ...auth import CRM_APP_IDENTIFIER as APP_IDENTIFIER
from ...hosting import running_in_saleor

APP_NAME = "CRM"
ROUTE = "/plugins/global/saleor.crm/dashboard/"
# The App URL: the extension's app-page routes live under `#/app`.
APP_ROUTE = "#/app"
# What staff may do through the CRM views (the token Saleor issues to an
# extension holds these, narrowed to what the staff member has).
APP_PERMISSIONS = ("account.manage_users", "order.manage_orders", "discount.manage_discounts")
# Opt-in (--grant-manage-staff): the profile page's read audit ("who opened
# this profile") and staff names in the assignee picker, for staff who hold
# it themselves. Off by default: it also lets the views' tokens manage staff.
MANAGE_STAFF = "account.manage_staff"
# Opt-in (--grant-manage-apps): the CRM page's Webhooks tab (outbound webhook
# endpoints and their delivery log), for staff who hold it themselves. Off by
# default: it also lets the views' tokens manage Saleor's apps and webhooks.
MANAGE_APPS = "app.manage_apps"


@dataclass(frozen=True)
class Extension:
    identifier: str
    label: str
    mount: str
    target: str
    # A hash route of the extension (`#/…`), or for the app page a path
    # relative to the App URL (`/…`).
    view: str
    permissions: tuple[str, ...] = ("account.manage_users",)

    @property
    def relative(self) -> bool:
        return self.target == "app_page"

    def url(self, base_url: str) -> str:
        """The URL stored on the extension."""
        return self.view if self.relative else base_url + self.view

    def opened_at(self, base_url: str) -> str:
        """The URL the Dashboard loads for this extension (before its launch query)."""
        return app_url(base_url) + self.view if self.relative else self.url(base_url)

    @property
    def settings(self) -> dict:
        """Extension options as Saleor stores them (the manifest's `options`)."""
        if self.mount == "homepage_widgets":
            return {"homeWidgetTarget": {"method": "GET"}}
        if self.target == "widget":
            return {"widgetTarget": {"method": "GET"}}
        return {}


# Saleor issues an extension a token holding the extension's permissions (to
# staff who have them all): the widgets that show order figures declare
# MANAGE_ORDERS too, or their tokens could never see them. The app page's
# token holds the App's permissions that the staff member has, so staff with
# MANAGE_USERS alone use the CRM there, without order figures.
WITH_ORDERS = ("account.manage_users", "order.manage_orders")

EXTENSIONS = (
    Extension("crm-app", "CRM", "navigation_customers", "app_page", "/customers"),
    Extension(
        "crm-customer-card",
        "Customer 360",
        "customer_details_widgets",
        "widget",
        "#/widget/customer",
        permissions=WITH_ORDERS,
    ),
    Extension(
        "crm-order-card",
        "CRM: buyer and tickets",
        "order_details_widgets",
        "widget",
        "#/widget/order",
        permissions=WITH_ORDERS,
    ),
    Extension(
        "crm-customer-actions",
        "Log interaction / open ticket",
        "customer_details_more_actions",
        "popup",
        "#/popup/customer-actions",
    ),
    Extension(
        "crm-home",
        "CRM key figures",
        "homepage_widgets",
        "widget",
        "#/widget/home",
        permissions=WITH_ORDERS,
    ),
)


def saleor_base_url(api_url: str) -> str:
    """The root of the Saleor host from its API URL, without a trailing slash.

    Accepts what merchants type: the API URL (`https://shop/graphql/`) or the
    host's root (`https://shop`), with or without trailing slashes.
    """
    parts = urlsplit(api_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CommandError(
            f"--api-url {api_url!r} is not an http(s) URL; give the Saleor API URL, "
            "e.g. https://api.shop.example/graphql/"
        )
    if parts.query or parts.fragment:
        raise CommandError(f"--api-url {api_url!r}: leave out the query string and fragment.")
    path = parts.path.rstrip("/")
    if path.endswith("/graphql"):
        path = path.removesuffix("/graphql").rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{path}"


def dashboard_base_url(api_url: str) -> str:
    """Where the plugin serves the extension's files: `<host>/plugins/global/saleor.crm/dashboard/`."""
    return saleor_base_url(api_url) + ROUTE


def app_url(base_url: str) -> str:
    return base_url + APP_ROUTE


class Command(BaseCommand):
    help = "Create or update the CRM App and its Dashboard extensions (or remove them)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--api-url",
            help="Saleor's API URL as the Dashboard's browser reaches it, e.g. "
            "https://api.shop.example/graphql/ (the host's root URL works too).",
        )
        parser.add_argument("--uninstall", action="store_true", help="Remove the App.")
        parser.add_argument(
            "--grant-manage-staff",
            action="store_true",
            help="Also grant the App MANAGE_STAFF: staff who have it see who opened a "
            "profile (the read audit) and staff names in the Dashboard. Installing "
            "again without it takes it away.",
        )
        parser.add_argument(
            "--grant-manage-apps",
            action="store_true",
            help="Also grant the App MANAGE_APPS: staff who have it manage the CRM's "
            "outbound webhooks on the CRM page. Installing again without it takes it away.",
        )

    def handle(
        self,
        *args,
        api_url: str | None,
        uninstall: bool,
        grant_manage_staff: bool = False,
        grant_manage_apps: bool = False,
        **options,
    ):
        if not running_in_saleor():
            raise CommandError("crm_install_dashboard needs Saleor: run it in a Saleor project.")
        from ...saleor.dashboard_app import uninstall_app

        if uninstall:
            deleted = uninstall_app(APP_IDENTIFIER)
            self.stdout.write(
                "Removed the CRM App." if deleted else "The CRM App was not installed."
            )
            return
        if not api_url:
            raise CommandError(
                "Give --api-url, Saleor's API URL, e.g. https://api.shop.example/graphql/"
            )
        base = dashboard_base_url(api_url)
        permissions = (
            *APP_PERMISSIONS,
            *((MANAGE_STAFF,) if grant_manage_staff else ()),
            *((MANAGE_APPS,) if grant_manage_apps else ()),
        )
        app, created, installed = install(base, permissions)
        self.report(app, base, created, installed)

    def report(self, app, base: str, created: bool, installed) -> None:
        from graphql_relay import to_global_id

        app_id = to_global_id("App", app.pk)
        verb = "Installed" if created else "Updated"
        self.stdout.write(f"{verb} the App {app.name!r} (pk {app.pk}, ID {app_id})")
        self.stdout.write(f"  App URL: {app.app_url}")
        self.stdout.write(
            f"  The CRM page in the Dashboard: /extensions/app/{quote(app_id, safe='')}/customers"
        )
        self.stdout.write(f"{len(installed)} extensions:")
        for spec in installed:
            self.stdout.write(f"  {spec.label}: {spec.mount.upper()} -> {spec.target.upper()}")
            url = spec.url(base)
            if spec.relative:
                url += f" (relative to the App URL: {spec.opened_at(base)})"
            self.stdout.write(f"    URL {url}")
            if spec.settings:
                self.stdout.write(f"    options {spec.settings}")


def install(base_url: str, permissions: tuple[str, ...] = APP_PERMISSIONS):
    """Create or update the App and its extensions; returns (app, created,
    the extensions this Saleor line can show).
    """
    from ...saleor.dashboard_app import install_app

    return install_app(
        identifier=APP_IDENTIFIER,
        name=APP_NAME,
        app_url=app_url(base_url),
        about="Customer 360 profiles, help desk and analytics from saleor-crm-plugin.",
        permissions=permissions,
        extensions=EXTENSIONS,
        base_url=base_url,
    )
