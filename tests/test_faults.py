"""Faults: nothing lost, nothing doubled."""

import pytest

from saleor_crm_plugin.ingestion import recorder
from saleor_crm_plugin.ingestion.models import InboundEvent, InboundEventStatus
from saleor_crm_plugin.ingestion.services import process_pending_events
from saleor_crm_plugin.models import CustomerProfile, OrderFact, OrderLineFact, TimelineEvent
from saleor_crm_plugin.tasks import process_events_task, sweep_pending_events_task
from tests import factories as f


@pytest.mark.django_db(transaction=True)
def test_broker_down_during_200_checkouts_loses_nothing(settings, monkeypatch):
    # given: a broker that refuses every message
    settings.SALEOR_CRM_PENDING_EVENT_GRACE_SECONDS = 0
    refused = []

    def refuse(*args, **kwargs):
        refused.append(1)
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(process_events_task, "apply_async", refuse)

    # when: 200 store requests, each with the hooks of a paid checkout
    for n in range(200):
        recorder.open_request_scope()
        order = f.order(f"o-{n}", email=f"c{n % 40}@example.com", total="12.50")
        for event_type in ("order_created", "order_fully_paid", "order_confirmed"):
            recorder.note_store_event(event_type, order.order_id, snapshot=order)
        recorder.close_request_scope()  # never raises, whatever the broker does

    # then: every event waits in the database ...
    assert len(refused) == 200
    assert InboundEvent.objects.filter(status=InboundEventStatus.PENDING).count() == 200
    assert not OrderFact.objects.exists()

    # ... and the sweeper applies each once, when the broker is back
    outcome = sweep_pending_events_task()
    assert outcome == {"processed": 200, "failed": 0, "skipped": 0}
    assert OrderFact.objects.count() == 200
    assert sum(p.orders_count for p in CustomerProfile.objects.all()) == 200


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs."""


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(monkeypatch):
    # given: 50 orders; the worker dies after writing the facts of its batch
    for n in range(50):
        recorder.write_events(
            [
                recorder.PendingObject(
                    "order",
                    f"o-{n}",
                    f.order(f"o-{n}").created_at,
                    ["order_created"],
                    f.order(f"o-{n}", email=f"c{n % 10}@example.com"),
                )
            ]
        )
    from saleor_crm_plugin.commerce import services

    real = services.add_timeline_rows

    def die(*args, **kwargs):
        real(*args, **kwargs)
        raise WorkerKilled

    monkeypatch.setattr(services, "add_timeline_rows", die)
    with pytest.raises(WorkerKilled):
        process_pending_events()

    # then: its transaction never committed: nothing is half-written
    assert not OrderFact.objects.exists()
    assert not TimelineEvent.objects.exists()
    assert InboundEvent.objects.filter(status=InboundEventStatus.PENDING, attempts=0).count() == 50

    # when: another worker takes over
    monkeypatch.undo()
    outcome = process_pending_events()

    # then: everything once
    assert outcome["processed"] == 50
    assert OrderFact.objects.count() == 50
    assert OrderLineFact.objects.count() == 50
    assert TimelineEvent.objects.filter(type="order_placed").count() == 50
    assert sum(p.orders_count for p in CustomerProfile.objects.all()) == 50
