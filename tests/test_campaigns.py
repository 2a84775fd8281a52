"""Campaigns: templates, the audience (holdout, consent), sending through a
real SMTP server with a crash injected, tracking links, A/B winners and
the API's typed errors and permissions.
"""

import socket
import threading
import time
from collections import Counter
from datetime import timedelta
from email import message_from_bytes, policy
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_crm_plugin.conf import crm_setting
from saleor_crm_plugin.marketing import sending, tracking
from saleor_crm_plugin.marketing.campaigns import create_campaign, schedule_campaign
from saleor_crm_plugin.marketing.consent import record_consent
from saleor_crm_plugin.marketing.models import (
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    ConsentStatus,
    MarketingConsent,
    RecipientGroup,
    RecipientStatus,
)
from saleor_crm_plugin.marketing.services import create_segment
from saleor_crm_plugin.marketing.templates import render, sanitize_email_html
from saleor_crm_plugin.profiles.models import CustomerProfile, TimelineEvent
from tests.conftest import REQUESTORS

pytestmark = pytest.mark.django_db

BODY = (
    "<style>p { color: #333; } .cta { font-weight: bold; }</style>"
    "<p>Hi {{customer.first_name}},</p>"
    '<p class="cta"><a href="https://shop.example.com/sale?utm=mail&amp;x=1">Shop the sale</a></p>'
    '<p><a href="{{unsubscribe_url}}">Unsubscribe</a> · {{shop.name}}</p>'
)


def make_profiles(count, *, subscribed=True, prefix="c"):
    now = timezone.now()
    profiles = CustomerProfile.objects.bulk_create(
        CustomerProfile(
            email=f"{prefix}{i}@example.com",
            first_name=f"First{i}",
            last_name=f"Last{i}",
            first_seen_at=now,
            tags=["vip"],
        )
        for i in range(count)
    )
    if subscribed:
        for p in profiles:
            record_consent(p.email, ConsentStatus.SUBSCRIBED, source="test")
    return profiles


@pytest.fixture
def vips():
    return create_segment(
        "VIPs", {"conditions": [{"field": "TAG", "operator": "EQ", "value": "vip"}]}
    )


def new_campaign(segment, **fields):
    data = {
        "name": "Spring",
        "segment": segment,
        "subject": "Hi {{customer.first_name}}",
        "body": BODY,
    }
    return create_campaign({**data, **fields})


def run_to_end(campaign, now=None):
    """Start it and send everything, as the tasks would."""
    schedule_campaign(campaign, now=now)
    sending.start_campaign(campaign.pk, now=now)
    sending.run_sender(campaign.pk)
    campaign.refresh_from_db()
    return campaign


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.SALEOR_CRM_PUBLIC_URL = "https://api.shop.example.com"
    settings.SALEOR_CRM_SHOP_NAME = "Bean Shop"
    yield sink
    controller.stop()


# --- templates -----------------------------------------------------------------


CREATE = """
mutation Create($input: CampaignInput!) {
  campaignCreate(input: $input) { campaign { id status } errors { field code message } }
}
"""


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"subject": "Hi {{customer.nickname}}"}, "subject", "UNKNOWN_VARIABLE"),
        ({"body": "<p>{{#if customer.email}}x{{/each}}</p>"}, "body", "INVALID_TEMPLATE"),
        ({"body": "<p>{{offer.code}}</p>"}, "body", "UNKNOWN_VARIABLE"),
        ({"body": "<p>{{shout customer.email}}</p>"}, "body", "UNKNOWN_VARIABLE"),
        (
            {"variants": [{"subject": "ok"}, {"body": "{{customer.email.x}}"}], "testPercent": 20},
            "variants.1.body",
            "UNKNOWN_VARIABLE",
        ),
        ({"variants": [{"subject": "B"}]}, "testPercent", "REQUIRED"),
        ({"holdoutPercent": 90}, "holdoutPercent", "INVALID"),
        ({"fromEmail": "not an address"}, "fromEmail", "INVALID"),
        ({"subject": ""}, "subject", "REQUIRED"),
    ],
)
def test_bad_templates_and_values_are_refused_on_their_field(gql, vips, fields, field, code):
    segment_id = to_global_id("Segment", vips.pk)
    base = {"name": "X", "segment": segment_id, "subject": "Hello", "body": "<p>Hi</p>"}
    data, errors = gql(CREATE, {"input": {**base, **fields}})
    assert errors is None
    payload = data["campaignCreate"]
    assert payload["campaign"] is None
    assert (field, code) in [(e["field"], e["code"]) for e in payload["errors"]]
    assert not Campaign.objects.exists()


def test_offer_variables_are_allowed_with_an_offer(gql, vips):
    data, _ = gql(
        CREATE,
        {
            "input": {
                "name": "Offer",
                "segment": to_global_id("Segment", vips.pk),
                "subject": "{{customer.first_name}}, a gift",
                "body": "<p>{{offer.code}} until {{date offer.expires_at}}</p>",
                "offer": {
                    "discountType": "PERCENTAGE",
                    "value": "10",
                    "validDays": 14,
                    "channel": "default-channel",
                },
            }
        },
    )
    assert data["campaignCreate"]["errors"] == []
    assert Campaign.objects.get().offer["value"] == "10"


def test_personalised_with_css_inlined_and_a_text_part():
    rendered = render(
        "Hi {{customer.first_name}}",
        BODY,
        {
            "customer": {"first_name": "Ann <3", "last_name": "", "email": "ann@example.com"},
            "unsubscribe_url": "https://u.example.com/?t=1",
            "shop": {"name": "Bean Shop"},
        },
    )
    assert rendered.subject == "Hi Ann <3"
    assert "<style" not in rendered.html
    assert '<p class="cta" style="color:#333;font-weight:bold">' in rendered.html
    assert "Hi Ann &lt;3," in rendered.html  # variables are escaped
    assert "Shop the sale (https://shop.example.com/sale?utm=mail&x=1)" in rendered.text
    assert "Bean Shop" in rendered.text
    assert "<" not in rendered.text.replace("<3", "")


def test_what_a_marketing_email_may_contain():
    clean = sanitize_email_html(
        '<table width="600" cellpadding="4"><tr><td style="padding: 8px; color: red; '
        'background-image: url(https://evil.example/x)">Cell</td></tr></table>'
        '<img src="https://cdn.example.com/logo.png" alt="Logo" width="120">'
        '<script>alert(1)</script><iframe src="https://evil.example"></iframe>'
        '<form action="https://evil.example"><input name="card"></form>'
        '<a href="javascript:alert(1)" onclick="x()">bad</a><img src="data:image/png;base64,AA">'
    )
    assert '<table width="600" cellpadding="4">' in clean
    assert 'style="padding:8px;color:red"' in clean
    assert "background-image" not in clean
    assert "url(" not in clean
    assert '<img src="https://cdn.example.com/logo.png" alt="Logo" width="120">' in clean
    for banned in (
        "<script",
        "alert(1)</",
        "<iframe",
        "<form",
        "<input",
        "javascript:",
        "onclick",
        "data:",
    ):
        assert banned not in clean


# --- the audience --------------------------------------------------------------


def test_holdout_is_stable_recorded_and_never_mailed(vips, smtp):
    profiles = make_profiles(40)
    campaign = new_campaign(vips, holdout_percent=30)
    campaign = run_to_end(campaign)
    rows = {r.profile_id: r for r in CampaignRecipient.objects.filter(campaign=campaign)}
    assert len(rows) == 40
    for p in profiles:
        row = rows[p.pk]
        assert row.bucket == sending.bucket(campaign.pk, p.pk)
        assert (row.group == RecipientGroup.HOLDOUT) == (row.bucket < 3000)
    holdout = [r for r in rows.values() if r.group == RecipientGroup.HOLDOUT]
    assert holdout
    assert all(r.status == RecipientStatus.SKIPPED and r.sent_at is None for r in holdout)
    mailed = {m["To"] for m in smtp.messages}
    assert mailed == {r.email for r in rows.values() if r.group != RecipientGroup.HOLDOUT}
    # Materialised again: nobody moves, nobody is added twice.
    assert sending.materialise(campaign, timezone.now()) == 0
    assert {r.pk: r.group for r in CampaignRecipient.objects.filter(campaign=campaign)} == {
        r.pk: r.group for r in rows.values()
    }


def test_only_sendable_addresses_are_in_the_audience(vips, smtp):
    subscribed = make_profiles(3, prefix="yes")
    make_profiles(2, subscribed=False, prefix="never")
    record_consent("yes0@example.com", ConsentStatus.UNSUBSCRIBED, source="test")
    MarketingConsent.objects.filter(email="yes1@example.com").update(suppressed_at=timezone.now())
    run_to_end(new_campaign(vips))
    assert [m["To"] for m in smtp.messages] == [subscribed[2].email]


def test_materialisation_is_a_fixed_number_of_queries(vips):
    make_profiles(3, prefix="a")
    small = new_campaign(vips, holdout_percent=10)
    with CaptureQueriesContext(connection) as few:
        sending.materialise(small, timezone.now())
    make_profiles(30, prefix="b")
    large = new_campaign(vips, name="Large", holdout_percent=10)
    with CaptureQueriesContext(connection) as many:
        written = sending.materialise(large, timezone.now())
    assert written == 33
    assert len(many) == len(few) <= 3


# --- sending -------------------------------------------------------------------


def test_sent_through_smtp_with_one_click_unsubscribe_headers(vips, smtp):
    make_profiles(3)
    campaign = run_to_end(new_campaign(vips, from_email="news@shop.example.com"))
    assert campaign.status == CampaignStatus.SENT
    assert len(smtp.messages) == 3
    message = min(smtp.messages, key=lambda m: m["To"])
    assert message["To"] == "c0@example.com"
    assert message["Subject"] == "Hi First0"
    assert message["From"] == "news@shop.example.com"
    unsubscribe = message["List-Unsubscribe"].strip()
    assert unsubscribe.startswith(
        "<https://api.shop.example.com/plugins/global/saleor.crm/campaigns/unsubscribe/?t="
    )
    mailto = unsubscribe.split(",")[1].strip().strip("<>")
    assert mailto.startswith("mailto:news@shop.example.com?subject=unsubscribe%20")
    assert tracking.recipient_for_mailto(unquote(mailto.partition("subject=")[2])).email == (
        "c0@example.com"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "Hi First0," in html
    assert "Bean Shop" in html
    assert "/campaigns/click/?t=" in html
    assert "shop.example.com/sale" not in html
    assert "/campaigns/open/?t=" in html
    assert "Hi First0," in text
    recipients = CampaignRecipient.objects.filter(campaign=campaign)
    assert all(r.status == RecipientStatus.SENT and r.message_id for r in recipients)
    assert TimelineEvent.objects.filter(type="campaign_sent").count() == 3


class Crash(BaseException):
    """The worker dies (not an exception any code handles)."""


@pytest.mark.parametrize(
    ("window", "connections", "expected"),
    [
        # One message per statement: only the message in flight is unknown.
        (1, 1, {"confirmed": 6, "requeued": 3, "interrupted": 1}),
        # A window of 3: the dead batch's window (two mailed, one never
        # handed over) is interrupted, none of it is mailed again.
        (3, 1, {"confirmed": 5, "requeued": 2, "interrupted": 3}),
        # Three connections at once: which ones were in flight varies; the bound does not.
        (4, 3, None),
    ],
)
def test_a_crash_mid_send_mails_nobody_twice_and_interrupts_at_most_a_window(
    vips, settings, window, connections, expected
):
    # given 12 recipients in batches of 5, and a worker that dies right
    # after the mail server accepted its 7th message
    make_profiles(12)
    settings.SALEOR_CRM_CAMPAIGN_BATCH_SIZE = 5
    settings.SALEOR_CRM_CAMPAIGN_CONFIRM_WINDOW = window
    settings.SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS = connections
    campaign = new_campaign(vips)
    schedule_campaign(campaign)
    sending.start_campaign(campaign.pk)
    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages
    calls = {"n": 0}
    lock = threading.Lock()

    def dies_after_the_seventh(self, messages):
        sent = original(self, messages)
        with lock:
            calls["n"] += 1
            dies = calls["n"] == 7
        if dies:
            raise Crash  # accepted by the server, never confirmed in the database
        return sent

    # when it sends
    EmailBackend.send_messages = dies_after_the_seventh
    try:
        with pytest.raises(Crash):
            sending.run_sender(campaign.pk)
    finally:
        EmailBackend.send_messages = original

    # then every confirmed message was mailed and has its timeline entry
    mailed = [m.to[0] for m in mail.outbox]
    assert 7 <= len(mailed) <= 7 + connections - 1  # the others' messages in flight
    rows = CampaignRecipient.objects.filter(campaign=campaign)
    confirmed = rows.filter(status=RecipientStatus.SENT)
    assert set(confirmed.values_list("email", flat=True)) <= set(mailed)
    assert sorted(
        TimelineEvent.objects.filter(type="campaign_sent").values_list("dedupe_key", flat=True)
    ) == sorted(f"campaign_sent:{pk}" for pk in confirmed.values_list("pk", flat=True))
    confirmed_at_the_crash = confirmed.count()
    if expected:
        assert len(mailed) == 7
        assert confirmed_at_the_crash == expected["confirmed"]
    # A worker resumes too early: the claim is live, nothing is taken from it.
    sending.tick()
    sending.run_sender(campaign.pk)
    held = rows.filter(status="sending").count()
    assert held == 10 - confirmed_at_the_crash  # the dead worker's batch, less what it confirmed
    # After the lease, the tick recovers it: at most a window is interrupted.
    later = timezone.now() + timedelta(seconds=crm_setting("SALEOR_CRM_CAMPAIGN_LEASE_SECONDS") + 1)
    recovered = sending.recover_stalled(later)
    assert recovered["requeued"] + recovered["interrupted"] == held
    assert 1 <= recovered["interrupted"] <= window
    if expected:
        assert recovered == {
            "requeued": expected["requeued"],
            "interrupted": expected["interrupted"],
        }
    sending.run_sender(campaign.pk)

    # and, at the end, nobody got the email twice and everyone but the
    # interrupted got it once
    interrupted = set(
        rows.filter(status=RecipientStatus.FAILED, error="interrupted").values_list(
            "email", flat=True
        )
    )
    assert len(interrupted) == recovered["interrupted"]
    counts = Counter(m.to[0] for m in mail.outbox)
    assert max(counts.values()) == 1
    everyone = {f"c{i}@example.com" for i in range(12)}
    assert everyone - interrupted <= set(counts) <= everyone
    assert rows.filter(status=RecipientStatus.SENT).count() == 12 - len(interrupted)
    assert TimelineEvent.objects.filter(type="campaign_sent").count() == 12 - len(interrupted)
    for row in rows.filter(email__in=interrupted):
        assert not TimelineEvent.objects.filter(dedupe_key=f"campaign_sent:{row.pk}").exists()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT


def test_a_live_batch_older_than_the_lease_keeps_its_claim(vips, settings):
    # given a batch claimed longer ago than the lease (a slow, rate-limited
    # send) that is still mailing
    make_profiles(5)
    # One connection, in this thread: the tick below must see the test's transaction.
    settings.SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS = 1
    campaign = new_campaign(vips)
    schedule_campaign(campaign)
    sending.start_campaign(campaign.pk)
    lease = crm_setting("SALEOR_CRM_CAMPAIGN_LEASE_SECONDS")
    claimed_at = timezone.now() - timedelta(seconds=lease + 60)
    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages
    recovered = []

    def tick_on_another_worker_after_the_second(self, messages):
        sent = original(self, messages)
        if len(mail.outbox) == 2:
            recovered.append(sending.recover_stalled())
        return sent

    # when the minute tick runs while it mails
    EmailBackend.send_messages = tick_on_another_worker_after_the_second
    try:
        sending.send_batch(campaign.pk, now=claimed_at)
    finally:
        EmailBackend.send_messages = original

    # then nothing is taken from it: every recipient is mailed and confirmed
    assert recovered == [{"requeued": 0, "interrupted": 0}]
    rows = CampaignRecipient.objects.filter(campaign=campaign)
    assert set(rows.values_list("status", flat=True)) == {RecipientStatus.SENT}
    assert len(mail.outbox) == 5
    assert TimelineEvent.objects.filter(type="campaign_sent").count() == 5


def test_a_dropped_connection_requeues_the_unsent(vips, smtp, settings):
    make_profiles(6)
    settings.SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS = 1  # the drop's place in the sequence is exact
    campaign = new_campaign(vips)
    schedule_campaign(campaign)
    sending.start_campaign(campaign.pk)
    from django.core.mail.backends.smtp import EmailBackend

    original = EmailBackend.send_messages
    calls = {"n": 0}

    def drops_at_the_fourth(self, messages):
        calls["n"] += 1
        if calls["n"] == 4:
            raise ConnectionResetError("gone")
        return original(self, messages)

    EmailBackend.send_messages = drops_at_the_fourth
    try:
        with pytest.raises(ConnectionResetError):
            sending.run_sender(campaign.pk)
    finally:
        EmailBackend.send_messages = original
    assert len(smtp.messages) == 3
    assert CampaignRecipient.objects.filter(campaign=campaign, status="queued").count() == 3
    sending.run_sender(campaign.pk)
    assert sorted(m["To"] for m in smtp.messages) == sorted(f"c{i}@example.com" for i in range(6))


def test_a_connection_dropped_among_several_requeues_the_unsent_and_mails_nobody_twice(
    vips, smtp, settings
):
    # given three connections at once, the fourth message's dropping
    make_profiles(9)
    settings.SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS = 3
    campaign = new_campaign(vips)
    schedule_campaign(campaign)
    sending.start_campaign(campaign.pk)
    from django.core.mail.backends.smtp import EmailBackend

    original = EmailBackend.send_messages
    calls = {"n": 0}
    lock = threading.Lock()

    def drops_at_the_fourth(self, messages):
        with lock:
            calls["n"] += 1
            drops = calls["n"] == 4
        if drops:
            raise ConnectionResetError("gone")
        return original(self, messages)

    # when the batch runs
    EmailBackend.send_messages = drops_at_the_fourth
    try:
        with pytest.raises(ConnectionResetError):
            sending.run_sender(campaign.pk)
    finally:
        EmailBackend.send_messages = original

    # then what was accepted is confirmed, the rest (the dropped one too) queued again
    rows = CampaignRecipient.objects.filter(campaign=campaign)
    sent = rows.filter(status=RecipientStatus.SENT).count()
    assert sent == len(smtp.messages) >= 3
    assert rows.filter(status=RecipientStatus.QUEUED).count() == 9 - sent
    # and the retry mails each of the others once
    sending.run_sender(campaign.pk)
    assert sorted(m["To"] for m in smtp.messages) == sorted(f"c{i}@example.com" for i in range(9))


def test_the_rate_limit_paces_several_connections(vips, smtp, settings):
    # given a campaign limited to 40 emails a second, one send task with 4 connections
    make_profiles(9)
    settings.SALEOR_CRM_CAMPAIGN_RATE_LIMIT = 40
    settings.SALEOR_CRM_CAMPAIGN_SEND_WORKERS = 1
    settings.SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS = 4
    campaign = new_campaign(vips)
    # when it is sent
    started = time.monotonic()
    run_to_end(campaign)
    # then the nine went out no faster than 40 a second (the first at once)
    assert time.monotonic() - started >= 8 / 40
    assert sorted(m["To"] for m in smtp.messages) == sorted(f"c{i}@example.com" for i in range(9))


@pytest.mark.parametrize(
    "value",
    [0, -3, "20", 2.5, True, None],
    ids=["zero", "negative", "str", "float", "bool", "none"],
)
@pytest.mark.parametrize(
    "name", ["SALEOR_CRM_CAMPAIGN_CONFIRM_WINDOW", "SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS"]
)
def test_sending_settings_that_are_not_positive_whole_numbers_stop_the_checks(
    settings, name, value
):
    from saleor_crm_plugin.checks import check_campaign_sending

    # given the defaults
    assert check_campaign_sending() == []
    # when one is set to something else than a whole number of at least one
    setattr(settings, name, value)
    # then the checks refuse to start, naming it
    errors = check_campaign_sending()
    assert [e.id for e in errors] == ["saleor_crm.E004"]
    assert name in errors[0].msg


FIXED_DATE = "Tue, 01 Dec 2026 09:00:00 -0000"


@pytest.mark.parametrize(
    ("first_name", "text", "html"),
    [
        ("Ann", "Hi Ann,\n\nShop (https://shop.example.com)", "<p>Hi Ann</p>"),
        ("Chloé", "Hi Chloé\n", "<p>Hi Chloé</p>" * 300),  # one long line: quoted-printable
        ("Дмитрий " * 12, "x" * 1200 + "\nend", "<p>é=</p>\n<p>two</p>"),  # folded subject
        ("O'Brien <b>", "a\r\nb\rc\n\n", "short"),
    ],
)
def test_campaign_email_bytes_are_djangos(monkeypatch, first_name, text, html):
    """The bytes sending.build_message's messages send are the ones Django's
    EmailMultiAlternatives would write, the random MIME boundary aside.
    """
    import re

    from django.core.mail import EmailMultiAlternatives

    from saleor_crm_plugin.marketing import mime

    monkeypatch.setattr("django.core.mail.message.formatdate", lambda **_: FIXED_DATE)
    monkeypatch.setattr(mime, "formatdate", lambda **_: FIXED_DATE)

    def build(cls):
        message = cls(
            subject=f"{first_name}, your spring code ABCD-1234",
            body=text,
            from_email="news@shop.example.com",
            to=["Ünï <u@example.com>"],
            headers={
                "Message-ID": "<crm.1.2@shop.example.com>",
                "List-Unsubscribe": "<https://api.shop.example.com/plugins/global/saleor.crm/"
                "campaigns/unsubscribe/?t=2%3Aabcdefghijklmnop>, "
                "<mailto:news@shop.example.com?subject=unsubscribe>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Precedence": "bulk",
            },
        )
        message.attach_alternative(html, "text/html")
        return message.message().as_bytes(linesep="\r\n")

    django_bytes, ours = build(EmailMultiAlternatives), build(mime.CampaignEmail)
    boundary = re.compile(rb'boundary="([^"]+)"')
    ours = ours.replace(boundary.search(ours).group(1), boundary.search(django_bytes).group(1))
    assert ours == django_bytes


def test_scheduled_campaigns_start_when_due(vips):
    make_profiles(2)
    campaign = new_campaign(vips)
    start = timezone.now() + timedelta(hours=2)
    schedule_campaign(campaign, start)
    sending.tick(start - timedelta(minutes=1))
    assert not mail.outbox
    assert not CampaignRecipient.objects.exists()
    sending.tick(start + timedelta(seconds=1))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    assert len(mail.outbox) == 2


def test_a_started_campaign_cannot_be_edited_or_deleted(gql, vips):
    make_profiles(1)
    campaign = run_to_end(new_campaign(vips))
    gid = to_global_id("Campaign", campaign.pk)
    data, _ = gql(
        'mutation($id: ID!) { campaignUpdate(id: $id, input: {name: "New"}) { errors { code } } '
        "campaignDelete(id: $id) { errors { code } } }",
        {"id": gid},
    )
    assert data["campaignUpdate"]["errors"] == [{"code": "NOT_EDITABLE"}]
    assert data["campaignDelete"]["errors"] == [{"code": "NOT_EDITABLE"}]
    assert Campaign.objects.get().name == "Spring"


# --- tracking ------------------------------------------------------------------


def _path(url):
    parts = urlsplit(url)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_one_click_unsubscribe(client, vips):
    make_profiles(1)
    run_to_end(new_campaign(vips))
    recipient = CampaignRecipient.objects.get()
    path, query = _path(tracking.url("unsubscribe", recipient.pk))
    page = client.get(path, query)
    assert page.status_code == 200
    assert b'<form method="post">' in page.content
    assert "script-src" not in page["Content-Security-Policy"]
    assert MarketingConsent.objects.get().status == ConsentStatus.SUBSCRIBED  # GET changes nothing
    response = client.post(
        f"{path}?t={query['t']}",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert MarketingConsent.objects.get().status == ConsentStatus.UNSUBSCRIBED
    recipient.refresh_from_db()
    assert recipient.unsubscribed_at is not None
    assert TimelineEvent.objects.filter(type="campaign_unsubscribed").count() == 1
    forged = client.post(
        f"{path}?t={recipient.pk}:forged",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert forged.status_code == 400


def test_opens_and_clicks_are_recorded_once_and_only_known_links_redirect(client, vips):
    make_profiles(1)
    campaign = run_to_end(new_campaign(vips))
    recipient = CampaignRecipient.objects.get()
    path, query = _path(tracking.url("open", recipient.pk))
    for _ in range(2):
        pixel = client.get(path, query)
        assert pixel.status_code == 200
        assert pixel["Content-Type"] == "image/gif"
    path, query = _path(tracking.url("click", recipient.pk, 0))
    for _ in range(2):
        response = client.get(path, query)
        assert response.status_code == 302
        assert response["Location"] == "https://shop.example.com/sale?utm=mail&x=1"
    recipient.refresh_from_db()
    assert recipient.opened_at
    assert recipient.clicked_at
    assert TimelineEvent.objects.filter(type="campaign_opened").count() == 1
    assert TimelineEvent.objects.filter(type="campaign_clicked").count() == 1
    # No open redirect: an index past the campaign's links, a token signed
    # for another purpose, a tampered one.
    for token in (
        tracking.token("click", recipient.pk, 5),
        tracking.token("open", recipient.pk),
        tracking.token("click", recipient.pk, 0).replace(f"{recipient.pk}.0", f"{recipient.pk}.1"),
        "https://evil.example",
    ):
        response = client.get(path, {"t": token})
        assert response.status_code == 404
        assert "Location" not in response
    assert campaign.links == ["https://shop.example.com/sale?utm=mail&x=1"]


def _email_links(message):
    """The unsubscribe addresses a received email carries: the header's and
    the body's ``{{unsubscribe_url}}``.
    """
    header = message["List-Unsubscribe"].split(",")[0].strip().strip("<>")
    html = message.get_body(("html",)).get_content()
    start = html.index("https://api.shop.example.com/plugins/global/saleor.crm/campaigns/unsub")
    body = html[start : html.index('"', start)].replace("&amp;", "&")
    return header, body


@pytest.mark.parametrize("link", ["header", "body"])
def test_the_emails_unsubscribe_links_record_consent_and_the_recipient(client, vips, smtp, link):
    # given a campaign email as the mailbox received it
    make_profiles(1)
    campaign = run_to_end(new_campaign(vips))
    header, body = _email_links(smtp.messages[0])
    assert header == body

    # when the customer follows it (RFC 8058's one-click POST, or the page's button)
    path, query = _path(header if link == "header" else body)
    if link == "header":
        response = client.post(
            f"{path}?t={query['t']}",
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = client.post(path, {"t": query["t"]})

    # then the consent ledger and the campaign's report both have it
    assert response.status_code == 200
    consent = MarketingConsent.objects.get()
    assert consent.status == ConsentStatus.UNSUBSCRIBED
    assert consent.source == f"campaign:{campaign.pk}"
    assert CampaignRecipient.objects.get().unsubscribed_at is not None
    data, _ = execute_stats(campaign)
    assert data["unsubscribed"] == 1


def execute_stats(campaign):
    from saleor_crm_plugin.graphql.schema import execute

    result = execute(
        CAMPAIGN,
        requestor=REQUESTORS["staff"],
        variables={"id": to_global_id("Campaign", campaign.pk)},
    )
    return result.data["campaign"]["stats"], result.errors


# --- bounces -------------------------------------------------------------------


def post_bounce(client, payload, path="inbound-bounce", secret=None):
    import json

    from saleor_crm_plugin.configuration.services import update_configuration
    from saleor_crm_plugin.http.inbound import sign

    shared = "s3cret-shared-with-the-mail-provider"
    update_configuration(inbound_secret=shared)
    body = json.dumps(payload).encode()
    signed = sign(secret or shared, body)
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
    return client.post(
        f"/plugins/global/saleor.crm/marketing/{path}/",
        body,
        content_type="application/json",
        **headers,
    )


def test_mail_to_the_mailto_address_unsubscribes_the_recipient_its_subject_names(
    client, vips, smtp
):
    # given a campaign email and the mail a client writes from its mailto:
    make_profiles(2)
    campaign = run_to_end(new_campaign(vips, from_email="news@shop.example.com"))
    message = next(m for m in smtp.messages if m["To"] == "c1@example.com")
    mailto = message["List-Unsubscribe"].split(",")[1].strip().strip("<>")
    subject = unquote(mailto.partition("?subject=")[2])

    # when the provider posts it, with a From naming someone else and a reply prefix
    response = post_bounce(
        client,
        {"subject": f"Re: {subject}", "from": "c0@example.com", "to": "news@shop.example.com"},
        path="inbound-unsubscribe",
    )

    # then the recipient the token names is unsubscribed, not the From
    assert response.status_code == 200, response.content
    assert response.json() == {"unsubscribed": True}
    consent = MarketingConsent.objects.get(status=ConsentStatus.UNSUBSCRIBED)
    assert consent.source == f"campaign:{campaign.pk}"
    recipient = CampaignRecipient.objects.get(email="c1@example.com")
    assert recipient.unsubscribed_at is not None
    assert not CampaignRecipient.objects.filter(
        email="c0@example.com", unsubscribed_at__isnull=False
    ).exists()
    data, _ = execute_stats(campaign)
    assert data["unsubscribed"] == 1

    # and a second copy of the same mail changes nothing
    assert post_bounce(client, {"subject": subject}, path="inbound-unsubscribe").json() == {
        "unsubscribed": True
    }
    assert execute_stats(campaign)[0]["unsubscribed"] == 1
    assert TimelineEvent.objects.filter(type="campaign_unsubscribed").count() == 1


@pytest.mark.parametrize(
    "subject",
    [
        "unsubscribe",
        "unsubscribe 1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "please take me off the list",
    ],
)
def test_mail_to_the_mailto_address_without_a_valid_token_changes_nothing(
    client, vips, smtp, subject
):
    make_profiles(1)
    run_to_end(new_campaign(vips))
    response = post_bounce(client, {"subject": subject}, path="inbound-unsubscribe")
    assert response.status_code == 200
    assert response.json() == {"unsubscribed": False, "reason": "NO_VALID_TOKEN"}
    assert not MarketingConsent.objects.filter(status=ConsentStatus.UNSUBSCRIBED).exists()


def test_the_mailto_endpoint_is_signed_and_refuses_bad_input_on_its_field(client, vips, smtp):
    make_profiles(1)
    run_to_end(new_campaign(vips))
    message = smtp.messages[0]
    mailto = message["List-Unsubscribe"].split(",")[1].strip().strip("<>")
    subject = unquote(mailto.partition("?subject=")[2])
    forged = post_bounce(client, {"subject": subject}, path="inbound-unsubscribe", secret="no")
    assert forged.status_code == 401
    bad = post_bounce(client, {"subject": ["x"]}, path="inbound-unsubscribe")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "subject"
    assert not MarketingConsent.objects.filter(status=ConsentStatus.UNSUBSCRIBED).exists()


def test_a_bounce_naming_the_message_id_marks_that_recipient_bounced(client, vips, smtp):
    # given two campaigns mailed to the same customers
    make_profiles(3)
    first = run_to_end(new_campaign(vips, name="First"))
    run_to_end(new_campaign(vips, name="Second"))
    bounced = next(
        m for m in smtp.messages if m["To"] == "c1@example.com" and m["Subject"] == "Hi First1"
    )
    mine = CampaignRecipient.objects.get(campaign=first, email="c1@example.com")
    assert bounced["Message-ID"] == mine.message_id

    # when the provider reports a hard bounce of the first campaign's message
    response = post_bounce(
        client,
        {
            "email": "C1@example.com",
            "type": "HARD_BOUNCE",
            "occurredAt": "2026-03-01T12:00:00Z",
            "messageId": bounced["Message-ID"],
        },
    )
    again = post_bounce(
        client, {"email": "c1@example.com", "type": "HARD_BOUNCE", "messageId": mine.message_id}
    )

    # then that recipient (of that campaign) is BOUNCED, once, and counted
    assert response.status_code == again.status_code == 200
    rows = CampaignRecipient.objects.filter(status=RecipientStatus.BOUNCED)
    assert list(rows.values_list("pk", flat=True)) == [mine.pk]
    assert rows.get().bounced_at.isoformat() == "2026-03-01T12:00:00+00:00"
    assert execute_stats(first)[0]["bounced"] == 1
    assert MarketingConsent.objects.get(email="c1@example.com").suppressed_at is not None


def test_a_complaint_without_message_id_marks_the_latest_send_soft_bounces_nothing(
    client, vips, smtp
):
    make_profiles(2)
    first = run_to_end(new_campaign(vips, name="First"))
    second = run_to_end(new_campaign(vips, name="Second"))

    soft = post_bounce(client, {"email": "c0@example.com", "type": "SOFT_BOUNCE"})
    complaint = post_bounce(client, {"email": "c1@example.com", "type": "COMPLAINT"})
    stranger = post_bounce(client, {"email": "nobody@example.com", "type": "HARD_BOUNCE"})

    assert soft.status_code == complaint.status_code == stranger.status_code == 200
    assert [
        (r.campaign_id, r.email)
        for r in CampaignRecipient.objects.filter(status=RecipientStatus.BOUNCED)
    ] == [(second.pk, "c1@example.com")]
    assert execute_stats(first)[0]["bounced"] == 0
    assert execute_stats(second)[0]["bounced"] == 1


# --- A/B -----------------------------------------------------------------------


def test_ab_test_sends_the_winner_to_the_rest(vips):
    make_profiles(60)
    campaign = new_campaign(
        vips,
        variants=[{"subject": "B: {{customer.first_name}}"}],
        test_percent=50,
        winner_metric="OPEN_RATE",
        winner_after_hours=2,
    )
    start = timezone.now()
    schedule_campaign(campaign, now=start)
    sending.start_campaign(campaign.pk, now=start)
    sending.run_sender(campaign.pk)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.TESTING
    test = CampaignRecipient.objects.filter(campaign=campaign, group=RecipientGroup.TEST)
    main = CampaignRecipient.objects.filter(campaign=campaign, group=RecipientGroup.MAIN)
    assert test.exists()
    assert main.exists()
    assert len(mail.outbox) == test.count()
    assert set(test.values_list("position", flat=True)) == {0, 1}
    # Variant B is opened more.
    test.filter(position=1).update(opened_at=start)
    sending.tick(start + timedelta(hours=1))
    assert main.filter(status=RecipientStatus.SENT).count() == 0
    sending.tick(campaign.test_sent_at + timedelta(hours=2, seconds=1))
    sending.run_sender(campaign.pk)
    campaign.refresh_from_db()
    assert campaign.winner_position == 1
    assert campaign.status == CampaignStatus.SENT
    assert set(main.values_list("position", "status").distinct()) == {(1, "sent")}
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert all(subjects[r.email].startswith("B: ") for r in main)
    assert len(mail.outbox) == 60


def test_ab_ties_go_to_the_first_variant(vips):
    make_profiles(20)
    campaign = new_campaign(vips, variants=[{"subject": "B"}], test_percent=50)
    run_to_end(campaign)
    assert sending.pick_winner(campaign) == 0


# --- API -----------------------------------------------------------------------


CAMPAIGN = """
query($id: ID!) { campaign(id: $id) { name status holdoutPercent segment { name }
  stats { recipients holdout sent failed opened clicked unsubscribed bounced } } }
"""
PREVIEW = """
query($id: ID, $customer: ID) { campaignPreview(id: $id, customer: $customer) {
  subject html text errors { field code } } }
"""


def test_create_send_and_read_through_the_api(gql, vips):
    profiles = make_profiles(4)
    segment_id = to_global_id("Segment", vips.pk)
    data, _ = gql(
        CREATE,
        {
            "input": {
                "name": "API",
                "segment": segment_id,
                "subject": "Hi {{customer.first_name}}",
                "body": BODY,
                "holdoutPercent": 25,
            }
        },
    )
    gid = data["campaignCreate"]["campaign"]["id"]
    preview, _ = gql(
        PREVIEW, {"id": gid, "customer": to_global_id("CustomerProfile", profiles[2].pk)}
    )
    assert preview["campaignPreview"]["subject"] == "Hi First2"
    assert "Hi First2," in preview["campaignPreview"]["html"]
    outsider = CustomerProfile.objects.create(email="out@example.com", first_seen_at=timezone.now())
    refused, _ = gql(PREVIEW, {"id": gid, "customer": to_global_id("CustomerProfile", outsider.pk)})
    assert refused["campaignPreview"]["errors"] == [{"field": "customer", "code": "NOT_FOUND"}]
    sent, _ = gql(
        "mutation($id: ID!) { campaignSend(id: $id) { campaign { status } errors { code } } }",
        {"id": gid},
    )
    assert sent["campaignSend"] == {"campaign": {"status": "SCHEDULED"}, "errors": []}
    sending.tick()
    data, _ = gql(CAMPAIGN, {"id": gid})
    stats = data["campaign"]["stats"]
    assert data["campaign"]["status"] == "SENT"
    assert stats["recipients"] + stats["holdout"] == 4
    assert stats["sent"] == stats["recipients"] == len(mail.outbox)
    listed, _ = gql(
        "{ campaigns(first: 5, filter: {status: [SENT]}) { totalCount edges { node { name } } } }"
    )
    assert listed["campaigns"]["totalCount"] == 1
    cancelled, _ = gql(
        "mutation($id: ID!) { campaignCancel(id: $id) { errors { code } } }", {"id": gid}
    )
    assert cancelled["campaignCancel"]["errors"] == [{"code": "INVALID_STATUS"}]


@pytest.mark.parametrize(
    "requestor", ["anonymous", "customer", "staff_without_permissions", "app_without_permissions"]
)
def test_without_permission_nothing_is_reached(gql, vips, requestor):
    campaign = new_campaign(vips)
    gid = to_global_id("Campaign", campaign.pk)
    for document, variables in (
        (CAMPAIGN, {"id": gid}),
        (CREATE, {"input": {"name": "X", "segment": to_global_id("Segment", vips.pk)}}),
        ("mutation($id: ID!) { campaignSend(id: $id) { errors { code } } }", {"id": gid}),
        ("mutation($id: ID!) { campaignDelete(id: $id) { errors { code } } }", {"id": gid}),
    ):
        data, errors = gql(document, variables, as_=requestor)
        assert errors
        assert errors[0].message.startswith("You")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    assert Campaign.objects.count() == 1


def test_a_segment_on_order_data_needs_manage_orders_in_all_channels(gql):
    spenders = create_segment(
        "Spenders", {"conditions": [{"field": "TOTAL_SPENT", "operator": "GT", "value": "100"}]}
    )
    variables = {
        "input": {
            "name": "S",
            "segment": to_global_id("Segment", spenders.pk),
            "subject": "Hi",
            "body": "<p>x</p>",
        }
    }
    data, errors = gql(CREATE, variables, as_="staff_in_one_channel")
    assert errors
    assert "MANAGE_ORDERS" in errors[0].message
    assert not Campaign.objects.exists()
    data, errors = gql(CREATE, variables, as_="staff")
    assert data["campaignCreate"]["errors"] == []


def test_unknown_ids_are_typed(gql, db):
    data, _ = gql(CAMPAIGN, {"id": "nonsense"})
    assert data["campaign"] is None
    data, _ = gql(
        CREATE,
        {
            "input": {
                "name": "X",
                "segment": to_global_id("Segment", "0"),
                "subject": "a",
                "body": "b",
            }
        },
    )
    assert data["campaignCreate"]["errors"][0]["field"] == "segment"
    assert set(REQUESTORS) >= {"staff"}
