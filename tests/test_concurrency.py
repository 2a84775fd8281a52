"""Several workers at once: no collisions, no deadlocks, exact figures.

Real threads with their own database connections, as Celery worker
processes have; batches kept small so that the workers interleave.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from saleor_crm_plugin.ingestion.models import InboundEvent, InboundEventStatus
from saleor_crm_plugin.ingestion.services import process_pending_events, record_event
from saleor_crm_plugin.marketing.models import Offer, OfferCode
from saleor_crm_plugin.marketing.offers import LocalOffersBackend, OfferSpec, issue_offer_codes
from saleor_crm_plugin.models import CustomerProfile, OrderFact
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def run_workers(count: int) -> list[dict]:
    results, errors = [], []

    def work():
        try:
            results.append(process_pending_events())
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_hundred_orders_of_one_customer_over_four_workers_give_exact_figures(settings):
    # given
    settings.SALEOR_CRM_BATCH_SIZE = 7
    for n in range(100):
        record_event(
            "order_created",
            f.order(f"o-{n}", email="ann@example.com", total=f"{n + 1}.10"),
            dispatch=False,
        )

    # when
    results = run_workers(4)

    # then
    assert sum(r["processed"] for r in results) == 100
    assert sum(r["failed"] for r in results) == 0
    assert not InboundEvent.objects.exclude(status=InboundEventStatus.PROCESSED).exists()
    profile = CustomerProfile.objects.get()
    assert profile.orders_count == 100
    assert profile.total_spent == sum(Decimal(f"{n + 1}.10") for n in range(100))
    assert OrderFact.objects.count() == 100


def test_sibling_events_of_one_order_on_different_workers_never_collide(settings):
    # given: the five events of one paid checkout, each its own row, and
    # many new customers at once (profiles created concurrently)
    settings.SALEOR_CRM_BATCH_SIZE = 1
    order = f.order("o-1", email="new@example.com", total="30.00")
    for event_type in ("order_created", "order_updated", "order_paid", "order_fully_paid"):
        record_event(event_type, order, dispatch=False)
    for n in range(20):
        record_event(
            "order_created", f.order(f"o-x{n}", email=f"c{n % 5}@example.com"), dispatch=False
        )

    # when
    results = run_workers(4)

    # then: nobody hit a unique violation or a deadlock (no retries needed)
    assert sum(r["failed"] for r in results) == 0
    assert InboundEvent.objects.filter(attempts__gt=1).count() == 0
    assert CustomerProfile.objects.count() == 6
    assert CustomerProfile.objects.get(email="new@example.com").orders_count == 1


def test_worker_leaves_events_another_batch_holds_and_takes_them_afterwards(settings):
    # given: another worker's open batch holds the identity ann@example.com
    from saleor_crm_plugin.ingestion import batch

    record_event("order_created", f.order("o-ann", email="ann@example.com"), dispatch=False)
    record_event("order_created", f.order("o-bob", email="bob@example.com"), dispatch=False)
    holding, release, done = threading.Event(), threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s)", [batch._lock_key("email:ann@example.com")]
                )
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert holding.wait(timeout=30)

    # when: a worker processes a batch meanwhile
    started = time.perf_counter()
    outcome = batch.process_batch(10)
    elapsed = time.perf_counter() - started

    # then: it did not wait; Bob's order is applied, Ann's left pending as it was
    assert (outcome.processed, outcome.deferred, outcome.failed) == (1, 1, 0)
    assert elapsed < 5
    ann = InboundEvent.objects.get(object_id="o-ann")
    assert (ann.status, ann.attempts, ann.last_error) == (InboundEventStatus.PENDING, 0, "")
    assert list(CustomerProfile.objects.values_list("email", flat=True)) == ["bob@example.com"]

    # when: the other batch commits, and the worker runs again
    release.set()
    thread.join(timeout=30)
    assert done.is_set()
    result = process_pending_events()

    # then: Ann's order is applied once
    assert result["processed"] == 1
    assert CustomerProfile.objects.get(email="ann@example.com").orders_count == 1
    assert not InboundEvent.objects.exclude(status=InboundEventStatus.PROCESSED).exists()


def test_worker_whose_whole_batch_is_held_waits_for_it_instead_of_giving_up():
    # given: another worker's open batch holds the only pending event's order
    from saleor_crm_plugin.ingestion import batch

    record_event("order_created", f.order("o-1", email="ann@example.com"), dispatch=False)
    holding = threading.Event()

    def other_worker():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [batch._lock_key("order:o-1")])
                holding.set()
                time.sleep(0.5)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert holding.wait(timeout=30)

    # when: the sweeper runs while it is held
    result = process_pending_events()
    thread.join(timeout=30)

    # then: it waited for the other batch to commit, then applied the event
    assert result["processed"] == 1
    assert CustomerProfile.objects.get(email="ann@example.com").orders_count == 1


class SlowOffersBackend(LocalOffersBackend):
    """The local backend, slow to create an offer: both workers are inside
    the window where the offer does not exist yet.
    """

    def create_offer(self, offer):
        time.sleep(0.3)
        return super().create_offer(offer)


def test_two_workers_issuing_one_key_at_once_make_one_offer_and_no_duplicate_codes():
    # given: two workers (a campaign send resumed while the first still runs)
    # with overlapping recipients
    spec = OfferSpec(discount_type="PERCENTAGE", value=Decimal(10), valid_days=7, channel="eu")
    recipients = [[f"p{n}" for n in range(60)], [f"p{n}" for n in range(30, 90)]]
    start = threading.Barrier(2)
    issued, errors = [], []

    def work(keys):
        try:
            start.wait(timeout=30)
            issued.append(
                issue_offer_codes(
                    "campaign:race", spec, keys, name="Race", backend=SlowOffersBackend()
                )
            )
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(keys,)) for keys in recipients]

    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then: one offer, one code per recipient, and both workers gave the
    # shared recipients the same codes
    assert not errors, errors
    assert Offer.objects.filter(key="campaign:race").count() == 1
    codes = list(OfferCode.objects.values_list("recipient_key", "code"))
    assert len(codes) == 90
    assert len({code for _, code in codes}) == 90
    first, second = issued
    assert all(first[key] == second[key] for key in set(first) & set(second))
    assert {key: issued_code.code for result in issued for key, issued_code in result.items()} == (
        dict(codes)
    )
