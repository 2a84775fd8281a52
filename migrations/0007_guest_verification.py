# Verified guests (issue 8): a ticket whose requester has not proven their
# email yet belongs to no profile (``profile`` becomes nullable) and says so
# (``verified_at`` null). Tickets opened before this migration stay where
# they are and count as verified when they were opened: which of them a
# guest opened in someone else's name cannot be told afterwards, and moving
# them off their profiles would hide real customers' history from staff.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("saleor_crm", "0006_profile_list_sort_indexes")]

    operations = [
        migrations.AlterField(
            model_name="ticket",
            name="profile",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="tickets",
                to="saleor_crm.customerprofile",
            ),
        ),
        migrations.AddField(
            model_name="ticket",
            name="verified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunSQL(
            "UPDATE saleor_crm_ticket SET verified_at = created_at WHERE verified_at IS NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
