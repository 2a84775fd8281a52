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


class MarketingConsentMetadataSeen(models.Model):
    """The last consent metadata value imported for one address, channel and
    metadata source (``customer_metadata``, ``checkout_metadata``,
    ``order_metadata``) and the time of the snapshot that carried it. A
    metadata value is a choice only when it changes: a snapshot still
    carrying the value already seen (a later ``customer_updated`` after an
    unsubscribe link) records nothing. Keyed by hash only; erasure deletes
    the rows.
    """

    id = models.BigAutoField(primary_key=True)
    email_hash = models.CharField(max_length=64)
    channel = models.CharField(
        max_length=8, choices=ConsentChannel.choices, default=ConsentChannel.EMAIL
    )
    source = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=ConsentStatus.choices)
    # The time of the snapshot that carried it (its own time, not arrival).
    seen_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email_hash", "channel", "source"],
                name="crm_consent_metadata_seen_unique",
            ),
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


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    # Going out to everyone it is for (no A/B test, or the winner chosen).
    SENDING = "sending", "Sending"
    # Variants going out to the test group; the rest wait for the winner.
    TESTING = "testing", "Testing"
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Cancelled"


# Staff may change a campaign only before it starts.
EDITABLE_STATUSES = (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)
# A campaign with mail still to go out.
ACTIVE_STATUSES = (CampaignStatus.SENDING, CampaignStatus.TESTING)


class WinnerMetric(models.TextChoices):
    OPEN_RATE = "open_rate", "Open rate"
    CLICK_RATE = "click_rate", "Click rate"


class Campaign(models.Model):
    """An email to a segment: its content (the first variant), optional
    alternative variants for an A/B test, an optional personal offer, and
    the share of the audience held out to measure what it added.

    ``links``: the distinct literal ``http(s)`` links of ``body``, in order;
    a click redirect goes only to one of them, by index (no open redirect).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255)
    # A campaign outlives its segment: its recipients are its own rows.
    segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns"
    )
    subject = models.CharField(max_length=255, blank=True, default="")
    body = models.TextField(blank=True, default="")
    links = models.JSONField(default=list, blank=True)
    from_email = models.CharField(max_length=254, blank=True, default="")
    # {"discount_type", "value", "valid_days", "channel", "minimum_spent"}
    # (marketing/offers.py OfferSpec), or null for no offer.
    offer = models.JSONField(null=True, blank=True)
    holdout_percent = models.PositiveSmallIntegerField(default=0)
    test_percent = models.PositiveSmallIntegerField(default=0)
    winner_metric = models.CharField(
        max_length=16, choices=WinnerMetric.choices, default=WinnerMetric.OPEN_RATE
    )
    winner_after_hours = models.PositiveIntegerField(default=4)
    status = models.CharField(
        max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    scheduled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # When the test group's mail was all out: the winner is due winner_after_hours later.
    test_sent_at = models.DateTimeField(null=True, blank=True)
    winner_picked_at = models.DateTimeField(null=True, blank=True)
    # The winning variant's position (0: the campaign's own content).
    winner_position = models.PositiveSmallIntegerField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by_name = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["status", "scheduled_at"], name="crm_campaign_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignVariant(models.Model):
    """An alternative subject and body of an A/B test; ``position`` 1, 2, …
    (position 0 is the campaign's own content).
    """

    id = models.BigAutoField(primary_key=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="variants")
    position = models.PositiveSmallIntegerField()
    subject = models.CharField(max_length=255)
    body = models.TextField()
    links = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("campaign", "position")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "position"], name="crm_campaign_variant_position_unique"
            ),
        ]


class RecipientGroup(models.TextChoices):
    # Gets nothing; measured the same way (attribution's baseline).
    HOLDOUT = "holdout", "Holdout"
    # Gets one of the variants during an A/B test.
    TEST = "test", "Test"
    # Gets the campaign (or, after an A/B test, the winner).
    MAIN = "main", "Main"


class RecipientStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    # Claimed by a sending worker (``claim_token``), not yet confirmed sent.
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Bounced"
    # Not mailed: the holdout, or no longer sendable at send time.
    SKIPPED = "skipped", "Skipped"


class CampaignRecipient(models.Model):
    """One profile of a campaign's audience, fixed when the campaign starts.

    ``bucket`` (0-9999) comes from a hash of the campaign and profile IDs:
    the same profile always lands in the same group, however often the
    audience is materialised. ``position``: the variant it gets (null until
    an A/B test's winner is known, for the main group).
    """

    id = models.BigAutoField(primary_key=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    profile = models.ForeignKey(
        CustomerProfile, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    email = models.CharField(max_length=254)
    bucket = models.PositiveSmallIntegerField()
    group = models.CharField(max_length=8, choices=RecipientGroup.choices)
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=RecipientStatus.choices, default=RecipientStatus.QUEUED
    )
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set, in the statement that confirms the previous window of messages,
    # just before this one's are handed to the mail server (sending.py:
    # crash recovery).
    attempted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    offer_code = models.CharField(max_length=255, blank=True, default="")
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True, default="")
    error = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        ordering = ("campaign", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "profile"], name="crm_campaign_recipient_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="crm_campaign_rcpt_status_idx"),
            models.Index(fields=["profile"], name="crm_campaign_rcpt_profile_idx"),
            # The claim of a send task (sending.py): the next queued rows in
            # order, without sorting every queued row of the campaign.
            models.Index(
                fields=["campaign", "id"],
                name="crm_campaign_rcpt_queued_idx",
                condition=models.Q(status="queued", position__isnull=False),
            ),
            # Attribution (attribution.py): whose code an order used.
            models.Index(
                fields=["offer_code"],
                name="crm_campaign_rcpt_code_idx",
                condition=~models.Q(offer_code=""),
            ),
        ]
