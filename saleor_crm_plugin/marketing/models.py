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


class ConsentStatus(models.TextChoices):
    SUBSCRIBED = "subscribed", "Subscribed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
    NEVER_SUBSCRIBED = "never_subscribed", "Never subscribed"
    # Asked to subscribe, has not confirmed the double opt-in email yet.
    PENDING = "pending", "Pending confirmation"


class ConsentChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"


class SuppressionReason(models.TextChoices):
    HARD_BOUNCE = "hard_bounce", "Hard bounce"
    COMPLAINT = "complaint", "Complaint"
    MANUAL = "manual", "Suppressed by staff"
    # The customer was erased: the address is kept only as a hash.
    ERASED = "erased", "Customer erased"


class MarketingConsent(models.Model):
    """The current marketing consent of one address on one channel.

    Keyed by the address's hash, not the address: erasure blanks ``email``
    and keeps the row (suppressed), so an erased customer who is imported
    again, or signs up again, is still never sent a campaign. Written only
    by :mod:`.consent`; every change is in :class:`MarketingConsentChange`.
    """

    id = models.BigAutoField(primary_key=True)
    # Normalised (snapshots.normalize_email); "" once erased.
    email = models.CharField(max_length=254, blank=True, default="")
    # sha256 of the normalised email (profiles.identity.email_hash).
    email_hash = models.CharField(max_length=64)
    channel = models.CharField(
        max_length=8, choices=ConsentChannel.choices, default=ConsentChannel.EMAIL
    )
    status = models.CharField(
        max_length=16, choices=ConsentStatus.choices, default=ConsentStatus.NEVER_SUBSCRIBED
    )
    source = models.CharField(max_length=64, blank=True, default="")
    # When the change that set ``status`` happened; older changes do not move it.
    occurred_at = models.DateTimeField()
    suppressed_at = models.DateTimeField(null=True, blank=True)
    suppression_reason = models.CharField(
        max_length=16, choices=SuppressionReason.choices, blank=True, default=""
    )
    suppression_source = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("email", "channel")
        constraints = [
            models.UniqueConstraint(
                fields=["email_hash", "channel"], name="crm_consent_email_channel_unique"
            ),
        ]
        indexes = [
            # sendable_emails() and the EMAIL_CONSENT segment field.
            models.Index(fields=["email", "channel", "status"], name="crm_consent_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email or self.email_hash} {self.channel}: {self.status}"

    @property
    def is_suppressed(self) -> bool:
        return self.suppressed_at is not None


class MarketingConsentChange(models.Model):
    """One entry of the append-only consent ledger: a status change, a
    suppression (``suppression_reason``) or a suppression staff lifted
    (``lifted_suppression``), with its time, source and proof. Rows are
    never updated, except that erasure blanks the personal data (email, ip,
    user agent, actor, note) and keeps the hash.
    """

    id = models.BigAutoField(primary_key=True)
    email = models.CharField(max_length=254, blank=True, default="")
    email_hash = models.CharField(max_length=64)
    channel = models.CharField(
        max_length=8, choices=ConsentChannel.choices, default=ConsentChannel.EMAIL
    )
    status = models.CharField(max_length=16, choices=ConsentStatus.choices)
    # Set on a suppression entry; blank on a status change.
    suppression_reason = models.CharField(
        max_length=16, choices=SuppressionReason.choices, blank=True, default=""
    )
    # Set on the entry of a suppression staff lifted: the reason it had.
    lifted_suppression = models.CharField(
        max_length=16, choices=SuppressionReason.choices, blank=True, default=""
    )
    # Staff's explanation of a lifted suppression ("the bounce was the
    # provider's outage"); blanked by erasure like the other personal data.
    note = models.CharField(max_length=500, blank=True, default="")
    # Where the change came from: "staff", "newsletter_form", "double_opt_in",
    # "unsubscribe_link", "customer_metadata", "checkout_metadata", "bounce"...
    source = models.CharField(max_length=64)
    # Proof for storefront sign-ups and confirmations.
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True, default="")
    # The store's sales channel a storefront sign-up came from (its slug).
    sales_channel = models.CharField(max_length=255, blank=True, default="")
    # Who made it: a staff email, "app:<name>", "customer"; blank for imports.
    actor = models.CharField(max_length=255, blank=True, default="")
    # False for a change older than the current state: kept, not applied.
    applied = models.BooleanField(default=True)
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-occurred_at", "-id")
        indexes = [
            models.Index(
                fields=["email_hash", "channel", "-occurred_at"], name="crm_consent_change_idx"
            ),
        ]
