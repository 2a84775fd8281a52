"""Bearer tokens for the host project: Django-signed claims.

This is the host's stand-in for Saleor's JWTs and app tokens, so the CRM's
permission rules can be exercised without Saleor. Tokens name a requestor
kind, an optional user, and the permissions granted; a staff member
restricted to some channels (Saleor's permission groups with
``restricted_access_to_channels``) carries ``channels``, and a user's token
issued to an App (Saleor's third-party JWTs) names it in ``token_app``.
"""

from django.core import signing

from saleor_crm_plugin.auth import AuthenticationError, Requestor, bearer_token

SALT = "crm-host-token"
MAX_AGE_SECONDS = 24 * 3600


def issue_token(
    *,
    kind: str,
    user_id: str | None = None,
    email: str | None = None,
    permissions: tuple[str, ...] = (),
    app_id: str | None = None,
    channels: tuple[str, ...] | None = None,
    token_app: str | None = None,
    is_confirmed: bool = True,
) -> str:
    """``channels``: the slugs a restricted staff member may see (None: all).
    ``is_confirmed``: false for a customer who signed in before confirming
    their email (Saleor's ``User.is_confirmed``).
    """
    claims = {
        "kind": kind,
        "user_id": user_id,
        "email": email,
        "app_id": app_id,
        "permissions": list(permissions),
        "channels": None if channels is None else list(channels),
        "token_app": token_app,
        "is_confirmed": is_confirmed,
    }
    return signing.dumps(claims, salt=SALT)


def authenticate(request) -> Requestor:
    token = bearer_token(request)
    if not token:
        return Requestor.anonymous()
    try:
        claims = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise AuthenticationError("Signature has expired.", code="ExpiredSignatureError") from exc
    except signing.BadSignature as exc:
        raise AuthenticationError("Invalid token.", code="InvalidTokenError") from exc
    return Requestor(
        kind=claims["kind"],
        user_id=claims.get("user_id"),
        email=claims.get("email"),
        app_id=claims.get("app_id"),
        permissions=frozenset(claims.get("permissions") or ()),
        channels=None if claims.get("channels") is None else frozenset(claims["channels"]),
        token_app=claims.get("token_app"),
        is_confirmed=claims.get("is_confirmed", True),
    )
