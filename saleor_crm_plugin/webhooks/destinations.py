"""Where a webhook may be sent: no server-side request forgery.

A destination's host is resolved and every address it resolves to is
checked; the request then goes to the checked address (the host is only
the ``Host`` header and the TLS server name), so a DNS answer that changes
between the check and the connection cannot reach an internal service.
Private, loopback, link-local, multicast, reserved and unspecified
addresses are refused unless allowed (:func:`address_policy`).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from ..conf import crm_setting
from ..hosting import running_in_saleor


class DestinationRefused(ValueError):
    """The URL may not be sent to; the message says why, for staff."""


@dataclass(frozen=True)
class AddressPolicy:
    allow_private: bool
    allow_loopback: bool


def address_policy() -> AddressPolicy:
    """``SALEOR_CRM_WEBHOOK_ALLOW_PRIVATE`` when set (True: every address;
    False: public ones only). Unset, inside Saleor: Saleor's own HTTP IP
    filter (``HTTP_IP_FILTER_ENABLED``, ``HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS``),
    as its webhooks are filtered; elsewhere public addresses only.
    """
    allowed = crm_setting("SALEOR_CRM_WEBHOOK_ALLOW_PRIVATE")
    if allowed is not None:
        return AddressPolicy(allow_private=bool(allowed), allow_loopback=bool(allowed))
    if running_in_saleor():
        if not getattr(settings, "HTTP_IP_FILTER_ENABLED", True):
            return AddressPolicy(allow_private=True, allow_loopback=True)
        return AddressPolicy(
            allow_private=False,
            allow_loopback=bool(getattr(settings, "HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS", False)),
        )
    return AddressPolicy(allow_private=False, allow_loopback=False)


def refused_reason(address: str, policy: AddressPolicy) -> str | None:
    """Why ``address`` may not be connected to, or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if policy.allow_loopback else "a loopback address"
    if policy.allow_private:
        return None
    for test, reason in (
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "an address that is not public"),
    ):
        if test:
            return reason
    return None


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str
    port: int
    path: str
    # The checked address the request goes to.
    address: str


def check_url(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path of an http(s) URL without credentials;
    DestinationRefused otherwise. Nothing is resolved.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise DestinationRefused("Enter a valid URL.") from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DestinationRefused("Enter an http or https URL.")
    if parts.username or parts.password:
        raise DestinationRefused("Credentials in the URL are not allowed; use the secret.")
    if parts.fragment:
        raise DestinationRefused("A URL with a fragment is not allowed.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def resolve(url: str, policy: AddressPolicy | None = None) -> Destination:
    """The destination of ``url``, its host resolved and every address
    checked; DestinationRefused when it does not resolve or any address is
    refused.
    """
    policy = policy or address_policy()
    scheme, host, port, path = check_url(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise DestinationRefused(f"The host {host} does not resolve.") from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise DestinationRefused(f"The host {host} does not resolve.")
    for address in addresses:
        if (reason := refused_reason(address, policy)) is not None:
            raise DestinationRefused(f"The host {host} resolves to {reason} ({address}).")
    return Destination(scheme=scheme, host=host, port=port, path=path, address=addresses[0])
