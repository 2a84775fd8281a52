"""Django system checks: what an operator should fix before relying on the CRM."""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError


@checks.register("saleor_crm")
def check_periodic_tasks(app_configs=None, databases=None, **kwargs):
    """Warn when beat will not run the CRM's periodic tasks (the sweeper among
    them: without it, events recorded while the broker was down wait forever).
    """
    from .schedule import periodic_task_model, unscheduled_tasks

    if periodic_task_model() is not None and not databases:
        return []  # the rows can only be read with a database (migrate, check --database)
    try:
        missing = unscheduled_tasks(using=(databases or ["default"])[0])
    except DatabaseError:
        return []  # not migrated yet: migrate registers them
    if not missing:
        return []
    return [
        checks.Warning(
            f"CRM periodic tasks are not scheduled: {', '.join(missing)}.",
            hint="Run `manage.py migrate` (it registers them with django-celery-beat's "
            "database scheduler) or add saleor_crm_plugin.schedule.CRM_BEAT_SCHEDULE to "
            "CELERY_BEAT_SCHEDULE.",
            id="saleor_crm.W001",
        )
    ]


@checks.register("saleor_crm")
def check_throttle_rates(app_configs=None, **kwargs):
    """Refuse to start with throttle rates that cannot be read (every request
    of a throttled operation would fail).
    """
    from django.core.exceptions import ImproperlyConfigured

    from .conf import crm_setting
    from .throttling.services import parse_rates

    try:
        parse_rates(crm_setting("SALEOR_CRM_THROTTLE_RATES"))
    except ImproperlyConfigured as exc:
        return [
            checks.Error(
                str(exc),
                hint="Limits are '<count>/<period>' with s, m, h or d ('10/h', '5/15m'), "
                "or None for no limit.",
                id="saleor_crm.E001",
            )
        ]
    return []


@checks.register("saleor_crm")
def check_trusted_proxies(app_configs=None, **kwargs):
    """Refuse a proxy count that is not a whole number of hops (the client's
    IP, and so every throttled operation, depends on it).
    """
    from .conf import crm_setting

    hops = crm_setting("SALEOR_CRM_TRUSTED_PROXIES")
    if isinstance(hops, int) and not isinstance(hops, bool) and hops >= 0:
        return []
    return [
        checks.Error(
            f"SALEOR_CRM_TRUSTED_PROXIES must be a whole number of proxies, not {hops!r}.",
            hint="0 with no proxy in front of the store, 1 behind one load balancer or "
            "nginx, 2 behind a CDN and a load balancer.",
            id="saleor_crm.E002",
        )
    ]


@checks.register("saleor_crm")
def check_read_database(app_configs=None, **kwargs):
    """Refuse a read database alias Django does not know (analytics and
    crm_export would fail on their first query).
    """
    from django.conf import settings

    from .conf import crm_setting

    alias = crm_setting("SALEOR_CRM_READ_DATABASE")
    if alias in settings.DATABASES:
        return []
    return [
        checks.Error(
            f"SALEOR_CRM_READ_DATABASE is {alias!r}, which is not in DATABASES.",
            hint="Name a database alias of DATABASES (Saleor's read replica is usually "
            "'replica'), or leave it at 'default'.",
            id="saleor_crm.E003",
        )
    ]


# Campaign sending settings that must be whole numbers of at least one.
CAMPAIGN_COUNTS = (
    "SALEOR_CRM_CAMPAIGN_BATCH_SIZE",
    "SALEOR_CRM_CAMPAIGN_SEND_WORKERS",
    "SALEOR_CRM_CAMPAIGN_CONFIRM_WINDOW",
    "SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS",
)


@checks.register("saleor_crm")
def check_campaign_sending(app_configs=None, **kwargs):
    """Refuse campaign sending settings that are not positive whole numbers
    (a send task would fail on every batch, or never confirm anything).
    """
    from .conf import crm_setting

    errors = []
    for name in CAMPAIGN_COUNTS:
        value = crm_setting(name)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            continue
        errors.append(
            checks.Error(
                f"{name} must be a whole number of at least 1, not {value!r}.",
                hint="SALEOR_CRM_CAMPAIGN_CONFIRM_WINDOW: messages confirmed per commit (and at "
                "most that many recipients left 'interrupted' by a crashed worker); "
                "SALEOR_CRM_CAMPAIGN_SMTP_CONNECTIONS: connections per send task, within the "
                "mail server's limit.",
                id="saleor_crm.E004",
            )
        )
    return errors
