import json
import time
from datetime import datetime, timedelta
from io import StringIO

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.utils import timezone

from saleor_crm_plugin.commerce import services as commerce_services
from saleor_crm_plugin.ingestion.models import InboundEvent, InboundEventStatus
from saleor_crm_plugin.ingestion.services import (
    EventProcessingError,
    process_event,
    process_pending_events,
    purge_processed_events,
    record_event,
    record_events,
)
from saleor_crm_plugin.models import CustomerProfile
from saleor_crm_plugin.snapshots import AddressSnapshot, CustomerSnapshot, OrderSnapshot
from saleor_crm_plugin.tasks import process_events_task, sweep_pending_events_task
from tests import factories as f
from tests.host.celery import app as celery_app


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("broker unreachable")

    monkeypatch.setattr(process_events_task, "apply_async", refuse)


@pytest.fixture
def fails_once(monkeypatch):
    """Order processing fails on its first attempt only."""
    real = commerce_services.apply_orders
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return real(*args, **kwargs)

    monkeypatch.setattr("saleor_crm_plugin.ingestion.batch.apply_orders", flaky)
    return calls


@pytest.mark.django_db
def test_recorded_event_is_processed_through_celery_after_commit(
    django_capture_on_commit_callbacks,
):
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record_event("order_created", f.order())

    # then
    assert len(callbacks) == 1
    assert InboundEvent.objects.get().status == InboundEventStatus.PROCESSED
    assert CustomerProfile.objects.get().orders_count == 1


@pytest.mark.django_db
def test_same_event_recorded_twice_is_stored_once(django_capture_on_commit_callbacks):
    # given
    snapshot = f.order()

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = record_event("order_created", snapshot)
        second = record_event("order_created", snapshot)

    # then
    assert first.pk == second.pk
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_events_recorded_in_batches_are_stored_once_each_and_processed(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    # given: three orders in chunks of two, one of them twice
    orders = [f.order(f"o{n}", email=f"b{n}@example.com") for n in range(3)]
    events = [("order_created", order, timezone.now()) for order in [*orders, orders[0]]]

    # when: one insert a chunk
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        django_assert_num_queries(2),
    ):
        new = record_events(events, chunk=2, dispatch=True)
    again = record_events(events, chunk=2, dispatch=False)
    outcome = process_pending_events()

    # then
    assert new == 3
    assert again == 0
    assert len(callbacks) == 1
    assert outcome["processed"] == 3
    assert CustomerProfile.objects.count() == 3


@pytest.mark.django_db
def test_record_events_refuses_a_snapshot_of_the_wrong_kind():
    with pytest.raises(TypeError, match="carries a CustomerSnapshot, not OrderSnapshot"):
        record_events([("customer_created", f.order(), timezone.now())])
    assert not InboundEvent.objects.exists()


@pytest.mark.django_db
def test_event_survives_broker_outage_and_sweeper_delivers_it(
    broker_down, django_capture_on_commit_callbacks, settings
):
    # given
    settings.SALEOR_CRM_PENDING_EVENT_GRACE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        record_event("order_created", f.order())
    assert InboundEvent.objects.get().status == InboundEventStatus.PENDING
    assert not CustomerProfile.objects.exists()

    # when
    outcome = sweep_pending_events_task()

    # then
    assert outcome == {"processed": 1, "failed": 0, "skipped": 0}
    assert InboundEvent.objects.get().status == InboundEventStatus.PROCESSED
    assert CustomerProfile.objects.get().orders_count == 1


@pytest.mark.django_db
def test_sweeper_leaves_fresh_events_to_celery(settings):
    # given
    settings.SALEOR_CRM_PENDING_EVENT_GRACE_SECONDS = 60
    record_event("order_created", f.order(), dispatch=False)

    # when
    outcome = sweep_pending_events_task()

    # then
    assert outcome["processed"] == 0
    assert InboundEvent.objects.get().status == InboundEventStatus.PENDING


@pytest.mark.django_db
def test_failure_is_recorded_and_nothing_half_written(fails_once):
    # given
    event = record_event("order_created", f.order(), dispatch=False)

    # when
    with pytest.raises(EventProcessingError):
        process_event(event.pk)

    # then
    event.refresh_from_db()
    assert event.status == InboundEventStatus.PENDING
    assert event.attempts == 1
    assert "database hiccup" in event.last_error
    assert not CustomerProfile.objects.exists()


@pytest.mark.django_db
def test_event_parked_as_failed_after_max_attempts_and_replayed(settings, monkeypatch):
    # given
    settings.SALEOR_CRM_MAX_EVENT_ATTEMPTS = 2

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("saleor_crm_plugin.ingestion.batch.apply_orders", broken)
    event = record_event("order_created", f.order(), dispatch=False)
    for _ in range(2):
        with pytest.raises(EventProcessingError):
            process_event(event.pk)
    event.refresh_from_db()
    assert event.status == InboundEventStatus.FAILED
    assert process_pending_events()["processed"] == 0  # failed events wait for an operator

    # when: the bug is fixed and the operator replays failed events
    monkeypatch.undo()
    outcome = process_pending_events(include_failed=True)

    # then
    assert outcome["processed"] == 1
    assert CustomerProfile.objects.get().orders_count == 1


@pytest.mark.django_db
def test_processed_events_are_purged_after_retention():
    # given
    old = record_event("order_created", f.order("o1"), dispatch=False)
    process_event(old.pk)
    InboundEvent.objects.filter(pk=old.pk).update(processed_at=timezone.now() - timedelta(days=30))
    recent = record_event("order_created", f.order("o2"), dispatch=False)
    process_event(recent.pk)

    # when
    deleted = purge_processed_events(older_than_days=14)

    # then
    assert deleted == 1
    assert list(InboundEvent.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.fixture
def celery_worker(settings):
    """A real Celery worker thread consuming the in-memory broker."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.SALEOR_CRM_RETRY_BASE_SECONDS = 0
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        celery_app.conf.task_always_eager = True


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_failing_task_is_retried_by_the_worker(celery_worker, fails_once):
    # when: the hook records the event; the worker fails once, then retries
    record_event("order_created", f.order())

    # then
    assert wait_for(
        lambda: InboundEvent.objects.filter(status=InboundEventStatus.PROCESSED).exists()
    ), InboundEvent.objects.values()
    event = InboundEvent.objects.get()
    assert event.attempts == 2
    assert len(fails_once) == 2
    assert CustomerProfile.objects.get().orders_count == 1


@pytest.mark.django_db
def test_sweeper_honours_back_off(settings, monkeypatch):
    # given: an event that failed once, with a 60 s back-off
    settings.SALEOR_CRM_PENDING_EVENT_GRACE_SECONDS = 0
    settings.SALEOR_CRM_RETRY_BASE_SECONDS = 60
    monkeypatch.setattr("saleor_crm_plugin.ingestion.batch.apply_orders", broken_apply)
    event = record_event("order_created", f.order(), dispatch=False)
    assert sweep_pending_events_task()["failed"] == 1
    monkeypatch.undo()
    event.refresh_from_db()
    assert event.next_attempt_at - timezone.now() > timedelta(seconds=55)

    # when: the sweeper runs again before the back-off is over
    early = sweep_pending_events_task()

    # then: it waits; once the time has come, it applies the event
    assert early == {"processed": 0, "failed": 0, "skipped": 0}
    InboundEvent.objects.filter(pk=event.pk).update(next_attempt_at=timezone.now())
    assert sweep_pending_events_task()["processed"] == 1
    assert CustomerProfile.objects.get().orders_count == 1


def broken_apply(*args, **kwargs):
    raise RuntimeError("bug")


BACKLOG = """
{ crmEventBacklog { pendingCount retryingCount failedCount oldestPendingAt oldestPendingAgeSeconds } }
"""


@pytest.mark.django_db
def test_staff_see_the_backlog_and_operators_replay_failed_events(gql, settings, monkeypatch):
    # given: one event parked as failed, one pending
    settings.SALEOR_CRM_MAX_EVENT_ATTEMPTS = 1
    monkeypatch.setattr("saleor_crm_plugin.ingestion.batch.apply_orders", broken_apply)
    failed = record_event("order_created", f.order("o1"), dispatch=False)
    with pytest.raises(EventProcessingError):
        process_event(failed.pk)
    monkeypatch.undo()
    record_event("order_created", f.order("o2"), dispatch=False)

    # when
    data, errors = gql(BACKLOG)
    out = StringIO()
    call_command("crm_events", stdout=out)

    # then
    assert errors is None
    backlog = data["crmEventBacklog"]
    assert (backlog["pendingCount"], backlog["failedCount"]) == (1, 1)
    assert backlog["oldestPendingAgeSeconds"] >= 0
    assert "Pending: 1" in out.getvalue()
    assert f"#{failed.pk} failed" in out.getvalue()
    assert "RuntimeError: bug" in out.getvalue()

    # when: the operator replays and processes
    out = StringIO()
    call_command("crm_events", "--replay", "--process", stdout=out)

    # then
    assert "1 failed event(s) returned to the queue" in out.getvalue()
    assert "Processed 2" in out.getvalue()
    assert not InboundEvent.objects.exclude(status=InboundEventStatus.PROCESSED).exists()
    data, _ = gql(BACKLOG)
    assert data["crmEventBacklog"]["oldestPendingAgeSeconds"] is None


def test_backfill_progress_line_shows_rate_and_eta(capsys):
    # given a backfill a third of the way through, resumed at 100 rows
    from saleor_crm_plugin.management.commands.crm_backfill import Command, _duration

    command = Command()
    command._resumed_at = 100
    command._printed_decile = -1
    started = time.perf_counter() - 10  # 200 rows in 10 s since resuming: 20/s

    # when it reports progress
    command._progress("orders", 300, 900, started)

    # then the line carries the rate of this run and the time left
    line = capsys.readouterr().out
    assert "300/900" in line
    assert "(20/s, ETA 30s)" in line
    assert [_duration(s) for s in (42, 200, 7500)] == ["42s", "3m 20s", "2h 05m"]


@pytest.mark.parametrize(
    "snapshot",
    [
        f.order("o-1", lines=(f.line(price="3.50"), f.line(price="1.25")), voucher_code="X"),
        f.checkout("c-1", quantity=2, country="PL"),
        CustomerSnapshot(
            user_id="7",
            email="ann@example.com",
            updated_at=timezone.now(),
            date_joined=None,
            default_billing_address=AddressSnapshot(country="DE", city="Köln"),
        ),
    ],
    ids=["order", "checkout", "customer"],
)
def test_snapshots_read_back_what_they_wrote(snapshot):
    # when: stored as an event's JSON and read back, as a worker does
    stored = json.loads(json.dumps(snapshot.to_dict()))
    read = type(snapshot).from_dict({**stored, "field_of_a_newer_adapter": 1})

    # then: the same snapshot, nested parts and types included
    assert read == snapshot
    assert type(read.created_at if hasattr(read, "created_at") else read.updated_at) is datetime


def test_snapshot_missing_a_required_field_is_refused():
    stored = f.order("o-1").to_dict()
    del stored["currency"]

    with pytest.raises(TypeError, match="currency"):
        OrderSnapshot.from_dict(stored)


@pytest.mark.django_db
def test_event_whose_payload_cannot_be_read_fails_alone(settings):
    # given: two stored orders, one with a payload missing a required field
    record_event("order_created", f.order("o-good", email="ann@example.com"), dispatch=False)
    bad = record_event("order_created", f.order("o-bad", email="bob@example.com"), dispatch=False)
    payload = dict(bad.payload)
    del payload["currency"]
    InboundEvent.objects.filter(pk=bad.pk).update(payload=payload)

    # when
    result = process_pending_events()

    # then: the good one is applied; the bad one waits for its retry, with the reason
    assert (result["processed"], result["failed"]) == (1, 1)
    bad.refresh_from_db()
    assert bad.status == InboundEventStatus.PENDING
    assert "currency" in bad.last_error
    assert list(CustomerProfile.objects.values_list("email", flat=True)) == ["ann@example.com"]
