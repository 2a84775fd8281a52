"""Drop indexes that only slow the ingestion path's inserts.

- The foreign-key indexes of order facts, order lines, checkouts and
  timeline entries: each is the leading column of a composite index the
  models declare (``crm_order_profile_idx``, ``crm_orderline_unique``,
  ``crm_checkout_profile_idx``, ``crm_timeline_profile_idx``), which serves
  the same lookups.
- The ``varchar_pattern_ops`` ("_like") indexes PostgreSQL gets from Django
  for unique text columns: they serve ``LIKE 'prefix%'``, and the CRM never
  filters these keys, ids and emails by prefix (search uses the trigram
  index). Django creates them outside the migration state, so they are
  dropped by name here, and recreated if this migration is reversed.
"""

from django.db import migrations, models

LIKE_INDEXED = [
    ("orderfact", "order_id"),
    ("checkoutfact", "token"),
    ("inboundevent", "dedupe_key"),
    ("timelineevent", "dedupe_key"),
    ("customerprofile", "email"),
]


def _like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, field_name in LIKE_INDEXED:
        model = apps.get_model("saleor_crm", model_name)
        yield model, model._meta.get_field(field_name)


def drop_like_indexes(apps, schema_editor):
    for model, field in _like_indexes(apps, schema_editor):
        name = schema_editor._create_index_name(model._meta.db_table, [field.column], "_like")
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create_like_indexes(apps, schema_editor):
    for model, field in _like_indexes(apps, schema_editor):
        sql = schema_editor._create_like_index_sql(model, field)
        if sql is not None:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("saleor_crm", "0012_dashboard_app_id")]

    operations = [
        migrations.AlterField(
            model_name="orderfact",
            name="profile",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="orders",
                to="saleor_crm.customerprofile",
            ),
        ),
        migrations.AlterField(
            model_name="checkoutfact",
            name="profile",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="checkouts",
                to="saleor_crm.customerprofile",
            ),
        ),
        migrations.AlterField(
            model_name="orderlinefact",
            name="order",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="lines",
                to="saleor_crm.orderfact",
            ),
        ),
        migrations.AlterField(
            model_name="timelineevent",
            name="profile",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="timeline_events",
                to="saleor_crm.customerprofile",
            ),
        ),
        migrations.RunPython(drop_like_indexes, create_like_indexes, elidable=False),
    ]
