from ...auth import Requestor
from ...tickets import models
from ...tickets import services as desk
from ..core.connection import Page, paginate
from .filters import filter_tickets
from .sorters import sort_keys
from .utils import get_ticket, own_profile, ticket_pk


def resolve_tickets(
    requestor: Requestor, filter: dict | None, sort_by: dict | None, **pagination
) -> Page:
    annotations, keys = sort_keys(sort_by)
    try:
        queryset = filter_tickets(
            models.Ticket.objects.select_related("profile"), filter or {}, requestor
        )
    except desk.TicketError:
        # An ID in the filter that is not one matches nothing.
        queryset = models.Ticket.objects.none()
    return paginate(queryset.annotate(**annotations), keys, **pagination)


def resolve_ticket(id: str) -> models.Ticket | None:
    try:
        return get_ticket(id)
    except desk.TicketError:
        return None


def resolve_sla_policies() -> list[models.SLAPolicy]:
    return list(models.SLAPolicy.objects.all())


def resolve_my_tickets(info, **pagination) -> Page:
    profile = own_profile(info)
    queryset = models.Ticket.objects.filter(profile=profile, merged_into__isnull=True)
    if profile is None:
        queryset = models.Ticket.objects.none()
    return paginate(queryset, [("created_at", True)], **pagination)


def resolve_my_ticket(info, id: str) -> models.Ticket | None:
    """One of the signed-in customer's own tickets; None for anyone else's."""
    profile = own_profile(info)
    try:
        pk = ticket_pk(id)
    except desk.TicketError:
        return None
    if profile is None or pk is None:
        return None
    return models.Ticket.objects.filter(pk=pk, profile=profile).first()


def resolve_ticket_by_access_token(token: str) -> models.Ticket | None:
    """The guest's ticket; opening the emailed link this way verifies it."""
    return desk.use_access_token(token)
