"""The HTTP entry point, through Django's test client and the host's tokens."""

import json
from pathlib import Path

import pytest

from tests import factories as f
from tests.conftest import GRAPHQL_URL
from tests.factories import ingest
from tests.host.auth import issue_token

pytestmark = pytest.mark.django_db

QUERY = '{ customerProfile(email: "ann@example.com") { email ordersCount } }'


def post(client, body, **headers):
    return client.post(
        GRAPHQL_URL,
        body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        **headers,
    )


def test_staff_token_reads_profiles(client, staff_headers):
    # given
    ingest("order_created", f.order())

    # when
    response = post(client, {"query": QUERY}, **staff_headers)

    # then
    assert response.status_code == 200
    assert response.json() == {
        "data": {"customerProfile": {"email": "ann@example.com", "ordersCount": 1}}
    }


def test_unauthenticated_request_is_refused(client):
    # given
    ingest("order_created", f.order())

    # when
    response = post(client, {"query": QUERY})

    # then
    body = response.json()
    assert body["data"] == {"customerProfile": None}
    assert body["errors"][0]["extensions"] == {"exception": {"code": "PermissionDenied"}}
    assert "MANAGE_USERS" in body["errors"][0]["message"]


def test_customer_token_is_refused(client):
    token = issue_token(kind="customer", user_id="1", email="ann@example.com")
    body = post(client, {"query": QUERY}, HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def test_forged_token_gets_401(client):
    response = post(client, {"query": QUERY}, HTTP_AUTHORIZATION="Bearer forged.token")
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "InvalidTokenError"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("{not json", 400, "JSONDecodeError"),
        ({"variables": {}}, 400, "GraphQLError"),
        ({"query": QUERY, "variables": "[1]"}, 400, "GraphQLError"),
        ({"query": QUERY, "variables": "{bad"}, 400, "JSONDecodeError"),
    ],
)
def test_bad_requests_get_typed_errors(client, staff_headers, body, status, code):
    response = post(client, body, **staff_headers)
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == code


def test_syntax_error_is_a_graphql_error_not_a_500(client, staff_headers):
    response = post(client, {"query": "{ customerProfile("}, **staff_headers)
    assert response.status_code == 200
    assert "Syntax Error" in response.json()["errors"][0]["message"]


def test_get_serves_graphiql_and_options_lists_methods(client, built_dashboard):
    page = client.get(GRAPHQL_URL)
    options = client.options(GRAPHQL_URL)
    assert page.status_code == 200
    assert b"GraphiQL" in page.content
    assert options["Allow"] == "GET, POST, OPTIONS"


def test_get_with_query_executes(client, staff_headers):
    response = client.get(GRAPHQL_URL, {"query": QUERY}, **staff_headers)
    assert response.json() == {"data": {"customerProfile": None}}


def test_unknown_path_is_404(client):
    response = client.get("/plugins/global/saleor.crm/nothing-here/")
    assert response.status_code == 404


@pytest.fixture
def built_dashboard(tmp_path, monkeypatch):
    from saleor_crm_plugin.http import static

    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "graphiql").mkdir()
    (tmp_path / "graphiql" / "index.html").write_text("<!doctype html><title>GraphiQL</title>")
    (tmp_path / "assets" / "app-1a2b.js").write_text("console.log(1)")
    monkeypatch.setattr(static, "DASHBOARD_DIR", tmp_path)
    return tmp_path


def test_dashboard_files_are_served_with_caching(client, built_dashboard):
    index = client.get("/plugins/global/saleor.crm/dashboard/")
    asset = client.get("/plugins/global/saleor.crm/dashboard/assets/app-1a2b.js")
    assert index.status_code == 200
    assert index["Content-Type"] == "text/html; charset=utf-8"
    assert index["Cache-Control"] == "no-cache"
    assert index.content.startswith(b"<!doctype html>")
    assert asset["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "javascript" in asset["Content-Type"]


@pytest.mark.parametrize(
    "path", ["assets/missing.js", "../settings.py", "..%2F..%2Fsetup.py", "assets/../../x"]
)
def test_dashboard_refuses_missing_and_outside_files(client, built_dashboard, path):
    response = client.get(f"/plugins/global/saleor.crm/dashboard/{path}")
    assert response.status_code == 404


def test_dashboard_dir_is_the_packaged_build():
    import saleor_crm_plugin
    from saleor_crm_plugin.http import static

    package = Path(saleor_crm_plugin.__file__).resolve().parent
    assert static.DASHBOARD_DIR == package / "static" / "saleor_crm_plugin" / "dashboard"
