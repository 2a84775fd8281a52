"""Every event is idempotent and order-safe: replays and reorderings change
nothing. State is compared through a digest of everything the CRM stores."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_crm_plugin.ingestion.services import (
    process_event,
    process_pending_events,
    record_event,
)
from saleor_crm_plugin.models import (
    CheckoutFact,
    CustomerProfile,
    ErasedIdentity,
    InboundEvent,
    OrderFact,
    OrderLineFact,
    TimelineEvent,
)
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db

# Bookkeeping, and when the CRM noticed a stage change (processing time).
VOLATILE = {
    "id",
    "created_at",
    "updated_at",
    "profile",
    "profile_id",
    "order",
    "order_id",
    "lifecycle_stage_changed_at",
}


def digest():
    """Everything the CRM derived, without ids and bookkeeping timestamps."""

    def rows(queryset, key):
        return sorted(
            ({k: v for k, v in row.items() if k not in VOLATILE} for row in queryset.values()),
            key=key,
        )

    return {
        "profiles": rows(CustomerProfile.objects.all(), key=lambda r: r["email"]),
        "orders": rows(OrderFact.objects.all(), key=lambda r: r["number"]),
        "lines": rows(OrderLineFact.objects.all(), key=lambda r: r["line_id"]),
        "checkouts": rows(CheckoutFact.objects.all(), key=lambda r: r["token"]),
        "timeline": sorted(
            (
                e.profile.email,
                e.type,
                e.object_id,
                e.dedupe_key or "",
                str(e.data),
                e.occurred_at if e.dedupe_key else None,
            )
            for e in TimelineEvent.objects.select_related("profile")
        ),
        "erased": sorted(ErasedIdentity.objects.values_list("email_hash", flat=True)),
    }


def story(ann, later):
    """A customer's life as (event type, snapshot) pairs, in store order."""
    t0 = timezone.now() - timedelta(days=3)
    placed = {"created_at": t0 + timedelta(hours=1), "email": "ann@example.com"}
    return [
        ("checkout_created", f.checkout("c1", created_at=t0)),
        (
            "checkout_updated",
            f.checkout("c1", created_at=t0, last_change=t0 + timedelta(minutes=5), quantity=2),
        ),
        (
            "order_created",
            f.order(
                "o1",
                checkout_token="c1",
                charge_status="none",
                updated_at=t0 + timedelta(hours=1),
                **placed,
            ),
        ),
        (
            "order_fully_paid",
            f.order(
                "o1",
                checkout_token="c1",
                charge_status="full",
                updated_at=t0 + timedelta(hours=2),
                **placed,
            ),
        ),
        ("customer_created", f.customer(ann, updated_at=t0 + timedelta(hours=3))),
        (
            "order_fulfilled",
            f.order(
                "o1",
                checkout_token="c1",
                status="fulfilled",
                updated_at=t0 + timedelta(days=1),
                **placed,
            ),
        ),
        (
            "order_refunded",
            f.order(
                "o1",
                checkout_token="c1",
                status="fulfilled",
                total_refunded=Decimal("4.00"),
                updated_at=t0 + timedelta(days=2),
                **placed,
            ),
        ),
        ("customer_updated", f.customer(ann, first_name="Annie", updated_at=later)),
    ]


def forget_everything():
    CustomerProfile.objects.all().delete()
    CheckoutFact.objects.all().delete()
    OrderFact.objects.all().delete()
    InboundEvent.objects.all().delete()


@pytest.fixture
def events(ann):
    return story(ann, timezone.now() - timedelta(hours=1))


def test_every_event_replayed_twice_changes_nothing(events):
    # given
    for event_type, snapshot in events:
        ingest(event_type, snapshot, occurred_at=snapshot_time(snapshot))
    before = digest()

    # when: the same events recorded again (deduplicated) ...
    for event_type, snapshot in events:
        ingest(event_type, snapshot, occurred_at=snapshot_time(snapshot))
    # ... and the stored events processed again (a redelivered message)
    InboundEvent.objects.update(status="pending")
    for event in InboundEvent.objects.order_by("id"):
        process_event(event.pk)

    # then
    assert digest() == before
    assert InboundEvent.objects.count() == len(events)


def test_reversed_delivery_reaches_the_same_state(events, ann):
    # given
    for event_type, snapshot in events:
        ingest(event_type, snapshot, occurred_at=snapshot_time(snapshot))
    in_order = digest()
    forget_everything()

    # when
    for event_type, snapshot in reversed(events):
        ingest(event_type, snapshot, occurred_at=snapshot_time(snapshot))

    # then
    assert digest() == in_order
    profile = CustomerProfile.objects.get()
    assert profile.first_name == "Annie"
    assert profile.user == ann
    order = OrderFact.objects.get()
    assert order.status == "fulfilled"
    assert order.total_refunded == Decimal("4.00")
    assert CheckoutFact.objects.get().completed_order_id == "o1"


def test_stale_order_snapshot_does_not_overwrite_newer():
    # given
    now = timezone.now()
    ingest("order_fulfilled", f.order("o1", status="fulfilled", total="20.00", updated_at=now))

    # when
    ingest(
        "order_updated",
        f.order("o1", status="unfulfilled", total="15.00", updated_at=now - timedelta(minutes=5)),
    )

    # then
    order = OrderFact.objects.get()
    assert (order.status, order.total_gross) == ("fulfilled", Decimal("20.000"))
    assert CustomerProfile.objects.get().total_spent == Decimal("20.000")


def test_stale_order_snapshot_does_not_move_the_order_to_another_customer():
    # given: the order's email was corrected; the newer version came first
    now = timezone.now()
    ingest("order_updated", f.order("o1", email="new@example.com", updated_at=now))

    # when: the older version, with the old email, is delivered late
    ingest(
        "order_created",
        f.order("o1", email="old@example.com", updated_at=now - timedelta(minutes=5)),
    )

    # then
    assert OrderFact.objects.get().profile.email == "new@example.com"
    assert CustomerProfile.objects.get(email="new@example.com").orders_count == 1
    assert not CustomerProfile.objects.filter(email="old@example.com").exists()


def test_stale_customer_snapshot_is_ignored(ann):
    # given
    now = timezone.now()
    ingest("customer_updated", f.customer(ann, first_name="Annie", updated_at=now))

    # when
    ingest("customer_created", f.customer(ann, first_name="Ann", updated_at=now - timedelta(1)))

    # then
    assert CustomerProfile.objects.get().first_name == "Annie"


def test_stale_checkout_snapshot_is_ignored():
    # given
    now = timezone.now()
    ingest("checkout_updated", f.checkout("c1", last_change=now, quantity=3))

    # when
    ingest("checkout_created", f.checkout("c1", last_change=now - timedelta(hours=1), quantity=1))

    # then
    assert CheckoutFact.objects.get().quantity == 3


def test_late_paid_event_still_records_payment():
    # given: the fulfilled version arrives before the paid event
    now = timezone.now()
    ingest(
        "order_fulfilled", f.order("o1", status="fulfilled", charge_status="none", updated_at=now)
    )

    # when
    ingest("order_paid", f.order("o1", charge_status="none", updated_at=now - timedelta(1)))

    # then
    order = OrderFact.objects.get()
    assert order.paid_at is not None
    assert order.status == "fulfilled"
    assert TimelineEvent.objects.filter(type="order_paid").count() == 1


def snapshot_time(snapshot):
    return getattr(snapshot, "updated_at", None) or snapshot.last_change


def test_whole_stream_in_one_batch_twice_and_reversed_reaches_the_same_state(events, ann):
    # given: the state after delivery one by one, in store order
    for event_type, snapshot in events:
        ingest(event_type, snapshot, occurred_at=snapshot_time(snapshot))
    in_order = digest()
    forget_everything()

    # when: every event in reverse, twice over, applied by one worker batch
    for _ in range(2):
        for event_type, snapshot in reversed(events):
            record_event(event_type, snapshot, occurred_at=snapshot_time(snapshot), dispatch=False)
    outcome = process_pending_events()

    # then
    assert outcome == {"processed": len(events), "failed": 0, "skipped": 0}
    assert digest() == in_order
