"""The demo's stand-in for the Saleor Dashboard, at ``/demo/`` of the host project.

It is a page of the host project (``tests/``), never of the installed
plugin: in a store the CRM's extension runs inside Saleor's own Dashboard.
The page does the Dashboard's side of AppBridge for the extension's frames
(the handshake with a staff token, answers to actions, widget sizes, routing
and redirects) and shows the four places the CRM appears: its app page, the
customer 360 widget on a customer's page, the order widget on an order's
page and the home page widget.

The token it hands over stands in for a Saleor JWT; the signed host token
inside is what the host authenticates (:func:`tests.host.auth.authenticate`).
``/demo/saleor-api/graphql/`` stands in for the one query the extension
sends Saleor's own API, ``staffUsers`` (the help desk's assignee names).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt

from saleor_crm_plugin.auth import CRMPermission
from saleor_crm_plugin.commerce.models import OrderFact
from saleor_crm_plugin.profiles.models import CustomerProfile
from tests.host.auth import issue_token, wrap_in_dashboard_token

PAGES = Path(__file__).resolve().parent / "demo"
ASSETS = {"demo.js": "text/javascript", "demo.css": "text/css"}
APP_ID = "QXBwOjE="  # Saleor's global ID of App 1
CRM_ROUTE = "/plugins/global/saleor.crm"
# What the demo's staff member may do: everything the CRM asks for.
PERMISSIONS = tuple(permission.value for permission in CRMPermission)


def _global_id(type_name: str, pk: object) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def _staff_users():
    return get_user_model().objects.filter(is_staff=True).order_by("pk")


def _lead() -> tuple[str, str, str]:
    """The demo's staff member: the support lead (pk, email, name)."""
    lead = _staff_users().first()
    if lead is None:
        return "demo-staff", "demo-staff@example.com", ""
    return str(lead.pk), lead.email, lead.get_full_name()


def staff_token() -> str:
    """A host token for the demo's staff member, with every CRM permission."""
    user_id, email, _ = _lead()
    return issue_token(kind="staff", user_id=user_id, email=email, permissions=PERMISSIONS)


def demo_config(request: HttpRequest) -> dict:
    """What the page needs: the token, the App URL and a customer and an
    order of the demo store to show the widgets on.
    """
    user_id, email, name = _lead()
    crm_token = staff_token()
    origin = f"{request.scheme}://{request.get_host()}"
    customer = (
        CustomerProfile.objects.filter(user__isnull=False, erased_at__isnull=True)
        .order_by("-total_spent", "pk")
        .first()
    )
    order = (
        OrderFact.objects.filter(profile=customer).order_by("-placed_at").first()
        if customer
        else None
    )
    return {
        "token": wrap_in_dashboard_token(
            crm_token,
            email=email,
            user_id=_global_id("User", user_id),
            permissions=PERMISSIONS,
        ),
        "appId": APP_ID,
        "appUrl": f"{origin}{CRM_ROUTE}/dashboard#/app",
        "extensionUrl": f"{origin}{CRM_ROUTE}/dashboard/",
        "launch": {
            "domain": request.get_host(),
            "saleorApiUrl": f"{origin}/demo/saleor-api/graphql/",
            "id": APP_ID,
            "theme": "light",
            "locale": "en",
        },
        "staff": {"email": email, "name": name},
        "customer": customer
        and {
            "id": _global_id("User", customer.user_id),
            "name": " ".join(filter(None, [customer.first_name, customer.last_name]))
            or customer.email,
            "email": customer.email,
        },
        "order": order
        and {
            "id": _global_id("Order", order.order_id),
            "number": order.number,
            "placedAt": order.placed_at.isoformat(),
            "total": f"{order.total_gross:.2f} {order.currency}",
        },
    }


def demo_page(request: HttpRequest) -> HttpResponse:
    html = (PAGES / "index.html").read_text(encoding="utf-8")
    config = json.dumps(demo_config(request)).replace("<", "\\u003c")
    response = HttpResponse(html.replace("{{ config }}", escape(config)))
    response["Cache-Control"] = "no-store"
    return response


def demo_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ASSETS:
        raise Http404(name)
    return FileResponse((PAGES / name).open("rb"), content_type=ASSETS[name])


@csrf_exempt
def saleor_api(request: HttpRequest) -> JsonResponse:
    """Saleor's API as far as the extension uses it: ``staffUsers``."""
    if request.method == "OPTIONS":
        return JsonResponse({}, status=204)
    try:
        query = json.loads(request.body or b"{}").get("query", "")
    except ValueError:
        query = ""
    if "staffUsers" not in query:
        return JsonResponse(
            {
                "data": None,
                "errors": [{"message": "The demo's Saleor stand-in only answers staffUsers."}],
            }
        )
    edges = [
        {
            "node": {
                "id": _global_id("User", user.pk),
                "email": user.email,
                "firstName": user.first_name,
                "lastName": user.last_name,
            }
        }
        for user in _staff_users()
    ]
    return JsonResponse({"data": {"staffUsers": {"edges": edges}}})
