"""Saleor adapter: authenticate a request to the plugin route as Saleor does.

Accepts what Saleor's own API accepts: staff and customer JWTs (``access``),
dashboard-extension tokens (``thirdparty`` JWTs, whose permissions are
already narrowed to what the extension may do) and app tokens.

Two things Saleor decides that the core needs to know:

- **Channels.** Staff in permission groups restricted to some channels
  (``Group.restricted_access_to_channels``, Saleor 3.14+) see only those
  channels' orders. The channels are Saleor's own answer
  (``AccessibleChannelsByUserIdLoader``, the loader behind
  ``User.accessibleChannels`` and ``User.orders``): the channels of the
  staff member's groups, all of them when one group is unrestricted, none
  for staff in no group. Superusers hold every permission, so every channel.
  Apps see every channel, as in Saleor.
- **Which App a third-party token is for.** Saleor issues a ``thirdparty``
  JWT to an App on behalf of the signed-in user, naming the App in its
  ``app`` claim. The core accepts only those issued for the CRM's own App:
  the one whose pk ``crm_install_dashboard`` kept (an identifier can be
  given to any App).
"""

from __future__ import annotations

import jwt
from graphql_relay import from_global_id
from saleor.core.jwt import APP_KEY_FIELD, JWT_THIRDPARTY_ACCESS_TYPE
from saleor.graphql.account.dataloaders import (
    AccessibleChannelsByUserIdLoader,
    RestrictedChannelAccessByUserIdLoader,
)
from saleor.graphql.app.dataloaders import get_app_promise
from saleor.graphql.context import get_context_value, get_user
from saleor.permission.enums import (
    AccountPermissions,
    AppPermission,
    DiscountPermissions,
    OrderPermissions,
)

from ..auth import (
    CRM_APP_IDENTIFIER,
    AuthenticationError,
    CRMPermission,
    Requestor,
    RequestorKind,
)
from .dashboard_app import crm_app

SALEOR_PERMISSIONS = {
    CRMPermission.MANAGE_USERS: AccountPermissions.MANAGE_USERS,
    CRMPermission.MANAGE_ORDERS: OrderPermissions.MANAGE_ORDERS,
    CRMPermission.MANAGE_STAFF: AccountPermissions.MANAGE_STAFF,
    CRMPermission.MANAGE_DISCOUNTS: DiscountPermissions.MANAGE_DISCOUNTS,
    CRMPermission.MANAGE_APPS: AppPermission.MANAGE_APPS,
}


def _granted(principal) -> frozenset[str]:
    return frozenset(
        crm for crm, saleor_perm in SALEOR_PERMISSIONS.items() if principal.has_perm(saleor_perm)
    )


def accessible_channels(context, user) -> frozenset[str] | None:
    """Slugs of the channels whose orders ``user`` may see; None for all."""
    if user.is_superuser or not RestrictedChannelAccessByUserIdLoader(context).load(user.pk).get():
        return None
    channels = AccessibleChannelsByUserIdLoader(context).load(user.pk).get()
    return frozenset(channel.slug for channel in channels)


def token_app(context) -> str | None:
    """For a third-party token: the CRM's identifier when it was issued for
    the CRM's own active App (the one ``crm_install_dashboard`` keeps), ""
    for any other App; None for any other token.
    """
    payload = getattr(context, "decoded_auth_token", None) or {}
    if payload.get("type") != JWT_THIRDPARTY_ACCESS_TYPE:
        return None
    try:
        type_name, pk = from_global_id(str(payload.get(APP_KEY_FIELD) or ""))
    except Exception:  # noqa: BLE001 - an undecodable claim names no App
        return ""
    if type_name != "App" or not pk.isdigit():
        return ""
    app = crm_app(CRM_APP_IDENTIFIER)
    if app is None or app.pk != int(pk) or not app.is_active:
        return ""
    return CRM_APP_IDENTIFIER


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
    if not user.is_staff:
        return Requestor(
            kind=RequestorKind.CUSTOMER,
            user_id=str(user.pk),
            email=user.email,
            token_app=token_app(context),
            is_confirmed=user.is_confirmed,
        )
    permissions = _granted(user)
    return Requestor(
        kind=RequestorKind.STAFF,
        user_id=str(user.pk),
        email=user.email,
        permissions=permissions,
        # Channels only matter for orders: no queries for staff who see none.
        channels=accessible_channels(context, user)
        if CRMPermission.MANAGE_ORDERS in permissions
        else None,
        token_app=token_app(context),
    )
