"""Checks the services apply to what customers, staff and tools send: real
emails, dates in a sane range, text within its column.

Each check raises the caller's domain error (a :class:`~.errors.CRMError`
subclass) on the given input field with code ``invalid``, so the API reports
``errors { field code message }`` and nothing is written. Nothing is cut
short silently: text over its limit is refused.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import EmailValidator
from django.http.request import validate_host
from django.utils import timezone

from .conf import crm_setting
from .errors import CRMError
from .snapshots import normalize_email

# When a contact can have happened: not before the CRM's oldest plausible
# store history, and not later than clock skew between systems allows.
EARLIEST_OCCURRED_AT = datetime(2000, 1, 1, tzinfo=UTC)
MAX_FUTURE_SKEW = timedelta(days=1)

# RFC 5321's limit for a forward path; profiles and tickets store no longer.
MAX_EMAIL = 254
# Longest storefront URL accepted for links in customer emails.
MAX_REDIRECT_URL = 2048
# Longest message (ticket message, interaction body) anyone may write.
MAX_BODY = 50_000

_email_validator = EmailValidator()
# What a browser reads differently from Python's urlsplit: "\" is "/" to it
# (so "https://evil.example\@shop.example" opens evil.example), and it drops
# tabs and newlines anywhere and controls and spaces around the URL.
_AMBIGUOUS_IN_URL = re.compile(r"[\\\x00-\x20\x7f]")


def clean_email(
    email: str | None, field: str, error: type[CRMError], *, existing: bool = False
) -> str:
    """``email`` normalised as profiles are keyed (empty stays empty: the
    caller decides whether it is required); ``error`` when it is not one.

    A quoted local part (``"ann"@x.com``) or an IP-literal domain
    (``ann@[192.0.2.1]``) is refused too: each is another spelling of an
    address, so it would get its own profile and its own throttling bucket.
    ``existing`` accepts them, for looking up an address already stored
    (Saleor's orders may carry any address Django accepts).
    """
    email = normalize_email(email)
    if not email:
        return ""
    try:
        if len(email) > MAX_EMAIL:
            raise ValidationError("too long")
        _email_validator(email)
    except ValidationError as exc:
        raise error(field, "Enter a valid email address.", "invalid") from exc
    local, _, domain = email.rpartition("@")
    if not existing and (local.startswith('"') or domain.startswith("[")):
        raise error(
            field,
            "Enter an email address as name@domain, without quotes or an IP address.",
            "invalid",
        )
    return email


def clean_redirect_url(url: str | None, field: str, error: type[CRMError]) -> str:
    """A storefront URL for a link in a customer's email, checked as Saleor
    checks its own ``redirectUrl``: absolute ``http(s)``, on a host that
    ``SALEOR_CRM_ALLOWED_CLIENT_HOSTS`` allows (default: Saleor's
    ``ALLOWED_CLIENT_HOSTS``). A link elsewhere would hand the token it
    carries to whoever chose the URL. Empty stays empty (the caller decides
    whether it is required).

    Refused too: what a browser would read as another host than Python
    does (a backslash, a control character or space inside) and a user
    name or password before the host. The URL returned is rebuilt from the
    parts checked (scheme, host, port, path, query, fragment), so nothing
    else reaches the mail.
    """
    url = (url or "").strip()
    if not url:
        return ""
    check_length(url, MAX_REDIRECT_URL, field, error)
    if _AMBIGUOUS_IN_URL.search(url):
        raise error(
            field, "Enter a URL without backslashes, spaces or control characters.", "invalid"
        )
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError as exc:
        raise error(field, "Enter a valid URL.", "invalid") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise error(field, "Enter an absolute http(s) URL.", "invalid")
    if "@" in parts.netloc:
        raise error(field, "Enter a URL without a user name or password.", "invalid")
    if not validate_host(host, crm_setting("SALEOR_CRM_ALLOWED_CLIENT_HOSTS")):
        raise error(
            field,
            f"{host} is not allowed. Check the ALLOWED_CLIENT_HOSTS setting.",
            "invalid",
        )
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def check_occurred_at(
    value: datetime | None, field: str, error: type[CRMError], now: datetime | None = None
) -> None:
    """``error`` unless ``value`` (when given) lies between
    :data:`EARLIEST_OCCURRED_AT` and :data:`MAX_FUTURE_SKEW` from now.
    """
    if value is None:
        return
    if timezone.is_naive(value):
        raise error(field, "Give the time with a time zone.", "invalid")
    latest = (now or timezone.now()) + MAX_FUTURE_SKEW
    if not EARLIEST_OCCURRED_AT <= value <= latest:
        raise error(
            field,
            f"Give a time between {EARLIEST_OCCURRED_AT.date().isoformat()} and tomorrow.",
            "invalid",
        )


def check_length(value: str | None, limit: int, field: str, error: type[CRMError]) -> None:
    """``error`` when ``value`` has more than ``limit`` characters."""
    if value is not None and len(value) > limit:
        raise error(field, f"Use at most {limit:,} characters.", "invalid")


def check_json_size(value: Any, limit: int, field: str, error: type[CRMError]) -> None:
    """``error`` when ``value`` takes more than ``limit`` bytes as JSON (UTF-8)."""
    if value is None:
        return
    size = len(
        json.dumps(value, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False).encode()
    )
    if size > limit:
        raise error(field, f"Keep it within {limit:,} bytes of JSON.", "invalid")


def max_length(model: type, field_name: str) -> int:
    """The column's ``max_length``: the limit lives in the model."""
    return model._meta.get_field(field_name).max_length


def shorten(value: str, limit: int) -> str:
    """``value`` within ``limit`` characters, visibly shortened ("…") when it
    was longer; for text the CRM derives (a mail header), never for input
    someone typed into the API.
    """
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
