from django.db import models

from ..profiles.models import CustomerProfile


class ProfileReadKind(models.TextChoices):
    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"


class ProfileReaderKind(models.TextChoices):
    STAFF = "staff", "Staff member"
    APP = "app", "App"
    # ``manage.py crm_export_customer``: the operating-system user who ran it.
    COMMAND = "command", "Management command"


class ProfileRead(models.Model):
    """Someone opened a customer's profile (or exported the customer's data).

    One row per reader, profile, kind and window (``window_start``: the read's
    time floored to ``SALEOR_CRM_PROFILE_READ_WINDOW_SECONDS``): a staff member
    working on a profile all afternoon leaves a row per window, not per
    request, and recording costs one ``INSERT … ON CONFLICT DO NOTHING``.
    ``reader_id`` is the store's user ID, the App's ID or the system user;
    there is no foreign key, so the record outlives the staff account.
    """

    id = models.BigAutoField(primary_key=True)
    profile = models.ForeignKey(CustomerProfile, on_delete=models.CASCADE, related_name="reads")
    kind = models.CharField(max_length=8, choices=ProfileReadKind.choices)
    reader_kind = models.CharField(max_length=8, choices=ProfileReaderKind.choices)
    reader_id = models.CharField(max_length=150)
    read_at = models.DateTimeField()
    window_start = models.DateTimeField()

    class Meta:
        ordering = ("-read_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "reader_kind", "reader_id", "kind", "window_start"],
                name="crm_profileread_window_unique",
            ),
        ]
