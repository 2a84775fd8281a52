import uuid

from django.conf import settings
from django.db import models

from ..profiles.models import CustomerProfile


class InteractionChannel(models.TextChoices):
    EMAIL = "email", "Email"
    CHAT = "chat", "Live chat"
    SOCIAL = "social", "Social media"
    PHONE = "phone", "Phone"
    SMS = "sms", "SMS"
    IN_STORE = "in_store", "In store"
    WEB_FORM = "web_form", "Web form"
    OTHER = "other", "Other"


class InteractionDirection(models.TextChoices):
    INBOUND = "inbound", "Inbound"
    OUTBOUND = "outbound", "Outbound"


class Interaction(models.Model):
    """One contact with a customer: a chat, a call, a DM, a visit.

    ``body`` is sanitised HTML (it is rendered in the admin). ``source`` and
    ``external_id`` identify it in the tool it came from, so a re-sent event
    is stored once.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    profile = models.ForeignKey(
        CustomerProfile, on_delete=models.CASCADE, related_name="interactions"
    )
    channel = models.CharField(max_length=16, choices=InteractionChannel.choices)
    direction = models.CharField(max_length=8, choices=InteractionDirection.choices)
    subject = models.CharField(max_length=255, blank=True, default="")
    body = models.TextField(blank=True, default="")
    occurred_at = models.DateTimeField()
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who logged it when not a staff user (an app, an integration).
    author_name = models.CharField(max_length=255, blank=True, default="")
    order_id = models.CharField(max_length=64, null=True, blank=True)
    source = models.CharField(max_length=64, blank=True, default="")
    external_id = models.CharField(max_length=255, null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-occurred_at", "-created_at")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                name="crm_interaction_external_unique",
                condition=models.Q(external_id__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["profile", "-occurred_at"], name="crm_interaction_profile_idx"),
            models.Index(fields=["order_id"], name="crm_interaction_order_idx"),
        ]
