from django.urls import path, re_path

from saleor_crm_plugin.http.routing import crm_view
from tests.host import demo_host

urlpatterns = [
    # Mirrors Saleor's global plugin route, so clients use the same URLs.
    re_path(r"^plugins/global/saleor\.crm(?P<path>/.*)$", crm_view),
    # The demo's Dashboard stand-in (scripts/demo); not part of the plugin.
    path("demo/", demo_host.demo_page),
    path("demo/saleor-api/graphql/", demo_host.saleor_api),
    path("demo/<str:name>", demo_host.demo_asset),
]
