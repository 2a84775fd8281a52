# Throttling buckets (one row per scope and client, GCRA), the previous
# inbound secret accepted during a rotation, and tickets opened by mail from
# an unknown sender.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("saleor_crm", "0008_privacy")]

    operations = [
        migrations.CreateModel(
            name="ThrottleBucket",
            fields=[
                ("key", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("scope", models.CharField(max_length=32)),
                ("tat", models.DateTimeField()),
            ],
            options={"verbose_name": "throttle bucket"},
        ),
        migrations.AddField(
            model_name="crmconfiguration",
            name="inbound_secret_previous",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
        migrations.AddField(
            model_name="ticket",
            name="from_unknown_sender",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="ticket",
            name="sender_replied_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="saleor_crm.ticket",
            ),
        ),
    ]
