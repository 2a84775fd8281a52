"""Saleor adapter: the help desk's refunds through Saleor's own operations.

The CRM runs the very mutations Saleor's Dashboard uses for the order's
kind of payment, as the staff member (or app) asking, with Saleor's
permission and channel checks:

- orders paid through the transactions API: ``orderGrantRefundCreate`` for
  the transaction, then ``transactionRequestRefundForGrantedRefund``, which
  asks the payment app to refund (Saleor requires ``MANAGE_ORDERS`` and
  ``HANDLE_PAYMENTS``);
- orders paid with the older payments: ``orderRefund`` (``MANAGE_ORDERS``).

Saleor 3.22+ may require a refund reason of staff: when the store's
settings name a refund reason reference type, a granted refund a staff
member asks for needs one of that type's pages (``reasonReference``).
:meth:`SaleorOrderActions.refund_reasons` offers them.

Nothing of those operations is repeated here: their ``perform_mutation`` is
called with a Saleor request context for the requestor, and their
``ValidationError``/``PermissionDenied`` become the CRM's typed errors (with
Saleor's own errors kept in ``store_errors``). The CRM calls this outside its
own transaction (it records the request first, see
:mod:`saleor_crm_plugin.tickets.order_actions`); Saleor's steps run in a
transaction of their own, so a refused request leaves no granted refund
behind.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.contrib.sites.models import Site
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.utils import timezone
from graphene.utils.str_converters import to_camel_case
from graphql_relay import to_global_id
from saleor.account.models import User
from saleor.app.models import App
from saleor.core.exceptions import PermissionDenied
from saleor.graphql.api import schema
from saleor.graphql.core.context import SaleorContext
from saleor.graphql.order.mutations.order_grant_refund_create import OrderGrantRefundCreate
from saleor.graphql.order.mutations.order_refund import OrderRefund
from saleor.graphql.payment.mutations.transaction.transaction_request_refund_for_granted_refund import (  # noqa: E501
    TransactionRequestRefundForGrantedRefund,
)
from saleor.order.models import Order
from saleor.page.models import Page

from ..auth import Requestor, RequestorKind
from ..commerce.order_actions import (
    NO_REASONS,
    OrderActionError,
    Refund,
    RefundReason,
    RefundReasons,
)
from ..tickets.error_codes import TicketErrorCode


def _info(requestor: Requestor) -> SimpleNamespace:
    """What Saleor's mutations read of a GraphQL resolve info: a request
    context with the user or app asking, and the schema.
    """
    context = SaleorContext()
    context.dataloaders = {}
    context.allow_replica = False
    context.request_time = timezone.now()
    context.decoded_auth_token = None
    context.user = None
    context.app = None
    if requestor.kind == RequestorKind.APP and requestor.app_id:
        context.app = App.objects.filter(pk=requestor.app_id, is_active=True).first()
    elif requestor.kind == RequestorKind.STAFF and requestor.user_id:
        context.user = User.objects.filter(
            pk=requestor.user_id, is_active=True, is_staff=True
        ).first()
    if context.user is None and context.app is None:
        raise OrderActionError(
            None, "Saleor does not know who is asking.", TicketErrorCode.PERMISSION_DENIED
        )
    context.requestor = context.app or context.user
    return SimpleNamespace(context=context, schema=schema, field_name="")


def _permitted(info, *mutations) -> None:
    for mutation in mutations:
        if not mutation.check_permissions(info.context):
            needed = ", ".join(p.name for p in mutation._meta.permissions)
            raise OrderActionError(
                None,
                f"Saleor refuses this refund: it needs {needed}.",
                TicketErrorCode.PERMISSION_DENIED,
            )


def _store_errors(error: ValidationError) -> list[dict]:
    """Saleor's errors as ``{field, code, message}``, camel-cased fields as
    its API gives them.
    """
    if hasattr(error, "error_dict"):
        items = [(field, item) for field, errors in error.error_dict.items() for item in errors]
    else:
        items = [(None, item) for item in error.error_list]
    return [
        {
            "field": to_camel_case(field) if field and field != NON_FIELD_ERRORS else None,
            "code": str(getattr(item.code, "value", item.code) or "invalid").upper(),
            "message": " ".join(item.messages),
        }
        for field, item in items
    ]


def _error(error: ValidationError) -> OrderActionError:
    errors = _store_errors(error)
    first = errors[0] if errors else {"field": None, "message": str(error)}
    return OrderActionError(
        "amount" if first["field"] == "amount" else None,
        f"Saleor refused the refund: {first['message']}",
        TicketErrorCode.CANNOT_REFUND,
        store_errors=errors,
    )


# Refund reasons offered at most (a store keeps a handful).
MAX_REASONS = 100


class SaleorOrderActions:
    available = True

    def refund_reasons(self, requestor: Requestor | None = None) -> RefundReasons:
        """The pages of the store's refund reason reference type (Saleor
        3.22+, site settings), by title; required of staff, as Saleor's
        ``orderGrantRefundCreate`` requires it of users and not of apps.
        """
        site_settings = Site.objects.get_current().settings
        type_id = getattr(site_settings, "refund_reason_reference_type_id", None)
        if type_id is None:
            return NO_REASONS
        pages = Page.objects.filter(page_type_id=type_id).order_by("title", "pk")[:MAX_REASONS]
        return RefundReasons(
            required=requestor is None or requestor.kind == RequestorKind.STAFF,
            reasons=tuple(
                RefundReason(to_global_id("Page", page.pk), page.title) for page in pages
            ),
        )

    def refund(
        self,
        order_id: str,
        amount: Decimal,
        reason: str,
        requestor: Requestor,
        reason_reference: str | None = None,
    ) -> Refund:
        order = Order.objects.filter(pk=order_id).first()
        if order is None:
            raise OrderActionError("id", "Saleor has no such order.", TicketErrorCode.NOT_FOUND)
        info = _info(requestor)
        order_gid = to_global_id("Order", order.pk)
        try:
            transaction_item = (
                order.payment_transactions.filter(charged_value__gte=amount)
                .order_by("-created_at")
                .first()
            )
            if transaction_item is None and order.payment_transactions.exists():
                raise OrderActionError(
                    "amount",
                    "No payment transaction of the order was charged this much.",
                    TicketErrorCode.CANNOT_REFUND,
                )
            if transaction_item is not None:
                _permitted(info, OrderGrantRefundCreate, TransactionRequestRefundForGrantedRefund)
                with transaction.atomic():
                    granted = OrderGrantRefundCreate.perform_mutation(
                        None,
                        info,
                        id=order_gid,
                        input={
                            "amount": amount,
                            "reason": reason,
                            "transaction_id": to_global_id(
                                "TransactionItem", transaction_item.token
                            ),
                            **({"reason_reference": reason_reference} if reason_reference else {}),
                        },
                    ).granted_refund.node
                    TransactionRequestRefundForGrantedRefund.perform_mutation(
                        None,
                        info,
                        granted_refund_id=to_global_id("OrderGrantedRefund", granted.pk),
                        id=to_global_id("TransactionItem", transaction_item.token),
                    )
                granted.refresh_from_db()
                return Refund(
                    reference=to_global_id("OrderGrantedRefund", granted.pk),
                    status=granted.status,
                    amount=granted.amount_value,
                    currency=granted.currency,
                    kind="transaction",
                )
            _permitted(info, OrderRefund)
            with transaction.atomic():
                OrderRefund.perform_mutation(None, info, amount=amount, id=order_gid)
            payment = order.get_last_payment()
            return Refund(
                reference=to_global_id("Payment", payment.pk) if payment else "",
                status="success",
                amount=amount,
                currency=order.currency,
                kind="payment",
            )
        except ValidationError as error:
            raise _error(error) from None
        except (PermissionDenied, DjangoPermissionDenied) as error:
            raise OrderActionError(
                None,
                f"Saleor refuses this refund: {error}",
                TicketErrorCode.PERMISSION_DENIED,
                store_errors=[{"field": None, "code": "PERMISSION_DENIED", "message": str(error)}],
            ) from None
