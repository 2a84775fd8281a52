# Indexes for the customer list: each sort key followed by the primary key
# (alone, and after a stage or a segment), so a page, first or after a
# cursor, is one index range instead of a sort of every matching profile.
# They replace the single-column ones, which serve the same filters less
# well. Built concurrently: the profiles table is the CRM's largest and the
# store keeps writing to it meanwhile; new indexes come first, so every
# query keeps one to use.

import datetime

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models
from django.db.models.functions import Coalesce


def last_order_sort_key():
    # As saleor_crm_plugin.profiles.models.last_order_sort_key() is today.
    return Coalesce(
        models.F("last_order_at"),
        models.Value(datetime.datetime(1970, 1, 1, 0, 0, tzinfo=datetime.UTC)),
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("saleor_crm", "0005_event_references_and_backoff"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="customerprofile",
            index=models.Index(
                last_order_sort_key(), models.F("id"), name="crm_profile_last_order_key_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="customerprofile",
            index=models.Index(fields=["total_spent", "id"], name="crm_profile_spent_key_idx"),
        ),
        AddIndexConcurrently(
            model_name="customerprofile",
            index=models.Index(fields=["orders_count", "id"], name="crm_profile_orders_key_idx"),
        ),
        AddIndexConcurrently(
            model_name="customerprofile",
            index=models.Index(
                fields=["first_seen_at", "id"], name="crm_profile_first_seen_key_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="customerprofile",
            index=models.Index(
                models.F("lifecycle_stage"),
                last_order_sort_key(),
                models.F("id"),
                name="crm_profile_stage_key_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="customerprofile",
            index=models.Index(
                models.F("rfm_segment"),
                last_order_sort_key(),
                models.F("id"),
                name="crm_profile_rfm_key_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="customerprofile",
            index=models.Index(
                fields=["lifecycle_stage", "total_spent", "id"], name="crm_profile_stage_spent_idx"
            ),
        ),
        RemoveIndexConcurrently(model_name="customerprofile", name="crm_profile_stage_idx"),
        RemoveIndexConcurrently(model_name="customerprofile", name="crm_profile_rfm_idx"),
        RemoveIndexConcurrently(model_name="customerprofile", name="crm_profile_spent_idx"),
        RemoveIndexConcurrently(model_name="customerprofile", name="crm_profile_orders_idx"),
    ]
