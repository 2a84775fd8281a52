"""Registering webhook endpoints and replaying their deliveries."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ..errors import CRMError
from .destinations import DestinationRefused, check_url, resolve
from .error_codes import WebhookErrorCode
from .events import WebhookEventType
from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from .outbox import request_delivery

MAX_URL = 2048
MIN_SECRET = 24
MAX_SECRET = 255
MAX_NAME = 255


class WebhookError(CRMError):
    code_enum = WebhookErrorCode


@dataclass
class EndpointInput:
    """Fields to set; None leaves one as it is (on update)."""

    url: str | None = None
    secret: str | None = None
    event_types: list[str] | None = None
    is_active: bool | None = None
    name: str | None = None


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise WebhookError("url", "Enter the endpoint's URL.", WebhookErrorCode.REQUIRED)
    if len(url) > MAX_URL:
        raise WebhookError(
            "url", f"URLs are at most {MAX_URL} characters.", WebhookErrorCode.INVALID_URL
        )
    try:
        check_url(url)
    except DestinationRefused as refused:
        raise WebhookError("url", str(refused), WebhookErrorCode.INVALID_URL) from None
    try:
        resolve(url)
    except DestinationRefused as refused:
        raise WebhookError("url", str(refused), WebhookErrorCode.FORBIDDEN_DESTINATION) from None
    return url


def _clean_event_types(event_types: list[str]) -> list[str]:
    cleaned: list[str] = []
    for value in event_types or []:
        try:
            event_type = WebhookEventType(value)
        except ValueError:
            raise WebhookError(
                "eventTypes", f"Unknown event type {value!r}.", WebhookErrorCode.INVALID_EVENT_TYPE
            ) from None
        if event_type.value not in cleaned:
            cleaned.append(event_type.value)
    if not cleaned:
        raise WebhookError(
            "eventTypes", "Subscribe to at least one event type.", WebhookErrorCode.REQUIRED
        )
    return cleaned


def _clean_secret(secret: str) -> str:
    if not MIN_SECRET <= len(secret) <= MAX_SECRET:
        raise WebhookError(
            "secret",
            f"A secret has {MIN_SECRET} to {MAX_SECRET} characters.",
            WebhookErrorCode.INVALID,
        )
    return secret


def _clean_name(name: str) -> str:
    name = name.strip()
    if len(name) > MAX_NAME:
        raise WebhookError(
            "name", f"Names are at most {MAX_NAME} characters.", WebhookErrorCode.INVALID
        )
    return name


def create_endpoint(data: EndpointInput) -> tuple[WebhookEndpoint, str | None]:
    """A new endpoint, its URL checked (resolved: no private destinations
    unless allowed); a secret is generated when none is given and returned
    (the second value) for the caller to show once.
    """
    generated = None
    secret = data.secret
    if secret is None or secret == "":
        secret = generated = secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(
        url=_clean_url(data.url or ""),
        event_types=_clean_event_types(data.event_types or []),
        secret=_clean_secret(secret),
        name=_clean_name(data.name or ""),
        is_active=True if data.is_active is None else data.is_active,
    )
    endpoint.save()
    return endpoint, generated


def update_endpoint(endpoint: WebhookEndpoint, data: EndpointInput) -> WebhookEndpoint:
    """Change the given fields. Turning an endpoint on again clears why the
    CRM turned it off and its run of failures; its waiting deliveries go out.
    """
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if data.url is not None:
            endpoint.url = _clean_url(data.url)
        if data.event_types is not None:
            endpoint.event_types = _clean_event_types(data.event_types)
        if data.secret is not None:
            endpoint.secret = _clean_secret(data.secret)
        if data.name is not None:
            endpoint.name = _clean_name(data.name)
        if data.is_active is not None:
            if data.is_active and not endpoint.is_active:
                endpoint.consecutive_failures = 0
                endpoint.disabled_at = None
                endpoint.disabled_reason = ""
                request_delivery()
            endpoint.is_active = data.is_active
        endpoint.save()
    return endpoint


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its deliveries (undelivered ones are dropped)."""
    endpoint.delete()


def replay_deliveries(deliveries: list[WebhookDelivery]) -> int:
    """Queue failed deliveries again, each with a new series of attempts;
    WebhookError NOT_FAILED when one of them is not failed. The count queued.
    """
    for delivery in deliveries:
        if delivery.status != DeliveryStatus.FAILED:
            raise WebhookError(
                "ids", "Only failed deliveries can be replayed.", WebhookErrorCode.NOT_FAILED
            )
    return _queue_again(WebhookDelivery.objects.filter(pk__in=[d.pk for d in deliveries]))


def replay_failed(endpoint: WebhookEndpoint) -> int:
    """Queue every failed delivery of ``endpoint`` again; the count."""
    return _queue_again(WebhookDelivery.objects.filter(endpoint=endpoint))


def _queue_again(queryset) -> int:
    count = queryset.filter(status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if count:
        request_delivery()
    return count
