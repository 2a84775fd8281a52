"""Beat schedule for the CRM's periodic tasks.

Saleor's beat reads ``CELERY_BEAT_SCHEDULE`` from settings and has no plugin
hook, so add these entries in the settings module you run Saleor with::

    from saleor.settings import *  # noqa
    from saleor_crm_plugin.schedule import CRM_BEAT_SCHEDULE

    CELERY_BEAT_SCHEDULE = {**CELERY_BEAT_SCHEDULE, **CRM_BEAT_SCHEDULE}
"""

from datetime import timedelta

from celery.schedules import crontab

CRM_BEAT_SCHEDULE = {
    "saleor-crm-sweep-pending-events": {
        "task": "saleor_crm.sweep_pending_events",
        "schedule": timedelta(minutes=1),
    },
    "saleor-crm-mark-abandoned-checkouts": {
        "task": "saleor_crm.mark_abandoned_checkouts",
        "schedule": timedelta(minutes=15),
    },
    "saleor-crm-mark-sla-breaches": {
        "task": "saleor_crm.mark_sla_breaches",
        "schedule": timedelta(minutes=5),
    },
    "saleor-crm-recompute-profiles": {
        "task": "saleor_crm.recompute_profiles",
        "schedule": crontab(hour=3, minute=15),
    },
    "saleor-crm-purge-processed-events": {
        "task": "saleor_crm.purge_processed_events",
        "schedule": crontab(hour=4, minute=0),
    },
}
