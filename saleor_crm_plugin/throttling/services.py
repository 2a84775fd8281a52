"""How often a client may do what anonymous visitors and customers can do.

Every throttled operation has a *scope* (``ticket_open``, ``ticket_reply``,
``ticket_rate``, ``inbound_email``, ``inbound_interaction``) with a limit per
client IP and one per email, ``"<count>/<period>"`` (``"10/h"``: ten an hour,
a burst of ten at once, then one every six minutes). The defaults are in
``SALEOR_CRM_THROTTLE_RATES`` (:mod:`saleor_crm_plugin.conf`); a host's
setting overrides them scope by scope and limit by limit, ``None`` turning a
limit off. Call :func:`check` once per attempt, before doing any work:

    check("ticket_open", ip=client_ip(request), email=email)  # raises Throttled

A new operation (a newsletter sign-up, a consent change) adds its scope to
the defaults and calls :func:`check` the same way; GraphQL mutations do it in
``throttle()`` (:mod:`saleor_crm_plugin.graphql.core.throttling`).

Where the counts live: in PostgreSQL, one row per (scope, client) with an
atomic ``INSERT … ON CONFLICT DO UPDATE``, not in Django's cache. Saleor runs
several app server processes, and its ``CACHES`` is whatever ``CACHE_URL``
says: Redis would be shared, but without a ``CACHE_URL`` it is
``LocMemCache``, a cache per process, where every process would allow the
full limit (four workers, four times the limit) and a restart would forget
it; a database cache cannot increment atomically.
The CRM's database is always shared by every process and exact. Its cost,
measured on the shared test machine (local PostgreSQL, two busy cores, a
round trip about 1.4 ms): a check of two limits is one transaction of three
statements (``SET LOCAL synchronous_commit = off``, two upserts), about
4 ms, against 0.06 ms for ``add``/``incr`` on LocMemCache; a guest's
``ticketOpen`` took 64 ms with it and 60 ms without. Only throttled
operations pay it, and a refused attempt costs the check and nothing else.

An attempt counts whether or not it then succeeds (a wrong token, a bad
email), so probing is limited too; a refused attempt consumes nothing, and
is all-or-nothing over its limits: refused by its email's limit, it does not
use up its IP's.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ..conf import DEFAULTS, crm_setting
from .models import ThrottleBucket

RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(s|sec|m|min|h|hour|d|day)\s*$")
UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600}
UNIT_SECONDS |= {"d": 86400, "day": 86400}
KINDS = ("ip", "email")
# The key of clients whose address the host cannot tell: they share one limit.
UNKNOWN_IP = "unknown"


@dataclass(frozen=True)
class Rate:
    """``count`` attempts per ``period``, ``count`` of them at once."""

    count: int
    period: timedelta

    @classmethod
    def parse(cls, text: str) -> Rate:
        match = RATE.match(str(text))
        if not match or int(match[1]) < 1:
            raise ValueError(
                f"{text!r} is not a rate: write '<count>/<period>', e.g. '10/h', '5/15m', '100/d'."
            )
        seconds = int(match[2] or 1) * UNIT_SECONDS[match[3]]
        return cls(count=int(match[1]), period=timedelta(seconds=seconds))

    @property
    def interval(self) -> timedelta:
        return self.period / self.count


class Throttled(Exception):
    """Over a limit: try again in ``retry_after`` seconds."""

    def __init__(self, scope: str, retry_after: int) -> None:
        self.scope = scope
        self.retry_after = retry_after
        super().__init__(
            f"Too many attempts. Try again in {retry_after} "
            f"{'second' if retry_after == 1 else 'seconds'}."
        )


def rates(scope: str) -> dict[str, Rate]:
    """The limits of ``scope`` by kind (``ip``, ``email``); off ones left out."""
    configured = _configured_rates(_rates_setting_key())
    if scope not in configured:
        raise ImproperlyConfigured(f"No throttle rates for {scope!r} in SALEOR_CRM_THROTTLE_RATES.")
    return configured[scope]


def _rates_setting_key() -> str:
    # The setting's value as a hashable key, so tests that change it are seen.
    return repr(crm_setting("SALEOR_CRM_THROTTLE_RATES"))


@cache
def _configured_rates(_key: str) -> dict[str, dict[str, Rate]]:
    return parse_rates(crm_setting("SALEOR_CRM_THROTTLE_RATES"))


def parse_rates(overrides: Any) -> dict[str, dict[str, Rate]]:
    """The defaults with ``overrides`` (the host's setting) laid over them.

    Raises ``ImproperlyConfigured`` naming what is wrong.
    """
    if not isinstance(overrides, dict):
        raise ImproperlyConfigured("SALEOR_CRM_THROTTLE_RATES must be a dict of scopes.")
    merged: dict[str, dict[str, Any]] = {
        scope: dict(limits) for scope, limits in DEFAULTS["SALEOR_CRM_THROTTLE_RATES"].items()
    }
    for scope, limits in overrides.items():
        if not isinstance(limits, dict) or set(limits) - set(KINDS):
            raise ImproperlyConfigured(
                f"SALEOR_CRM_THROTTLE_RATES[{scope!r}] must be a dict with 'ip' and/or 'email'."
            )
        merged.setdefault(scope, {}).update(limits)
    parsed: dict[str, dict[str, Rate]] = {}
    for scope, limits in merged.items():
        parsed[scope] = {}
        for kind, text in limits.items():
            if text is None:
                continue
            try:
                parsed[scope][kind] = Rate.parse(text)
            except ValueError as exc:
                raise ImproperlyConfigured(
                    f"SALEOR_CRM_THROTTLE_RATES[{scope!r}][{kind!r}]: {exc}"
                ) from exc
    return parsed


# --- who the client is --------------------------------------------------------


def remote_addr(request: Any) -> str | None:
    """The peer address of the connection (``REMOTE_ADDR``).

    The right choice when the server in front of Django already resolved
    the client: uvicorn with ``--proxy-headers --forwarded-allow-ips=<your
    proxies>``, gunicorn with ``forwarded_allow_ips``, or no proxy at all.
    """
    return request.META.get("REMOTE_ADDR") or None


def forwarded_client(request: Any) -> str | None:
    """The client as the nearest of ``SALEOR_CRM_TRUSTED_PROXIES`` proxies
    saw it: that many hops from the right of ``X-Forwarded-For`` followed by
    ``REMOTE_ADDR`` (0: ``REMOTE_ADDR`` alone).

    A proxy appends the address it was connected from, so the entries left
    of the trusted ones are whatever the client sent: never read. (Saleor's
    ``get_client_ip`` takes the left-most entry, which any client can set.)
    """
    hops = crm_setting("SALEOR_CRM_TRUSTED_PROXIES")
    chain = []
    if hops:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        chain = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    chain.append(request.META.get("REMOTE_ADDR") or "")
    return _address(chain[max(len(chain) - 1 - hops, 0)]) or None


def _address(entry: str) -> str:
    """``entry`` without a port (``192.0.2.1:443``, ``[2001:db8::1]:443``)."""
    if entry.startswith("[") and "]" in entry:
        return entry[1 : entry.index("]")]
    if entry.count(":") == 1:
        return entry.split(":", 1)[0]
    return entry


@cache
def _client_ip_function(path: str | None) -> Callable[[Any], str | None]:
    return import_string(path) if path is not None else forwarded_client


def client_ip(request: Any) -> str | None:
    """The client's IP address, found as the host finds it.

    ``SALEOR_CRM_CLIENT_IP`` names a ``callable(request) -> str | None``;
    unset, it is :func:`forwarded_client`. None without a request (a call
    from code).
    """
    if request is None:
        return None
    return _client_ip_function(crm_setting("SALEOR_CRM_CLIENT_IP"))(request)


def ip_key(ip: str | None) -> str:
    """The IP as its limit counts it: IPv4 whole, IPv6 by its /64 (one
    household or server gets a /64, and can pick any address inside it).
    """
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return UNKNOWN_IP
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def email_key(email: str | None) -> str | None:
    """The email as its limit counts it: lower-case, without a ``+tag``
    (``ann+1@`` and ``ann+2@`` reach one inbox, so they share its limit).
    """
    local, at, domain = (email or "").strip().lower().rpartition("@")
    if not at or not local or not domain:
        return None
    return f"{local.split('+', 1)[0] or local}@{domain}"


# --- counting -----------------------------------------------------------------

UPSERT = f"""
INSERT INTO {ThrottleBucket._meta.db_table} AS bucket (key, scope, tat)
VALUES (%(key)s, %(scope)s, %(now)s + %(interval)s)
ON CONFLICT (key) DO UPDATE SET tat = GREATEST(bucket.tat, %(now)s) + %(interval)s
WHERE GREATEST(bucket.tat, %(now)s) + %(interval)s <= %(now)s + %(period)s
RETURNING tat
"""


class _Refused(Exception):
    """Rolls back the limits an attempt used before another refused it."""


def check(
    scope: str,
    *,
    ip: str | None = None,
    email: str | None = None,
    now: datetime | None = None,
) -> None:
    """Count one attempt at ``scope`` by the client at ``ip`` (as
    :func:`client_ip` finds it) for ``email``; raise :class:`Throttled` with
    the seconds to wait when it is over one of the scope's limits.

    Run it outside the transaction of the work it guards, so that the count
    stays when that work fails.
    """
    limits = rates(scope)
    now = now or timezone.now()
    values = {"ip": ip_key(ip), "email": email_key(email)}
    keys = sorted(  # one lock order for every attempt: no deadlocks
        (_bucket_key(scope, kind, values[kind]), rate)
        for kind, rate in limits.items()
        if values.get(kind) is not None
    )
    if not keys:
        return
    waits: list[float] = []
    # Alone in its transaction (the usual case: the check runs before the
    # work), a count is not worth waiting for the disk: a crash forgets the
    # last moment's counts, nothing else. Inside a caller's transaction the
    # setting would weaken that transaction's commit too, so it stays.
    durable = connection.in_atomic_block
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if not durable:
                cursor.execute("SET LOCAL synchronous_commit = off")
            for key, rate in keys:
                params = {
                    "key": key,
                    "scope": scope,
                    "now": now,
                    "interval": rate.interval,
                    "period": rate.period,
                }
                cursor.execute(UPSERT, params)
                if cursor.fetchone() is None:
                    tat = ThrottleBucket.objects.values_list("tat", flat=True).get(key=key)
                    waits.append((tat + rate.interval - rate.period - now).total_seconds())
            if waits:
                raise _Refused
    except _Refused:
        raise Throttled(scope, max(1, math.ceil(max(waits)))) from None


def _bucket_key(scope: str, kind: str, value: str) -> str:
    return hashlib.sha256(f"{scope}\0{kind}\0{value}".encode()).hexdigest()


def purge_expired(now: datetime | None = None) -> int:
    """Delete buckets that are empty again (their ``tat`` has passed)."""
    deleted, _ = ThrottleBucket.objects.filter(tat__lt=now or timezone.now()).delete()
    return deleted
