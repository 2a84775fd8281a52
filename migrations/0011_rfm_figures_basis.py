from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("saleor_crm", "0010_least_privilege")]

    operations = [
        migrations.AddField(
            model_name="rfmbreakpoints",
            name="figures_basis",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
    ]
