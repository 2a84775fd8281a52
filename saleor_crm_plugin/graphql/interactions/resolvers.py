from ...auth import Requestor
from ...interactions import models
from ..core.connection import Page, paginate
from .filters import filter_interactions


def resolve_interactions(requestor: Requestor, filter: dict | None, **pagination) -> Page:
    queryset = filter_interactions(
        models.Interaction.objects.select_related("profile"), filter or {}, requestor
    )
    return paginate(queryset, [("occurred_at", True)], **pagination)
