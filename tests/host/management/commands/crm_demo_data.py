"""Fill the host project's CRM with a demo store, through the real ingestion path.

    python tests/manage.py crm_demo_data [--customers 300] [--seed 7] [--reset]

Every event of :mod:`tests.host.store` is recorded as a store hook would
record it and then processed by the sweeper's own function, so the demo
exercises the same code as production, merges and refunds included.
Abandoned carts are then flagged and a full recompute ranks RFM and sets the
breakpoints later events are scored against. Last, :mod:`tests.host.helpdesk_demo`
plays three months of help desk through the ticket and interaction services:
SLA policies, a support team, tickets with their conversations, ratings and
breaches, and logged chats, calls, DMs and shop visits.

Running it twice on the same day without ``--reset`` changes nothing: the
store's clock is anchored at midnight UTC, so the second run produces the
same snapshots and the event log dedupes them; the shoppers' tickets are
found and left alone, and interactions are deduped by their external id.
"""

from __future__ import annotations

import time
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Avg, Count, Q
from django.test import override_settings
from django.utils import timezone
from tqdm import tqdm

from saleor_crm_plugin import models as crm_models
from saleor_crm_plugin.analytics.recompute import recompute_all_profiles
from saleor_crm_plugin.commerce.services import mark_abandoned_checkouts
from saleor_crm_plugin.configuration.services import get_configuration, update_configuration
from saleor_crm_plugin.ingestion.models import InboundEvent, InboundEventStatus
from saleor_crm_plugin.ingestion.services import process_pending_events, record_events
from saleor_crm_plugin.marketing.attribution import campaign_revenue
from saleor_crm_plugin.profiles.models import CustomerProfile
from saleor_crm_plugin.tickets.services import NUMBER_SEQUENCE
from tests.host.helpdesk_demo import HelpdeskOutcome, build_helpdesk
from tests.host.marketing_demo import (
    CAMPAIGN_NAME,
    CONSENT_METADATA_KEY,
    MarketingOutcome,
    build_campaign,
    build_marketing,
)
from tests.host.store import DEMO_USERNAME_PREFIX, USD_PER_EUR, generate_store

# Events written per statement (the recorder's batched insert).
RECORD_CHUNK = 1000


def progress(**options) -> tqdm:
    """A progress bar on stderr, left on screen when done."""
    return tqdm(leave=True, dynamic_ncols=True, mininterval=0.2, **options)


# Everything the CRM holds but the merchant's settings (CRMConfiguration);
# the demo's SLA policies go too.
RESET_MODELS = (
    crm_models.WebhookDelivery,
    crm_models.WebhookEvent,
    crm_models.WebhookEndpoint,
    crm_models.CampaignRecipient,
    crm_models.CampaignVariant,
    crm_models.Campaign,
    crm_models.OfferCode,
    crm_models.Offer,
    crm_models.SegmentMember,
    crm_models.Segment,
    crm_models.MarketingConsentChange,
    crm_models.MarketingConsentMetadataSeen,
    crm_models.MarketingConsent,
    crm_models.TicketMessage,
    crm_models.Ticket,
    crm_models.SLAPolicy,
    crm_models.Interaction,
    crm_models.InboundEvent,
    crm_models.BackfillState,
    crm_models.TimelineEvent,
    crm_models.OrderLineFact,
    crm_models.OrderFact,
    crm_models.CheckoutFact,
    crm_models.ErasedIdentity,
    crm_models.CustomerProfile,
    crm_models.RFMBreakpoints,
)


class Command(BaseCommand):
    help = "Fill the CRM with a deterministic demo store through the real ingestion path."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=300)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete all CRM data, help desk included, and the demo users first.",
        )
        parser.add_argument(
            "--batch", type=int, default=2000, help="Events processed per sweeper call."
        )

    def handle(self, *args, customers: int, seed: int, reset: bool, batch: int, **options):
        started = time.perf_counter()
        if reset:
            self._reset()
        # The demo sells in EUR too; without a rate EUR spend would not count
        # towards the USD totals RFM ranks on.
        config = get_configuration()
        # The storefront keeps the shopper's newsletter choice in this
        # checkout metadata key (tests.host.store.newsletter_choice).
        update_configuration(
            exchange_rates={**config.exchange_rates, "EUR": USD_PER_EUR},
            consent_metadata_key=CONSENT_METADATA_KEY,
        )

        anchor = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        events = list(generate_store(customers, seed, now=anchor))
        recorded = len(events)
        with progress(total=recorded, desc="Recording events", unit="ev") as bar:
            new_events = 0
            for start in range(0, recorded, RECORD_CHUNK):
                chunk = events[start : start + RECORD_CHUNK]
                new_events += record_events(chunk, dispatch=False)
                bar.update(len(chunk))
        record_seconds = time.perf_counter() - started

        outcome: Counter[str] = Counter()
        # One claim per sweeper call: the worker's batch size is the call's.
        with (
            override_settings(SALEOR_CRM_BATCH_SIZE=batch),
            progress(total=new_events, desc="Processing events", unit="ev") as bar,
        ):
            while True:
                batch_outcome = process_pending_events(limit=batch)
                outcome.update(batch_outcome)
                bar.update(batch_outcome["processed"] + batch_outcome["failed"])
                if not batch_outcome["processed"]:
                    break
        process_seconds = time.perf_counter() - started - record_seconds

        # Its orders come in before the recompute ranks everyone.
        campaign_started = time.perf_counter()
        campaign = build_campaign(anchor)
        campaign_seconds = time.perf_counter() - campaign_started
        abandoned = mark_abandoned_checkouts(after_hours=config.checkout_abandoned_after_hours)
        recompute = recompute_all_profiles()
        helpdesk_started = time.perf_counter()
        helpdesk = build_helpdesk(customers, seed, now=anchor)
        helpdesk_seconds = time.perf_counter() - helpdesk_started
        marketing = build_marketing()
        self._summary(
            recorded=recorded,
            new_events=new_events,
            processed=outcome["processed"],
            abandoned=abandoned,
            recompute=recompute,
            helpdesk=helpdesk,
            marketing=marketing,
            campaign=campaign,
            timings=(
                record_seconds,
                process_seconds,
                helpdesk_seconds,
                campaign_seconds,
                time.perf_counter() - started,
            ),
        )

    def _reset(self) -> None:
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in RESET_MODELS)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            # Ticket numbers start again at the first one.
            cursor.execute(f"ALTER SEQUENCE {connection.ops.quote_name(NUMBER_SEQUENCE)} RESTART")
        deleted, _ = (
            get_user_model().objects.filter(username__startswith=DEMO_USERNAME_PREFIX).delete()
        )
        self.stdout.write(
            f"Reset: CRM data and help desk truncated, {deleted} demo user rows deleted"
            " (shoppers and support staff)."
        )

    def _summary(
        self,
        *,
        recorded,
        new_events,
        processed,
        abandoned,
        recompute,
        helpdesk,
        marketing,
        campaign,
        timings,
    ):
        record_seconds, process_seconds, helpdesk_seconds, campaign_seconds, total_seconds = timings
        pending = Counter(
            InboundEvent.objects.exclude(status=InboundEventStatus.PROCESSED).values_list(
                "status", flat=True
            )
        )
        profiles = CustomerProfile.objects.all()
        lines = [
            "",
            f"Events generated   {recorded}",
            f"  new in the log   {new_events}, already recorded {recorded - new_events}",
            f"  processed        {processed}"
            + (f", not processed: {dict(pending)}" if pending else ""),
            f"Profiles           {profiles.count()}"
            f" ({profiles.filter(user__isnull=False).count()} with an account)",
            f"Orders             {crm_models.OrderFact.objects.count()}"
            f" ({crm_models.OrderFact.objects.filter(is_sale=True).count()} sales)",
            f"Checkouts          {crm_models.CheckoutFact.objects.count()}"
            f" ({abandoned} newly marked abandoned)",
            f"Timeline events    {crm_models.TimelineEvent.objects.count()}",
            "Lifecycle stages   " + self._breakdown(profiles, "lifecycle_stage"),
            "RFM segments       "
            + self._breakdown(profiles.exclude(rfm_segment=""), "rfm_segment"),
            f"Recompute          {recompute}",
            *self._helpdesk_lines(helpdesk),
            *self._marketing_lines(marketing, campaign),
            f"Seconds            record {record_seconds:.1f}, process {process_seconds:.1f},"
            f" help desk {helpdesk_seconds:.1f}, campaign {campaign_seconds:.1f},"
            f" total {total_seconds:.1f}",
        ]
        self.stdout.write("\n".join(lines))

    def _marketing_lines(self, marketing: MarketingOutcome, campaign) -> list[str]:
        consent = crm_models.MarketingConsent.objects.all()
        return [
            "Newsletter consent "
            + self._breakdown(consent, "status")
            + f" ({marketing.bounced} newly suppressed by a hard bounce)",
            f"Segments           {marketing.segments_created} new,"
            f" {marketing.segments_existing} kept, {marketing.members} memberships",
            *self._campaign_lines(campaign),
        ]

    def _campaign_lines(self, outcome) -> list[str]:
        if outcome is None:
            return []
        campaign = crm_models.Campaign.objects.get(name=CAMPAIGN_NAME)
        figures = campaign_revenue(campaign)
        lift = figures.lift
        return [
            f"Campaign           {CAMPAIGN_NAME!r} ({'sent now' if outcome.created else 'kept'}):"
            f" {outcome.recipients} mailed, {outcome.holdout} held out,"
            f" {outcome.opened} opened, {outcome.clicked} clicked;"
            f" {figures.orders} attributed orders, {figures.revenue:.2f} {figures.currency},"
            f" lift {'—' if lift is None else f'{lift:.2f}'} per recipient",
        ]

    def _helpdesk_lines(self, helpdesk: HelpdeskOutcome) -> list[str]:
        tickets = crm_models.Ticket.objects.all()
        interactions = crm_models.Interaction.objects.all()
        breached = tickets.filter(
            Q(first_response_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False)
        )
        rated = tickets.filter(satisfaction_rating__isnull=False).aggregate(
            average=Avg("satisfaction_rating"), count=Count("pk")
        )
        if helpdesk.tickets_existing:
            new_tickets = f"none new, the shoppers' {helpdesk.tickets_existing} were kept"
        else:
            new_tickets = f"{helpdesk.tickets_created} new, {helpdesk.messages_created} messages"
        return [
            f"Tickets            {tickets.count()} ({new_tickets})",
            "  by status        " + self._breakdown(tickets, "status"),
            "  by priority      " + self._breakdown(tickets, "priority"),
            f"  SLA breached     {breached.count()}"
            f" (first response {tickets.filter(first_response_breached_at__isnull=False).count()},"
            f" resolution {tickets.filter(resolution_breached_at__isnull=False).count()};"
            f" {helpdesk.breaches_flagged} flagged this run)",
            f"  merged           {tickets.filter(merged_into__isnull=False).count()}",
            "  satisfaction     "
            + (
                f"{rated['average']:.2f} average of {rated['count']} ratings"
                if rated["count"]
                else "no ratings"
            ),
            f"  SLA policies     {crm_models.SLAPolicy.objects.count()},"
            f" demo staff {helpdesk.staff_created} new",
            f"Interactions       {interactions.count()} ({helpdesk.interactions_created} new"
            f" of {helpdesk.interactions_planned} planned)",
            "  by channel       " + self._breakdown(interactions, "channel"),
        ]

    @staticmethod
    def _breakdown(queryset, field: str) -> str:
        rows = queryset.values_list(field).annotate(n=Count("pk")).order_by("-n", field)
        return ", ".join(f"{value} {n}" for value, n in rows)
