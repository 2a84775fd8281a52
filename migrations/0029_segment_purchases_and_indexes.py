# Segments' live counts (issue 9). CustomerPurchases: what each customer
# bought (products, categories, channels of sales), derived with the
# profile's other figures, so a bought or channel condition reads one narrow
# table instead of every order fact and line. crm_profile_segment_idx: the
# profile fields rules compare in one narrow partial index (segments never
# count erased profiles), keyed by the last order, so a count over a large
# share of the store, or of recent buyers, is an index-only scan instead of a
# read of the wide rows. The tags' GIN index
# becomes partial the same way (erased profiles have no tags), the new one
# built before the old one goes, so the tag filters always have one.
#
# The purchases are empty until filled: 0030 fills them, and the formulas'
# version changed with them (analytics.derived.FORMULAS_VERSION), so the
# next nightly recompute is a full one and checks them. The profile indexes
# are built concurrently: the store keeps writing to the profiles meanwhile.

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models

# As saleor_crm_plugin.profiles.models.SEGMENT_FIELDS is today.
SEGMENT_FIELDS = (
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
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("saleor_crm", "0028_outbound_webhooks"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerPurchases",
            fields=[
                (
                    "profile",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="saleor_crm.customerprofile",
                    ),
                ),
                (
                    "items",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(), size=None
                    ),
                ),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["items"], name="crm_purchases_items_idx"
                    )
                ],
            },
        ),
        AddIndexConcurrently(
            model_name="customerprofile",
            index=models.Index(
                condition=models.Q(("erased_at__isnull", True)),
                fields=["last_order_at"],
                include=SEGMENT_FIELDS,
                name="crm_profile_segment_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="customerprofile",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("erased_at__isnull", True)),
                fields=["tags"],
                name="crm_profile_live_tags_idx",
            ),
        ),
        RemoveIndexConcurrently(model_name="customerprofile", name="crm_profile_tags_idx"),
    ]
