import graphene
from django.db.models import QuerySet

from ...auth import Requestor
from ...interactions.services import InteractionError
from ...order_access import shows_order_id
from ...profiles.models import CustomerProfile
from ..core.filters import filter_range
from ..core.mutations import decode_id
from ..core.types import CrmDateTimeRangeInput
from .enums import InteractionChannelEnum, InteractionDirectionEnum


class InteractionFilterInput(graphene.InputObjectType):
    customer = graphene.ID(description="Of this customer profile.")
    channels = graphene.List(graphene.NonNull(InteractionChannelEnum), description="Any of these.")
    direction = graphene.Field(InteractionDirectionEnum, description="Only this direction.")
    order = graphene.ID(
        description=(
            "About this order (Saleor Order ID). Requires MANAGE_ORDERS; an order of another "
            "channel than a restricted staff member's matches nothing."
        )
    )
    occurred_at = graphene.Field(CrmDateTimeRangeInput, description="When it happened.")

    class Meta:
        description = "Filter interactions; all given conditions must hold."


def filter_interactions(queryset: QuerySet, data: dict, requestor: Requestor) -> QuerySet:
    """Interactions matching ``data``; none when an ID in it is not one."""
    try:
        if data.get("customer"):
            queryset = queryset.filter(
                profile_id=decode_id(
                    data["customer"],
                    "CustomerProfile",
                    "customer",
                    InteractionError,
                    CustomerProfile,
                )
            )
        if data.get("order"):
            order_id = decode_id(data["order"], "Order", "order", InteractionError)
            if not shows_order_id(requestor, order_id):
                return queryset.none()
            queryset = queryset.filter(order_id=order_id)
    except InteractionError:
        queryset = queryset.none()
    if data.get("channels"):
        queryset = queryset.filter(channel__in=data["channels"])
    if data.get("direction"):
        queryset = queryset.filter(direction=data["direction"])
    return filter_range(queryset, "occurred_at", data.get("occurred_at"))
