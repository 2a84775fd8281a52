from django.contrib.postgres.fields import ArrayField
from django.db import models


class InboundEventStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed"


class InboundEvent(models.Model):
    """A store event, written once per object and request after the store
    commits: the durable hand-off between the store and Celery.

    It carries either the object's snapshot (``payload``) or, when recorded by
    a plugin hook, only a reference (``payload`` is null): the worker builds
    the snapshot of the object as it is then, in a batch. ``announced`` lists
    every event the store fired for the object in that request (created,
    paid, fully paid, confirmed ...), coalesced into this one row.

    If the broker is down the row stays ``pending`` and the sweeper finds
    it; if processing fails it waits until ``next_attempt_at`` (exponential
    back-off), then is parked as ``failed`` for an operator to replay.
    """

    id = models.BigAutoField(primary_key=True)
    event_type = models.CharField(max_length=32)
    object_type = models.CharField(max_length=16)
    object_id = models.CharField(max_length=64)
    payload = models.JSONField(null=True, blank=True)
    announced = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    occurred_at = models.DateTimeField()
    # sha256 of type + payload: the very same event recorded twice is one row.
    dedupe_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=16, choices=InboundEventStatus.choices, default=InboundEventStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)
        indexes = [
            # The sweeper walks pending events in id order.
            models.Index(
                fields=["id"],
                name="crm_event_pending_idx",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["status", "processed_at"], name="crm_event_status_idx"),
        ]


class BackfillState(models.Model):
    """Where an import of the store's history got to, per kind of object,
    so an interrupted ``crm_backfill`` resumes instead of starting over.
    """

    kind = models.CharField(max_length=16, primary_key=True)
    cursor = models.CharField(max_length=64, blank=True, default="")
    processed = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
