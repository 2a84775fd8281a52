"""Sending campaigns: the audience fixed in SQL, then batches mailed over
a few SMTP connections each, every recipient at most once.

**Start** (:func:`start_campaign`). One ``INSERT … SELECT`` writes a
recipient row for every profile in the segment whose address is sendable
(:func:`.consent.sendable_emails`: subscribed, not suppressed) and not
erased. Each row's ``bucket`` is ``md5(campaign id : profile id)`` modulo
10,000 (:func:`bucket`), so the same profile always lands in the same group
whenever the audience is materialised: buckets below ``holdout_percent`` ×
100 are the holdout (recorded, never mailed, status SKIPPED), the next
``test_percent`` of the rest the A/B test group (variant ``bucket mod
(variants + 1)``), the others the main group.

**Batches** (:func:`send_batch`). A send task claims up to
``SALEOR_CRM_CAMPAIGN_BATCH_SIZE`` queued rows with ``FOR UPDATE SKIP
LOCKED`` (other workers take other rows) and marks them SENDING under a
claim token, in one committed statement; addresses no longer sendable are
SKIPPED, offer codes are issued (idempotent per recipient: a retried batch
gets the same codes). Then it mails them in windows of
``SALEOR_CRM_CAMPAIGN_CONFIRM_WINDOW`` over
``SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS`` connections of Django's mail
backend (one thread each, :class:`_Outbox`): for each window, one
statement confirms the previous window's accepted messages SENT, writes
their ``CAMPAIGN_SENT`` timeline entries (dedupe key per recipient) and
stamps this window's ``attempted_at``, and only then are its messages
handed to the mail server: a confirmed recipient always has its timeline
entry. The window trades commits for the size of the unknown below: one
commit per window instead of per message.

**A crash between the mail server's accept and the database commit.**
Exactly-once is impossible over SMTP (the server cannot be asked what it
accepted). The design keeps the unknown to the window in flight: a batch
that made no progress (claimed, or its last window attempted) for
``SALEOR_CRM_CAMPAIGN_LEASE_SECONDS`` is recovered (:func:`recover_stalled`):
rows never attempted go back to the queue (no gap); the rows attempted but
not confirmed, at most one window, are marked FAILED with ``error =
"interrupted"`` and **not** sent again (no duplicate): a customer may miss
that email, never get it twice. A worker whose lease was taken over finds
its next statement matches nothing and stops before sending anything more.
An SMTP error (a connection dropped) stops the batch's other connections,
confirms what was accepted and returns the unsent rows of the batch to the
queue at once, and the task retries later; a recipient the server refuses
is FAILED with the server's answer.

**Rate limit**: ``SALEOR_CRM_CAMPAIGN_RATE_LIMIT`` messages per second for
a campaign; each of its ``SALEOR_CRM_CAMPAIGN_SEND_WORKERS`` tasks paces
itself at its share.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from smtplib import SMTPException, SMTPRecipientsRefused, SMTPResponseException

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ..conf import crm_setting
from ..profiles.models import CustomerProfile, TimelineEvent, TimelineEventType
from ..webhooks.events import WebhookEventType
from ..webhooks.outbox import outbox_sql, request_delivery
from . import tracking
from .campaigns import offer_spec
from .consent import sendable_emails
from .mime import CampaignEmail
from .models import (
    ACTIVE_STATUSES,
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    RecipientGroup,
    RecipientStatus,
    WinnerMetric,
)
from .offers import issue_offer_codes
from .rules import members
from .templates import render

logger = logging.getLogger(__name__)

BUCKETS = 10_000
INTERRUPTED = "interrupted"


def bucket(campaign_id, profile_id) -> int:
    """The stable bucket (0-9999) of a profile in a campaign; what the SQL
    of :func:`materialise` computes.
    """
    digest = hashlib.md5(f"{campaign_id}:{profile_id}".encode()).hexdigest()  # noqa: S324
    return int(digest[:8], 16) % BUCKETS


def group_bounds(campaign: Campaign) -> tuple[int, int]:
    """(end of the holdout, end of the test group) in buckets."""
    holdout = campaign.holdout_percent * BUCKETS // 100
    variants = campaign.variants.count()
    test = campaign.test_percent * (BUCKETS - holdout) // 100 if variants else 0
    return holdout, holdout + test


def materialise(campaign: Campaign, now: datetime) -> int:
    """Write the campaign's recipients from its segment, in one statement;
    rows already there are kept as they are. The number written.
    """
    holdout_end, test_end = group_bounds(campaign)
    variants = campaign.variants.count()
    audience = (
        members(campaign.segment.rules, now)
        .filter(email__in=sendable_emails())
        .values_list("pk", "email")
    )
    sql, params = audience.query.sql_with_params()
    table = CampaignRecipient._meta.db_table
    bucket_sql = "(('x' || substr(md5(%s || m.id::text), 1, 8))::bit(32)::bigint %% 10000)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (campaign_id, profile_id, email, bucket, "group", position,
                status, offer_code, message_id, error)
            SELECT %s, b.id, b.email, b.bucket,
                CASE WHEN b.bucket < %s THEN 'holdout' WHEN b.bucket < %s THEN 'test'
                     ELSE 'main' END,
                CASE WHEN b.bucket < %s THEN NULL
                     WHEN b.bucket < %s THEN b.bucket %% %s
                     WHEN %s THEN NULL ELSE 0 END,
                CASE WHEN b.bucket < %s THEN 'skipped' ELSE 'queued' END,
                '', '', ''
            FROM (SELECT m.id, m.email, {bucket_sql} AS bucket FROM ({sql}) AS m(id, email)) b
            ON CONFLICT (campaign_id, profile_id) DO NOTHING
            """,
            [
                campaign.pk,
                holdout_end,
                test_end,
                holdout_end,
                test_end,
                variants + 1,
                variants > 0,
                holdout_end,
                f"{campaign.pk}:",
                *params,
            ],
        )
        return cursor.rowcount


def start_campaign(campaign_id, now: datetime | None = None) -> bool:
    """Start a SCHEDULED campaign that is due: fix its audience and ask for
    its send tasks. False when it is not due (or not scheduled any more).
    """
    now = now or timezone.now()
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update()
            .filter(pk=campaign_id, status=CampaignStatus.SCHEDULED, scheduled_at__lte=now)
            .first()
        )
        if campaign is None:
            return False
        if campaign.segment is None:
            campaign.status = CampaignStatus.CANCELLED
            campaign.finished_at = now
            campaign.save(update_fields=["status", "finished_at", "updated_at"])
            return False
        materialise(campaign, now)
        testing = campaign.test_percent and campaign.variants.exists()
        campaign.status = CampaignStatus.TESTING if testing else CampaignStatus.SENDING
        campaign.started_at = now
        campaign.save(update_fields=["status", "started_at", "updated_at"])
        transaction.on_commit(lambda: request_sending(campaign.pk))
    return True


def request_sending(campaign_id) -> None:
    from ..dispatch import send_task

    for _ in range(max(1, crm_setting("SALEOR_CRM_CAMPAIGN_SEND_WORKERS"))):
        send_task("saleor_crm.send_campaign", str(campaign_id))


# --- one batch ---------------------------------------------------------------


@dataclass
class _Claimed:
    token: uuid.UUID
    recipients: list[CampaignRecipient]


def _claim(campaign: Campaign, size: int, now: datetime) -> _Claimed | None:
    table = CampaignRecipient._meta.db_table
    token = uuid.uuid4()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {table} SET status = 'sending', claim_token = %s, claimed_at = %s
                WHERE id IN (
                    SELECT id FROM {table}
                    WHERE campaign_id = %s AND status = 'queued' AND position IS NOT NULL
                    ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
                )
                RETURNING id
                """,
                [token, now, campaign.pk, size],
            )
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return None
        # By primary key from here on (claim_token has no index). Consent may
        # have changed since the start; erased customers never get mail. One
        # correlated look-up per claimed row, not a hash of every sendable address.
        claimed = CampaignRecipient.objects.filter(pk__in=ids)
        sendable = Exists(sendable_emails().filter(email=OuterRef("email")))
        alive = Exists(
            CustomerProfile.objects.filter(pk=OuterRef("profile_id"), erased_at__isnull=True)
        )
        claimed.filter(~(sendable & alive)).update(
            status=RecipientStatus.SKIPPED, error="not sendable"
        )
        recipients = list(
            claimed.filter(status=RecipientStatus.SENDING).select_related("profile").order_by("id")
        )
        if (spec := offer_spec(campaign)) is not None and recipients:
            codes = issue_offer_codes(
                str(campaign.pk),
                spec,
                [str(r.profile_id) for r in recipients],
                name=campaign.name,
            )
            for r in recipients:
                issued = codes[str(r.profile_id)]
                r.offer_code, r.offer_expires_at = issued.code, issued.expires_at
            _store_codes(recipients)
    return _Claimed(token, recipients)


def _store_codes(recipients: list[CampaignRecipient]) -> None:
    """The recipients' offer codes, in one statement (``bulk_update``'s
    ``CASE`` per row costs more than the codes themselves).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {CampaignRecipient._meta.db_table} AS r
            SET offer_code = v.code, offer_expires_at = v.expires_at
            FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[]) AS v(id, code, expires_at)
            WHERE r.id = v.id
            """,
            [
                [r.pk for r in recipients],
                [r.offer_code for r in recipients],
                [r.offer_expires_at for r in recipients],
            ],
        )


def shop_name() -> str:
    name = crm_setting("SALEOR_CRM_SHOP_NAME")
    if name is not None:
        return name
    from django.apps import apps

    if apps.is_installed("django.contrib.sites"):
        from django.contrib.sites.models import Site

        try:
            return Site.objects.get_current().name
        except Exception:  # noqa: BLE001 - no current site configured
            return ""
    return ""


def sender(campaign: Campaign) -> str:
    return campaign.from_email or settings.DEFAULT_FROM_EMAIL


def content(campaign: Campaign, position: int) -> tuple[str, str]:
    if position:
        variant = next(v for v in campaign.variants.all() if v.position == position)
        return variant.subject, variant.body
    return campaign.subject, campaign.body


def context_for(
    campaign: Campaign, recipient: CampaignRecipient, shop: str, unsubscribe: str | None = None
) -> dict:
    profile = recipient.profile
    context = {
        "customer": {
            "first_name": profile.first_name,
            "last_name": profile.last_name,
            "email": recipient.email,
        },
        "unsubscribe_url": unsubscribe or tracking.url("unsubscribe", recipient.pk),
        "shop": {"name": shop},
    }
    if campaign.offer:
        context["offer"] = {
            "code": recipient.offer_code,
            "expires_at": recipient.offer_expires_at,
        }
    return context


def message_id(campaign: Campaign, recipient: CampaignRecipient) -> str:
    domain = sender(campaign).rpartition("@")[2] or "localhost"
    return f"<crm.{campaign.pk}.{recipient.pk}@{domain}>"


def build_message(
    campaign: Campaign, recipient: CampaignRecipient, shop: str, smtp=None
) -> CampaignEmail:
    """The recipient's email: personalised, tracked, with RFC 8058 headers."""
    subject, body = content(campaign, recipient.position or 0)
    unsubscribe = tracking.url("unsubscribe", recipient.pk)
    rendered = render(
        subject,
        body,
        context_for(campaign, recipient, shop, unsubscribe),
        link_url=lambda index: tracking.url("click", recipient.pk, index),
        pixel_url=tracking.url("open", recipient.pk),
    )
    mailto = tracking.mailto(
        recipient.pk, crm_setting("SALEOR_CRM_UNSUBSCRIBE_MAILTO") or sender(campaign)
    )
    message = CampaignEmail(
        subject=rendered.subject,
        body=rendered.text,
        from_email=sender(campaign),
        to=[recipient.email],
        connection=smtp,
        headers={
            "Message-ID": message_id(campaign, recipient),
            "List-Unsubscribe": f"<{unsubscribe}>, <{mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Precedence": "bulk",
        },
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


_STEP = """
WITH step AS (
    UPDATE {table} AS r SET
        status = CASE WHEN v.message_id IS NOT NULL THEN 'sent' ELSE r.status END,
        sent_at = CASE WHEN v.message_id IS NOT NULL THEN %(now)s ELSE r.sent_at END,
        message_id = COALESCE(v.message_id, r.message_id),
        attempted_at = CASE WHEN v.message_id IS NULL THEN %(now)s ELSE r.attempted_at END
    FROM unnest(%(ids)s::bigint[], %(message_ids)s::text[], %(subjects)s::text[])
        AS v(id, message_id, subject)
    WHERE r.id = v.id AND r.claim_token = %(token)s AND r.status = 'sending'
    RETURNING r.id, r.profile_id, v.message_id IS NOT NULL AS confirmed, v.subject
), timeline AS (
    -- The "sent" entries commit with the confirmation: a crash cannot lose them.
    INSERT INTO {timeline} (profile_id, type, occurred_at, object_type, object_id, data,
        dedupe_key, created_at)
    SELECT profile_id, %(type)s, %(now)s, 'campaign', %(campaign)s,
        jsonb_build_object('campaign', %(name)s::text, 'subject', subject),
        'campaign_sent:' || id, %(now)s
    FROM step WHERE confirmed
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING profile_id, dedupe_key
), sent_events AS (
    -- Announced to webhook endpoints with the confirmation (webhooks/outbox.py).
    SELECT %(webhook_type)s::text AS type, profile_id, %(now)s::timestamptz AS occurred_at,
        'campaign'::text AS object_type, %(campaign)s::text AS object_id,
        '{{}}'::jsonb AS data, dedupe_key
    FROM timeline
), {outbox}
SELECT id, (SELECT count(*) FROM webhook_deliveries) FROM step
"""


@dataclass
class _Sent:
    """A message the mail server accepted, not yet confirmed in the database."""

    recipient: CampaignRecipient
    message_id: str
    subject: str


def _step(
    campaign: Campaign, token, accepted: list[_Sent], attempting: list[int], now: datetime
) -> set[int]:
    """Confirm the ``accepted`` messages sent (with their timeline entries)
    and mark the ``attempting`` recipients attempted, in one committed
    statement; the IDs it changed (none: the claim was lost).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _STEP.format(
                table=CampaignRecipient._meta.db_table,
                timeline=TimelineEvent._meta.db_table,
                outbox=outbox_sql("sent_events", "%(now)s::timestamptz"),
            ),
            {
                "ids": [sent.recipient.pk for sent in accepted] + attempting,
                "message_ids": [sent.message_id for sent in accepted] + [None] * len(attempting),
                "subjects": [sent.subject for sent in accepted] + [None] * len(attempting),
                "token": token,
                "now": now,
                "type": TimelineEventType.CAMPAIGN_SENT,
                "campaign": str(campaign.pk),
                "name": campaign.name,
                "webhook_type": WebhookEventType.CAMPAIGN_SENT.value,
            },
        )
        rows = cursor.fetchall()
    if any(deliveries for _, deliveries in rows):
        request_delivery()
    return {row[0] for row in rows}


def _release(token, ids: list[int] | None = None) -> None:
    """Unsent rows of a claim (all, or those of ``ids``) back to the queue."""
    rows = CampaignRecipient.objects.filter(claim_token=token, status="sending")
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    rows.update(status=RecipientStatus.QUEUED, claim_token=None, claimed_at=None, attempted_at=None)


def _pace(started: float, sent: int, rate: float | None) -> None:
    if rate:
        wait = started + sent / rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)


# What handing one message to the mail server came to.
_ACCEPTED, _REFUSED, _DROPPED, _BUG, _NOT_SENT = "accepted", "refused", "dropped", "bug", "not sent"


class _Outbox:
    """``width`` SMTP connections of Django's mail backend, each used by one
    thread (one connection, one thread: the time per message is mostly
    waiting for the server's answers, so a few connections overlap it). The
    first dropped connection, bug or crash stops every thread from handing
    over anything more. ``width`` 1 sends in the calling thread.
    """

    def __init__(self, width: int) -> None:
        self.width = width
        self.stopped = False
        self._local = threading.local()
        self._connections: list = []
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(width, "crm-smtp") if width > 1 else None

    def _connection(self):
        smtp = getattr(self._local, "smtp", None)
        if smtp is None:
            smtp = get_connection(fail_silently=False)
            with self._lock:
                self._connections.append(smtp)
            smtp.open()
            self._local.smtp = smtp
        return smtp

    def _send(self, build) -> tuple[str, object]:
        if self.stopped:
            return _NOT_SENT, None
        try:
            smtp = self._connection()
            message = build(smtp)
            smtp.send_messages([message])
        except (SMTPRecipientsRefused, SMTPResponseException) as error:
            if isinstance(error, SMTPResponseException) and error.smtp_code < 500:
                self.stopped = True
                return _DROPPED, error
            return _REFUSED, error
        except (SMTPException, OSError) as error:
            self.stopped = True
            return _DROPPED, error
        except Exception as error:  # noqa: BLE001 - reported to the batch, raised there
            self.stopped = True
            return _BUG, error
        except BaseException:
            self.stopped = True  # the worker is dying: nothing more goes out
            raise
        return _ACCEPTED, message

    def submit(self, build) -> Future:
        if self._pool is not None:
            return self._pool.submit(self._send, build)
        future: Future = Future()
        try:
            future.set_result(self._send(build))
        except BaseException as crash:  # noqa: BLE001 - handed to the batch, raised there
            future.set_exception(crash)
        return future

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        for smtp in self._connections:
            try:
                smtp.close()
            except Exception:  # noqa: BLE001, S110 - closing a broken connection
                pass


def send_batch(campaign_id, now: datetime | None = None) -> int:
    """Claim and mail one batch; the number of recipients claimed (0: none left).

    The claimed recipients go out in windows of
    ``SALEOR_CRM_CAMPAIGN_CONFIRM_WINDOW``: one committed statement confirms
    the previous window's accepted messages and marks this window's
    recipients attempted, then they are handed to the mail server over
    ``SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS`` connections.
    """
    campaign = (
        Campaign.objects.filter(pk=campaign_id, status__in=ACTIVE_STATUSES)
        .prefetch_related("variants")
        .first()
    )
    if campaign is None:
        return 0
    claimed = _claim(campaign, crm_setting("SALEOR_CRM_CAMPAIGN_BATCH_SIZE"), now or timezone.now())
    if claimed is None:
        return 0
    if not claimed.recipients:
        return 1  # all skipped; more may follow
    shop = shop_name()
    rate = crm_setting("SALEOR_CRM_CAMPAIGN_RATE_LIMIT")
    share = rate / max(1, crm_setting("SALEOR_CRM_CAMPAIGN_SEND_WORKERS")) if rate else None
    window = crm_setting("SALEOR_CRM_CAMPAIGN_CONFIRM_WINDOW")
    outbox = _Outbox(min(crm_setting("SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS"), window))
    # Handed to the mail server and accepted, not yet confirmed in the database.
    accepted: list[_Sent] = []

    def confirm(attempting: list[CampaignRecipient]) -> set[int]:
        nonlocal accepted
        if not accepted and not attempting:
            return set()
        changed = _step(
            campaign, claimed.token, accepted, [r.pk for r in attempting], timezone.now()
        )
        accepted = []
        return changed

    def builder(recipient: CampaignRecipient):
        return lambda smtp: build_message(campaign, recipient, shop, smtp)

    started = time.monotonic()
    handed = 0
    try:
        for first in range(0, len(claimed.recipients), window):
            chunk = claimed.recipients[first : first + window]
            changed = confirm(chunk)
            if any(r.pk not in changed for r in chunk):
                logger.warning("CRM campaign %s: claim lost; batch stopped.", campaign.pk)
                break
            futures = []
            for recipient in chunk:
                _pace(started, handed, share)
                handed += 1
                futures.append((recipient, outbox.submit(builder(recipient))))
            wait([future for _, future in futures])
            crash = next((f.exception() for _, f in futures if f.exception() is not None), None)
            if crash is not None:
                raise crash  # the worker dies: nothing more is confirmed
            dropped = bug = None
            not_sent = []
            for recipient, future in futures:
                outcome, detail = future.result()
                if outcome == _ACCEPTED:
                    accepted.append(
                        _Sent(recipient, detail.extra_headers["Message-ID"], detail.subject)
                    )
                elif outcome == _REFUSED:
                    CampaignRecipient.objects.filter(pk=recipient.pk).update(
                        status=RecipientStatus.FAILED, error=str(detail)[:255]
                    )
                elif outcome == _DROPPED:
                    dropped = dropped or detail
                elif outcome == _BUG:
                    bug = bug or detail
                else:
                    not_sent.append(recipient.pk)
            if dropped is not None:
                raise dropped
            if bug is not None:
                # Never handed over: back to the queue now, not "interrupted".
                _release(claimed.token, not_sent)
                raise bug
        confirm([])
    except (SMTPException, OSError):
        # A connection failed: what was not accepted goes back to the queue.
        confirm([])
        _release(claimed.token)
        raise
    except Exception:
        # A bug, not the mail server: confirm what was accepted; the rows
        # in hand are recovered after the lease like a crash (never resent).
        confirm([])
        raise
    finally:
        outbox.close()
    return len(claimed.recipients)


def run_sender(campaign_id) -> int:
    """Send batches of a campaign until none is left; then finish it if done."""
    total = 0
    while count := send_batch(campaign_id):
        total += count
    finish_if_done(campaign_id)
    return total


# --- recovery, A/B winner, finishing -----------------------------------------


_RECOVER = """
WITH stale AS (
    SELECT claim_token FROM {table}
    WHERE campaign_id = %(campaign)s AND status = 'sending'
    GROUP BY claim_token
    HAVING max(GREATEST(claimed_at, attempted_at)) < %(cutoff)s
)
UPDATE {table} AS r SET
    status = CASE WHEN r.attempted_at IS NOT NULL THEN 'failed'
                  WHEN %(cancelled)s THEN 'skipped' ELSE 'queued' END,
    error = CASE WHEN r.attempted_at IS NOT NULL THEN %(interrupted)s
                 WHEN %(cancelled)s THEN 'cancelled' ELSE r.error END,
    claim_token = NULL,
    claimed_at = CASE WHEN r.attempted_at IS NULL THEN NULL ELSE r.claimed_at END
FROM stale
WHERE r.claim_token = stale.claim_token AND r.status = 'sending'
RETURNING r.attempted_at IS NOT NULL
"""


def recover_stalled(now: datetime | None = None) -> dict[str, int]:
    """Claims that made no progress for a lease: unattempted rows queued
    again, the window in flight FAILED as ``interrupted`` (never sent twice).

    A claim's progress is the later of its claim and the ``attempted_at``
    of the window in flight, which each window moves on: a live batch that
    takes longer than the lease (a low rate limit) is never taken from its
    worker. One statement per campaign, so a worker's step lands wholly
    before or after it.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=crm_setting("SALEOR_CRM_CAMPAIGN_LEASE_SECONDS"))
    table = CampaignRecipient._meta.db_table
    requeued = interrupted = 0
    claims = CampaignRecipient.objects.filter(
        campaign=OuterRef("pk"), status=RecipientStatus.SENDING
    )
    # A cancelled campaign's batch may have died too (its rows end SKIPPED).
    campaigns = (
        Campaign.objects.annotate(has_claims=Exists(claims))
        .filter(Q(status__in=ACTIVE_STATUSES) | Q(status=CampaignStatus.CANCELLED, has_claims=True))
        .values_list("pk", "status")
    )
    for campaign_id, status in campaigns:
        with connection.cursor() as cursor:
            cursor.execute(
                _RECOVER.format(table=table),
                {
                    "campaign": campaign_id,
                    "cutoff": cutoff,
                    "cancelled": status == CampaignStatus.CANCELLED,
                    "interrupted": INTERRUPTED,
                },
            )
            for (was_attempted,) in cursor.fetchall():
                if was_attempted:
                    interrupted += 1
                else:
                    requeued += 1
    return {"requeued": requeued, "interrupted": interrupted}


def variant_rates(campaign: Campaign) -> dict[int, tuple[int, int, int]]:
    """Per position of the test group: (sent, opened, clicked)."""
    from django.db.models import Count

    rows = (
        CampaignRecipient.objects.filter(
            campaign=campaign, group=RecipientGroup.TEST, status=RecipientStatus.SENT
        )
        .values("position")
        .annotate(sent=Count("id"), opened=Count("opened_at"), clicked=Count("clicked_at"))
    )
    return {row["position"]: (row["sent"], row["opened"], row["clicked"]) for row in rows}


def pick_winner(campaign: Campaign) -> int:
    """The winning position by the campaign's metric; ties (and no data)
    go to the first variant, the campaign's own content (position 0).
    """
    rates = variant_rates(campaign)
    metric = 1 if campaign.winner_metric == WinnerMetric.OPEN_RATE else 2
    best, best_rate = 0, -1.0
    for position in range(campaign.variants.count() + 1):
        sent, *counts = rates.get(position, (0, 0, 0))
        rate = counts[metric - 1] / sent if sent else 0.0
        if rate > best_rate:
            best, best_rate = position, rate
    return best


def finish_if_done(campaign_id, now: datetime | None = None) -> str | None:
    """Move an active campaign on when its mail is out: a TESTING one notes
    when its test group was done (the winner is due ``winner_after_hours``
    later) and, once due, sends the winner to the main group; a SENDING
    one becomes SENT. Its status afterwards.
    """
    now = now or timezone.now()
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update()
            .filter(pk=campaign_id, status__in=ACTIVE_STATUSES)
            .first()
        )
        if campaign is None:
            return None
        pending = CampaignRecipient.objects.filter(
            campaign=campaign,
            status__in=(RecipientStatus.QUEUED, RecipientStatus.SENDING),
            position__isnull=False,
        ).exists()
        if pending:
            return campaign.status
        if campaign.status == CampaignStatus.TESTING:
            if campaign.test_sent_at is None:
                campaign.test_sent_at = now
                campaign.save(update_fields=["test_sent_at", "updated_at"])
            if now < campaign.test_sent_at + timedelta(hours=campaign.winner_after_hours):
                return campaign.status
            winner = pick_winner(campaign)
            CampaignRecipient.objects.filter(
                campaign=campaign, group=RecipientGroup.MAIN, position__isnull=True
            ).update(position=winner)
            campaign.winner_position = winner
            campaign.winner_picked_at = now
            campaign.status = CampaignStatus.SENDING
            campaign.save(
                update_fields=["winner_position", "winner_picked_at", "status", "updated_at"]
            )
            transaction.on_commit(lambda: request_sending(campaign.pk))
            return campaign.status
        campaign.status = CampaignStatus.SENT
        campaign.finished_at = now
        campaign.save(update_fields=["status", "finished_at", "updated_at"])
        return campaign.status


def tick(now: datetime | None = None) -> dict[str, int]:
    """The periodic pass (every minute): start due scheduled campaigns,
    recover stalled claims, ask for send tasks where mail is waiting with
    no live claim (an ask lost with the broker), pick due A/B winners and
    finish campaigns whose mail is out.
    """
    now = now or timezone.now()
    started = 0
    for campaign_id in Campaign.objects.filter(
        status=CampaignStatus.SCHEDULED, scheduled_at__lte=now
    ).values_list("pk", flat=True):
        started += start_campaign(campaign_id, now)
    recovered = recover_stalled(now)
    resumed = 0
    for campaign_id in Campaign.objects.filter(status__in=ACTIVE_STATUSES).values_list(
        "pk", flat=True
    ):
        rows = CampaignRecipient.objects.filter(campaign_id=campaign_id)
        waiting = rows.filter(status=RecipientStatus.QUEUED, position__isnull=False).exists()
        if waiting and not rows.filter(status=RecipientStatus.SENDING).exists():
            request_sending(campaign_id)
            resumed += 1
        elif not waiting:
            finish_if_done(campaign_id, now)
    return {"started": started, "resumed": resumed, **recovered}
