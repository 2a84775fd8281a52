"""Bearer tokens for the host project: Django-signed claims.

This is the host's stand-in for Saleor's JWTs and app tokens, so the CRM's
permission rules can be exercised without Saleor. Tokens name a requestor
kind, an optional user, and the permissions granted.
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
) -> str:
    claims = {
        "kind": kind,
        "user_id": user_id,
        "email": email,
        "app_id": app_id,
        "permissions": list(permissions),
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
    )
