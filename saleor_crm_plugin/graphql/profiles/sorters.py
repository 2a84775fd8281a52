import graphene

from ...profiles.models import last_order_sort_key
from ..core.enums import CrmSortDirection
from .enums import CustomerProfileSortField


class CustomerProfileSortingInput(graphene.InputObjectType):
    direction = graphene.Field(CrmSortDirection, required=True, description="Sort direction.")
    field = graphene.Field(CustomerProfileSortField, required=True, description="Sort by.")

    class Meta:
        description = "Order of customer profiles."


def sort_keys(sort_by: dict | None) -> tuple[dict, list[tuple[str, bool]]]:
    """Annotations and (key, descending) pairs for the connection."""
    field = (sort_by or {}).get("field") or CustomerProfileSortField.LAST_ORDER_AT.value
    descending = (sort_by or {}).get("direction", "DESC") == "DESC"
    if field == CustomerProfileSortField.LAST_ORDER_AT.value:
        return (
            {"sort_last_order_at": last_order_sort_key()},
            [("sort_last_order_at", descending)],
        )
    return {}, [(field, descending)]
