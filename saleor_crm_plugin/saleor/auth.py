"""Saleor adapter: authenticate a request to the plugin route as Saleor does.

Accepts what Saleor's own API accepts: staff and customer JWTs (``access``),
dashboard-extension tokens (``thirdparty`` JWTs, whose permissions are
already narrowed to what the extension may do) and app tokens.
"""

from __future__ import annotations

import jwt
from saleor.graphql.app.dataloaders import get_app_promise
from saleor.graphql.context import get_context_value, get_user
from saleor.permission.enums import AccountPermissions, OrderPermissions

from ..auth import AuthenticationError, CRMPermission, Requestor, RequestorKind

SALEOR_PERMISSIONS = {
    CRMPermission.MANAGE_USERS: AccountPermissions.MANAGE_USERS,
    CRMPermission.MANAGE_ORDERS: OrderPermissions.MANAGE_ORDERS,
}


def _granted(principal) -> frozenset[str]:
    return frozenset(
        crm for crm, saleor_perm in SALEOR_PERMISSIONS.items() if principal.has_perm(saleor_perm)
    )


def authenticate(request) -> Requestor:
    context = get_context_value(request)
    # Saleor only resolves apps on its /graphql/ path; do it here the same way.
    app = get_app_promise(context).get()
    if app is not None:
        return Requestor(kind=RequestorKind.APP, app_id=str(app.pk), permissions=_granted(app))
    try:
        user = get_user(context)
    except jwt.PyJWTError as exc:
        raise AuthenticationError(str(exc) or "Invalid token.", code=type(exc).__name__) from exc
    if user is None or not user.is_active:
        return Requestor.anonymous()
    return Requestor(
        kind=RequestorKind.STAFF if user.is_staff else RequestorKind.CUSTOMER,
        user_id=str(user.pk),
        email=user.email,
        permissions=_granted(user) if user.is_staff else frozenset(),
    )
