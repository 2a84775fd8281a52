from django.urls import re_path

from saleor_crm_plugin.http.routing import crm_view

# Mirrors Saleor's global plugin route, so clients use the same URLs.
urlpatterns = [re_path(r"^plugins/global/saleor\.crm(?P<path>/.*)$", crm_view)]
