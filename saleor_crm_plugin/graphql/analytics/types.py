from functools import partial

import graphene

from ...analytics import stats
from ...tickets import stats as ticket_stats
from ..profiles.enums import CustomerLifecycleStageEnum
from ..tickets.enums import TicketStatusEnum
from .enums import CrmStatsPeriod
from .resolvers import resolve_periods


class CrmLifecycleStageCount(graphene.ObjectType):
    stage = graphene.Field(CustomerLifecycleStageEnum, required=True, description="The stage.")
    count = graphene.Int(required=True, description="Profiles in it.")

    class Meta:
        description = "Profiles in one lifecycle stage."


class CrmRfmGridCell(graphene.ObjectType):
    recency = graphene.Int(required=True, description="Recency score, 1-5.")
    fm = graphene.Int(
        required=True, description="Frequency-monetary score, 1-5: (F + M + 1) div 2."
    )
    count = graphene.Int(required=True, description="Profiles in the cell.")

    class Meta:
        description = "Profiles in one cell of the RFM grid."


class CrmNewVsReturningPoint(graphene.ObjectType):
    period_start = graphene.DateTime(
        required=True,
        description="Start of the period (UTC midnight; Monday for weeks, the 1st for months).",
    )
    new = graphene.Int(
        required=True, description="Customers whose first sale order was in the period."
    )
    returning = graphene.Int(
        required=True,
        description="Customers with a sale order in the period and an earlier one before it.",
    )

    class Meta:
        description = "New and returning buyers in one period."


class CrmCustomerStats(graphene.ObjectType):
    total_count = graphene.Int(required=True, description="Profiles, erased ones excluded.")
    by_lifecycle_stage = graphene.List(
        graphene.NonNull(CrmLifecycleStageCount),
        required=True,
        description="Profiles per lifecycle stage; every stage is listed, with 0 when empty.",
    )
    rfm_grid = graphene.List(
        graphene.NonNull(CrmRfmGridCell),
        required=True,
        description=(
            "Scored profiles per RFM cell: recency score × frequency-monetary score (the "
            "rounded-up mean of F and M, as segments use). Empty cells are left out."
        ),
    )
    new_vs_returning = graphene.List(
        graphene.NonNull(CrmNewVsReturningPoint),
        period=graphene.Argument(
            CrmStatsPeriod,
            default_value="month",
            description="Length of one period.",
        ),
        last=graphene.Argument(
            graphene.Int,
            default_value=12,
            description="Number of periods, ending with the current one (1-36).",
        ),
        description=(
            "Per period, oldest first: customers whose first sale order fell in the period "
            "(new) and customers with a sale order in the period who had ordered before "
            "(returning). The current, partial period is the last one. Requires "
            "MANAGE_ORDERS; staff restricted to some channels see their channels' sales only."
        ),
    )

    class Meta:
        description = "Counts over all customer profiles, as of the last recompute."

    @staticmethod
    def resolve_total_count(root, info):
        return stats.live_profiles().count()

    @staticmethod
    def resolve_by_lifecycle_stage(root, info):
        return [CrmLifecycleStageCount(stage=s, count=n) for s, n in stats.by_lifecycle_stage()]

    @staticmethod
    def resolve_rfm_grid(root, info):
        return [CrmRfmGridCell(recency=r, fm=fm, count=n) for r, fm, n in stats.rfm_grid()]

    @staticmethod
    def resolve_new_vs_returning(root, info, period, last):
        # Staff restricted to some channels: the chart of their channels.
        channels = info.context.requestor.channels
        points = resolve_periods(partial(stats.new_vs_returning, channels=channels), period, last)
        return [CrmNewVsReturningPoint(period_start=s, new=n, returning=r) for s, n, r in points]


class CrmTicketStatusCount(graphene.ObjectType):
    status = graphene.Field(TicketStatusEnum, required=True, description="The status.")
    count = graphene.Int(required=True, description="Tickets in it.")

    class Meta:
        description = "Tickets in one status."


class CrmTicketVolumePoint(graphene.ObjectType):
    period_start = graphene.DateTime(required=True, description="Start of the period (UTC).")
    opened = graphene.Int(required=True, description="Tickets opened in the period.")
    solved = graphene.Int(required=True, description="Tickets solved in the period.")

    class Meta:
        description = "Ticket volume in one period."


class CrmSlaAttainmentPoint(graphene.ObjectType):
    period_start = graphene.DateTime(required=True, description="Start of the period (UTC).")
    solved = graphene.Int(
        required=True, description="Tickets solved in the period that had a resolution target."
    )
    within_target = graphene.Int(required=True, description="Those solved by their target.")
    rate = graphene.Float(description="withinTarget / solved; null when nothing was solved.")

    class Meta:
        description = "How many tickets met their resolution target in one period."


def _period_args() -> dict:
    return {
        "period": graphene.Argument(
            CrmStatsPeriod, default_value="week", description="Length of one period."
        ),
        "last": graphene.Argument(
            graphene.Int,
            default_value=12,
            description="Number of periods, ending with the current one (1-36).",
        ),
    }


class CrmTicketStats(graphene.ObjectType):
    open_count = graphene.Int(
        required=True, description="Tickets new, open, pending customer or on hold."
    )
    breached_count = graphene.Int(
        required=True, description="Those among them with a missed SLA target."
    )
    by_status = graphene.List(
        graphene.NonNull(CrmTicketStatusCount),
        required=True,
        description="Tickets per status; every status is listed.",
    )
    volume = graphene.List(
        graphene.NonNull(CrmTicketVolumePoint),
        required=True,
        description="Tickets opened and solved per period, oldest first.",
        **_period_args(),
    )
    sla_attainment = graphene.List(
        graphene.NonNull(CrmSlaAttainmentPoint),
        required=True,
        description="Share of solved tickets that met their resolution target, per period.",
        **_period_args(),
    )

    class Meta:
        description = "Help desk figures."

    @staticmethod
    def resolve_open_count(root, info):
        return ticket_stats.open_count()

    @staticmethod
    def resolve_breached_count(root, info):
        return ticket_stats.breached_count()

    @staticmethod
    def resolve_by_status(root, info):
        return [CrmTicketStatusCount(status=s, count=n) for s, n in ticket_stats.by_status()]

    @staticmethod
    def resolve_volume(root, info, period, last):
        return [
            CrmTicketVolumePoint(period_start=s, opened=o, solved=v)
            for s, o, v in resolve_periods(ticket_stats.volume, period, last)
        ]

    @staticmethod
    def resolve_sla_attainment(root, info, period, last):
        return [
            CrmSlaAttainmentPoint(period_start=s, solved=n, within_target=w, rate=r)
            for s, n, w, r in resolve_periods(ticket_stats.sla_attainment, period, last)
        ]
