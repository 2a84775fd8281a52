import uuid

from django.conf import settings
from django.db import models

from ..profiles.models import CustomerProfile


class Segment(models.Model):
    """A named rule tree over profile data (see :mod:`.rules`).

    ``rules`` holds the validated tree as staff wrote it; membership is
    computed in SQL whenever it is asked for, against the clock of that
    moment ("ordered within the last 30 days" moves with time).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255, unique=True)
    description = models.TextField(blank=True, default="")
    rules = models.JSONField(default=dict)
    created_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who created it when not a staff user (an app), or the staff email.
    created_by_name = models.CharField(max_length=255, blank=True, default="")
    # When :func:`.membership.refresh_members` last wrote who is in it.
    members_refreshed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class SegmentMember(models.Model):
    """A stay of a profile in a segment, as last materialised: it entered at
    ``entered_at`` and is still in while ``left_at`` is null. Leaving closes
    the row; entering again opens a new one, so the rows are the history
    sends and "entered / left segment" triggers read.
    """

    id = models.BigAutoField(primary_key=True)
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="memberships")
    # Indexed by crm_segment_member_profile_idx (profile, segment).
    profile = models.ForeignKey(
        CustomerProfile, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    entered_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-entered_at", "-id")
        constraints = [
            # One open stay per profile and segment.
            models.UniqueConstraint(
                fields=["segment", "profile"],
                condition=models.Q(left_at__isnull=True),
                name="crm_segment_member_open_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["profile", "segment"], name="crm_segment_member_profile_idx"),
        ]


class Offer(models.Model):
    """A discount with one single-use code per recipient, issued under a
    caller's ``key`` (a campaign, a ticket's goodwill voucher): the same key
    always names the same offer, so issuing again returns the codes already
    given. Which backend made the codes is kept with it: in Saleor a
    ``Voucher`` (``external_id``), standalone codes the CRM made itself
    (:mod:`.offers`).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=255)
    backend = models.CharField(max_length=32)
    # The backend's own reference (Saleor: the Voucher's pk); "" for local codes.
    external_id = models.CharField(max_length=64, blank=True, default="")
    discount_type = models.CharField(max_length=10)
    value = models.DecimalField(max_digits=12, decimal_places=3)
    channel = models.CharField(max_length=255)
    # The channel's currency when the backend knows it ("" otherwise).
    currency = models.CharField(max_length=3, blank=True, default="")
    minimum_spent = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    valid_days = models.PositiveIntegerField()
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "id")

    def __str__(self) -> str:
        return self.name


class OfferCode(models.Model):
    """The code of one recipient (a caller's ``recipient_key``: a profile,
    a campaign recipient) in one offer.
    """

    id = models.BigAutoField(primary_key=True)
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="codes")
    recipient_key = models.CharField(max_length=255)
    code = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "recipient_key"], name="crm_offer_code_recipient_unique"
            ),
        ]
