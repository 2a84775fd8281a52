"""Every Django setting the CRM reads, in one place, with its default.

All settings share the ``SALEOR_CRM_`` prefix. Merchant-facing options
(thresholds, reporting currency) are not settings: they live in the plugin
configuration and are stored in :class:`~saleor_crm_plugin.configuration.models.CRMConfiguration`.
"""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Dotted path to ``callable(request) -> Requestor`` used by the HTTP API.
    # ``None`` means: the Saleor authenticator when Saleor is installed.
    "SALEOR_CRM_AUTHENTICATOR": None,
    # Processed inbound events are kept this long for audit and replay.
    "SALEOR_CRM_EVENT_RETENTION_DAYS": 14,
    # Staff reads of one profile within this window are recorded once (per
    # staff member or app, profile and kind: viewed, exported).
    "SALEOR_CRM_PROFILE_READ_WINDOW_SECONDS": 15 * 60,
    # A pending event older than this is re-sent to Celery by the sweeper
    # (covers a broker that was down when the hook ran).
    "SALEOR_CRM_PENDING_EVENT_GRACE_SECONDS": 60,
    # How the CRM hands tasks to Celery: "background" (a publisher thread, so
    # no caller ever waits on the broker) or "inline" (in the caller; tests).
    "SALEOR_CRM_DISPATCH": "background",
    # Events a worker claims and applies in one transaction.
    "SALEOR_CRM_BATCH_SIZE": 500,
    # Dotted path to ``callable(object_type, ids) -> {id: snapshot | None}``
    # that builds snapshots of events recorded by reference. None: the Saleor
    # adapter's when Saleor is installed.
    "SALEOR_CRM_SNAPSHOT_LOADER": None,
    # After this many failed attempts an event is parked as ``failed``.
    "SALEOR_CRM_MAX_EVENT_ATTEMPTS": 8,
    # First retry delay of a failed event; doubles per attempt, capped at 10 min.
    "SALEOR_CRM_RETRY_BASE_SECONDS": 5,
    # Celery queue for CRM tasks (None: the default queue).
    "SALEOR_CRM_CELERY_QUEUE": None,
    # Database alias for heavy read-only analytics (e.g. Saleor's "replica").
    "SALEOR_CRM_READ_DATABASE": "default",
    # PostgreSQL work_mem for segment statements (SET LOCAL, their transaction
    # only): the buyers of a channel or product are hashed once under ANY/NOT
    # while their hash fits in it.
    "SALEOR_CRM_SEGMENT_WORK_MEM": "64MB",
    # Serve GraphiQL on GET to authenticated staff.
    "SALEOR_CRM_GRAPHIQL": True,
    # Origins that may frame the Dashboard extension (its CSP frame-ancestors,
    # besides the API's own origin): a list or a comma-separated string,
    # "https://dashboard.shop.com", "https://*.shop.com", "http://localhost:9000".
    # None: derived from Saleor's ALLOWED_GRAPHQL_ORIGINS and ALLOWED_CLIENT_HOSTS
    # (http/security.py).
    "SALEOR_CRM_DASHBOARD_ORIGINS": None,
    # Largest page a connection returns.
    "SALEOR_CRM_MAX_PAGE_SIZE": 100,
    # Public base URL of the store's API host, for links in customer emails
    # (satisfaction surveys). None: Saleor's PUBLIC_URL setting.
    "SALEOR_CRM_PUBLIC_URL": None,
    # Hosts a storefront's ``redirectUrl`` may point at (the page a guest's
    # emailed ticket link opens), as Django's ALLOWED_HOSTS patterns. None:
    # Saleor's ALLOWED_CLIENT_HOSTS setting (none outside Saleor).
    "SALEOR_CRM_ALLOWED_CLIENT_HOSTS": None,
    # How old a signed inbound request (chat tools, mail relay) may be.
    "SALEOR_CRM_INBOUND_MAX_AGE_SECONDS": 300,
    # Limits of one GraphQL request (graphql/core/limits.py): larger bodies
    # get 413; the others refuse the document with a typed error.
    "SALEOR_CRM_MAX_REQUEST_BYTES": 1024 * 1024,
    # Characters of the GraphQL document itself (variables not counted).
    "SALEOR_CRM_MAX_QUERY_LENGTH": 100_000,
    "SALEOR_CRM_MAX_QUERY_DEPTH": 12,
    "SALEOR_CRM_MAX_QUERY_FIELDS": 500,
    "SALEOR_CRM_MAX_QUERY_ALIASES": 50,
    # Every field costs 1; a connection 1 + its page size × its selection.
    "SALEOR_CRM_MAX_QUERY_COST": 50_000,
    # Largest raw message the inbound mail endpoint accepts (attachments
    # included); inbound interactions use SALEOR_CRM_MAX_REQUEST_BYTES.
    "SALEOR_CRM_MAX_INBOUND_EMAIL_BYTES": 5 * 1024 * 1024,
    # Limits of what anonymous visitors and customers may do, per client IP
    # and per email: "<count>/<period>" (s, m, h, d; "5/15m"), None for no
    # limit. A host's setting overrides these scope by scope, limit by limit
    # (throttling/services.py). The signed inbound endpoints have one sender
    # per integrator (the mail relay, the chat tool): their IP limits are high.
    "SALEOR_CRM_THROTTLE_RATES": {
        "ticket_open": {"ip": "10/h", "email": "5/h"},
        "ticket_reply": {"ip": "30/h", "email": "20/h"},
        "ticket_rate": {"ip": "20/h", "email": "10/h"},
        "inbound_email": {"ip": "600/m", "email": "20/h"},
        "inbound_interaction": {"ip": "600/m", "email": "120/h"},
        # Each sign-up mails the address: few per address.
        "newsletter_subscribe": {"ip": "10/h", "email": "3/h"},
        "newsletter_confirm": {"ip": "30/h", "email": "10/h"},
        "consent_update": {"ip": "30/h", "email": "10/h"},
        "inbound_bounce": {"ip": "600/m", "email": "20/h"},
        "inbound_unsubscribe": {"ip": "600/m"},
    },
    # Proxies in front of the store that append to X-Forwarded-For (a load
    # balancer, nginx): the client is the address the nearest of them saw,
    # this many hops from the right of that header and REMOTE_ADDR. 0: no
    # proxy, REMOTE_ADDR alone (throttling/services.py forwarded_client).
    "SALEOR_CRM_TRUSTED_PROXIES": 1,
    # Dotted path to ``callable(request) -> str | None``: the client's IP for
    # the limits above, instead of SALEOR_CRM_TRUSTED_PROXIES' rule; e.g.
    # "saleor_crm_plugin.throttling.services.remote_addr" when the server in
    # front of Django already resolved the client (uvicorn --proxy-headers).
    "SALEOR_CRM_CLIENT_IP": None,
    # Dotted path to the class that makes offer codes (marketing/offers.py).
    # None: Saleor vouchers in Saleor (saleor/offers.py), elsewhere codes
    # issued locally, which no shop redeems.
    "SALEOR_CRM_OFFERS_BACKEND": None,
    # Dotted path to the class that acts on the store's orders for the help
    # desk (refunds; commerce/order_actions.py). None: Saleor's own order
    # operations in Saleor, elsewhere none (refunds are refused).
    "SALEOR_CRM_ORDER_ACTIONS": None,
    # Campaigns (marketing/sending.py): recipients one send task claims and
    # mails (over SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS); send tasks per campaign.
    "SALEOR_CRM_CAMPAIGN_BATCH_SIZE": 200,
    "SALEOR_CRM_CAMPAIGN_SEND_WORKERS": 2,
    # Messages a send task confirms per committed statement (and marks
    # attempted in the same statement before handing them over): a crashed
    # worker leaves at most this many recipients "interrupted" (maybe
    # mailed, never mailed again), each commit costs one disk flush.
    "SALEOR_CRM_CAMPAIGN_CONFIRM_WINDOW": 20,
    # SMTP connections (one thread each) a send task mails over at once;
    # at most the confirm window. Keep within the mail server's limit of
    # connections per client, times SALEOR_CRM_CAMPAIGN_SEND_WORKERS.
    "SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS": 4,
    # Messages per second of one campaign across its send tasks (None: as
    # fast as the mail server takes them).
    "SALEOR_CRM_CAMPAIGN_RATE_LIMIT": None,
    # A claimed batch not confirmed within this time belongs to a worker
    # that died: its unsent recipients are queued again.
    "SALEOR_CRM_CAMPAIGN_LEASE_SECONDS": 15 * 60,
    # ``{{shop.name}}`` in campaign templates. None: the current Site's name
    # (django.contrib.sites, as Saleor keeps it), else "".
    "SALEOR_CRM_SHOP_NAME": None,
    # The mailto address of campaign emails' List-Unsubscribe header (a
    # mailbox whose mail reaches staff or an unsubscribe handler). None: the
    # campaign's sender address.
    "SALEOR_CRM_UNSUBSCRIBE_MAILTO": None,
    # Attribution (marketing/attribution.py): an order placed this many days
    # after a click on a campaign's email is the campaign's; the holdout's
    # orders are counted over the same days after the send started.
    "SALEOR_CRM_ATTRIBUTION_WINDOW_DAYS": 5,
    # Outbound webhooks (webhooks/): destinations on private, loopback,
    # link-local, multicast or reserved addresses are refused unless True
    # (False refuses them even where Saleor's HTTP IP filter is off). None:
    # Saleor's HTTP_IP_FILTER_ENABLED / HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS in
    # Saleor, refused elsewhere.
    "SALEOR_CRM_WEBHOOK_ALLOW_PRIVATE": None,
    # Seconds to connect, and to wait for each read of the answer.
    "SALEOR_CRM_WEBHOOK_TIMEOUT_SECONDS": 5,
    # Attempts of one delivery before it is parked as failed (staff replay it).
    "SALEOR_CRM_WEBHOOK_MAX_ATTEMPTS": 10,
    # First retry delay of a delivery; doubles per attempt, at most an hour.
    "SALEOR_CRM_WEBHOOK_RETRY_BASE_SECONDS": 10,
    # Failed attempts in a row after which an endpoint is turned off (0: never).
    "SALEOR_CRM_WEBHOOK_DISABLE_AFTER_FAILURES": 20,
    # Bytes of an endpoint's answer read (and dropped).
    "SALEOR_CRM_WEBHOOK_MAX_RESPONSE_BYTES": 64 * 1024,
    # Deliveries a worker claims at a time.
    "SALEOR_CRM_WEBHOOK_BATCH_SIZE": 100,
}


def crm_setting(name: str) -> Any:
    if name not in DEFAULTS:
        raise KeyError(f"Unknown CRM setting {name}")
    value = getattr(settings, name, DEFAULTS[name])
    if name == "SALEOR_CRM_PUBLIC_URL" and value is None:
        return getattr(settings, "PUBLIC_URL", None) or "http://localhost:8000"
    if name == "SALEOR_CRM_ALLOWED_CLIENT_HOSTS" and value is None:
        return list(getattr(settings, "ALLOWED_CLIENT_HOSTS", None) or [])
    return value
