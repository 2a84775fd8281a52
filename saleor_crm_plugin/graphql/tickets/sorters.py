from datetime import UTC, datetime

import graphene
from django.db.models import F, Value
from django.db.models.functions import Coalesce

from ..core.enums import CrmSortDirection
from .enums import TicketSortField

# Tickets without a resolution target sort after all others.
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


class TicketSortingInput(graphene.InputObjectType):
    direction = graphene.Field(CrmSortDirection, required=True, description="Sort direction.")
    field = graphene.Field(TicketSortField, required=True, description="Sort by.")

    class Meta:
        description = "Order of tickets."


def sort_keys(sort_by: dict | None) -> tuple[dict, list[tuple[str, bool]]]:
    """Annotations and (key, descending) pairs for the connection; newest first by default."""
    field = (sort_by or {}).get("field") or TicketSortField.CREATED_AT.value
    descending = (sort_by or {}).get("direction", "DESC") == "DESC"
    if field == TicketSortField.RESOLUTION_DUE_AT.value:
        return (
            {"sort_due": Coalesce(F("resolution_due_at"), Value(FAR_FUTURE))},
            [("sort_due", descending)],
        )
    return {}, [(field, descending)]
