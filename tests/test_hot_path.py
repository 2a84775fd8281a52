"""The store's hot path: what a hook costs, and that the broker never stalls it.

The Saleor tier measures the same on a real checkoutComplete; here the core's
recorder and dispatcher are driven directly, as the adapter drives them.
"""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from saleor_crm_plugin import dispatch
from saleor_crm_plugin.ingestion import recorder
from saleor_crm_plugin.ingestion.models import InboundEvent
from saleor_crm_plugin.tasks import process_events_task
from tests import factories as f

PAID_CHECKOUT = (
    "order_created",
    "order_paid",
    "order_fully_paid",
    "order_updated",
    "order_confirmed",
)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """The test's transaction never commits: run what waits for the commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def asks(monkeypatch):
    calls = []
    monkeypatch.setattr(recorder, "request_event_processing", lambda: calls.append(1))
    return calls


@pytest.mark.django_db
def test_sibling_hooks_of_one_request_become_one_event_written_at_its_end(asks, committed):
    # given
    recorder.open_request_scope()

    # when: the five hooks of a paid checkout, then the request ends
    with CaptureQueriesContext(connection) as during_hooks, committed():
        for event_type in PAID_CHECKOUT:
            recorder.note_store_event(event_type, "order-1")
    with CaptureQueriesContext(connection) as at_the_end, committed():
        recorder.close_request_scope()

    # then
    assert len(during_hooks) == 0
    assert len(at_the_end) == 1
    event = InboundEvent.objects.get()
    assert (event.object_type, event.object_id) == ("order", "order-1")
    assert event.announced == list(PAID_CHECKOUT)
    assert event.payload is None  # by reference: the worker builds the snapshot
    assert len(asks) == 1


@pytest.mark.django_db
def test_one_event_per_object_and_one_insert_per_request(asks, committed):
    # given
    recorder.open_request_scope()
    with committed():
        recorder.note_store_event("order_created", "order-1")
        recorder.note_store_event("order_created", "order-2")
        recorder.note_store_event("customer_updated", "7")

    # when
    with CaptureQueriesContext(connection) as queries:
        recorder.close_request_scope()

    # then
    assert len(queries) == 1
    assert sorted(InboundEvent.objects.values_list("object_type", "object_id")) == [
        ("customer", "7"),
        ("order", "order-1"),
        ("order", "order-2"),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_note_taken_in_a_rolled_back_transaction_is_dropped(asks):
    # given
    recorder.open_request_scope()

    # when
    def failing_mutation():
        with transaction.atomic():
            recorder.note_store_event("order_created", "order-1")
            raise RuntimeError("the store's mutation failed")

    with pytest.raises(RuntimeError):
        failing_mutation()
    recorder.close_request_scope()

    # then
    assert not InboundEvent.objects.exists()
    assert asks == []


@pytest.mark.django_db(transaction=True)
def test_outside_a_request_a_note_is_written_when_its_transaction_commits(asks):
    # when: a Celery task or a command fires a hook
    with transaction.atomic():
        recorder.note_store_event("order_created", "order-1")
        assert not InboundEvent.objects.exists()

    # then
    assert InboundEvent.objects.get().object_id == "order-1"
    assert len(asks) == 1


@pytest.mark.django_db
def test_a_snapshot_builder_runs_once_when_the_notes_are_written(asks, committed):
    # given: a checkout, which Saleor deletes when it completes
    built = []

    def build():
        built.append(1)
        return f.checkout("c1", email="ann@example.com")

    recorder.open_request_scope()
    with committed():
        recorder.note_store_event("checkout_created", "c1", snapshot=build)
        recorder.note_store_event("checkout_updated", "c1", snapshot=build)
    assert built == []

    # when
    recorder.close_request_scope()

    # then
    assert built == [1]
    event = InboundEvent.objects.get()
    assert event.payload["token"] == "c1"
    assert event.announced == ["checkout_created", "checkout_updated"]


@pytest.mark.django_db
def test_a_failing_flush_never_reaches_the_store(monkeypatch, caplog, committed):
    # given
    def explode(items):
        raise RuntimeError("database gone")

    monkeypatch.setattr(recorder, "write_events", explode)
    recorder.open_request_scope()
    with committed():
        recorder.note_store_event("order_created", "order-1")

    # when / then: no exception
    recorder.close_request_scope()
    assert "could not record" in caplog.text


def test_a_hanging_broker_never_blocks_the_caller(settings, monkeypatch):
    # given: a broker that takes 5 s to refuse
    settings.SALEOR_CRM_DISPATCH = "background"
    release = threading.Event()

    def hang(*args, **kwargs):
        release.wait(5)
        raise ConnectionError("broker timed out")

    monkeypatch.setattr(process_events_task, "apply_async", hang)

    # when
    started = time.perf_counter()
    for _ in range(100):
        dispatch.request_event_processing()
    elapsed = time.perf_counter() - started

    # then
    assert elapsed < 0.05, elapsed
    release.set()
    assert dispatch.publisher.drain(timeout=10)


def test_eager_tasks_run_in_the_dispatch_thread_not_the_caller(settings, monkeypatch):
    # given: Celery in eager mode (Saleor without a broker)
    settings.SALEOR_CRM_DISPATCH = "background"
    ran_in = []

    def record_thread(*args, **kwargs):
        ran_in.append(threading.current_thread().name)

    monkeypatch.setattr(process_events_task, "apply_async", record_thread)

    # when
    dispatch.request_event_processing()

    # then
    assert dispatch.publisher.drain(timeout=10)
    assert ran_in == ["saleor-crm-dispatch"]


def test_repeated_asks_while_one_waits_are_one_message(settings, monkeypatch):
    # given: the publisher busy with a slow send
    settings.SALEOR_CRM_DISPATCH = "background"
    sent, gate = [], threading.Event()

    def slow(*args, **kwargs):
        sent.append(1)
        gate.wait(5)

    monkeypatch.setattr(process_events_task, "apply_async", slow)
    dispatch.request_event_processing()
    deadline = time.monotonic() + 5
    while not sent and time.monotonic() < deadline:
        time.sleep(0.01)

    # when: 50 more asks arrive meanwhile
    for _ in range(50):
        dispatch.request_event_processing()
    gate.set()

    # then: the one in flight, and one more for everything asked since
    assert dispatch.publisher.drain(timeout=10)
    assert len(sent) == 2
