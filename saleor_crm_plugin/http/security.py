"""The Content-Security-Policy of every response below the plugin route.

Each page the CRM serves gets the narrowest policy it works under:

- the Dashboard extension (``/dashboard/``): scripts, styles, fonts and
  images from the plugin's own origin, requests to it and to Saleor's API,
  framed only by the Dashboard (:func:`dashboard_origins`); inline style
  attributes, for the campaign preview's sandboxed ``srcdoc`` iframe, which
  inherits the page's policy;
- GraphiQL (``GET /graphql/``): the same, never framed, no external
  resource (its files are built into the package with the extension);
- the survey page (``/tickets/rate/``) and the campaign unsubscribe page
  (``/campaigns/unsubscribe/``): no script at all, the one inline
  stylesheet by hash, the form posted back to itself, never framed;
- everything else (JSON, the built files themselves): nothing may load and
  nothing may frame it.

No script runs from an inline block or an attribute, and none is evaluated
from a string. Styles come from the built files; what React components inject
at run time (Radix's scroll lock) carries the per-response nonce the page's
``<meta property="csp-nonce">`` holds (Vite's ``html.cspNonce``).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse

from ..conf import crm_setting

logger = logging.getLogger(__name__)

HEADER = "Content-Security-Policy"
# What Vite writes wherever the nonce goes (vite.config.ts: html.cspNonce);
# replaced by a fresh nonce in every response of the built HTML pages.
NONCE_PLACEHOLDER = "CRM_CSP_NONCE"

# A CSP host-source without a path: [scheme://](*.)host[:port|:*].
_SOURCE = re.compile(
    r"(?:https?://)?(?:\*\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
    r"(?::(?:\d{1,5}|\*))?",
    re.IGNORECASE,
)


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def style_hash(css: str) -> str:
    """The CSP source allowing exactly the inline stylesheet ``css``."""
    digest = hashlib.sha256(css.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def policy(directives: dict[str, Iterable[str]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _origin(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}".lower()
    return None


def is_source(value: str) -> bool:
    return bool(_SOURCE.fullmatch(value))


def _client_host_sources(hosts: Iterable[str]) -> list[str]:
    """Django host patterns (Saleor's ``ALLOWED_CLIENT_HOSTS``) as sources on
    any port: ``.shop.com`` is the domain and its subdomains, ``*`` says nothing.
    """
    sources = []
    for host in hosts:
        host = host.strip().lower()
        if host.startswith("."):
            sources += [f"{host[1:]}:*", f"*{host}:*"]
        elif host and host != "*":
            sources.append(f"{host}:*")
    return sources


def dashboard_origins() -> list[str]:
    """Origins allowed to frame the Dashboard extension, besides the API's own.

    ``SALEOR_CRM_DASHBOARD_ORIGINS`` when set (a list, or one string of
    origins separated by commas or spaces). Otherwise what Saleor already
    knows about its clients: the origins of ``ALLOWED_GRAPHQL_ORIGINS`` (a
    Dashboard on another origin calls the API from there) and the hosts of
    ``ALLOWED_CLIENT_HOSTS`` (the Dashboard's host is there for staff
    password resets), on any port; ``*`` in either allows nothing more.
    Entries that are not origins are left out, with a warning in the log.
    """
    configured = crm_setting("SALEOR_CRM_DASHBOARD_ORIGINS")
    if configured is None:
        candidates = [
            origin
            for origin in getattr(settings, "ALLOWED_GRAPHQL_ORIGINS", None) or []
            if "://" in origin
        ]
        candidates += _client_host_sources(getattr(settings, "ALLOWED_CLIENT_HOSTS", None) or [])
        # Saleor's are fnmatch patterns: only those that are origins count.
        return list(dict.fromkeys(c.rstrip("/") for c in candidates if is_source(c.rstrip("/"))))
    if isinstance(configured, str):
        configured = configured.replace(",", " ").split()
    origins = []
    for origin in configured:
        origin = origin.strip().rstrip("/")
        if is_source(origin):
            origins.append(origin)
        elif origin:
            logger.warning("SALEOR_CRM_DASHBOARD_ORIGINS: %r is not an origin; ignored", origin)
    return list(dict.fromkeys(origins))


def api_origins() -> list[str]:
    """Where the pages may send requests besides their own origin: Saleor's
    public API (``SALEOR_CRM_PUBLIC_URL``, Saleor's ``PUBLIC_URL``), which the
    extension calls for staff names.
    """
    origin = _origin(crm_setting("SALEOR_CRM_PUBLIC_URL"))
    return [origin] if origin else []


def dashboard_policy(nonce: str) -> str:
    """The extension's page, framed by the Dashboard."""
    return policy(
        {
            "default-src": ["'none'"],
            "script-src": ["'self'"],
            "style-src": ["'self'", f"'nonce-{nonce}'"],
            # The campaign preview: a sandboxed srcdoc iframe inherits this
            # policy, and the email's CSS is inlined into style attributes.
            # Attributes only; stylesheets still need the nonce.
            "style-src-attr": ["'unsafe-inline'"],
            "img-src": ["'self'"],
            "font-src": ["'self'"],
            "connect-src": ["'self'", *api_origins()],
            "frame-ancestors": ["'self'", *dashboard_origins()],
            "base-uri": ["'none'"],
            "form-action": ["'none'"],
        }
    )


def graphiql_policy(nonce: str) -> str:
    """GraphiQL: its fonts and icons are inlined in its stylesheet (``data:``)."""
    return policy(
        {
            "default-src": ["'none'"],
            "script-src": ["'self'"],
            "style-src": ["'self'", f"'nonce-{nonce}'"],
            "img-src": ["'self'", "data:"],
            "font-src": ["'self'", "data:"],
            "connect-src": ["'self'"],
            "frame-ancestors": ["'none'"],
            "base-uri": ["'none'"],
            "form-action": ["'none'"],
        }
    )


def page_policy(*, style: str) -> str:
    """A page without script: one inline stylesheet, a form posted to itself."""
    return policy(
        {
            "default-src": ["'none'"],
            "style-src": [style_hash(style)],
            "form-action": ["'self'"],
            "frame-ancestors": ["'none'"],
            "base-uri": ["'none'"],
        }
    )


# JSON and the built files: nothing to load, never framed.
DEFAULT_POLICY = policy(
    {
        "default-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
    }
)


def secure(response: HttpResponse) -> HttpResponse:
    """The default policy on a response that has none of its own."""
    if HEADER not in response:
        response[HEADER] = DEFAULT_POLICY
    response.setdefault("X-Content-Type-Options", "nosniff")
    return response
