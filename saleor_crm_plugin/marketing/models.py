import uuid

from django.conf import settings
from django.db import models


class Segment(models.Model):
    """A named rule tree over profile data (see :mod:`.rules`).

    ``rules`` holds the validated tree as staff wrote it; membership is
    computed in SQL whenever it is asked for, against the clock of that
    moment ("ordered within the last 30 days" moves with time).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255, unique=True)
    description = models.TextField(blank=True, default="")
    rules = models.JSONField(default=dict)
    created_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who created it when not a staff user (an app), or the staff email.
    created_by_name = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name
