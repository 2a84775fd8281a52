# Campaign attribution (marketing/attribution.py): which order used a
# personal code, whose code it was. Built concurrently: the order facts of
# a large store are not locked against writes while the index is built.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("saleor_crm", "0025_ticket_refund_statuses"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="campaignrecipient",
            index=models.Index(
                condition=models.Q(("offer_code", ""), _negated=True),
                fields=["offer_code"],
                name="crm_campaign_rcpt_code_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="orderfact",
            index=models.Index(
                condition=models.Q(("voucher_code__isnull", False)),
                fields=["voucher_code"],
                name="crm_order_voucher_idx",
            ),
        ),
    ]
