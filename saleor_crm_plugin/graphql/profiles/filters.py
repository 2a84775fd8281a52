import graphene
from django.db.models import QuerySet

from ..core.filters import filter_range
from ..core.types import CrmDateTimeRangeInput, CrmDecimalRangeInput, CrmIntRangeInput
from .enums import CustomerLifecycleStageEnum, CustomerRfmSegmentEnum


class CustomerProfileFilterInput(graphene.InputObjectType):
    search = graphene.String(description="Matches email, name or city (case-insensitive).")
    lifecycle_stages = graphene.List(
        graphene.NonNull(CustomerLifecycleStageEnum), description="Any of these stages."
    )
    rfm_segments = graphene.List(
        graphene.NonNull(CustomerRfmSegmentEnum), description="Any of these RFM segments."
    )
    countries = graphene.List(
        graphene.NonNull(graphene.String), description="Any of these country codes."
    )
    tags = graphene.List(graphene.NonNull(graphene.String), description="Having all these tags.")
    is_guest = graphene.Boolean(description="Only guests (true) or only account holders (false).")
    orders_count = graphene.Field(CrmIntRangeInput, description="Number of orders.")
    total_spent = graphene.Field(
        CrmDecimalRangeInput,
        description=(
            "Total spent in the reporting currency. Requires MANAGE_ORDERS with access to "
            "all channels."
        ),
    )
    last_order_at = graphene.Field(CrmDateTimeRangeInput, description="Date of the last order.")

    class Meta:
        description = "Filter customer profiles; all given conditions must hold."


def filter_profiles(queryset: QuerySet, data: dict) -> QuerySet:
    if search := (data.get("search") or "").strip().lower():
        queryset = queryset.filter(search_document__contains=search)
    if stages := data.get("lifecycle_stages"):
        queryset = queryset.filter(lifecycle_stage__in=stages)
    if segments := data.get("rfm_segments"):
        queryset = queryset.filter(rfm_segment__in=segments)
    if countries := data.get("countries"):
        queryset = queryset.filter(country__in=[c.upper() for c in countries])
    if tags := data.get("tags"):
        # Erased profiles have no tags; saying so lets the (partial) tags index serve.
        queryset = queryset.filter(tags__contains=tags, erased_at__isnull=True)
    if data.get("is_guest") is not None:
        queryset = queryset.filter(user__isnull=data["is_guest"])
    queryset = filter_range(queryset, "orders_count", data.get("orders_count"))
    queryset = filter_range(queryset, "total_spent", data.get("total_spent"))
    return filter_range(queryset, "last_order_at", data.get("last_order_at"))
