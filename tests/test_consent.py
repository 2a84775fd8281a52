"""Marketing consent: the ledger, double opt-in, import from snapshots,
suppression, the segment field, privacy and the API.
"""

from datetime import UTC, datetime, timedelta

import pytest

from saleor_crm_plugin.marketing import consent
from saleor_crm_plugin.marketing.consent import (
    ConsentStatus,
    is_sendable,
    record_consent,
    sendable_emails,
    suppress,
    unsubscribe,
)
from saleor_crm_plugin.marketing.models import (
    MarketingConsent,
    MarketingConsentChange,
    SuppressionReason,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def state(email="ann@example.com"):
    return consent.consent_of(email)


def test_record_consent_sets_state_and_ledger():
    # when
    change = record_consent(
        " Ann@Example.com ",
        ConsentStatus.SUBSCRIBED,
        source="staff",
        actor="lead@example.com",
        occurred_at=at(0),
    )

    # then
    assert change.email == "ann@example.com"
    assert change.applied is True
    current = state()
    assert (current.status, current.source, current.occurred_at) == (
        ConsentStatus.SUBSCRIBED,
        "staff",
        at(0),
    )
    assert list(MarketingConsentChange.objects.values_list("status", "actor")) == [
        (ConsentStatus.SUBSCRIBED, "lead@example.com")
    ]


def test_same_status_again_records_nothing():
    record_consent("ann@example.com", ConsentStatus.SUBSCRIBED, source="staff", occurred_at=at(0))

    # when
    again = record_consent(
        "ann@example.com", ConsentStatus.SUBSCRIBED, source="staff", occurred_at=at(1)
    )

    # then
    assert again is None
    assert MarketingConsentChange.objects.count() == 1
    assert state().occurred_at == at(0)


def test_older_change_is_kept_but_does_not_move_the_state():
    record_consent(
        "ann@example.com", ConsentStatus.UNSUBSCRIBED, source="unsubscribe_link", occurred_at=at(5)
    )

    # when
    older = record_consent(
        "ann@example.com", ConsentStatus.SUBSCRIBED, source="checkout_metadata", occurred_at=at(1)
    )
    replayed = record_consent(
        "ann@example.com", ConsentStatus.SUBSCRIBED, source="checkout_metadata", occurred_at=at(1)
    )

    # then
    assert older.applied is False
    assert replayed is None
    assert state().status == ConsentStatus.UNSUBSCRIBED
    assert MarketingConsentChange.objects.count() == 2


@pytest.mark.parametrize("first", list(ConsentStatus))
@pytest.mark.parametrize("second", list(ConsentStatus))
def test_every_transition(first, second):
    record_consent("ann@example.com", first, source="staff", occurred_at=at(0))

    # when
    change = record_consent("ann@example.com", second, source="staff", occurred_at=at(1))

    # then
    assert state().status == second
    initial_rows = 0 if first == ConsentStatus.NEVER_SUBSCRIBED else 1
    assert (change is None) == (first == second)
    assert MarketingConsentChange.objects.count() == initial_rows + (first != second)
    assert is_sendable("ann@example.com") == (second == ConsentStatus.SUBSCRIBED)


def test_unsubscribe_and_sendable():
    record_consent("ann@example.com", ConsentStatus.SUBSCRIBED, source="staff")
    record_consent("bob@example.com", ConsentStatus.SUBSCRIBED, source="staff")
    record_consent("cat@example.com", ConsentStatus.PENDING, source="newsletter_form")

    # when
    unsubscribe("bob@example.com", source="unsubscribe_link", ip="203.0.113.9", user_agent="UA")

    # then
    assert sorted(sendable_emails().values_list("email", flat=True)) == ["ann@example.com"]
    entry = MarketingConsentChange.objects.get(email="bob@example.com", status="unsubscribed")
    assert (entry.ip, entry.user_agent, entry.source) == ("203.0.113.9", "UA", "unsubscribe_link")


def test_suppression_wins_over_status_and_is_kept_once():
    record_consent("ann@example.com", ConsentStatus.SUBSCRIBED, source="staff")

    # when
    first = suppress("ann@example.com", SuppressionReason.HARD_BOUNCE, source="bounce")
    second = suppress("ann@example.com", SuppressionReason.COMPLAINT, source="bounce")
    record_consent("ann@example.com", ConsentStatus.SUBSCRIBED, source="staff")

    # then
    assert first is not None
    assert second is None
    assert state().suppression_reason == SuppressionReason.HARD_BOUNCE
    assert is_sendable("ann@example.com") is False
    assert not sendable_emails().exists()


def test_suppressing_an_unknown_address_remembers_it():
    suppress("new@example.com", SuppressionReason.COMPLAINT, source="bounce")

    record_consent("new@example.com", ConsentStatus.SUBSCRIBED, source="newsletter_form")

    assert MarketingConsent.objects.get().is_suppressed
    assert is_sendable("new@example.com") is False


# --- import from customer and checkout metadata -----------------------------


def test_checkout_and_customer_metadata_record_consent(ann):
    from tests import factories as f
    from tests.factories import ingest

    # when
    ingest(
        "checkout_created",
        f.checkout("c1", email="bob@example.com", last_change=at(1), marketing_consent="yes"),
    )
    ingest("customer_updated", f.customer(ann, updated_at=at(2), marketing_consent="true"))

    # then
    bob, ann_state = state("bob@example.com"), state("ann@example.com")
    assert (bob.status, bob.source, bob.occurred_at) == ("subscribed", "checkout_metadata", at(1))
    assert (ann_state.status, ann_state.source) == ("subscribed", "customer_metadata")
    assert sorted(sendable_emails().values_list("email", flat=True)) == [
        "ann@example.com",
        "bob@example.com",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", "subscribed"),
        ("YES", "subscribed"),
        ("1", "subscribed"),
        ("subscribed", "subscribed"),
        ("false", "unsubscribed"),
        ("no", "unsubscribed"),
        ("0", "unsubscribed"),
        ("maybe", None),
        (None, None),
    ],
)
def test_metadata_values(value, expected):
    from tests import factories as f
    from tests.factories import ingest

    ingest("checkout_created", f.checkout("c1", last_change=at(1), marketing_consent=value))

    current = state()
    assert (current.status if current else None) == expected


def test_replayed_and_older_snapshots_change_nothing(ann):
    from tests import factories as f
    from tests.factories import ingest

    ingest("customer_updated", f.customer(ann, updated_at=at(5), marketing_consent="false"))
    ledger_before = MarketingConsentChange.objects.count()

    # when: the same snapshot again, then an older one saying the opposite, twice
    ingest("customer_updated", f.customer(ann, updated_at=at(5), marketing_consent="false"))
    ingest("checkout_updated", f.checkout("c1", last_change=at(1), marketing_consent="true"))
    ingest("checkout_updated", f.checkout("c1", last_change=at(1), marketing_consent="true"))

    # then
    current = state()
    assert (current.status, current.occurred_at) == ("unsubscribed", at(5))
    assert MarketingConsentChange.objects.count() == ledger_before + 1
    assert MarketingConsentChange.objects.filter(applied=False).count() == 1


def test_order_metadata_records_the_checkouts_consent_dated_by_the_order(ann):
    from tests import factories as f
    from tests.factories import ingest

    # given: Saleor copied the checkout's metadata onto the order it completed into
    placed = f.order("o1", created_at=at(1), marketing_consent="true", checkout_token="c1")
    drafted = f.order("o2", email="bob@example.com", created_at=at(1), marketing_consent="no")

    # when
    ingest("order_created", placed)
    ingest("order_created", drafted)

    # then
    ann_state, bob = state(), state("bob@example.com")
    assert (ann_state.status, ann_state.source, ann_state.occurred_at) == (
        "subscribed",
        "checkout_metadata",
        at(1),
    )
    assert (bob.status, bob.source) == ("unsubscribed", "order_metadata")


def test_later_order_events_do_not_renew_the_checkouts_consent(ann):
    from dataclasses import replace

    from tests import factories as f
    from tests.factories import ingest

    # given: subscribed at checkout, unsubscribed by the link afterwards
    placed = f.order("o1", created_at=at(1), marketing_consent="true", checkout_token="c1")
    ingest("order_created", placed)
    with freeze_time(at(2)):
        unsubscribe("ann@example.com", source="unsubscribe_link")
    ledger_before = MarketingConsentChange.objects.count()

    # when: the order is fulfilled later, its metadata still saying "true"
    ingest("order_fulfilled", replace(placed, updated_at=at(3), status="fulfilled"))
    ingest("order_created", placed)  # and a replay of the first event

    # then
    current = state()
    assert (current.status, current.source) == ("unsubscribed", "unsubscribe_link")
    assert MarketingConsentChange.objects.count() == ledger_before


def test_replaying_an_applied_change_after_a_newer_one_records_nothing():
    # given: a change applied, then a newer one
    record_consent("ann@example.com", ConsentStatus.SUBSCRIBED, source="staff", occurred_at=at(1))
    record_consent("ann@example.com", ConsentStatus.UNSUBSCRIBED, source="staff", occurred_at=at(2))

    # when: the first one is delivered again, twice
    for _ in range(2):
        replayed = record_consent(
            "ann@example.com", ConsentStatus.SUBSCRIBED, source="staff", occurred_at=at(1)
        )

        # then
        assert replayed is None
    assert MarketingConsentChange.objects.count() == 2
    assert state().status == "unsubscribed"


def test_batch_records_consent_set_based(ann, django_assert_max_num_queries):
    from saleor_crm_plugin.ingestion.services import import_snapshots
    from tests import factories as f

    items = [
        (
            f.checkout(
                f"c{i}", email=f"p{i}@example.com", last_change=at(i), marketing_consent="1"
            ),
            at(i),
        )
        for i in range(30)
    ]
    import_snapshots("checkout_created", items[:1])
    with django_assert_max_num_queries(200) as few:
        import_snapshots("checkout_created", items[1:2])
    with django_assert_max_num_queries(len(few.captured_queries)):
        import_snapshots("checkout_created", items[2:])

    assert sendable_emails().count() == 30


# --- metadata is a choice only when it changes --------------------------------


def test_metadata_still_true_after_an_unsubscribe_link_does_not_resubscribe(ann):
    from tests import factories as f
    from tests.factories import ingest

    # given: metadata says true, then the customer unsubscribes by a link
    ingest("customer_updated", f.customer(ann, updated_at=at(1), marketing_consent="true"))
    assert state().status == "subscribed"
    with freeze_time(at(2)):
        unsubscribe("ann@example.com", source="campaign:spring")
    ledger_before = MarketingConsentChange.objects.count()

    # when: they change their address later; the metadata still says true
    ingest(
        "customer_updated",
        f.customer(ann, updated_at=at(3), marketing_consent="true", first_name="Annie"),
    )

    # then
    current = state()
    assert (current.status, current.source) == ("unsubscribed", "campaign:spring")
    assert MarketingConsentChange.objects.count() == ledger_before
    assert not is_sendable("ann@example.com")

    # when: the metadata changes to false and back to true: a new choice
    ingest("customer_updated", f.customer(ann, updated_at=at(4), marketing_consent="false"))
    ingest("customer_updated", f.customer(ann, updated_at=at(5), marketing_consent="true"))

    # then
    current = state()
    assert (current.status, current.source, current.occurred_at) == (
        "subscribed",
        "customer_metadata",
        at(5),
    )
    assert is_sendable("ann@example.com")


def test_checkout_metadata_still_true_after_an_unsubscribe_does_not_resubscribe():
    from tests import factories as f
    from tests.factories import ingest

    # given
    ingest("checkout_created", f.checkout("c1", last_change=at(1), marketing_consent="yes"))
    with freeze_time(at(2)):
        unsubscribe("ann@example.com", source="unsubscribe")

    # when: the checkout is updated later (and its order placed), still "yes"
    ingest("checkout_updated", f.checkout("c1", last_change=at(3), marketing_consent="yes"))
    ingest(
        "order_created",
        f.order("o1", created_at=at(4), marketing_consent="yes", checkout_token="c1"),
    )

    # then
    assert (state().status, state().source) == ("unsubscribed", "unsubscribe")

    # when: the storefront writes "no" then "yes" again
    ingest("checkout_updated", f.checkout("c1", last_change=at(5), marketing_consent="no"))
    ingest("checkout_updated", f.checkout("c1", last_change=at(6), marketing_consent="yes"))

    # then
    current = state()
    assert (current.status, current.source, current.occurred_at) == (
        "subscribed",
        "checkout_metadata",
        at(6),
    )


def test_first_metadata_value_is_recorded_and_replay_changes_nothing(ann):
    from saleor_crm_plugin.marketing.models import MarketingConsentMetadataSeen
    from tests import factories as f
    from tests.factories import ingest

    # when: the first value seen
    snapshot = f.customer(ann, updated_at=at(1), marketing_consent="false")
    ingest("customer_updated", snapshot)

    # then: it is a choice
    current = state()
    assert (current.status, current.source, current.occurred_at) == (
        "unsubscribed",
        "customer_metadata",
        at(1),
    )
    seen = list(MarketingConsentMetadataSeen.objects.values_list("source", "status", "seen_at"))
    assert seen == [("customer_metadata", "unsubscribed", at(1))]
    ledger = list(MarketingConsentChange.objects.values_list("pk", flat=True))

    # when: replayed twice
    ingest("customer_updated", snapshot)
    ingest("customer_updated", snapshot)

    # then
    assert list(MarketingConsentChange.objects.values_list("pk", flat=True)) == ledger
    assert (
        list(MarketingConsentMetadataSeen.objects.values_list("source", "status", "seen_at"))
        == seen
    )


def test_an_older_metadata_snapshot_with_another_value_does_not_override(ann):
    from tests import factories as f
    from tests.factories import ingest

    # given: true at 5, and staff unsubscribed them at 6
    ingest("customer_updated", f.customer(ann, updated_at=at(5), marketing_consent="true"))
    record_consent("ann@example.com", ConsentStatus.UNSUBSCRIBED, source="staff", occurred_at=at(6))
    ledger_before = MarketingConsentChange.objects.count()

    # when: a late snapshot from before says false, then one after says true again
    ingest("customer_updated", f.customer(ann, updated_at=at(3), marketing_consent="false"))
    ingest("customer_updated", f.customer(ann, updated_at=at(7), marketing_consent="true"))

    # then: neither is a choice (the older one is stale, the newer one unchanged)
    assert (state().status, state().source) == ("unsubscribed", "staff")
    assert MarketingConsentChange.objects.count() == ledger_before


def test_erasure_deletes_the_metadata_seen(ann):
    from saleor_crm_plugin.marketing.models import MarketingConsentMetadataSeen
    from tests import factories as f
    from tests.factories import ingest

    ingest("customer_updated", f.customer(ann, updated_at=at(1), marketing_consent="true"))
    ingest(
        "checkout_created",
        f.checkout("c1", email="bob@example.com", last_change=at(1), marketing_consent="true"),
    )
    assert MarketingConsentMetadataSeen.objects.count() == 2

    # when
    consent.erase_consent(["ann@example.com"], at(2))

    # then: only bob's remains
    from saleor_crm_plugin.profiles.identity import email_hash

    assert list(MarketingConsentMetadataSeen.objects.values_list("email_hash", flat=True)) == [
        email_hash("bob@example.com")
    ]


# --- API ----------------------------------------------------------------------

import re  # noqa: E402
from urllib.parse import unquote  # noqa: E402

from django.core import mail  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from freezegun import freeze_time  # noqa: E402

from saleor_crm_plugin.auth import Requestor, RequestorKind  # noqa: E402
from saleor_crm_plugin.configuration.services import update_configuration  # noqa: E402
from saleor_crm_plugin.graphql.schema import execute  # noqa: E402
from saleor_crm_plugin.http.inbound import sign  # noqa: E402
from saleor_crm_plugin.marketing.subscription import unsubscribe_url  # noqa: E402
from tests.conftest import REQUESTORS  # noqa: E402

ROUTE = "/plugins/global/saleor.crm"
SECRET = "s3cret-shared-with-the-mail-provider"

CONSENT_UPDATE = """
mutation ($email: String!, $status: MarketingConsentStatusEnum!, $source: String) {
  marketingConsentUpdate(email: $email, status: $status, source: $source) {
    errors { field code message }
    changed
    consent { status source updatedAt isSendable suppressionReason }
  }
}
"""
SUBSCRIBE = """
mutation ($email: String!, $channel: String) {
  newsletterSubscribe(email: $email, channel: $channel) {
    errors { field code message retryAfter }
    requiresConfirmation
  }
}
"""
MY_CONSENT = "{ myMarketingConsent { status source updatedAt } }"
MY_CONSENT_UPDATE = """
mutation ($status: MarketingConsentStatusEnum!) {
  myMarketingConsentUpdate(status: $status) {
    errors { field code message }
    requiresConfirmation
    consent { status source }
  }
}
"""
PROFILE = """
query ($email: String!) {
  customerProfile(email: $email) {
    marketingConsent { status source updatedAt isSendable suppressedAt suppressionReason }
    timeline(first: 10, types: [CONSENT_CHANGED]) { edges { node { type data } } }
  }
}
"""


@pytest.fixture(autouse=True)
def consent_config(settings):
    settings.SALEOR_CRM_PUBLIC_URL = "https://api.shop.example"
    update_configuration(inbound_secret=SECRET)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def run(query, variables=None, *, as_="staff", requestor=None, ip="203.0.113.7", ua="Firefox"):
    request = RequestFactory().post("/graphql/", REMOTE_ADDR=ip, HTTP_USER_AGENT=ua)
    result = execute(
        query,
        requestor=requestor or REQUESTORS[as_],
        variables=variables or {},
        request=request,
    )
    assert result.errors is None, result.errors
    return result.data


def test_staff_update_and_profile_shows_consent_and_timeline(ann):
    from tests import factories as f
    from tests.factories import ingest

    ingest("customer_created", f.customer(ann))

    # when
    data = run(
        CONSENT_UPDATE,
        {"email": "ANN@example.com", "status": "SUBSCRIBED", "source": "phone"},
    )["marketingConsentUpdate"]
    again = run(CONSENT_UPDATE, {"email": "ann@example.com", "status": "SUBSCRIBED"})
    profile = run(PROFILE, {"email": "ann@example.com"})["customerProfile"]

    # then
    assert data["errors"] == []
    assert data["changed"] is True
    assert data["consent"]["status"] == "SUBSCRIBED"
    assert data["consent"]["source"] == "phone"
    assert again["marketingConsentUpdate"]["changed"] is False
    assert profile["marketingConsent"]["isSendable"] is True
    assert [e["node"]["data"]["status"] for e in profile["timeline"]["edges"]] == ["subscribed"]
    entry = MarketingConsentChange.objects.get()
    assert entry.actor == ""  # the staff requestor of the walk has no email


def test_profile_without_a_row_is_never_subscribed(ann):
    from tests import factories as f
    from tests.factories import ingest

    ingest("customer_created", f.customer(ann))

    consent_data = run(PROFILE, {"email": "ann@example.com"})["customerProfile"]["marketingConsent"]

    assert consent_data["status"] == "NEVER_SUBSCRIBED"
    assert consent_data["updatedAt"] is None
    assert consent_data["isSendable"] is False


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"email": "not-an-email", "status": "SUBSCRIBED"}, "email", "INVALID"),
        ({"email": "", "status": "SUBSCRIBED"}, "email", "REQUIRED"),
        ({"email": "ann@example.com", "status": "PENDING"}, "status", "INVALID"),
        (
            {"email": "ann@example.com", "status": "SUBSCRIBED", "source": "x" * 65},
            "source",
            "INVALID",
        ),
    ],
)
def test_staff_update_refuses_bad_input_with_typed_errors(variables, field, code):
    errors = run(CONSENT_UPDATE, variables)["marketingConsentUpdate"]["errors"]

    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
    assert not MarketingConsentChange.objects.exists()


def confirmation_link() -> str:
    return re.search(r"(/plugins\S+)", mail.outbox[-1].body).group(1)


def test_double_opt_in_end_to_end(client, on_commit):
    # when: the sign-up
    with on_commit():
        data = run(
            SUBSCRIBE, {"email": "New@Example.com", "channel": "default-channel"}, as_="anonymous"
        )
    # then
    assert data["newsletterSubscribe"] == {"errors": [], "requiresConfirmation": True}
    pending = MarketingConsentChange.objects.get()
    assert (pending.status, pending.ip, pending.user_agent, pending.sales_channel) == (
        "pending",
        "203.0.113.7",
        "Firefox",
        "default-channel",
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.com"]
    link = confirmation_link()

    # when: a scanner's GET
    page = client.get(link, HTTP_USER_AGENT="Scanner")
    # then: a page with a button, nothing confirmed
    assert page.status_code == 200
    assert b'<form method="post">' in page.content
    assert "script-src" not in page["Content-Security-Policy"]
    assert state("new@example.com").status == ConsentStatus.PENDING

    # when: the button
    token = unquote(link.split("token=")[1])
    posted = client.post(
        link.split("?")[0], {"token": token}, HTTP_USER_AGENT="Safari", REMOTE_ADDR="198.51.100.4"
    )
    # then
    assert posted.status_code == 200
    assert b"confirmed" in posted.content
    current = state("new@example.com")
    assert (current.status, current.source) == ("subscribed", "double_opt_in")
    confirmed = MarketingConsentChange.objects.get(status="subscribed")
    assert (confirmed.ip, confirmed.user_agent) == ("198.51.100.4", "Safari")

    # when: the link again
    client.post(link.split("?")[0], {"token": token})
    assert MarketingConsentChange.objects.count() == 2


def test_sign_up_answers_the_same_and_does_not_mail_subscribed_or_suppressed(on_commit):
    record_consent("sub@example.com", ConsentStatus.SUBSCRIBED, source="staff")
    suppress("gone@example.com", SuppressionReason.COMPLAINT, source="complaint")

    with on_commit():
        answers = [
            run(SUBSCRIBE, {"email": email}, as_="anonymous")["newsletterSubscribe"]
            for email in ("sub@example.com", "gone@example.com", "new@example.com")
        ]

    assert all(a == {"errors": [], "requiresConfirmation": True} for a in answers)
    assert [m.to for m in mail.outbox] == [["new@example.com"]]
    assert state("sub@example.com").status == ConsentStatus.SUBSCRIBED


def test_forged_and_expired_confirmation_links_are_refused(client, on_commit):
    with freeze_time("2026-03-01 12:00:00"):
        with on_commit():
            run(SUBSCRIBE, {"email": "new@example.com"}, as_="anonymous")
        link = confirmation_link()
    path, token = link.split("?")[0], unquote(link.split("token=")[1])

    with freeze_time("2026-03-01 13:00:00"):
        forged = client.post(path, {"token": token[:-3] + "abc"})
    with freeze_time("2026-03-09 12:00:01"):
        expired = client.post(path, {"token": token})
        expired_page = client.get(link)

    assert (forged.status_code, expired.status_code, expired_page.status_code) == (400, 400, 400)
    assert state("new@example.com").status == ConsentStatus.PENDING


def test_sign_up_is_throttled_per_address():
    results = [
        run(SUBSCRIBE, {"email": "new@example.com"}, as_="anonymous", ip=f"203.0.113.{i}")[
            "newsletterSubscribe"
        ]
        for i in range(4)
    ]

    assert [r["errors"] for r in results[:3]] == [[], [], []]
    assert results[3]["errors"][0]["code"] == "THROTTLED"
    assert results[3]["errors"][0]["retryAfter"] > 0


def test_one_click_unsubscribe(client):
    record_consent("ann@example.com", ConsentStatus.SUBSCRIBED, source="staff")
    link = unsubscribe_url("ann@example.com").removeprefix("https://api.shop.example")
    path, token = link.split("?")[0], unquote(link.split("token=")[1])

    page = client.get(link)
    assert is_sendable("ann@example.com")
    # RFC 8058: the mail client posts List-Unsubscribe=One-Click to the link.
    posted = client.post(link, {"List-Unsubscribe": "One-Click"})
    forged = client.post(path, {"token": "x" + token})

    assert page.status_code == 200
    assert posted.status_code == 200
    assert forged.status_code == 400
    assert state().status == ConsentStatus.UNSUBSCRIBED
    assert state().source == "unsubscribe_link"


def test_my_marketing_consent(ann):
    customer = Requestor(kind=RequestorKind.CUSTOMER, user_id=str(ann.pk), email=ann.email)
    unconfirmed = Requestor(
        kind=RequestorKind.CUSTOMER,
        user_id="77",
        email="unconfirmed@example.com",
        is_confirmed=False,
    )

    before = run(MY_CONSENT, requestor=customer)["myMarketingConsent"]
    subscribed = run(MY_CONSENT_UPDATE, {"status": "SUBSCRIBED"}, requestor=customer)
    pending = run(MY_CONSENT_UPDATE, {"status": "SUBSCRIBED"}, requestor=unconfirmed)
    refused = run(MY_CONSENT_UPDATE, {"status": "NEVER_SUBSCRIBED"}, requestor=customer)
    unsubscribed = run(MY_CONSENT_UPDATE, {"status": "UNSUBSCRIBED"}, requestor=customer)

    assert before == {"status": "NEVER_SUBSCRIBED", "source": "", "updatedAt": None}
    assert subscribed["myMarketingConsentUpdate"]["consent"] == {
        "status": "SUBSCRIBED",
        "source": "customer_account",
    }
    assert pending["myMarketingConsentUpdate"]["requiresConfirmation"] is True
    assert pending["myMarketingConsentUpdate"]["consent"]["status"] == "PENDING"
    assert refused["myMarketingConsentUpdate"]["errors"][0]["code"] == "INVALID"
    assert unsubscribed["myMarketingConsentUpdate"]["consent"]["status"] == "UNSUBSCRIBED"


def test_customers_do_not_see_why_they_are_suppressed(ann):
    suppress(ann.email, SuppressionReason.COMPLAINT, source="complaint")
    customer = Requestor(kind=RequestorKind.CUSTOMER, user_id=str(ann.pk), email=ann.email)

    result = execute(
        "{ myMarketingConsent { status suppressionReason } }", requestor=customer, variables={}
    )

    assert result.data["myMarketingConsent"]["suppressionReason"] is None
    assert "MANAGE_USERS" in str(result.errors[0])


# --- bounces ------------------------------------------------------------------


def post_bounce(client, payload, secret=SECRET, timestamp=None):
    import json

    body = json.dumps(payload).encode()
    headers = {
        f"HTTP_{k.upper().replace('-', '_')}": v for k, v in sign(secret, body, timestamp).items()
    }
    return client.post(
        f"{ROUTE}/marketing/inbound-bounce/", body, content_type="application/json", **headers
    )


def test_hard_bounce_and_complaint_suppress_soft_bounce_does_not(client):
    for email in ("hard@example.com", "soft@example.com", "angry@example.com"):
        record_consent(email, ConsentStatus.SUBSCRIBED, source="staff")

    hard = post_bounce(client, {"email": "hard@example.com", "type": "HARD_BOUNCE"})
    again = post_bounce(client, {"email": "hard@example.com", "type": "HARD_BOUNCE"})
    soft = post_bounce(client, {"email": "soft@example.com", "type": "SOFT_BOUNCE"})
    complaint = post_bounce(
        client,
        {"email": "angry@example.com", "type": "COMPLAINT", "occurredAt": "2026-03-01T12:00:00Z"},
    )

    assert hard.json() == {"suppressed": True, "alreadySuppressed": False}
    assert again.json() == {"suppressed": True, "alreadySuppressed": True}
    assert soft.json() == {"suppressed": False, "alreadySuppressed": False}
    assert complaint.status_code == 200
    assert sorted(sendable_emails().values_list("email", flat=True)) == ["soft@example.com"]
    assert state("angry@example.com").suppressed_at == T0
    assert state("angry@example.com").suppression_reason == SuppressionReason.COMPLAINT


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"type": "HARD_BOUNCE"}, "email", "REQUIRED"),
        ({"email": "nope", "type": "HARD_BOUNCE"}, "email", "INVALID"),
        ({"email": "a@example.com", "type": "BLOCKED"}, "type", "INVALID"),
        (
            {"email": "a@example.com", "type": "HARD_BOUNCE", "occurredAt": "yesterday"},
            "occurredAt",
            "INVALID",
        ),
    ],
)
def test_bounce_endpoint_refuses_bad_input(client, payload, field, code):
    response = post_bounce(client, payload)

    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]
    assert not MarketingConsent.objects.exists()


def test_bounce_endpoint_needs_a_valid_signature(client):
    forged = post_bounce(client, {"email": "a@example.com", "type": "HARD_BOUNCE"}, secret="x" * 30)
    stale = post_bounce(
        client, {"email": "a@example.com", "type": "HARD_BOUNCE"}, timestamp=1_000_000
    )
    unsigned = client.post(
        f"{ROUTE}/marketing/inbound-bounce/", b"{}", content_type="application/json"
    )

    assert (forged.status_code, stale.status_code, unsigned.status_code) == (401, 401, 401)
    assert not MarketingConsent.objects.exists()


# --- segments -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "values", "expected"),
    [
        ("EQ", ["SUBSCRIBED"], ["ann@example.com"]),
        ("EQ", ["UNSUBSCRIBED"], ["bob@example.com", "cat@example.com"]),
        ("EQ", ["NEVER_SUBSCRIBED"], ["eve@example.com"]),
        ("EQ", ["PENDING"], ["dan@example.com"]),
        (
            "NEQ",
            ["SUBSCRIBED"],
            ["bob@example.com", "cat@example.com", "dan@example.com", "eve@example.com"],
        ),
        ("IN", ["PENDING", "NEVER_SUBSCRIBED"], ["dan@example.com", "eve@example.com"]),
        ("NOT_IN", ["UNSUBSCRIBED", "NEVER_SUBSCRIBED"], ["ann@example.com", "dan@example.com"]),
    ],
)
def test_segment_email_consent_field(operator, values, expected, django_assert_num_queries):
    from saleor_crm_plugin.marketing.rules import members
    from tests import factories as f
    from tests.factories import ingest

    for name in ("ann", "bob", "cat", "dan", "eve"):
        ingest("checkout_created", f.checkout(f"c-{name}", email=f"{name}@example.com"))
    record_consent("ann@example.com", ConsentStatus.SUBSCRIBED, source="staff")
    record_consent("bob@example.com", ConsentStatus.UNSUBSCRIBED, source="staff")
    # cat subscribed, then hard-bounced: not SUBSCRIBED any more.
    record_consent("cat@example.com", ConsentStatus.SUBSCRIBED, source="staff")
    suppress("cat@example.com", SuppressionReason.HARD_BOUNCE, source="bounce")
    record_consent("dan@example.com", ConsentStatus.PENDING, source="newsletter_form")
    condition = {"field": "EMAIL_CONSENT", "operator": operator}
    condition |= {"value": values[0]} if operator in ("EQ", "NEQ") else {"values": values}

    # when
    with django_assert_num_queries(1):
        found = sorted(
            members({"match": "ALL", "conditions": [condition]}, T0).values_list("email", flat=True)
        )

    # then
    assert found == expected


def test_segment_email_consent_refuses_unknown_status():
    from saleor_crm_plugin.marketing.rules import InvalidRules, parse_rules

    with pytest.raises(InvalidRules):
        parse_rules(
            {
                "match": "ALL",
                "conditions": [{"field": "EMAIL_CONSENT", "operator": "EQ", "value": "MAYBE"}],
            }
        )


# --- privacy ------------------------------------------------------------------


def test_export_includes_the_consent_ledger(ann):
    from saleor_crm_plugin.privacy.export import export_customer_data
    from tests import factories as f
    from tests.factories import ingest

    ingest("customer_created", f.customer(ann))
    record_consent(
        "ann@example.com",
        ConsentStatus.PENDING,
        source="newsletter_form",
        ip="203.0.113.7",
        user_agent="Firefox",
        occurred_at=at(0),
    )
    record_consent(
        "ann@example.com", ConsentStatus.SUBSCRIBED, source="double_opt_in", occurred_at=at(1)
    )

    _, document = export_customer_data("ann@example.com", now=T0)

    (exported,) = document["marketingConsent"]
    assert (exported["status"], exported["channel"]) == ("SUBSCRIBED", "EMAIL")
    assert [(c["status"], c["ip"], c["userAgent"]) for c in exported["changes"]] == [
        ("PENDING", "203.0.113.7", "Firefox"),
        ("SUBSCRIBED", None, None),
    ]


def test_erasure_keeps_the_address_suppressed_without_personal_data(ann):
    from tests import factories as f
    from tests.factories import ingest

    ingest("customer_created", f.customer(ann, marketing_consent="true"))
    record_consent(
        "ann@example.com", ConsentStatus.PENDING, source="x", ip="203.0.113.7", occurred_at=at(-100)
    )
    assert is_sendable("ann@example.com")

    # when
    ingest("customer_deleted", f.customer(ann))
    # and an older snapshot, and a new sign-up, after the erasure
    ingest("customer_updated", f.customer(ann, updated_at=at(-50), marketing_consent="true"))
    record_consent(
        "ann@example.com", ConsentStatus.SUBSCRIBED, source="newsletter_form", ip="198.51.100.1"
    )

    # then
    assert not MarketingConsentChange.objects.exclude(email="").exists()
    assert not MarketingConsentChange.objects.exclude(ip=None).exists()
    assert not MarketingConsent.objects.exclude(email="").exists()
    current = state()
    assert current.suppression_reason == SuppressionReason.ERASED
    assert is_sendable("ann@example.com") is False
    assert not sendable_emails().exists()


# --- lifting a suppression ----------------------------------------------------

UNSUPPRESS = """
mutation ($email: String!, $channel: MarketingConsentChannelEnum, $reason: String) {
  marketingConsentUnsuppress(email: $email, channel: $channel, reason: $reason) {
    errors { field code message }
    changed
    consent { status isSendable suppressedAt suppressionReason }
  }
}
"""
SAM = Requestor(
    kind=RequestorKind.STAFF,
    user_id="3",
    email="sam@shop.example",
    permissions=frozenset({"MANAGE_USERS"}),
)


def ledger_rows():
    return sorted(
        MarketingConsentChange.objects.values_list(
            "email_hash", "status", "suppression_reason", "lifted_suppression", "note", "actor"
        )
    )


def test_staff_lift_a_mistaken_bounce(ann):
    from tests import factories as f
    from tests.factories import ingest

    # given: Ann subscribed, then a "hard bounce" that was the provider's outage
    ingest("customer_created", f.customer(ann))
    record_consent("ann@example.com", ConsentStatus.SUBSCRIBED, source="staff", occurred_at=at(0))
    suppress("ann@example.com", SuppressionReason.HARD_BOUNCE, source="bounce", occurred_at=at(1))
    assert not is_sendable("ann@example.com")

    # when
    data = run(
        UNSUPPRESS,
        {"email": " Ann@Example.com ", "reason": "Provider outage, not a bounce."},
        requestor=SAM,
    )

    # then
    assert data["marketingConsentUnsuppress"] == {
        "errors": [],
        "changed": True,
        "consent": {
            "status": "SUBSCRIBED",
            "isSendable": True,
            "suppressedAt": None,
            "suppressionReason": None,
        },
    }
    assert is_sendable("ann@example.com")
    lift = MarketingConsentChange.objects.get(lifted_suppression=SuppressionReason.HARD_BOUNCE)
    assert (lift.status, lift.actor, lift.note, lift.source, lift.email) == (
        "subscribed",
        "sam@shop.example",
        "Provider outage, not a bounce.",
        "staff",
        "ann@example.com",
    )
    timeline = run(PROFILE, {"email": "ann@example.com"})["customerProfile"]["timeline"]
    assert timeline["edges"][0]["node"]["data"]["lifted_suppression"] == "hard_bounce"

    # when: asked again, and the address bounces for real afterwards
    again = run(UNSUPPRESS, {"email": "ann@example.com"}, requestor=SAM)
    suppress("ann@example.com", SuppressionReason.HARD_BOUNCE, source="bounce")

    # then: nothing to lift the second time; a new bounce suppresses again
    assert again["marketingConsentUnsuppress"]["changed"] is False
    assert MarketingConsentChange.objects.filter(lifted_suppression__gt="").count() == 1
    assert state().suppression_reason == SuppressionReason.HARD_BOUNCE


@pytest.mark.parametrize("suppressed_first", [False, True])
def test_an_erased_customers_suppression_is_never_lifted(ann, suppressed_first):
    from saleor_crm_plugin.marketing.consent import erase_consent

    # given: erased (after a complaint, whose reason erasure keeps)
    record_consent("ann@example.com", ConsentStatus.SUBSCRIBED, source="staff", occurred_at=at(0))
    if suppressed_first:
        suppress("ann@example.com", SuppressionReason.COMPLAINT, source="complaint")
    erase_consent(["ann@example.com"], at(2))
    before = (ledger_rows(), list(MarketingConsent.objects.values()))

    # when
    data = run(UNSUPPRESS, {"email": "ann@example.com", "reason": "Please"}, requestor=SAM)

    # then
    assert data["marketingConsentUnsuppress"]["errors"] == [
        {
            "field": "email",
            "code": "ERASED",
            "message": "This address belongs to an erased customer; it stays suppressed.",
        }
    ]
    assert data["marketingConsentUnsuppress"]["changed"] is None
    assert (ledger_rows(), list(MarketingConsent.objects.values())) == before
    assert not is_sendable("ann@example.com")


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"email": ""}, "email", "REQUIRED"),
        ({"email": "not an address"}, "email", "INVALID"),
        ({"email": "ann@example.com", "reason": "x" * 501}, "reason", "INVALID"),
    ],
)
def test_unsuppress_refuses_bad_input_with_typed_errors(variables, field, code):
    # given
    suppress("ann@example.com", SuppressionReason.MANUAL, source="staff")
    before = ledger_rows()

    # when
    data = run(UNSUPPRESS, variables, requestor=SAM)

    # then
    (error,) = data["marketingConsentUnsuppress"]["errors"]
    assert (error["field"], error["code"]) == (field, code)
    assert ledger_rows() == before
    assert state().is_suppressed


def test_unsuppress_on_the_sms_channel_leaves_email_alone():
    # given: suppressed on both channels
    suppress("ann@example.com", SuppressionReason.MANUAL, source="staff")
    suppress("ann@example.com", SuppressionReason.MANUAL, source="staff", channel="sms")

    # when
    data = run(UNSUPPRESS, {"email": "ann@example.com", "channel": "SMS"}, requestor=SAM)

    # then
    assert data["marketingConsentUnsuppress"]["changed"] is True
    assert data["marketingConsentUnsuppress"]["consent"]["suppressedAt"] is None
    assert state().is_suppressed
    assert not consent.consent_of("ann@example.com", "sms").is_suppressed


def test_unsuppress_export_and_erasure_of_the_note(ann):
    from saleor_crm_plugin.marketing.consent import erase_consent, lift_suppression
    from saleor_crm_plugin.privacy.export import export_customer_data
    from tests import factories as f
    from tests.factories import ingest

    # given
    ingest("customer_created", f.customer(ann))
    suppress("ann@example.com", SuppressionReason.COMPLAINT, source="complaint")
    lift_suppression("ann@example.com", actor="sam@shop.example", note="Clicked by mistake")

    # when
    _, document = export_customer_data("ann@example.com", now=T0)
    erase_consent(["ann@example.com"], at(5))

    # then
    (exported,) = document["marketingConsent"]
    lifted = [c for c in exported["changes"] if c["liftedSuppression"]]
    assert [(c["liftedSuppression"], c["note"], c["actor"]) for c in lifted] == [
        ("COMPLAINT", "Clicked by mistake", "sam@shop.example")
    ]
    assert not MarketingConsentChange.objects.exclude(note="").exists()
