from django.db import models


class RFMBreakpoints(models.Model):
    """Score boundaries from the last full recompute (single row, pk=1).

    Each list holds, for scores 2, 3, 4 and 5, the smallest value that earns
    that score (``None`` when no profile earned it): ``recency`` the earliest
    last-order time (ISO 8601), ``frequency`` the orders count, ``monetary``
    the total spent in the reporting currency. Incremental updates score
    one profile against them, so a profile's scores agree with the last
    recompute until the next one.
    """

    SINGLETON_PK = 1

    recency = models.JSONField(default=list)
    frequency = models.JSONField(default=list)
    monetary = models.JSONField(default=list)
    computed_at = models.DateTimeField(null=True, blank=True)
    profiles_scored = models.PositiveIntegerField(default=0)
    # What the last full recompute computed the figures with (formulas,
    # reporting currency, exchange rates): when it changes, the next
    # recompute is a full one.
    figures_basis = models.CharField(max_length=64, blank=True, default="")
