"""Queryset logic shared by the domains' filter inputs."""

from django.db.models import QuerySet


def filter_range(queryset: QuerySet, field: str, bounds: dict | None) -> QuerySet:
    """Rows whose ``field`` lies within a ``Crm*RangeInput`` (either end may be omitted)."""
    if not bounds:
        return queryset
    if bounds.get("gte") is not None:
        queryset = queryset.filter(**{f"{field}__gte": bounds["gte"]})
    if bounds.get("lte") is not None:
        queryset = queryset.filter(**{f"{field}__lte": bounds["lte"]})
    return queryset
