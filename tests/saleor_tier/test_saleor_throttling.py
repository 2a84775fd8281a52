"""Throttling and inbound secrets inside a real Saleor: the client IP as the
store's proxy appended it (not the left-most entry Saleor's get_client_ip
takes), the previous secret set through pluginUpdate.
"""

import json

from django.test import Client, RequestFactory
from saleor.core.utils import get_client_ip
from saleor.graphql.tests.utils import get_graphql_content
from test_saleor_plugin import PLUGIN_UPDATE

from saleor_crm_plugin.http.inbound import sign
from saleor_crm_plugin.models import CRMConfiguration, Interaction
from saleor_crm_plugin.throttling.services import client_ip

INBOUND = "/plugins/global/saleor.crm/interactions/inbound/"
SECRET = "s3cret-shared-with-the-chat-tool"
NEW_SECRET = "n3w-secret-after-the-rotation-2026"


def configure(staff_api_client, permission_manage_plugins, **options):
    response = staff_api_client.post_graphql(
        PLUGIN_UPDATE,
        {"input": {"configuration": [{"name": k, "value": v} for k, v in options.items()]}},
        permissions=[permission_manage_plugins],
        check_no_permissions=False,
    )
    return get_graphql_content(response)["data"]["pluginUpdate"]["errors"]


def post_chat(external_id, secret, forwarded_for):
    body = json.dumps(
        {
            "channel": "chat",
            "email": "ann@example.com",
            "body": "Hi",
            "source": "livechat",
            "externalId": external_id,
        }
    ).encode()
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign(secret, body).items()}
    return Client().post(
        INBOUND,
        body,
        content_type="application/json",
        HTTP_X_FORWARDED_FOR=forwarded_for,
        REMOTE_ADDR="10.0.0.2",
        **headers,
    )


def test_the_client_ip_is_the_one_the_proxy_appended_not_what_the_client_sent():
    # a client behind the store's load balancer, sending a made-up address first
    request = RequestFactory().post(
        "/", HTTP_X_FORWARDED_FOR="192.0.2.66, 198.51.100.7", REMOTE_ADDR="10.0.0.1"
    )
    assert get_client_ip(request) == "192.0.2.66"  # Saleor's: the client's own entry
    assert client_ip(request) == "198.51.100.7"
    assert client_ip(RequestFactory().post("/", REMOTE_ADDR="192.0.2.4")) == "192.0.2.4"


def test_inbound_requests_are_throttled_per_client_ip_on_the_plugin_route(
    crm_plugin, staff_api_client, permission_manage_plugins
):
    # given
    crm_plugin.SALEOR_CRM_THROTTLE_RATES = {"inbound_interaction": {"ip": "1/m", "email": None}}
    assert configure(staff_api_client, permission_manage_plugins, inbound_secret=SECRET) == []

    # when
    first = post_chat("conv-1", SECRET, "198.51.100.7")
    again = post_chat("conv-2", SECRET, "198.51.100.7")
    other = post_chat("conv-3", SECRET, "198.51.100.8")

    # then
    assert (first.status_code, again.status_code, other.status_code) == (201, 429, 201)
    assert again["Retry-After"] == "60"
    assert again.json()["errors"][0]["code"] == "THROTTLED"
    assert sorted(Interaction.objects.values_list("external_id", flat=True)) == ["conv-1", "conv-3"]


def test_a_rotation_set_through_plugin_update_accepts_both_secrets(
    crm_plugin, staff_api_client, permission_manage_plugins
):
    # given: the old secret in use
    assert configure(staff_api_client, permission_manage_plugins, inbound_secret=SECRET) == []

    # when: the new secret, the old one kept as the previous
    too_short = configure(
        staff_api_client,
        permission_manage_plugins,
        inbound_secret=NEW_SECRET,
        inbound_secret_previous="short",
    )
    rotated = configure(
        staff_api_client,
        permission_manage_plugins,
        inbound_secret=NEW_SECRET,
        inbound_secret_previous=SECRET,
    )
    statuses = [
        post_chat("conv-1", NEW_SECRET, "198.51.100.7").status_code,
        post_chat("conv-2", SECRET, "198.51.100.7").status_code,
    ]
    cleared = configure(staff_api_client, permission_manage_plugins, inbound_secret_previous="")
    after = post_chat("conv-3", SECRET, "198.51.100.7").status_code

    # then
    assert [(e["field"], e["message"]) for e in too_short] == [
        ("inboundSecretPrevious", "Use at least 24 characters.")
    ]
    assert (rotated, cleared) == ([], [])
    assert statuses == [201, 201]
    assert after == 401
    config = CRMConfiguration.objects.get()
    assert (config.inbound_secret, config.inbound_secret_previous) == (NEW_SECRET, "")
