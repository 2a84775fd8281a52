"""What the help desk may ask the store to do with an order: refunds.

The core never moves money itself: a backend (:class:`OrderActions`) chosen
by the ``SALEOR_CRM_ORDER_ACTIONS`` setting asks the store. In Saleor it is
the adapter's (:mod:`saleor_crm_plugin.saleor.order_actions`), which runs
Saleor's own refund operation with Saleor's permission for it
(``MANAGE_ORDERS``). Outside Saleor there is no store: every refund is
refused with ``unavailable`` (:class:`NoOrderActions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Protocol

from django.utils.module_loading import import_string

from ..auth import Requestor
from ..conf import crm_setting
from ..errors import CRMError
from ..tickets.error_codes import TicketErrorCode

UNAVAILABLE = "Refunds need Saleor: the CRM runs without a store here."


class OrderActionError(CRMError):
    """The store refused an order action; ``field`` is the action's input
    field it is about (``amount``, ``order``) or None; ``store_errors`` are
    the store's own errors (``{field, code, message}``), when it gave any.
    """

    code_enum = TicketErrorCode

    def __init__(
        self,
        field: str | None,
        message: str,
        code: TicketErrorCode | str = "invalid",
        store_errors: list[dict] | None = None,
    ) -> None:
        super().__init__(field, message, code)
        self.store_errors = store_errors or []


@dataclass(frozen=True)
class Refund:
    """A refund the store started: its own reference (Saleor: the granted
    refund's or the payment transaction's global ID), status as the store
    reports it (``success``, ``pending``, ``failure``), and how (``transaction``
    for Saleor's transactions API, ``payment`` for the older payments).
    """

    reference: str
    status: str
    amount: Decimal
    currency: str
    kind: str


@dataclass(frozen=True)
class RefundReason:
    """A reason the store offers for refunds (Saleor: a page of the refund
    reason type its settings name), by the store's global ID.
    """

    id: str
    title: str


@dataclass(frozen=True)
class RefundReasons:
    """The store's refund reasons, and whether staff must pick one (Saleor
    3.22+: a refund reason reference type is set in the store's settings).
    """

    required: bool
    reasons: tuple[RefundReason, ...] = ()


NO_REASONS = RefundReasons(required=False)


class OrderActions(Protocol):
    # False: the host has no store, every action is refused with
    # ``unavailable`` (checked before anything is recorded).
    available: bool

    def refund(
        self,
        order_id: str,
        amount: Decimal,
        reason: str,
        requestor: Requestor,
        reason_reference: str | None = None,
    ) -> Refund:
        """Start a refund of ``amount`` of order ``order_id`` in the store,
        as ``requestor``, with one of :meth:`refund_reasons` when given;
        :class:`OrderActionError` when the store refuses (nothing was
        refunded). Runs outside the CRM's transaction: the store commits its
        own work.
        """
        ...

    def refund_reasons(self, requestor: Requestor | None = None) -> RefundReasons:
        """The reasons the store offers for refunds, and whether
        ``requestor`` must give one (optional: a backend without it offers
        none and requires none).
        """
        ...


class NoOrderActions:
    """The standalone host: there is no store to refund through."""

    available = False

    def refund(
        self,
        order_id: str,
        amount: Decimal,
        reason: str,
        requestor: Requestor,
        reason_reference: str | None = None,
    ) -> Refund:
        raise OrderActionError(None, UNAVAILABLE, TicketErrorCode.UNAVAILABLE)

    def refund_reasons(self, requestor: Requestor | None = None) -> RefundReasons:
        return NO_REASONS


@cache
def _actions_class() -> type:
    path = crm_setting("SALEOR_CRM_ORDER_ACTIONS")
    if path is None:
        from ..hosting import running_in_saleor

        path = (
            "saleor_crm_plugin.saleor.order_actions.SaleorOrderActions"
            if running_in_saleor()
            else "saleor_crm_plugin.commerce.order_actions.NoOrderActions"
        )
    return import_string(path)


def order_actions() -> OrderActions:
    return _actions_class()()


def refund_reasons(
    requestor: Requestor | None = None, actions: OrderActions | None = None
) -> RefundReasons:
    """The backend's refund reasons for ``requestor``; none (and none
    required) for a backend that does not offer them.
    """
    actions = actions or order_actions()
    read = getattr(actions, "refund_reasons", None)
    return read(requestor) if read is not None else NO_REASONS
