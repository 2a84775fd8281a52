# Reserved for work in progress (issue 8); its operations come with it.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("saleor_crm", "0008_privacy")]

    operations = []
