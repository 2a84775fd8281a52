import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Coalesce

# Profiles without orders sort as if their last order were at the epoch, so
# the sort key is never null (keyset cursors compare it).
NO_ORDER = datetime(1970, 1, 1, tzinfo=UTC)


def last_order_sort_key() -> Coalesce:
    """The customer list's default sort key.

    Its indexes are built on this same expression, which is what lets
    PostgreSQL read a page from them instead of sorting.
    """
    return Coalesce(models.F("last_order_at"), models.Value(NO_ORDER))


# The profile fields segment rules compare, besides tags (and purchases, in
# CustomerPurchases) and the last order, which keys crm_profile_segment_idx:
# included in it, with the id that joins and subqueries match on. All are
# small and of bounded size.
SEGMENT_FIELDS = [
    "id",
    "lifecycle_stage",
    "rfm_segment",
    "rfm_recency",
    "rfm_frequency",
    "rfm_monetary",
    "orders_count",
    "total_spent",
    "average_order_value",
    "first_order_at",
    "country",
    "user",
    "satisfaction_average",
]


class LifecycleStage(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    NEW = "new", "New"
    ACTIVE = "active", "Active"
    LOYAL = "loyal", "Loyal"
    AT_RISK = "at_risk", "At risk"
    LAPSED = "lapsed", "Lapsed"


class RFMSegment(models.TextChoices):
    CHAMPIONS = "champions", "Champions"
    LOYAL = "loyal", "Loyal"
    POTENTIAL_LOYALIST = "potential_loyalist", "Potential loyalist"
    NEW_CUSTOMERS = "new_customers", "New customers"
    PROMISING = "promising", "Promising"
    NEED_ATTENTION = "need_attention", "Need attention"
    ABOUT_TO_SLEEP = "about_to_sleep", "About to sleep"
    AT_RISK = "at_risk", "At risk"
    CANNOT_LOSE = "cannot_lose", "Can't lose them"
    HIBERNATING = "hibernating", "Hibernating"


class CustomerProfile(models.Model):
    """The customer 360 profile: one per buyer, guests included.

    Keyed by normalised email; linked to the store's user account when there
    is one. Commerce aggregates are derived from the CRM's own order and
    checkout facts and never edited by hand; ``tags`` and ``note`` are staff's.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.CharField(max_length=254, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_name = models.CharField(max_length=256, blank=True, default="")
    last_name = models.CharField(max_length=256, blank=True, default="")
    language_code = models.CharField(max_length=35, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    city = models.CharField(max_length=256, blank=True, default="")

    first_seen_at = models.DateTimeField()
    account_created_at = models.DateTimeField(null=True, blank=True)
    first_order_at = models.DateTimeField(null=True, blank=True)
    last_order_at = models.DateTimeField(null=True, blank=True)
    last_checkout_at = models.DateTimeField(null=True, blank=True)

    orders_count = models.PositiveIntegerField(default=0)
    # In the reporting currency (CRMConfiguration.reporting_currency), for
    # sorting and filtering across currencies.
    total_spent = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    average_order_value = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    reporting_currency = models.CharField(max_length=3, blank=True, default="")
    # {"EUR": {"orders": 2, "total": "120.00"}}: exact figures per currency.
    spend_by_currency = models.JSONField(default=dict, blank=True)
    channels = ArrayField(models.CharField(max_length=255), default=list, blank=True)
    # [{"id": ..., "name": ..., "quantity": n}], most bought first.
    favourite_products = models.JSONField(default=list, blank=True)
    favourite_categories = models.JSONField(default=list, blank=True)

    lifecycle_stage = models.CharField(
        max_length=16, choices=LifecycleStage.choices, default=LifecycleStage.PROSPECT
    )
    lifecycle_stage_changed_at = models.DateTimeField(null=True, blank=True)
    rfm_recency = models.PositiveSmallIntegerField(null=True, blank=True)
    rfm_frequency = models.PositiveSmallIntegerField(null=True, blank=True)
    rfm_monetary = models.PositiveSmallIntegerField(null=True, blank=True)
    rfm_segment = models.CharField(
        max_length=32, choices=RFMSegment.choices, blank=True, default=""
    )

    tags = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    note = models.TextField(blank=True, default="")

    # From the help desk's satisfaction surveys (1-5).
    satisfaction_average = models.DecimalField(
        max_digits=3, decimal_places=2, null=True, blank=True
    )
    satisfaction_count = models.PositiveIntegerField(default=0)

    # Lower-cased "email first last city" for the search filter (trigram index).
    search_document = models.TextField(blank=True, default="")
    # ``updated_at`` of the last customer snapshot applied: older ones are stale.
    customer_version = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-last_order_at", "email")
        indexes = [
            models.Index(fields=["country"], name="crm_profile_country_idx"),
            models.Index(fields=["last_order_at"], name="crm_profile_last_order_idx"),
            # The customer list's sort keys, each with the primary key that
            # ends every sort: a page is a range of one index (keyset).
            models.Index(last_order_sort_key(), "id", name="crm_profile_last_order_key_idx"),
            models.Index(fields=["total_spent", "id"], name="crm_profile_spent_key_idx"),
            models.Index(fields=["orders_count", "id"], name="crm_profile_orders_key_idx"),
            models.Index(fields=["first_seen_at", "id"], name="crm_profile_first_seen_key_idx"),
            # A stage or a segment in the default order (the stage filter, the
            # Overview's RFM grid), and the at-risk widget's biggest spenders:
            # a stage of long-ago buyers is at the far end of the plain sort
            # index, so walking that to find it read most of the table.
            models.Index(
                "lifecycle_stage", last_order_sort_key(), "id", name="crm_profile_stage_key_idx"
            ),
            models.Index(
                "rfm_segment", last_order_sort_key(), "id", name="crm_profile_rfm_key_idx"
            ),
            models.Index(
                fields=["lifecycle_stage", "total_spent", "id"], name="crm_profile_stage_spent_idx"
            ),
            # Partial: an erased profile has no tags (the erasure clears them and
            # refuses edits), and without erased_at to check, a count of a
            # large tag reads fewer columns of each row (the list's tag filter
            # says erased_at IS NULL too, to use it).
            GinIndex(
                fields=["tags"],
                name="crm_profile_live_tags_idx",
                condition=models.Q(erased_at__isnull=True),
            ),
            # Segments only (they never count erased profiles): a narrow copy
            # of the fields their rules compare, so a count over a large share
            # of the store reads this index and skips the wide rows (an
            # index-only scan, on pages the visibility map marks all-visible).
            # Keyed by the last order: "ordered in the last N days" then reads
            # only its range. Tags stay out: 50 tags of 100 characters outgrow
            # an index entry.
            models.Index(
                fields=["last_order_at"],
                include=SEGMENT_FIELDS,
                name="crm_profile_segment_idx",
                condition=models.Q(erased_at__isnull=True),
            ),
            GinIndex(
                fields=["search_document"],
                name="crm_profile_search_idx",
                opclasses=["gin_trgm_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class CustomerPurchases(models.Model):
    """What a customer bought: ``items`` such as ``product:101``,
    ``category:7`` and ``channel:channel-eu``, sorted, from sales only (not
    drafts, cancelled or fully refunded orders).

    Derived from the facts with the profile's other figures
    (``analytics.derived``); a row only for a profile that bought something
    and is not erased. Segments' bought and channel conditions read it
    instead of every order fact and line; a rule only on what was bought is
    counted from it alone (``marketing.rules.count_members``).
    """

    profile = models.OneToOneField(
        CustomerProfile, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    items = ArrayField(models.TextField())

    class Meta:
        indexes = [GinIndex(fields=["items"], name="crm_purchases_items_idx")]

    def __str__(self) -> str:
        return f"{self.profile_id}: {len(self.items)} items"


class ErasedIdentity(models.Model):
    """Remembers that an email was erased, by hash only.

    Events about that email which describe the past (an order placed before
    the erasure, a replayed event) attach to the anonymised profile instead of
    bringing the personal data back.
    """

    email_hash = models.CharField(max_length=64, primary_key=True)
    profile = models.ForeignKey(
        CustomerProfile, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    erased_at = models.DateTimeField()


class TimelineEventType(models.TextChoices):
    ORDER_PLACED = "order_placed", "Order placed"
    ORDER_PAID = "order_paid", "Order paid"
    ORDER_FULFILLED = "order_fulfilled", "Order fulfilled"
    ORDER_CANCELLED = "order_cancelled", "Order cancelled"
    ORDER_REFUNDED = "order_refunded", "Order refunded"
    ORDER_FULLY_REFUNDED = "order_fully_refunded", "Order fully refunded"
    CHECKOUT_STARTED = "checkout_started", "Checkout started"
    CHECKOUT_ABANDONED = "checkout_abandoned", "Checkout abandoned"
    ACCOUNT_CREATED = "account_created", "Account created"
    ACCOUNT_UPDATED = "account_updated", "Account updated"
    ACCOUNT_DELETED = "account_deleted", "Account deleted"
    STAGE_CHANGED = "stage_changed", "Lifecycle stage changed"
    PROFILES_MERGED = "profiles_merged", "Profiles merged"
    INTERACTION = "interaction", "Interaction"
    TICKET_OPENED = "ticket_opened", "Ticket opened"
    TICKET_SOLVED = "ticket_solved", "Ticket solved"
    TICKET_SLA_BREACHED = "ticket_sla_breached", "Ticket SLA breached"
    TICKET_RATED = "ticket_rated", "Ticket rated"
    CONSENT_CHANGED = "consent_changed", "Marketing consent changed"
    VOUCHER_ISSUED = "voucher_issued", "Voucher issued"
    REFUND_STARTED = "refund_started", "Refund started"
    CAMPAIGN_SENT = "campaign_sent", "Campaign email sent"
    CAMPAIGN_OPENED = "campaign_opened", "Campaign email opened"
    CAMPAIGN_CLICKED = "campaign_clicked", "Campaign email clicked"
    CAMPAIGN_UNSUBSCRIBED = "campaign_unsubscribed", "Unsubscribed from a campaign email"


class TimelineEvent(models.Model):
    """One dated thing that happened to a customer, linked to its source."""

    id = models.BigAutoField(primary_key=True)
    # Indexed by crm_timeline_profile_idx (profile, -occurred_at).
    profile = models.ForeignKey(
        CustomerProfile, on_delete=models.CASCADE, related_name="timeline_events", db_index=False
    )
    type = models.CharField(max_length=32, choices=TimelineEventType.choices)
    occurred_at = models.DateTimeField()
    # What the event is about in the store: "order", "checkout" or "user".
    object_type = models.CharField(max_length=16, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    # Events that must happen once per source fact carry a key; replays of the
    # same fact hit the unique constraint and are dropped.
    dedupe_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-occurred_at", "-id")
        indexes = [
            models.Index(fields=["profile", "-occurred_at"], name="crm_timeline_profile_idx"),
        ]
