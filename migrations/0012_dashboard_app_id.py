from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("saleor_crm", "0011_rfm_figures_basis")]

    operations = [
        migrations.AddField(
            model_name="crmconfiguration",
            name="dashboard_app_id",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
    ]
