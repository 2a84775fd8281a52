"""What ``crm_export`` writes: one entry per exported table, with the SQL
condition that selects the rows changed since a lower bound.

Tables with ``updated_at`` are selected by it. Append-only tables (timeline,
ticket messages, interactions, the consent ledger) by ``created_at``; order
lines, which have no timestamp, with their order (they are only rewritten
when the order's fact is saved). Campaign recipients have no change column:
they are selected by the latest of their event times or their campaign's
``updated_at``.

Erasure blanks some rows with a bulk UPDATE that moves no timestamp (an
order's email, a ticket's messages, the timeline's data): every table that
keeps a person's rows also selects the rows of profiles erased, or touched
after their erasure, since the bound, so the warehouse gets the blanked copy.
Deleted rows (a merged profile's) are not exported: a full export reconciles.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.db import models

from ..commerce.models import OrderFact, OrderLineFact
from ..interactions.models import Interaction
from ..marketing.models import (
    Campaign,
    CampaignRecipient,
    MarketingConsent,
    MarketingConsentChange,
)
from ..profiles.models import CustomerProfile, ErasedIdentity, TimelineEvent
from ..tickets.models import Ticket, TicketMessage

# The profiles whose rows erasure may have blanked since the bound.
_ERASED = (
    f"SELECT id FROM {CustomerProfile._meta.db_table} "
    "WHERE erased_at IS NOT NULL AND (updated_at >= %(since)s OR erased_at >= %(since)s)"
)


@dataclass(frozen=True)
class ExportTable:
    """One exported table: its name in the export, model, the columns left
    out (secrets, derived search text) and the changed-rows condition on
    ``t`` with the bound as ``%(since)s``.
    """

    name: str
    model: type[models.Model]
    changed: str
    exclude: tuple[str, ...] = ()

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table

    def select_list(self) -> str:
        columns = []
        for field in self.model._meta.concrete_fields:
            if field.name in self.exclude:
                continue
            column = field.column
            # PostgreSQL's array literal ({a,b}) is no format a loader reads: JSON.
            if isinstance(field, ArrayField):
                columns.append(f'to_jsonb(t."{column}") AS "{column}"')
            else:
                columns.append(f't."{column}"')
        return ", ".join(columns)

    def select(self, *, incremental: bool) -> str:
        sql = f"SELECT {self.select_list()} FROM {self.db_table} t"
        if incremental:
            sql += f" WHERE {self.changed}"
        return sql


def _tables() -> tuple[ExportTable, ...]:
    orders_changed = (
        f"SELECT order_id FROM {OrderFact._meta.db_table} "
        f"WHERE updated_at >= %(since)s OR profile_id IN ({_ERASED})"
    )
    tickets_changed = (
        f"SELECT id FROM {Ticket._meta.db_table} "
        f"WHERE updated_at >= %(since)s OR profile_id IN ({_ERASED})"
    )
    return (
        ExportTable(
            "profiles",
            CustomerProfile,
            "t.updated_at >= %(since)s OR t.erased_at >= %(since)s",
            exclude=("search_document",),
        ),
        ExportTable(
            "orders",
            OrderFact,
            f"t.updated_at >= %(since)s OR t.profile_id IN ({_ERASED})",
        ),
        ExportTable("order_lines", OrderLineFact, f"t.order_id IN ({orders_changed})"),
        ExportTable(
            "timeline",
            TimelineEvent,
            f"t.created_at >= %(since)s OR t.profile_id IN ({_ERASED})",
        ),
        ExportTable(
            "tickets",
            Ticket,
            f"t.updated_at >= %(since)s OR t.profile_id IN ({_ERASED})",
            exclude=("reply_token",),
        ),
        ExportTable(
            "ticket_messages",
            TicketMessage,
            f"t.created_at >= %(since)s OR t.ticket_id IN ({tickets_changed})",
        ),
        ExportTable(
            "interactions",
            Interaction,
            f"t.created_at >= %(since)s OR t.profile_id IN ({_ERASED})",
        ),
        ExportTable("consent", MarketingConsent, "t.updated_at >= %(since)s"),
        ExportTable(
            "consent_changes",
            MarketingConsentChange,
            "t.created_at >= %(since)s OR t.email_hash IN ("
            f"SELECT e.email_hash FROM {ErasedIdentity._meta.db_table} e "
            f"LEFT JOIN {CustomerProfile._meta.db_table} p ON p.id = e.profile_id "
            "WHERE e.erased_at >= %(since)s OR p.updated_at >= %(since)s)",
        ),
        ExportTable("campaigns", Campaign, "t.updated_at >= %(since)s"),
        ExportTable(
            "campaign_recipients",
            CampaignRecipient,
            "greatest(t.claimed_at, t.attempted_at, t.sent_at, t.opened_at, t.clicked_at, "
            "t.unsubscribed_at, t.bounced_at) >= %(since)s "
            f"OR t.campaign_id IN (SELECT id FROM {Campaign._meta.db_table} "
            "WHERE updated_at >= %(since)s) "
            f"OR t.profile_id IN ({_ERASED})",
            # The address is the profile's (erasure does not blank this copy);
            # the claim token is the sender's lease.
            exclude=("email", "claim_token"),
        ),
    )


TABLES: dict[str, ExportTable] = {table.name: table for table in _tables()}
