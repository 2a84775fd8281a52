"""The CRM schedules its periodic tasks itself (django-celery-beat rows)."""

import pytest
from django.core import checks
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from saleor_crm_plugin.schedule import CRM_BEAT_SCHEDULE, register_periodic_tasks

pytestmark = pytest.mark.django_db


def crm_warnings():
    return [m for m in checks.run_checks(databases=["default"]) if m.id == "saleor_crm.W001"]


def test_migrate_registered_every_periodic_task():
    # the test database was migrated: the rows exist, as in a store after migrate
    rows = {t.name: t for t in PeriodicTask.objects.filter(name__in=CRM_BEAT_SCHEDULE)}
    assert set(rows) == set(CRM_BEAT_SCHEDULE)
    assert rows["saleor-crm-sweep-pending-events"].interval.every == 60
    assert rows["saleor-crm-recompute-profiles"].crontab.hour == "3"
    assert crm_warnings() == []


def test_registering_again_keeps_what_the_merchant_changed():
    # given
    PeriodicTask.objects.filter(name="saleor-crm-recompute-profiles").update(enabled=False)
    PeriodicTask.objects.filter(name="saleor-crm-mark-sla-breaches").delete()

    # when
    created = register_periodic_tasks()
    call_command("migrate", verbosity=0)  # and after any later migrate

    # then
    assert created == ["saleor-crm-mark-sla-breaches"]
    assert not PeriodicTask.objects.get(name="saleor-crm-recompute-profiles").enabled


def test_system_check_warns_when_beat_cannot_see_the_tasks(settings):
    # given
    PeriodicTask.objects.filter(name="saleor-crm-sweep-pending-events").delete()

    # then
    (warning,) = crm_warnings()
    assert "saleor-crm-sweep-pending-events" in warning.msg
    assert "CRM_BEAT_SCHEDULE" in warning.hint

    # when: scheduled through settings instead
    settings.CELERY_BEAT_SCHEDULE = {"x": CRM_BEAT_SCHEDULE["saleor-crm-sweep-pending-events"]}

    # then
    assert crm_warnings() == []
