"""Bearer tokens for the host project: Django-signed claims.

This is the host's stand-in for Saleor's JWTs and app tokens, so the CRM's
permission rules can be exercised without Saleor. Tokens name a requestor
kind, an optional user, and the permissions granted; a staff member
restricted to some channels (Saleor's permission groups with
``restricted_access_to_channels``) carries ``channels``, and a user's token
issued to an App (Saleor's third-party JWTs) names it in ``token_app``.
"""

import base64
import json

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


def wrap_in_dashboard_token(crm_token: str, *, email: str, user_id: str, permissions) -> str:
    """A stand-in for the JWT the Saleor Dashboard hands an extension,
    carrying a host token in its ``crm_token`` claim.

    AppBridge reads the JWT's claims (email, permissions) on the handshake;
    the host verifies the signed token inside instead of a Saleor signature.
    The demo's Dashboard stand-in and the e2e tests use it.
    """

    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    claims = {
        "iss": "http://127.0.0.1/graphql/",
        "type": "thirdparty",
        "app": "QXBwOjE=",
        "email": email,
        "user_id": user_id,
        "is_staff": True,
        "user_permissions": list(permissions),
        "permissions": list(permissions),
        "crm_token": crm_token,
    }
    return f"{part({'alg': 'RS256', 'typ': 'JWT', 'kid': 'demo'})}.{part(claims)}.stand-in"


def _unwrapped(token: str) -> str:
    """The host token inside a stand-in Dashboard JWT, else ``token``."""
    parts = token.split(".")
    if len(parts) != 3:
        return token
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(padded))
    except ValueError:
        return token
    inner = claims.get("crm_token") if isinstance(claims, dict) else None
    return inner if isinstance(inner, str) else token


def authenticate(request) -> Requestor:
    token = bearer_token(request)
    if not token:
        return Requestor.anonymous()
    # Only the signed host token inside counts: the wrapper is not signed.
    token = _unwrapped(token)
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
