"""Throttling of mutations that anonymous visitors and customers call.

A mutation names its scope and the email the attempt is for in
``throttle()``, and builds its error type with ``throttled=True``::

    class TicketOpen(BaseMutation):
        @classmethod
        def throttle(cls, info, data):
            throttle(info, "ticket_open", email=data["input"].get("email"))

Over a limit, the payload has one error, ``code: THROTTLED`` with the wait in
its message and in ``retryAfter`` (seconds), and the mutation does nothing.
Staff and apps are not throttled: they are authenticated by Saleor and
answer for what they do.
"""

from __future__ import annotations

from typing import Any

from ...auth import RequestorKind
from ...throttling.services import check, client_ip

UNTHROTTLED = (RequestorKind.STAFF, RequestorKind.APP)


def throttle(info: Any, scope: str, email: str | None = None) -> None:
    """Count one attempt at ``scope`` by this request's client IP (as the
    host finds it) and for ``email``; raises ``Throttled`` when over a limit.
    """
    if info.context.requestor.kind in UNTHROTTLED:
        return
    check(scope, ip=client_ip(getattr(info.context, "request", None)), email=email)
