"""The CRM schema and how it is executed."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import graphene

from ..auth import Requestor
from .analytics.schema import AnalyticsQueries
from .core.errors import PermissionDenied
from .core.permissions import OPERATION_PERMISSIONS, SignedInCustomer
from .ingestion.schema import IngestionQueries
from .interactions.schema import InteractionMutations, InteractionQueries
from .profiles.schema import CustomerProfileMutations, CustomerProfileQueries
from .tickets.schema import TicketMutations, TicketQueries


class Query(
    CustomerProfileQueries,
    TicketQueries,
    InteractionQueries,
    AnalyticsQueries,
    IngestionQueries,
    graphene.ObjectType,
):
    class Meta:
        description = "CRM queries. Each lists the permission it needs."


class Mutation(
    CustomerProfileMutations, TicketMutations, InteractionMutations, graphene.ObjectType
):
    class Meta:
        description = "CRM mutations. Each returns `errors { field code message }`."


schema = graphene.Schema(query=Query, mutation=Mutation, auto_camelcase=True)


@dataclass
class CRMContext:
    """Per-request context: who is asking, plus per-request caches."""

    requestor: Requestor
    request: Any = None
    dataloaders: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def configuration(self):
        from ..configuration.services import get_configuration

        return get_configuration()


def permission_middleware(next_, root, info, **kwargs):
    """Check root fields against OPERATION_PERMISSIONS; unknown ones are refused."""
    parent = info.parent_type.name
    if parent in OPERATION_PERMISSIONS and not info.field_name.startswith("__"):
        rule = OPERATION_PERMISSIONS[parent].get(info.field_name)
        if rule is None:
            raise PermissionDenied()
        if not rule.allows(info.context.requestor):
            raise PermissionDenied(rule.describe(), customer=isinstance(rule, SignedInCustomer))
    return next_(root, info, **kwargs)


def execute(
    query: str,
    *,
    requestor: Requestor,
    variables: dict | None = None,
    operation_name: str | None = None,
    request: Any = None,
):
    return schema.execute(
        query,
        variable_values=variables or {},
        operation_name=operation_name,
        context_value=CRMContext(requestor=requestor, request=request),
        middleware=[permission_middleware],
    )
