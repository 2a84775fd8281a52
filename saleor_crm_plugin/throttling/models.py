from django.db import models


class ThrottleBucket(models.Model):
    """One limit's state for one client (an IP, an email) in one scope.

    The limiter is GCRA (a token bucket kept as a single time): ``tat``, the
    "theoretical arrival time", is when the bucket is empty again. A request
    at ``now`` is allowed while ``max(tat, now) + period / count`` is no more
    than ``now + period``, and moves ``tat`` there. A bucket whose ``tat`` has
    passed is the same as no bucket: the hourly purge deletes it.

    ``tat`` has no index on purpose: an update that changes no indexed
    column is a HOT update in PostgreSQL (no index write, little bloat), and
    the purge reads this small table whole once an hour.
    """

    # SHA-256 of scope, kind and value: no email or IP address is stored.
    key = models.CharField(primary_key=True, max_length=64)
    # For operators reading the table: which operation the bucket limits.
    scope = models.CharField(max_length=32)
    tat = models.DateTimeField()

    class Meta:
        verbose_name = "throttle bucket"
