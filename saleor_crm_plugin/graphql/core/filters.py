"""Queryset logic shared by the domains' filter inputs."""

from datetime import UTC, datetime

from django.db.models import QuerySet
from django.utils import timezone


def filter_range(queryset: QuerySet, field: str, bounds: dict | None) -> QuerySet:
    """Rows whose ``field`` lies within a ``Crm*RangeInput`` (either end may be
    omitted). A date-time without a time zone is read as UTC, the time zone
    Saleor stores and answers in.
    """
    if not bounds:
        return queryset
    if (gte := _aware(bounds.get("gte"))) is not None:
        queryset = queryset.filter(**{f"{field}__gte": gte})
    if (lte := _aware(bounds.get("lte"))) is not None:
        queryset = queryset.filter(**{f"{field}__lte": lte})
    return queryset


def _aware(value):
    if isinstance(value, datetime) and timezone.is_naive(value):
        return value.replace(tzinfo=UTC)
    return value
