"""The CRM's periodic tasks, and how beat gets to know them.

With django-celery-beat's database scheduler (Saleor runs beat with
``saleor.schedulers.schedulers.DatabaseScheduler``, built on it) the CRM
registers its tasks as schedule rows after each ``migrate``: no settings
edit. Rows that exist are left as the merchant set them (disabled, another
time); only missing ones are created.

With another scheduler, add the entries to your settings::

    from saleor.settings import *  # noqa
    from saleor_crm_plugin.schedule import CRM_BEAT_SCHEDULE

    CELERY_BEAT_SCHEDULE = {**CELERY_BEAT_SCHEDULE, **CRM_BEAT_SCHEDULE}
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery.schedules import crontab
from django.apps import apps
from django.utils.module_loading import import_string

CRM_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
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
    "saleor-crm-scrub-erased-events": {
        "task": "saleor_crm.scrub_erased_events",
        "schedule": timedelta(hours=1),
    },
    "saleor-crm-purge-throttle-buckets": {
        "task": "saleor_crm.purge_throttle_buckets",
        "schedule": timedelta(hours=1),
    },
    "saleor-crm-refresh-segments": {
        "task": "saleor_crm.refresh_segments",
        "schedule": timedelta(minutes=5),
    },
    "saleor-crm-campaigns-tick": {
        "task": "saleor_crm.campaigns_tick",
        "schedule": timedelta(minutes=1),
    },
    "saleor-crm-deliver-webhooks": {
        "task": "saleor_crm.deliver_webhooks",
        "schedule": timedelta(minutes=1),
    },
}

# Saleor's scheduler reads its own subclass of django-celery-beat's model.
SALEOR_TASK_MODEL = "saleor.schedulers.models.CustomPeriodicTask"
BEAT_TASK_MODEL = "django_celery_beat.models.PeriodicTask"


def periodic_task_model():
    """The model the database scheduler reads, or None without one."""
    if apps.is_installed("saleor.schedulers"):
        return import_string(SALEOR_TASK_MODEL)
    if apps.is_installed("django_celery_beat"):
        return import_string(BEAT_TASK_MODEL)
    return None


def _schedule_fields(schedule: Any) -> dict[str, Any]:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule

    if isinstance(schedule, timedelta):
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=int(schedule.total_seconds()), period=IntervalSchedule.SECONDS
        )
        return {"interval": interval}
    crontab_row, _ = CrontabSchedule.objects.get_or_create(
        minute=schedule._orig_minute,
        hour=schedule._orig_hour,
        day_of_week=schedule._orig_day_of_week,
        day_of_month=schedule._orig_day_of_month,
        month_of_year=schedule._orig_month_of_year,
        timezone="UTC",
    )
    return {"crontab": crontab_row}


def register_periodic_tasks() -> list[str]:
    """Create the schedule rows that are missing; returns their names."""
    model = periodic_task_model()
    if model is None:
        return []
    existing = set(model.objects.filter(name__in=CRM_BEAT_SCHEDULE).values_list("name", flat=True))
    created = []
    for name, entry in CRM_BEAT_SCHEDULE.items():
        if name in existing:
            continue
        model.objects.create(name=name, task=entry["task"], **_schedule_fields(entry["schedule"]))
        created.append(name)
    return created


def unscheduled_tasks(using: str = "default") -> list[str]:
    """CRM tasks beat will not run: neither a schedule row nor a settings entry."""
    from django.conf import settings

    in_settings = {
        entry.get("task") for entry in getattr(settings, "CELERY_BEAT_SCHEDULE", {}).values()
    }
    missing = [name for name, e in CRM_BEAT_SCHEDULE.items() if e["task"] not in in_settings]
    model = periodic_task_model()
    if model is None or not missing:
        return missing
    rows = set(
        model.objects.using(using)
        .filter(name__in=missing, enabled=True)
        .values_list("name", flat=True)
    )
    return [name for name in missing if name not in rows]
