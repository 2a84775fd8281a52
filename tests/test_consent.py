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
