import graphene

from .types import CrmCustomerStats, CrmTicketStats


class AnalyticsQueries(graphene.ObjectType):
    crm_customer_stats = graphene.Field(
        CrmCustomerStats,
        required=True,
        description="Aggregates over all customer profiles, for charts. Requires MANAGE_USERS.",
    )

    crm_ticket_stats = graphene.Field(
        CrmTicketStats,
        required=True,
        description="Help desk figures for charts. Requires MANAGE_USERS.",
    )

    @staticmethod
    def resolve_crm_customer_stats(root, info):
        return CrmCustomerStats()

    @staticmethod
    def resolve_crm_ticket_stats(root, info):
        return CrmTicketStats()
