"""Newsletter sign-up with double opt-in, and one-click unsubscribe.

A storefront sign-up records PENDING (with the visitor's IP and user agent
as proof) and mails the address a signed, expiring confirmation link to
the CRM's page ``<route>/marketing/confirm/``; opening the link shows a
button, and only its POST confirms (mail scanners follow links with GET).
Confirming records SUBSCRIBED with the confirming request's proof.

Unsubscribe links (``<route>/marketing/unsubscribe/``, for campaign mails'
``List-Unsubscribe``) work the same way: a signed token naming the address,
a page with a button, and a POST, which is also what mail clients send for
RFC 8058 one-click unsubscribe. Unsubscribe tokens do not expire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils.html import escape

from ..conf import crm_setting
from ..profiles.erasure import is_erased_address
from ..snapshots import normalize_email
from .consent import (
    ConsentChannel,
    ConsentStatus,
    consent_of,
    record_consent,
    unsubscribe,
)

CONFIRM_SALT = "saleor-crm.newsletter-confirm"
CONFIRM_MAX_AGE = timedelta(days=7)
UNSUBSCRIBE_SALT = "saleor-crm.unsubscribe"
ROUTE = "/plugins/global/saleor.crm"


@dataclass(frozen=True)
class Proof:
    """What a storefront request tells about who made a change."""

    ip: str | None = None
    user_agent: str = ""


def _url(path: str, token: str) -> str:
    base = (crm_setting("SALEOR_CRM_PUBLIC_URL") or "").rstrip("/")
    return f"{base}{ROUTE}{path}?{urlencode({'token': token})}"


def confirmation_token(email: str, sales_channel: str = "") -> str:
    return signing.dumps(
        {"e": normalize_email(email), "c": sales_channel}, salt=CONFIRM_SALT, compress=True
    )


def confirmation_url(email: str, sales_channel: str = "") -> str:
    return _url("/marketing/confirm/", confirmation_token(email, sales_channel))


def unsubscribe_token(email: str) -> str:
    return signing.dumps({"e": normalize_email(email)}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(email: str) -> str:
    """The link a campaign mail carries (``List-Unsubscribe`` too)."""
    return _url("/marketing/unsubscribe/", unsubscribe_token(email))


def read_confirmation_token(token: str) -> tuple[str, str] | None:
    """(email, sales channel) of a valid, unexpired link; None otherwise."""
    try:
        claims = signing.loads(token or "", salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    email = claims.get("e") if isinstance(claims, dict) else None
    return (email, str(claims.get("c") or "")) if isinstance(email, str) and email else None


def read_unsubscribe_token(token: str) -> str | None:
    try:
        claims = signing.loads(token or "", salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    email = claims.get("e") if isinstance(claims, dict) else None
    return email if isinstance(email, str) and email else None


def request_subscription(email: str, sales_channel: str = "", proof: Proof = Proof()) -> bool:
    """A storefront sign-up for ``email`` (already cleaned): PENDING and a
    confirmation mail after commit. Returns whether a mail is sent; callers
    answer the same either way, so the response tells nothing about the
    address. Already subscribed or suppressed addresses get no mail.
    """
    current = consent_of(email)
    if current is not None and (
        current.is_suppressed or current.status == ConsentStatus.SUBSCRIBED
    ):
        return False
    record_consent(
        email,
        ConsentStatus.PENDING,
        source="newsletter_form",
        ip=proof.ip,
        user_agent=proof.user_agent,
        actor="customer",
        sales_channel=sales_channel,
    )
    from ..dispatch import send_task

    transaction.on_commit(
        lambda: send_task("saleor_crm.send_newsletter_confirmation", email, sales_channel)
    )
    return True


def send_confirmation(email: str, sales_channel: str = "") -> bool:
    """Mail the double opt-in link, if the address still waits for it."""
    current = consent_of(email)
    if (
        current is None
        or current.status != ConsentStatus.PENDING
        or current.is_suppressed
        or is_erased_address(email)
    ):
        return False
    url = confirmation_url(email, sales_channel)
    days = CONFIRM_MAX_AGE.days
    text = (
        "Someone, hopefully you, asked to receive our newsletter at this address.\n\n"
        f"To confirm, open this link within {days} days and press the button: {url}\n\n"
        "If it was not you, ignore this email: nothing will be sent to you."
    )
    message = EmailMultiAlternatives(
        subject="Confirm your newsletter subscription",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
    )
    message.attach_alternative(
        "<p>Someone, hopefully you, asked to receive our newsletter at this address.</p>"
        f'<p><a href="{escape(url)}">Confirm your subscription</a> (within {days} days).</p>'
        "<p>If it was not you, ignore this email: nothing will be sent to you.</p>",
        "text/html",
    )
    message.send()
    return True


def confirm_subscription(token: str, proof: Proof = Proof()) -> str | None:
    """Confirm the sign-up a link names: SUBSCRIBED, if the address is still
    PENDING (a later unsubscribe is not undone by an old link). Returns the
    address, or None for a forged or expired link.
    """
    claims = read_confirmation_token(token)
    if claims is None:
        return None
    email, sales_channel = claims
    with transaction.atomic():
        current = consent_of(email)
        if current is not None and current.status == ConsentStatus.PENDING:
            record_consent(
                email,
                ConsentStatus.SUBSCRIBED,
                source="double_opt_in",
                ip=proof.ip,
                user_agent=proof.user_agent,
                actor="customer",
                sales_channel=sales_channel,
            )
    return email


def unsubscribe_by_token(token: str, proof: Proof = Proof()) -> str | None:
    """One-click unsubscribe; the address, or None for a forged link."""
    email = read_unsubscribe_token(token)
    if email is None:
        return None
    unsubscribe(
        email,
        channel=ConsentChannel.EMAIL,
        source="unsubscribe_link",
        ip=proof.ip,
        user_agent=proof.user_agent,
    )
    return email
