# Fill CustomerPurchases (0029) from the order facts, so segments' bought
# and channel conditions are exact from now on rather than from the next
# full recompute. In chunks of profiles in id order, each its own short
# transaction holding its profiles' row locks (the CRM's lock order), so the
# store's events keep being applied meanwhile. Reversing it changes nothing:
# reversing 0029 drops the table.

from django.db import migrations, transaction

CHUNK = 5000

# As saleor_crm_plugin.analytics.derived computes them today: sales only
# (not drafts, cancelled or fully refunded orders), sorted; no row for an
# erased profile or one that bought nothing.
FILL = """
WITH chunk AS (
    SELECT id FROM saleor_crm_customerprofile
    WHERE id = ANY(%(ids)s::uuid[]) AND erased_at IS NULL ORDER BY id FOR UPDATE
),
items AS (
    SELECT o.profile_id, 'product:' || l.product_id AS item
    FROM chunk c
    JOIN saleor_crm_orderfact o ON o.profile_id = c.id AND o.is_sale
    JOIN saleor_crm_orderlinefact l ON l.order_id = o.order_id
    WHERE l.product_id IS NOT NULL
    UNION
    SELECT o.profile_id, 'category:' || l.category_id
    FROM chunk c
    JOIN saleor_crm_orderfact o ON o.profile_id = c.id AND o.is_sale
    JOIN saleor_crm_orderlinefact l ON l.order_id = o.order_id
    WHERE l.category_id IS NOT NULL
    UNION
    SELECT o.profile_id, 'channel:' || o.channel
    FROM chunk c
    JOIN saleor_crm_orderfact o ON o.profile_id = c.id AND o.is_sale
    WHERE o.channel <> ''
)
INSERT INTO saleor_crm_customerpurchases (profile_id, items)
SELECT profile_id, array_agg(item ORDER BY item) FROM items GROUP BY profile_id
ON CONFLICT (profile_id) DO UPDATE SET items = EXCLUDED.items
"""


def fill_purchases(apps, schema_editor):
    connection, last = schema_editor.connection, None
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM saleor_crm_customerprofile"
                " WHERE %s::uuid IS NULL OR id > %s::uuid ORDER BY id LIMIT %s",
                [last, last, CHUNK],
            )
            ids = [str(row[0]) for row in cursor.fetchall()]
        if not ids:
            return
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(FILL, {"ids": ids})
        last = ids[-1]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("saleor_crm", "0029_segment_purchases_and_indexes"),
    ]

    operations = [
        migrations.RunPython(fill_purchases, migrations.RunPython.noop, elidable=True),
    ]
