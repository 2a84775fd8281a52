"""Throttling of mutations that anonymous visitors and customers call.

A mutation names its scope and the email the attempt is for in
``throttle()``, and builds its error type with ``throttled=True``::

    class TicketOpen(BaseMutation):
        @classmethod
        def throttle(cls, info, data):
            throttle(info, "ticket_open", email=data["input"].get("email"))

Over a limit, the payload has one error, ``code: THROTTLED`` with the wait in
its message and in ``retryAfter`` (seconds), and the mutation does nothing.
Staff and apps holding MANAGE_USERS (who may open tickets for anyone with
ticketCreate anyway) are not throttled: they are authenticated by Saleor and
answer for what they do. Any other staff member or app, one with no
permissions included, is counted as a customer is: a token alone must not
open the public operations (and their mails to any address) without limit.
"""

from __future__ import annotations

from typing import Any

from ...auth import CRMPermission
from ...throttling.services import check, client_ip

# Who is not throttled: staff and apps holding these (Requestor.has_perms).
UNTHROTTLED = (CRMPermission.MANAGE_USERS,)


def throttle(info: Any, scope: str, email: str | None = None) -> None:
    """Count one attempt at ``scope`` by this request's client IP (as the
    host finds it) and for ``email``; raises ``Throttled`` when over a limit.
    """
    if info.context.requestor.has_perms(UNTHROTTLED):
        return
    check(scope, ip=client_ip(getattr(info.context, "request", None)), email=email)
