"""Refunds from a ticket are safe to retry and never lost: the request is
recorded and committed before the store is asked, the store is asked
outside the CRM's transaction, and the outcome is recorded after; a request
asked again (a double click, a retried HTTP request) refunds once.

The store is a fake order-actions backend (``SALEOR_CRM_ORDER_ACTIONS``):
what Saleor does is the Saleor tier's (``tests/saleor_tier/test_saleor_offers.py``).
"""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from graphql_relay import to_global_id

from saleor_crm_plugin.auth import CRMPermission, Requestor, RequestorKind
from saleor_crm_plugin.commerce import order_actions as commerce_actions
from saleor_crm_plugin.commerce.order_actions import OrderActionError, Refund
from saleor_crm_plugin.graphql.schema import execute
from saleor_crm_plugin.profiles.models import TimelineEvent, TimelineEventType
from saleor_crm_plugin.tickets import order_actions
from saleor_crm_plugin.tickets import services as desk
from saleor_crm_plugin.tickets.models import TicketMessage, TicketRefund, TicketRefundStatus
from tests import factories as f
from tests.factories import ingest

pytestmark = pytest.mark.django_db(transaction=True)

STAFF = Requestor(
    kind=RequestorKind.STAFF,
    user_id="3",
    email="sam@shop.example",
    permissions=frozenset({CRMPermission.MANAGE_USERS, CRMPermission.MANAGE_ORDERS}),
)

REFUND = """
mutation ($id: ID!, $input: TicketRefundInput!) {
  ticketRefundOrder(id: $id, input: $input) {
    refund { status storeStatus storeErrors { field code message } reference kind }
    ticket { refunds { status amount { amount currency } } }
    errors { field code message }
  }
}
"""


class FakeStore:
    """The store: answers with ``outcome`` and records what it was asked;
    ``during`` runs while it is being asked (to look at the CRM's tables
    from another connection).
    """

    available = True
    calls: list = []
    outcome: object = "success"
    during = None

    def refund(self, order_id, amount, reason, requestor):
        FakeStore.calls.append((order_id, amount, reason))
        if FakeStore.during:
            FakeStore.during()
        if isinstance(FakeStore.outcome, Exception):
            raise FakeStore.outcome
        return Refund(
            reference=f"R{len(FakeStore.calls)}",
            status=FakeStore.outcome,
            amount=amount,
            currency="USD",
            kind="payment",
        )


@pytest.fixture
def store(settings):
    settings.SALEOR_CRM_ORDER_ACTIONS = "tests.test_ticket_refunds.FakeStore"
    commerce_actions._actions_class.cache_clear()
    FakeStore.calls, FakeStore.outcome, FakeStore.during = [], "success", None
    yield FakeStore
    commerce_actions._actions_class.cache_clear()


@pytest.fixture
def ticket(db):
    ingest("order_created", f.order("o-ann", email="ann@example.com", total="80.00"))
    opened = desk.open_ticket(
        desk.NewTicket(subject="Broken grinder", body="It rattles.", email="ann@example.com"),
        desk.Author(kind="staff", name="Sam"),
    )
    return desk.link_order(opened, "o-ann")


def refund(ticket, amount="12.50", **extra):
    result = execute(
        REFUND,
        requestor=STAFF,
        variables={
            "id": to_global_id("Ticket", ticket.pk),
            "input": {"amount": amount, "reason": "Late", **extra},
        },
    )
    assert result.errors is None, result.errors
    return result.data["ticketRefundOrder"]


def test_request_is_committed_before_the_store_is_asked(ticket, store):
    # given: while the store is asked, another connection looks at the CRM
    seen = []

    def look():
        def other_connection():
            from django.db import connections

            try:
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT status FROM saleor_crm_ticketrefund")
                    seen.extend(row[0] for row in cursor.fetchall())
            finally:
                connections["default"].close()

        import threading

        thread = threading.Thread(target=other_connection)
        thread.start()
        thread.join(timeout=30)
        # and this connection is in no transaction: the store commits its own work
        seen.append(connection.in_atomic_block)

    store.during = look

    # when
    data = refund(ticket)

    # then
    assert seen == ["requested", False]
    assert data["errors"] == []
    assert data["refund"]["status"] == "STARTED"
    assert data["refund"]["storeStatus"] == "success"
    row = TicketRefund.objects.get()
    assert (row.status, row.store_status, row.reference) == ("started", "success", "R1")
    assert TimelineEvent.objects.filter(type=TimelineEventType.REFUND_STARTED).count() == 1


def test_the_same_request_again_refunds_once(ticket, store):
    # given
    first = refund(ticket, idempotencyKey="form-1")

    # when: a double click, a retried request
    second = refund(ticket, idempotencyKey="form-1")

    # then
    assert len(store.calls) == 1
    assert first["refund"] == second["refund"]
    assert second["errors"] == []
    assert TicketRefund.objects.count() == 1
    assert TimelineEvent.objects.filter(type=TimelineEventType.REFUND_STARTED).count() == 1


def test_without_a_key_the_same_refund_is_one_refund(ticket, store):
    refund(ticket)
    refund(ticket, amount="12.5")
    assert len(store.calls) == 1
    # Another amount (or reason, or a key) is another refund.
    refund(ticket, amount="5")
    assert len(store.calls) == 2
    assert TicketRefund.objects.count() == 2


def test_a_key_naming_another_refund_is_a_conflict(ticket, store):
    refund(ticket, idempotencyKey="form-1")
    data = refund(ticket, amount="3", idempotencyKey="form-1")
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("idempotencyKey", "CONFLICT")]
    assert len(store.calls) == 1


@pytest.mark.parametrize("key", ["", "   ", "k" * 256])
def test_a_bad_key_is_refused_before_anything_is_written(ticket, store, key):
    data = refund(ticket, idempotencyKey=key)
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("idempotencyKey", "INVALID")]
    assert not TicketRefund.objects.exists()
    assert store.calls == []


def test_refused_by_the_store_is_recorded_failed_with_its_errors(ticket, store):
    # given
    store.outcome = OrderActionError(
        "amount",
        "Saleor refused the refund: Amount too high.",
        "cannot_refund",
        store_errors=[
            {"field": "amount", "code": "AMOUNT_TOO_HIGH", "message": "Amount too high."}
        ],
    )

    # when
    data = refund(ticket)

    # then: the typed error on its field, and the record with Saleor's errors
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("amount", "CANNOT_REFUND")]
    assert data["refund"]["status"] == "FAILED"
    assert data["refund"]["storeErrors"] == [
        {"field": "amount", "code": "AMOUNT_TOO_HIGH", "message": "Amount too high."}
    ]
    assert data["ticket"]["refunds"] == [
        {"status": "FAILED", "amount": {"amount": 12.5, "currency": "USD"}}
    ]
    assert not TimelineEvent.objects.filter(type=TimelineEventType.REFUND_STARTED).exists()
    assert TicketMessage.objects.filter(body__contains="failed").count() == 1

    # when: asked again once the store would accept it
    store.outcome = "success"
    again = refund(ticket)

    # then: the failed request is retried, on the same record
    assert again["errors"] == []
    assert again["refund"]["status"] == "STARTED"
    assert len(store.calls) == 2
    assert TicketRefund.objects.get().store_errors == []


def test_a_store_answer_that_cannot_be_recorded_keeps_the_request(ticket, store, monkeypatch):
    # given: the store refunds, then writing the outcome fails
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(order_actions, "_mark_started", broken)

    # when
    data = refund(ticket, idempotencyKey="form-1")

    # then: the request is kept (committed), and says its outcome is unknown
    assert [(e["field"], e["code"]) for e in data["errors"]] == [(None, "IN_PROGRESS")]
    assert "R1" in data["errors"][0]["message"]
    row = TicketRefund.objects.get()
    assert row.status == TicketRefundStatus.REQUESTED
    assert len(store.calls) == 1

    # when: asked again with the same key (or derived again)
    monkeypatch.undo()
    again = refund(ticket, idempotencyKey="form-1")

    # then: never a second refund
    assert [e["code"] for e in again["errors"]] == ["IN_PROGRESS"]
    assert len(store.calls) == 1


def test_a_store_that_fails_unexpectedly_leaves_the_request_unknown(ticket, store):
    store.outcome = ConnectionResetError("gateway hung up")
    data = refund(ticket)
    assert [(e["field"], e["code"]) for e in data["errors"]] == [(None, "IN_PROGRESS")]
    assert data["refund"] is None
    assert TicketRefund.objects.get().status == TicketRefundStatus.REQUESTED
    # Whether money moved is unknown: the same request is not sent again.
    refund(ticket)
    assert len(store.calls) == 1


def test_refused_before_the_store_writes_nothing(ticket, store):
    data = refund(ticket, amount="80.01")
    assert data["errors"][0]["field"] == "amount"
    assert not TicketRefund.objects.exists()
    assert store.calls == []


def test_refund_also_works_inside_a_callers_transaction(ticket, store):
    # A caller inside a transaction (a script, a task) gets the same steps,
    # as savepoints: the outcome is recorded when its transaction commits.
    with transaction.atomic():
        row = order_actions.refund_order(
            ticket, "1", "Late", desk.Author(kind="staff", name="Sam"), STAFF
        )
    assert TicketRefund.objects.get(pk=row.pk).status == TicketRefundStatus.STARTED
    assert Decimal(str(store.calls[0][1])) == 1


# --- the store's refund reasons (Saleor 3.22+ may require one of staff) --------

REASONS = "{ ticketRefundReasons { required reasons { id title } } }"


class StoreWithReasons(FakeStore):
    """A store whose settings name refund reasons, required of staff."""

    def refund_reasons(self, requestor=None):
        return commerce_actions.RefundReasons(
            required=requestor is None or requestor.kind == RequestorKind.STAFF,
            reasons=(
                commerce_actions.RefundReason("UGFnZTo3", "Damaged item"),
                commerce_actions.RefundReason("UGFnZTo4", "Package lost"),
            ),
        )

    def refund(self, order_id, amount, reason, requestor, reason_reference=None):
        StoreWithReasons.references.append(reason_reference)
        return super().refund(order_id, amount, reason, requestor)


@pytest.fixture
def store_with_reasons(store, settings):
    settings.SALEOR_CRM_ORDER_ACTIONS = "tests.test_ticket_refunds.StoreWithReasons"
    commerce_actions._actions_class.cache_clear()
    StoreWithReasons.references = []
    return StoreWithReasons


def test_the_stores_refund_reasons_are_listed_for_staff(store_with_reasons):
    result = execute(REASONS, requestor=STAFF)
    assert result.errors is None
    assert result.data["ticketRefundReasons"] == {
        "required": True,
        "reasons": [
            {"id": "UGFnZTo3", "title": "Damaged item"},
            {"id": "UGFnZTo4", "title": "Package lost"},
        ],
    }


def test_without_a_store_there_are_no_reasons_and_none_is_required(db):
    result = execute(REASONS, requestor=STAFF)
    assert result.data["ticketRefundReasons"] == {"required": False, "reasons": []}


@pytest.mark.parametrize(
    ("reference", "code"), [(None, "REQUIRED"), ("", "REQUIRED"), ("UGFnZTo5", "INVALID")]
)
def test_a_refund_without_one_of_the_required_reasons_is_refused_and_not_recorded(
    ticket, store_with_reasons, reference, code
):
    extra = {} if reference is None else {"reasonReference": reference}
    data = refund(ticket, **extra)
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("reasonReference", code)]
    assert data["refund"] is None
    assert not TicketRefund.objects.exists()
    assert store_with_reasons.calls == []


def test_the_chosen_reason_goes_to_the_store_and_is_kept_on_the_refund(ticket, store_with_reasons):
    data = refund(ticket, reasonReference="UGFnZTo4")
    assert data["errors"] == []
    assert store_with_reasons.references == ["UGFnZTo4"]
    row = TicketRefund.objects.get()
    assert (row.reason_reference, row.reason_title) == ("UGFnZTo4", "Package lost")
    note = TicketMessage.objects.filter(ticket=ticket).order_by("-created_at", "-id").first()
    assert "Reason: Package lost. Note: Late" in note.body
    result = execute(
        "query ($id: ID!) { ticket(id: $id) { refunds { reasonReference reasonTitle } } }",
        requestor=STAFF,
        variables={"id": to_global_id("Ticket", ticket.pk)},
    )
    assert result.data["ticket"]["refunds"] == [
        {"reasonReference": "UGFnZTo4", "reasonTitle": "Package lost"}
    ]


def test_a_store_without_reasons_is_asked_as_before(ticket, store):
    # FakeStore's refund takes no reason reference, and offers no reasons
    data = refund(ticket)
    assert data["errors"] == []
    assert store.calls == [("o-ann", Decimal("12.50"), "Late")]
    assert TicketRefund.objects.get().reason_reference == ""
