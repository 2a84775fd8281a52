import graphene
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from ...auth import Requestor
from ...order_access import shows_order_id
from ...profiles.models import CustomerProfile
from ...tickets import services as desk
from ..core.mutations import decode_id
from ..interactions.enums import InteractionChannelEnum
from .enums import TicketPriorityEnum, TicketStatusEnum


class TicketFilterInput(graphene.InputObjectType):
    search = graphene.String(description="Matches subject, number or the customer's email.")
    statuses = graphene.List(graphene.NonNull(TicketStatusEnum), description="Any of these.")
    priorities = graphene.List(graphene.NonNull(TicketPriorityEnum), description="Any of these.")
    channels = graphene.List(graphene.NonNull(InteractionChannelEnum), description="Any of these.")
    assignee = graphene.ID(description="Assigned to this staff member (Saleor User ID).")
    unassigned = graphene.Boolean(
        description="True: only tickets nobody is assigned to; false: only assigned ones."
    )
    customer = graphene.ID(description="Of this customer profile.")
    order = graphene.ID(
        description=(
            "About this order (Saleor Order ID). Requires MANAGE_ORDERS; an order of another "
            "channel than a restricted staff member's matches nothing."
        )
    )
    tags = graphene.List(graphene.NonNull(graphene.String), description="Having all these tags.")
    breached = graphene.Boolean(description="True: an SLA target was missed; false: none was.")
    due_soon = graphene.Boolean(
        description="True: an SLA target falls within the next two hours; false: none does."
    )
    is_verified = graphene.Boolean(
        description=(
            "True: only tickets whose requester proved their email; false: only unverified ones."
        )
    )

    class Meta:
        description = "Filter tickets; all given conditions must hold."


def filter_tickets(queryset: QuerySet, data: dict, requestor: Requestor) -> QuerySet:
    """Tickets matching ``data``; TicketError when an ID in it is not one."""
    if search := (data.get("search") or "").strip():
        condition = Q(subject__icontains=search) | Q(requester_email__icontains=search)
        if search.lstrip("#").isdigit():
            condition |= Q(number=int(search.lstrip("#")))
        queryset = queryset.filter(condition)
    for key, column in (
        ("statuses", "status"),
        ("priorities", "priority"),
        ("channels", "channel"),
    ):
        if values := data.get(key):
            queryset = queryset.filter(**{f"{column}__in": values})
    if data.get("assignee"):
        queryset = queryset.filter(
            assignee_id=decode_id(
                data["assignee"], "User", "assignee", desk.TicketError, get_user_model()
            )
        )
    # ``false`` is a condition too (the other half), unlike an omitted or null one.
    if data.get("unassigned") is not None:
        queryset = queryset.filter(assignee__isnull=data["unassigned"])
    if data.get("customer"):
        queryset = queryset.filter(
            profile_id=decode_id(
                data["customer"], "CustomerProfile", "customer", desk.TicketError, CustomerProfile
            )
        )
    if data.get("order"):
        order_id = decode_id(data["order"], "Order", "order", desk.TicketError)
        if not shows_order_id(requestor, order_id):
            return queryset.none()
        queryset = queryset.filter(order_id=order_id)
    if tags := data.get("tags"):
        queryset = queryset.filter(tags__contains=tags)
    if data.get("breached") is not None:
        missed = desk.missed_target()
        queryset = queryset.filter(missed) if data["breached"] else queryset.exclude(missed)
    if data.get("due_soon") is not None:
        soon = desk.due_soon()
        queryset = queryset.filter(soon) if data["due_soon"] else queryset.exclude(soon)
    if data.get("is_verified") is not None:
        queryset = queryset.filter(verified_at__isnull=not data["is_verified"])
    return queryset
