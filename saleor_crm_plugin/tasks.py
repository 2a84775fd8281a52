"""Celery tasks. Saleor's Celery app autodiscovers this module.

Periodic tasks need a beat entry; see :mod:`saleor_crm_plugin.schedule`.
"""

import logging
from datetime import timedelta

from celery import shared_task

from .analytics.recompute import recompute_all_profiles
from .commerce.services import mark_abandoned_checkouts
from .conf import crm_setting
from .configuration.services import get_configuration
from .hosting import writer
from .ingestion.services import process_pending_events, purge_processed_events
from .marketing import sending
from .marketing.membership import refresh_all_segments, refresh_members
from .marketing.models import Segment
from .marketing.subscription import send_confirmation
from .privacy.scrub import scrub_erased_events
from .throttling.services import purge_expired
from .tickets.mail import send_satisfaction_survey, send_ticket_link, send_ticket_message
from .tickets.services import mark_sla_breaches
from .webhooks.delivery import deliver_due

logger = logging.getLogger(__name__)


@shared_task(name="saleor_crm.process_events", acks_late=True)
def process_events_task() -> dict:
    """Process due pending events in batches until none is left. Failed
    events wait for their back-off (``next_attempt_at``), then come back.
    """
    with writer():
        return process_pending_events()


@shared_task(name="saleor_crm.process_event", acks_late=True)
def process_event_task(event_id: int | None = None) -> dict:
    """Messages queued by earlier versions (one per event): same work."""
    return process_events_task()


@shared_task(name="saleor_crm.sweep_pending_events")
def sweep_pending_events_task(limit: int = 50_000) -> dict:
    """Process events no worker was asked for (the broker was down, or a
    worker died mid-batch). Schedule every minute.
    """
    grace = timedelta(seconds=crm_setting("SALEOR_CRM_PENDING_EVENT_GRACE_SECONDS"))
    with writer():
        return process_pending_events(limit=limit, older_than=grace)


@shared_task(name="saleor_crm.mark_abandoned_checkouts")
def mark_abandoned_checkouts_task() -> int:
    """Flag carts left untouched past the configured hours. Schedule every
    15 minutes.
    """
    with writer():
        hours = get_configuration().checkout_abandoned_after_hours
        return mark_abandoned_checkouts(after_hours=hours)


@shared_task(name="saleor_crm.recompute_profiles")
def recompute_profiles_task() -> dict:
    """Set-based recompute (RFM re-ranking, time-based stage moves, drift
    of the sales figures repaired), in short chunks. Schedule nightly.
    """
    result = recompute_all_profiles()
    logger.info("CRM recompute: %s", result)
    return result


@shared_task(name="saleor_crm.purge_processed_events")
def purge_processed_events_task() -> int:
    """Delete processed events past their retention. Schedule daily."""
    with writer():
        return purge_processed_events()


@shared_task(name="saleor_crm.purge_throttle_buckets")
def purge_throttle_buckets_task() -> int:
    """Delete throttle buckets that are empty again. Schedule hourly."""
    with writer():
        return purge_expired()


@shared_task(
    name="saleor_crm.send_ticket_message",
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=8,
)
def send_ticket_message_task(message_id: int) -> bool:
    """Email a staff reply to the customer (retried while the mail server is
    unreachable; never sent twice).
    """
    with writer():
        return send_ticket_message(message_id)


@shared_task(
    name="saleor_crm.send_satisfaction_survey",
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=8,
)
def send_satisfaction_survey_task(ticket_id: str) -> bool:
    """Email the signed rating link of a solved ticket."""
    return send_satisfaction_survey(ticket_id)


@shared_task(
    name="saleor_crm.send_ticket_link",
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=8,
)
def send_ticket_link_task(ticket_id: str, redirect_url: str) -> bool:
    """Email a guest the link to the ticket they opened (the only way they
    get it); not sent once the ticket is verified.
    """
    with writer():
        return send_ticket_link(ticket_id, redirect_url)


@shared_task(name="saleor_crm.mark_sla_breaches")
def mark_sla_breaches_task() -> int:
    """Flag tickets past their SLA targets. Schedule every 5 minutes."""
    with writer():
        return mark_sla_breaches()


@shared_task(name="saleor_crm.scrub_erased_events")
def scrub_erased_events_task() -> int:
    """Scrub events about erased customers that the erasure could not reach
    (held by a worker, or recorded later). Schedule hourly.
    """
    with writer():
        return scrub_erased_events()


@shared_task(name="saleor_crm.refresh_segments")
def refresh_segments_task() -> dict:
    """Materialise every segment's members (entered / left), so changes of
    profiles, tickets and the clock ("within the last 30 days") show in
    them. Schedule every 5 minutes.
    """
    with writer():
        return refresh_all_segments()


@shared_task(name="saleor_crm.refresh_segment")
def refresh_segment_task(segment_id: str) -> dict:
    """Materialise one segment's members: asked for when its rules are saved."""
    with writer():
        segment = Segment.objects.filter(pk=segment_id).first()
        if segment is None:
            return {"entered": 0, "left": 0}
        refreshed = refresh_members(segment)
        return {"entered": refreshed.entered, "left": refreshed.left}


@shared_task(
    name="saleor_crm.send_newsletter_confirmation",
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=8,
)
def send_newsletter_confirmation_task(email: str, sales_channel: str = "") -> bool:
    """Email the double opt-in link of a newsletter sign-up (not once confirmed)."""
    return send_confirmation(email, sales_channel)


@shared_task(name="saleor_crm.start_campaign")
def start_campaign_task(campaign_id: str) -> bool:
    """Fix a due campaign's audience and start its send tasks."""
    with writer():
        return sending.start_campaign(campaign_id)


@shared_task(
    name="saleor_crm.send_campaign",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=8,
)
def send_campaign_task(campaign_id: str) -> int:
    """Mail a campaign's queued recipients, batch by batch, over
    ``SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS`` SMTP connections per batch
    (marketing/sending.py); retried while the mail server is unreachable;
    never mails anyone twice.
    """
    with writer():
        return sending.run_sender(campaign_id)


@shared_task(name="saleor_crm.campaigns_tick")
def campaigns_tick_task() -> dict:
    """Start scheduled campaigns that are due, resume stalled sends, send
    A/B winners. Schedule every minute.
    """
    with writer():
        return sending.tick()


@shared_task(name="saleor_crm.deliver_webhooks", acks_late=True)
def deliver_webhooks_task() -> dict:
    """Deliver due webhook events (new ones, retries whose back-off has
    passed, replays). Asked for when events are recorded; schedule every
    minute for the retries.
    """
    with writer():
        return deliver_due()


TASKS = {
    task.name: task
    for task in (
        process_events_task,
        process_event_task,
        sweep_pending_events_task,
        mark_abandoned_checkouts_task,
        recompute_profiles_task,
        purge_processed_events_task,
        purge_throttle_buckets_task,
        send_ticket_message_task,
        send_satisfaction_survey_task,
        send_ticket_link_task,
        mark_sla_breaches_task,
        scrub_erased_events_task,
        refresh_segments_task,
        refresh_segment_task,
        send_newsletter_confirmation_task,
        start_campaign_task,
        send_campaign_task,
        campaigns_tick_task,
        deliver_webhooks_task,
    )
}
