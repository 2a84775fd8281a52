"""Bad input and abuse at the transport layer: one JSON error contract on
every endpoint, mutations only by POST JSON, and the query limits.

The hostile requests of issue 8 are kept here as a regression corpus; on a
refusal nothing is written.
"""

import json
import logging
from pathlib import Path

import pytest
from django.test import RequestFactory
from graphql.utils.introspection_query import introspection_query

from saleor_crm_plugin.auth import Requestor
from saleor_crm_plugin.configuration.services import update_configuration
from saleor_crm_plugin.graphql.schema import execute
from saleor_crm_plugin.http.inbound import sign
from saleor_crm_plugin.http.routing import handle
from saleor_crm_plugin.models import CustomerProfile, Interaction, Ticket
from tests.conftest import GRAPHQL_URL

pytestmark = pytest.mark.django_db

ROUTE = "/plugins/global/saleor.crm"
SECRET = "s3cret-shared-with-the-chat-tool"
PROFILE = "query ($email: String) { customerProfile(email: $email) { email } }"
OPEN = (
    "mutation ($input: TicketOpenInput!) { ticketOpen(input: $input) {"
    " requiresConfirmation errors { field code message } } }"
)
OPEN_INLINE = (
    'mutation { ticketOpen(input: {email: "eve@example.com", subject: "Hi", body: "x"})'
    " { errors { code } } }"
)


def post(client, body, content_type="application/json", **headers):
    return client.post(
        GRAPHQL_URL,
        body if isinstance(body, str | bytes) else json.dumps(body),
        content_type=content_type,
        **headers,
    )


def code_of(response_or_errors):
    errors = response_or_errors
    if hasattr(response_or_errors, "json"):
        errors = response_or_errors.json()["errors"]
    return errors[0]["extensions"]["exception"]["code"]


def codes(errors):
    return {getattr(error, "code", None) for error in errors}


def assert_nothing_written():
    assert not Ticket.objects.exists()
    assert not CustomerProfile.objects.exists()
    assert not Interaction.objects.exists()


# --- Mutations only by POST application/json ------------------------------


def test_mutation_over_get_is_refused_and_writes_nothing(client):
    # when
    response = client.get(GRAPHQL_URL, {"query": OPEN_INLINE})

    # then
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert code_of(response) == "MethodNotAllowed"
    assert_nothing_written()


def test_get_still_runs_queries(client, staff_headers):
    response = client.get(
        GRAPHQL_URL,
        {"query": PROFILE, "variables": json.dumps({"email": "ann@example.com"})},
        **staff_headers,
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"customerProfile": None}}


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/graphql"]
)
def test_post_of_another_media_type_is_415_and_writes_nothing(client, content_type):
    # when
    response = post(client, {"query": OPEN_INLINE}, content_type=content_type)

    # then
    assert response.status_code == 415
    assert code_of(response) == "UNSUPPORTED_MEDIA_TYPE"
    assert_nothing_written()


def test_multipart_form_post_is_415(client):
    response = client.post(GRAPHQL_URL, {"query": OPEN_INLINE})
    assert response.status_code == 415
    assert code_of(response) == "UNSUPPORTED_MEDIA_TYPE"
    assert_nothing_written()


def test_json_with_charset_is_accepted(client, staff_headers):
    response = post(
        client, {"query": PROFILE}, content_type="application/json; charset=utf-8", **staff_headers
    )
    assert response.status_code == 200


def test_other_methods_are_405_in_json(client):
    response = client.put(GRAPHQL_URL, "{}", content_type="application/json")
    assert response.status_code == 405
    assert code_of(response) == "MethodNotAllowed"


# --- Body size, bad JSON, bad text ----------------------------------------


def test_body_over_the_limit_is_413(client, settings):
    # given
    settings.SALEOR_CRM_MAX_REQUEST_BYTES = 1000

    # when
    response = post(client, {"query": "{ __typename }", "variables": {"pad": "x" * 1000}})

    # then
    assert response.status_code == 413
    assert code_of(response) == "REQUEST_TOO_LARGE"


def test_body_over_djangos_upload_limit_is_413_not_an_html_page(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = post(client, {"query": "{ __typename }", "variables": {"pad": "x" * 200}})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert code_of(response) == "REQUEST_TOO_LARGE"


@pytest.mark.parametrize(
    "body",
    [b"\xff\xfe{not utf-8", b'{"query": "{ __typename }", "x": "\xc3\x28"}', b"[" * 100_000],
    ids=["invalid-utf8", "invalid-utf8-in-string", "nested-100k"],
)
def test_undecodable_body_is_400_json(client, body):
    response = post(client, body)
    assert response.status_code == 400
    assert code_of(response) == "JSONDecodeError"


@pytest.mark.parametrize(
    "email", ["ann\u0000@example.com", "ann\ud800@example.com"], ids=["nul", "lone-surrogate"]
)
def test_unstorable_text_in_query_variables_is_a_typed_error(client, staff_headers, email):
    # when
    response = post(client, {"query": PROFILE, "variables": {"email": email}}, **staff_headers)

    # then
    body = response.json()
    assert response.status_code == 200
    assert body["data"] == {"customerProfile": None}
    assert code_of(response) == "GraphQLError"
    assert "NUL" in body["errors"][0]["message"]


def test_nul_in_an_inline_string_literal_is_a_typed_error(client, staff_headers):
    query = '{ customerProfile(email: "ann\\u0000@example.com") { email } }'
    response = post(client, {"query": query}, **staff_headers)
    assert code_of(response) == "GraphQLError"
    assert "NUL" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "ticket_input",
    [
        {"email": "eve@example.com", "subject": "Hi", "body": "a\u0000b"},
        {"email": "eve\u0000@example.com", "subject": "Hi", "body": "x"},
        {"email": "eve@example.com", "subject": "\ud83d", "body": "x"},
    ],
    ids=["nul-body", "nul-email", "lone-surrogate-subject"],
)
def test_unstorable_text_in_a_mutation_is_an_invalid_field_and_writes_nothing(client, ticket_input):
    # when
    response = post(client, {"query": OPEN, "variables": {"input": ticket_input}})

    # then
    payload = response.json()["data"]["ticketOpen"]
    bad_field = next(k for k, v in ticket_input.items() if "\u0000" in v or "\ud83d" in v)
    assert response.status_code == 200
    assert payload["requiresConfirmation"] is None
    assert payload["errors"] == [
        {
            "field": bad_field,
            "code": "INVALID",
            "message": "Must not contain NUL characters or invalid Unicode.",
        }
    ]
    assert_nothing_written()


# --- Expected errors vs bugs ----------------------------------------------


def test_expected_errors_are_logged_at_info_without_traceback(client, caplog):
    # when
    with caplog.at_level(logging.INFO, logger="saleor_crm_plugin"):
        response = post(client, {"query": PROFILE})

    # then
    assert code_of(response) == "PermissionDenied"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [r for r in caplog.records if r.exc_info]
    assert any("PermissionDenied" in r.getMessage() for r in caplog.records)


def test_a_resolver_crash_is_a_generic_internal_error_with_a_logged_traceback(
    client, staff_headers, monkeypatch, caplog
):
    # given
    from saleor_crm_plugin.graphql.profiles import schema as profiles_schema

    def crash(*args, **kwargs):
        raise RuntimeError('relation "secret_table" does not exist: SELECT * FROM secret')

    monkeypatch.setattr(profiles_schema, "resolve_customer_profile", crash)
    query = '{ customerProfile(email: "ann@example.com") { email } }'

    # when
    with caplog.at_level(logging.INFO, logger="saleor_crm_plugin"):
        response = post(client, {"query": query}, **staff_headers)

    # then
    error = response.json()["errors"][0]
    assert response.status_code == 200
    assert error["message"] == "Internal Server Error."
    assert error["extensions"] == {"exception": {"code": "INTERNAL_ERROR"}}
    assert "secret" not in response.content.decode()
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(logged) == 1
    assert logged[0].exc_info[0] is RuntimeError


def test_a_crash_outside_graphql_is_a_json_500(caplog):
    # given
    request = RequestFactory().post(
        GRAPHQL_URL, {"query": "{ __typename }"}, content_type="application/json"
    )

    # when
    response = handle(request, "/graphql/", authenticator=crashing_authenticator)

    # then
    assert response.status_code == 500
    assert json.loads(response.content) == {
        "errors": [
            {
                "message": "Internal Server Error.",
                "extensions": {"exception": {"code": "INTERNAL_ERROR"}},
            }
        ]
    }
    assert caplog.records[-1].exc_info[0] is RuntimeError


def crashing_authenticator(request):
    raise RuntimeError("could not connect to server: password=hunter2")


def host_checking_authenticator(request):
    request.get_host()  # what Saleor's token checks may do
    return Requestor.anonymous()


def test_a_bad_host_header_reaching_the_plugin_is_a_json_400():
    # given: past the host's middleware, a view asks for the host
    request = RequestFactory().post(
        GRAPHQL_URL,
        {"query": "{ __typename }"},
        content_type="application/json",
        HTTP_HOST="evil.example<script>",
    )

    # when
    response = handle(request, "/graphql/", authenticator=host_checking_authenticator)

    # then
    assert response.status_code == 400
    assert code_of(json.loads(response.content)["errors"]) == "BAD_REQUEST"


@pytest.mark.parametrize("path", ["/dashboard/a%00b.js", "/dashboard/" + "a" * 300])
def test_unservable_dashboard_paths_are_a_json_404(client, path):
    response = client.get(f"{ROUTE}{path}")
    assert response.status_code == 404
    assert code_of(response) == "NotFound"


def test_unknown_path_is_a_json_404(client):
    response = client.get(f"{ROUTE}/nothing-here/")
    assert response.status_code == 404
    assert code_of(response) == "NotFound"


# --- Signed inbound endpoints ---------------------------------------------


@pytest.fixture
def inbound_secret():
    update_configuration(support_email="support@shop.example", inbound_secret=SECRET)


def signed_post(client, path, body: bytes, content_type="application/json"):
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign(SECRET, body).items()}
    return client.post(f"{ROUTE}{path}", body, content_type=content_type, **headers)


def chat(**overrides):
    payload = {
        "channel": "chat",
        "email": "ann@example.com",
        "body": "Hi",
        "source": "livechat",
        "externalId": "conv-1",
        **overrides,
    }
    return json.dumps(payload).encode()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (chat(email="a\u0000@example.com"), "email"),
        (chat(metadata={"agent": ["Sam", "\u0000"]}), "metadata.agent.1"),
        (b'{"channel": "chat", "email": "a@example.com", "body": "\\udc00"}', "body"),
    ],
    ids=["nul-email", "nul-in-metadata", "lone-surrogate"],
)
def test_unstorable_text_in_an_inbound_interaction_is_400(client, inbound_secret, payload, field):
    # when
    response = signed_post(client, "/interactions/inbound/", payload)

    # then
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "field": field,
                "code": "INVALID",
                "message": "Must not contain NUL characters or invalid Unicode.",
            }
        ]
    }
    assert_nothing_written()


def test_nul_in_an_inbound_email_is_400(client, inbound_secret):
    # given
    raw = (
        b"From: Ann <ann@example.com>\r\nTo: support@shop.example\r\nSubject: Hi\x00\r\n"
        b"Message-ID: <n1@mail.example>\r\n\r\nBroken\x00grinder\r\n"
    )

    # when
    response = signed_post(client, "/tickets/inbound-email/", raw, "message/rfc822")

    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "INVALID"
    assert_nothing_written()


def test_nul_in_a_base64_part_of_an_inbound_email_is_400(client, inbound_secret):
    # given: the NUL appears only once the part is decoded
    raw = (
        b"From: Ann <ann@example.com>\r\nTo: support@shop.example\r\nSubject: Hi\r\n"
        b"Message-ID: <n2@mail.example>\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nQnJva2VuAGdyaW5kZXI=\r\n"
    )

    # when
    response = signed_post(client, "/tickets/inbound-email/", raw, "message/rfc822")

    # then
    assert (response.status_code, response["Content-Type"]) == (400, "application/json")
    assert response.json()["errors"][0]["code"] == "INVALID"
    assert_nothing_written()


@pytest.mark.parametrize(
    ("method", "path", "content_type", "status", "code"),
    [
        ("get", "/interactions/inbound/", "application/json", 405, "METHOD_NOT_ALLOWED"),
        ("post", "/interactions/inbound/", "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (
            "post",
            "/tickets/inbound-email/",
            "application/x-www-form-urlencoded",
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        ("put", "/tickets/rate/", "application/json", 405, "METHOD_NOT_ALLOWED"),
        ("get", "/marketing/inbound-unsubscribe/", "application/json", 405, "METHOD_NOT_ALLOWED"),
        ("post", "/marketing/inbound-unsubscribe/", "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
    ],
)
def test_inbound_endpoints_answer_wrong_requests_in_json(
    client, inbound_secret, method, path, content_type, status, code
):
    response = client.generic(method.upper(), f"{ROUTE}{path}", chat(), content_type=content_type)
    assert response.status_code == status
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == (None, code)
    assert_nothing_written()


def test_oversize_inbound_interaction_is_413(client, inbound_secret, settings):
    settings.SALEOR_CRM_MAX_REQUEST_BYTES = 100
    response = signed_post(client, "/interactions/inbound/", chat(body="x" * 200))
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "REQUEST_TOO_LARGE"
    assert_nothing_written()


# --- Query limits ---------------------------------------------------------


def run(query, variables=None):
    return execute(query, requestor=Requestor.anonymous(), variables=variables)


def test_100k_aliased_typenames_are_refused_before_running(client, settings):
    # given: the 1.9 MB anonymous query
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(100_000)) + " }"

    # when
    over_http = post(client, {"query": query})
    settings.SALEOR_CRM_MAX_REQUEST_BYTES = 4 * 1024 * 1024
    result = run(query)

    settings.SALEOR_CRM_MAX_QUERY_LENGTH = 4 * 1024 * 1024
    parsed = run(query)

    # then
    assert over_http.status_code == 413
    assert (result.data, codes(result.errors)) == (None, {"QUERY_TOO_LARGE"})
    assert (parsed.data, codes(parsed.errors)) == (None, {"TOO_MANY_FIELDS", "TOO_MANY_ALIASES"})


def test_a_long_document_within_the_body_limit_is_refused_unparsed(client, staff_headers):
    # given: 7,000 aliases, 120 kB
    query = "{ " + " ".join(f"alias{i}: __typename" for i in range(7_000)) + " }"

    # when
    response = post(client, {"query": query}, **staff_headers)

    # then
    assert response.status_code == 200
    assert code_of(response) == "QUERY_TOO_LARGE"


def test_aliases_over_the_limit_are_refused_and_a_mutation_writes_nothing():
    # given
    aliased = " ".join(
        f'o{i}: ticketOpen(input: {{email: "eve@example.com", subject: "s", body: "b"}})'
        " { requiresConfirmation }"
        for i in range(51)
    )

    # when
    result = run(f"mutation {{ {aliased} }}")

    # then
    assert codes(result.errors) == {"TOO_MANY_ALIASES"}
    assert_nothing_written()


def test_deep_query_is_refused():
    deep = "{ " + "customerProfile { " * 12 + "email" + " }" * 13
    result = run(deep)
    assert codes(result.errors) == {"QUERY_TOO_DEEP"}
    assert "13 fields deep" in result.errors[0].message


def test_query_too_deep_for_the_parser_is_refused_not_a_recursion_error():
    result = run("{" + " a {" * 5000 + " b" + " }" * 5001)
    assert codes(result.errors) == {"QUERY_TOO_DEEP"}


@pytest.mark.parametrize(
    ("literal", "kind"),
    [
        ("9" * 5000, "integer"),  # past Python's int() digit limit: graphql-core raised
        ("9" * 21, "integer"),
        ("-" + "1" * 21, "integer"),
        ("1." + "0" * 5000, "number"),
        ("1" * 40 + "e5", "number"),
    ],
    ids=["5000-digits", "21-digits", "negative", "long-float", "long-exponent-float"],
)
def test_a_number_literal_too_long_is_a_typed_error_not_a_500(client, caplog, literal, kind):
    # given: unauthenticated, by GET
    query = f"{{ tickets(first: {literal}) {{ totalCount }} }}"

    # when
    with caplog.at_level(logging.INFO, logger="saleor_crm_plugin"):
        response = client.get(GRAPHQL_URL, {"query": query})

    # then
    assert response.status_code == 200
    assert code_of(response) == "NUMBER_TOO_LONG"
    message = response.json()["errors"][0]["message"]
    assert f"An {kind} literal" in message or f"A {kind} literal" in message
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]


def test_number_literals_of_usual_length_pass():
    result = run("{ tickets(first: 20) { totalCount } } ")
    assert not codes(result.errors or []) & {"NUMBER_TOO_LONG"}
    result = run(
        "{ customerProfiles(first: 1, filter: {totalSpent: {gte: 12345678.125}}) { totalCount } }"
    )
    assert not codes(result.errors or []) & {"NUMBER_TOO_LONG"}


@pytest.mark.parametrize(
    "query",
    [
        "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
        "query { ...A } fragment A on Query { __typename ...A }",
        "query { customerProfile { ...P } } "
        "fragment P on CustomerProfile { email user { __typename } ...Q } "
        "fragment Q on CustomerProfile { ... on CustomerProfile { ...P } }",
    ],
    ids=["two", "self", "through-inline-fragment"],
)
def test_fragment_cycles_are_refused_at_validation(query):
    result = run(query)
    assert codes(result.errors) == {"FRAGMENT_CYCLE"}
    assert "Fragment cycle" in result.errors[0].message


def test_a_long_chain_of_fragments_is_not_a_recursion_error(settings):
    settings.SALEOR_CRM_MAX_QUERY_LENGTH = 1_000_000
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(3000))
    result = run(f"query {{ ...F0 }} {chain} fragment F3000 on Query {{ __typename }}")
    assert codes(result.errors) == {"QUERY_TOO_COMPLEX"}


def test_fragment_spread_many_times_counts_every_time():
    # given: 30 fields, spread 20 times through a second fragment: 600 fields
    fields = " ".join(f"f{i}: __typename" for i in range(30))
    spreads = " ".join("... on Query { ...A }" for _ in range(20))
    query = f"{{ ...B }} fragment A on Query {{ {fields} }} fragment B on Query {{ {spreads} }}"

    # when
    result = run(query)

    # then
    assert "TOO_MANY_FIELDS" in codes(result.errors)


NESTED_PAGES = """
query ($first: Int) {
  %s
}
"""
NESTED_PAGE = (
    "p%d: customerProfiles(first: $first) { edges { node { email"
    " timeline(first: 100) { edges { node { type } } } } } }"
)


def test_nested_connections_over_the_cost_are_refused_before_running(django_assert_num_queries):
    # given: the 50 aliases of customerProfiles(first:100){timeline(first:100)}
    query = NESTED_PAGES % " ".join(NESTED_PAGE % i for i in range(50))

    # when
    with django_assert_num_queries(0):
        result = execute(query, requestor=staff(), variables={"first": 100})

    # then
    assert codes(result.errors) == {"QUERY_TOO_COMPLEX"}
    assert "estimated cost" in result.errors[0].message


def test_cost_follows_the_page_size_variable():
    query = NESTED_PAGES % (NESTED_PAGE % 0)
    cheap = execute(query, requestor=staff(), variables={"first": 2})
    costly = execute(query, requestor=staff(), variables={"first": 100})
    assert cheap.errors is None
    assert costly.errors is None  # 1 + 100 × (… + 100 × 4) < 50,000
    assert codes(
        execute(
            NESTED_PAGES % " ".join(NESTED_PAGE % i for i in range(2)),
            requestor=staff(),
            variables={"first": 100},
        ).errors
    ) == {"QUERY_TOO_COMPLEX"}


def test_limits_are_settings(settings):
    # given
    query = "{ customerProfiles(first: 5) { edges { node { email } } } }"
    assert execute(query, requestor=staff()).errors is None

    # when
    settings.SALEOR_CRM_MAX_QUERY_DEPTH = 3
    deep = execute(query, requestor=staff())
    settings.SALEOR_CRM_MAX_QUERY_DEPTH = 4
    settings.SALEOR_CRM_MAX_QUERY_COST = 10
    costly = execute(query, requestor=staff())
    settings.SALEOR_CRM_MAX_QUERY_COST = 20
    settings.SALEOR_CRM_MAX_QUERY_FIELDS = 3
    wide = execute(query, requestor=staff())

    # then
    assert codes(deep.errors) == {"QUERY_TOO_DEEP"}
    assert codes(costly.errors) == {"QUERY_TOO_COMPLEX"}  # 1 + 5 × (1 + 1 + 1)
    assert codes(wide.errors) == {"TOO_MANY_FIELDS"}


def test_graphiql_introspection_passes_the_limits():
    result = run(introspection_query)
    assert result.errors is None
    assert result.data["__schema"]["queryType"]["name"] == "Query"


@pytest.mark.parametrize(
    "path", sorted(p for p in Path("graphql").glob("*.graphql") if p.name != "schema.graphql")
)
def test_shipped_documents_pass_the_limits(path):
    from graphql.language.ast import OperationDefinition

    from saleor_crm_plugin.graphql.core.limits import check_cost, check_document, parse_document
    from saleor_crm_plugin.graphql.schema import schema

    document = parse_document(path.read_text())
    assert check_document(document) == []
    for operation in document.definitions:
        if isinstance(operation, OperationDefinition):
            assert check_cost(schema, document, {}, operation.name.value) == []


def staff():
    from tests.conftest import REQUESTORS

    return REQUESTORS["staff"]


def test_dashboard_extension_documents_pass_the_limits():
    # given: each of the extension's operations, with the fragments it may spread
    from graphql.language.ast import Document, FragmentDefinition, OperationDefinition

    from saleor_crm_plugin.graphql.core.limits import check_cost, check_document, parse_document
    from saleor_crm_plugin.graphql.schema import schema

    paths = sorted(Path("dashboard-extension/src").glob("**/*.graphql"))
    definitions = [d for p in paths for d in parse_document(p.read_text()).definitions]
    fragments = [d for d in definitions if isinstance(d, FragmentDefinition)]
    operations = [d for d in definitions if isinstance(d, OperationDefinition)]

    # then
    assert operations
    for operation in operations:
        document = Document(definitions=[operation, *fragments])
        assert check_document(document) == [], operation.name.value
        assert check_cost(schema, document, {}, operation.name.value) == []
