from django.core.exceptions import ValidationError
from graphql_relay import from_global_id

from ...auth import Requestor
from ...commerce.models import OrderFact
from ...order_access import may_see_order
from ...profiles import models
from ...profiles.identity import user_key
from ...snapshots import normalize_email
from ...storable import find_unstorable
from ..core.connection import Page, paginate
from ..core.errors import InvalidInput
from .filters import filter_profiles
from .sorters import sort_keys


def decode_profile_id(global_id: str):
    """The profile's UUID, or None when the ID is not a profile ID."""
    try:
        type_name, pk = from_global_id(global_id)
    except Exception:  # noqa: BLE001 - any undecodable ID is simply unknown
        return None
    if type_name != "CustomerProfile":
        return None
    try:
        return models.CustomerProfile._meta.pk.to_python(pk)
    except ValidationError:
        return None


def _saleor_pk(global_id: str, type_name: str) -> str | None:
    """The primary key in a Saleor global ID of ``type_name``, else None."""
    try:
        decoded_type, pk = from_global_id(global_id)
    except Exception:  # noqa: BLE001 - any undecodable ID is simply unknown
        return None
    # A key the database cannot store (a NUL) names nothing it holds.
    return pk if decoded_type == type_name and pk and find_unstorable(pk) is None else None


def resolve_customer_profile(
    id: str | None = None,
    email: str | None = None,
    user_id: str | None = None,
    order_id: str | None = None,
    requestor: Requestor | None = None,
) -> models.CustomerProfile | None:
    """The profile named by exactly one of profile ID, email, Saleor user or
    Saleor order; by order only if the order is one the requestor may see
    (the permission table requires MANAGE_ORDERS for ``orderId``; the
    channel must be one of the requestor's).
    """
    given = [value for value in (id, email, user_id, order_id) if value]
    if len(given) != 1:
        raise InvalidInput("Provide exactly one of `id`, `email`, `userId` or `orderId`.")
    if id:
        pk = decode_profile_id(id)
        return models.CustomerProfile.objects.filter(pk=pk).first() if pk else None
    if user_id:
        # In the user model's key type: "User:notanumber" names nobody.
        pk = user_key(_saleor_pk(user_id, "User"))
        return models.CustomerProfile.objects.filter(user_id=pk).first() if pk is not None else None
    if order_id:
        pk = _saleor_pk(order_id, "Order")
        order = OrderFact.objects.filter(pk=pk).select_related("profile").first() if pk else None
        if order is None or requestor is None or not may_see_order(requestor, order):
            return None
        return order.profile
    return models.CustomerProfile.objects.filter(email=normalize_email(email)).first()


def resolve_customer_profiles(filter: dict | None, sort_by: dict | None, **pagination) -> Page:
    annotations, keys = sort_keys(sort_by)
    queryset = filter_profiles(models.CustomerProfile.objects.all(), filter or {})
    return paginate(queryset.annotate(**annotations), keys, **pagination)
