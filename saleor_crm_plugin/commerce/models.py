"""The CRM's own facts about orders and checkouts.

Analytics read these tables and never scan the store's. Each fact keeps the
source's version timestamp so an older snapshot never overwrites a newer one.
"""

from django.db import models

from ..profiles.models import CustomerProfile

# Order statuses (Saleor's values) that are not a sale to a customer.
NON_SALE_STATUSES = ("draft", "canceled", "expired")


class OrderFact(models.Model):
    order_id = models.CharField(max_length=64, primary_key=True)
    # Indexed by crm_order_profile_idx (profile, placed_at), which serves
    # the foreign key's lookups too: a second index only slows the inserts.
    profile = models.ForeignKey(
        CustomerProfile, null=True, on_delete=models.CASCADE, related_name="orders", db_index=False
    )
    number = models.CharField(max_length=64, blank=True, default="")
    email = models.CharField(max_length=254, blank=True, default="")
    user_id = models.CharField(max_length=64, null=True, blank=True)
    channel = models.CharField(max_length=255, blank=True, default="")
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=32)
    charge_status = models.CharField(max_length=32, blank=True, default="")
    origin = models.CharField(max_length=32, blank=True, default="")
    total_gross = models.DecimalField(max_digits=20, decimal_places=3)
    total_net = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    total_charged = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    total_refunded = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    voucher_code = models.CharField(max_length=255, null=True, blank=True)
    checkout_token = models.CharField(max_length=64, null=True, blank=True)
    country = models.CharField(max_length=2, blank=True, default="")
    city = models.CharField(max_length=256, blank=True, default="")

    placed_at = models.DateTimeField()
    source_updated_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    fully_refunded_at = models.DateTimeField(null=True, blank=True)

    # sha256 of the snapshot's lines: unchanged lines are not rewritten.
    lines_digest = models.CharField(max_length=64, blank=True, default="")

    # A sale counts towards the profile: not a draft, not cancelled, not
    # fully refunded. ``net_amount`` is gross less refunds, never negative.
    is_sale = models.BooleanField(default=False)
    net_amount = models.DecimalField(max_digits=20, decimal_places=3, default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-placed_at",)
        indexes = [
            models.Index(fields=["profile", "placed_at"], name="crm_order_profile_idx"),
            models.Index(fields=["placed_at"], name="crm_order_placed_idx"),
            models.Index(fields=["checkout_token"], name="crm_order_checkout_idx"),
            # Campaign attribution: the order that used a personal code.
            models.Index(
                fields=["voucher_code"],
                name="crm_order_voucher_idx",
                condition=models.Q(voucher_code__isnull=False),
            ),
        ]


class OrderLineFact(models.Model):
    id = models.BigAutoField(primary_key=True)
    # Indexed by crm_orderline_unique (order, line_id).
    order = models.ForeignKey(
        OrderFact, on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    line_id = models.CharField(max_length=64)
    product_id = models.CharField(max_length=64, null=True, blank=True)
    product_name = models.CharField(max_length=386, blank=True, default="")
    variant_id = models.CharField(max_length=64, null=True, blank=True)
    variant_name = models.CharField(max_length=255, blank=True, default="")
    sku = models.CharField(max_length=255, null=True, blank=True)
    category_id = models.CharField(max_length=64, null=True, blank=True)
    category_name = models.CharField(max_length=250, blank=True, default="")
    quantity = models.IntegerField()
    unit_price_gross = models.DecimalField(max_digits=20, decimal_places=3)
    total_price_gross = models.DecimalField(max_digits=20, decimal_places=3)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "line_id"], name="crm_orderline_unique"),
        ]
        indexes = [
            models.Index(fields=["product_id"], name="crm_orderline_product_idx"),
            # Segments' "bought from a category".
            models.Index(fields=["category_id"], name="crm_orderline_category_idx"),
        ]


class CheckoutFact(models.Model):
    token = models.CharField(max_length=64, primary_key=True)
    # Indexed by crm_checkout_profile_idx (profile, last_change).
    profile = models.ForeignKey(
        CustomerProfile,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checkouts",
        db_index=False,
    )
    email = models.CharField(max_length=254, blank=True, default="")
    user_id = models.CharField(max_length=64, null=True, blank=True)
    channel = models.CharField(max_length=255, blank=True, default="")
    currency = models.CharField(max_length=3)
    total_gross = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    quantity = models.PositiveIntegerField(default=0)
    lines = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField()
    last_change = models.DateTimeField()
    completed_order_id = models.CharField(max_length=64, null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    abandoned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-last_change",)
        indexes = [
            models.Index(fields=["profile", "last_change"], name="crm_checkout_profile_idx"),
            models.Index(
                fields=["last_change"],
                name="crm_checkout_open_idx",
                condition=models.Q(completed_order_id__isnull=True, abandoned_at__isnull=True),
            ),
        ]
