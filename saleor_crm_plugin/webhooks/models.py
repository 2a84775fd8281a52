"""Outbound webhooks: endpoints staff register, the outbox of events, and
one delivery per (event, endpoint).

An event row is written in the transaction of the change it describes
(:mod:`.outbox`), so a rolled-back change sends nothing and a committed one
is never lost. It holds identifiers and non-personal facts only; the
payload's personal data is read from the profile when it is sent
(:mod:`.delivery`), so an erased customer's queued events name no one.
"""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models


class WebhookEndpoint(models.Model):
    """A URL that receives the CRM events it subscribes to, signed with its secret."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255, blank=True, default="")
    url = models.URLField(max_length=2048)
    secret = models.CharField(max_length=255)
    event_types = ArrayField(models.CharField(max_length=64), default=list)
    is_active = models.BooleanField(default=True)
    # Failed attempts in a row, across its deliveries; reset by a success.
    consecutive_failures = models.PositiveIntegerField(default=0)
    # Set when the CRM turned the endpoint off (too many failures in a row);
    # cleared when staff turn it on again.
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return self.name or self.url


class WebhookEvent(models.Model):
    """One CRM event for the endpoints subscribed to its type when it happened.

    ``data`` holds what the payload needs besides the profile: identifiers
    and facts that name no one (a stage, a rating's score, a consent status).
    ``dedupe_key``: the same fact recorded again (a replayed store event) is
    one event.
    """

    id = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=64)
    profile = models.ForeignKey(
        "saleor_crm.CustomerProfile",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occurred_at = models.DateTimeField()
    object_type = models.CharField(max_length=32, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("id",)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    # Claimed by a worker, being sent; back to pending if its lease runs out.
    SENDING = "sending", "Sending"
    SUCCEEDED = "succeeded", "Succeeded"
    # Every attempt failed; replayed by staff.
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """An event's delivery to one endpoint, with its attempts.

    ``profile_id`` is the event's, copied so the worker can keep one
    profile's events in order per endpoint: a delivery waits while an
    earlier one of the same profile to the same endpoint is pending.
    """

    id = models.BigAutoField(primary_key=True)
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    profile_id = models.UUIDField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # What went wrong, in the CRM's words (never the response body).
    last_error = models.CharField(max_length=500, blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("-id",)
        constraints = [
            models.UniqueConstraint(
                fields=("event", "endpoint"), name="crm_webhook_delivery_event_endpoint"
            )
        ]
        indexes = [
            # What is due, and what blocks a profile's later events.
            models.Index(
                fields=("endpoint", "profile_id", "id"),
                name="crm_webhook_delivery_open",
                condition=models.Q(status__in=("pending", "sending")),
            ),
            models.Index(
                fields=("next_attempt_at",),
                name="crm_webhook_delivery_due",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=("endpoint", "-id"), name="crm_webhook_delivery_log"),
        ]
