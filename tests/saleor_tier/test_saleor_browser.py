"""What a browser gets from the plugin's route in a real Saleor: the CSP, and
a bad Host header, which Saleor's middleware refuses before the plugin runs.
"""

import json

import pytest
from django.test import Client

from saleor_crm_plugin.http import security

ROUTE = "/plugins/global/saleor.crm"
BAD_HOST = "evil.example"
CRM_MIDDLEWARE = "saleor_crm_plugin.http.middleware.bad_host_middleware"


def graphql_post(path, **headers):
    return Client().post(
        path, json.dumps({"query": "{ __typename }"}), content_type="application/json", **headers
    )


@pytest.mark.django_db
def test_saleor_refuses_a_bad_host_before_the_plugin_runs(crm_plugin):
    # when: Saleor's middleware as it ships (CommonMiddleware asks for the host)
    response = graphql_post(f"{ROUTE}/graphql/", HTTP_HOST=BAD_HOST)

    # then: Django's own 400 page; the plugin never saw the request
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/json")
    assert security.HEADER not in response


@pytest.mark.django_db
def test_with_the_crm_middleware_first_its_routes_answer_a_bad_host_in_json(crm_plugin, settings):
    # given
    settings.MIDDLEWARE = [CRM_MIDDLEWARE, *settings.MIDDLEWARE]

    # when
    refused = graphql_post(f"{ROUTE}/graphql/", HTTP_HOST=BAD_HOST)
    inbound = Client().post(
        f"{ROUTE}/interactions/inbound/", b"{}", "application/json", HTTP_HOST=BAD_HOST
    )
    saleors_own = graphql_post("/graphql/", HTTP_HOST=BAD_HOST)
    allowed = graphql_post(f"{ROUTE}/graphql/")

    # then
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["exception"]["code"] == "BAD_REQUEST"
    assert inbound.status_code == 400
    assert inbound.json() == {
        "errors": [
            {"field": None, "code": "BAD_REQUEST", "message": "The Host header is not allowed."}
        ]
    }
    # Saleor's own API is left to Saleor.
    assert saleors_own.status_code == 400
    assert not saleors_own["Content-Type"].startswith("application/json")
    assert allowed.status_code == 200
    assert allowed.json() == {"data": {"__typename": "Query"}}


@pytest.mark.django_db
def test_extension_and_graphiql_from_the_wheel_carry_their_policies(crm_plugin, settings):
    # given: Saleor's settings name the Dashboard's host
    settings.ALLOWED_CLIENT_HOSTS = ["dashboard.shop.example"]
    settings.ALLOWED_GRAPHQL_ORIGINS = ["*"]

    # when
    extension = Client().get(f"{ROUTE}/dashboard/")
    graphiql = Client().get(f"{ROUTE}/graphql/")

    # then
    assert extension.status_code == graphiql.status_code == 200
    assert "frame-ancestors 'self' dashboard.shop.example:*;" in extension[security.HEADER]
    assert "frame-ancestors 'none'" in graphiql[security.HEADER]
    for response in (extension, graphiql):
        assert "script-src 'self';" in response[security.HEADER]
        assert b"CRM_CSP_NONCE" not in response.content
        assert b"https://" not in response.content
