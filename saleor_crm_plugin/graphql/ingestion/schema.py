import graphene

from .resolvers import resolve_crm_event_backlog
from .types import CrmEventBacklog


class IngestionQueries(graphene.ObjectType):
    crm_event_backlog = graphene.Field(
        CrmEventBacklog,
        required=True,
        description="Pending and failed store events. Requires MANAGE_USERS.",
    )

    @staticmethod
    def resolve_crm_event_backlog(root, info):
        return resolve_crm_event_backlog()
