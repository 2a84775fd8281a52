"""Refunds recorded before 0021 kept the store's status in ``status``: it
moves to ``store_status``, and ``status`` says what the CRM knows (a row
written then was written after the store had answered: started, or failed
when the store reported a failure).
"""

from django.db import migrations
from django.db.models import Case, F, Value, When


def forwards(apps, schema_editor):
    TicketRefund = apps.get_model("saleor_crm", "TicketRefund")
    old = TicketRefund.objects.exclude(status__in=["requested", "started", "failed"])
    old.update(
        store_status=F("status"),
        status=Case(When(status="failure", then=Value("failed")), default=Value("started")),
    )


def backwards(apps, schema_editor):
    TicketRefund = apps.get_model("saleor_crm", "TicketRefund")
    TicketRefund.objects.exclude(store_status="").update(status=F("store_status"))
    TicketRefund.objects.filter(store_status="").update(status="failure")


class Migration(migrations.Migration):
    dependencies = [("saleor_crm", "0024_ticket_refund_requests")]

    operations = [migrations.RunPython(forwards, backwards)]
