# Privacy (issue 8): the staff read audit of customer profiles.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("saleor_crm", "0007_guest_verification")]

    operations = [
        migrations.CreateModel(
            name="ProfileRead",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                (
                    "kind",
                    models.CharField(
                        choices=[("view", "Viewed"), ("export", "Exported")], max_length=8
                    ),
                ),
                (
                    "reader_kind",
                    models.CharField(
                        choices=[
                            ("staff", "Staff member"),
                            ("app", "App"),
                            ("command", "Management command"),
                        ],
                        max_length=8,
                    ),
                ),
                ("reader_id", models.CharField(max_length=150)),
                ("read_at", models.DateTimeField()),
                ("window_start", models.DateTimeField()),
                (
                    "profile",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reads",
                        to="saleor_crm.customerprofile",
                    ),
                ),
            ],
            options={
                "ordering": ("-read_at", "-id"),
                "constraints": [
                    models.UniqueConstraint(
                        fields=("profile", "reader_kind", "reader_id", "kind", "window_start"),
                        name="crm_profileread_window_unique",
                    )
                ],
            },
        ),
    ]
