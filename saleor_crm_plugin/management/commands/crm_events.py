"""The CRM's event log, for operators.

    python manage.py crm_events                  # backlog, lag and the failed events
    python manage.py crm_events --pending        # list pending events too
    python manage.py crm_events --replay         # retry every failed event now
    python manage.py crm_events --replay 12 13   # retry these
    python manage.py crm_events --process        # process what is due, here and now

Staff see the same figures in GraphQL (``crmEventBacklog``) and on the CRM page.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...hosting import writer
from ...ingestion.models import InboundEvent, InboundEventStatus
from ...ingestion.operations import event_backlog, replay_failed_events
from ...ingestion.services import process_pending_events

LIST_LIMIT = 50


class Command(BaseCommand):
    help = "Show the CRM's event backlog and failed events; replay or process them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--replay",
            nargs="*",
            type=int,
            metavar="ID",
            help="Return failed events (all, or these ids) to the queue.",
        )
        parser.add_argument("--process", action="store_true", help="Process due events now.")
        parser.add_argument("--pending", action="store_true", help="List pending events too.")

    def handle(self, *args, replay, process: bool, pending: bool, **options):
        with writer():
            if replay is not None:
                count = replay_failed_events(replay or None)
                self.stdout.write(f"{count} failed event(s) returned to the queue.")
            if process:
                outcome = process_pending_events()
                self.stdout.write(
                    f"Processed {outcome['processed']}, failed {outcome['failed']}, "
                    f"skipped {outcome['skipped']} (objects gone)."
                )
        backlog = event_backlog()
        age = backlog.oldest_pending_age_seconds
        self.stdout.write(
            f"Pending: {backlog.pending} ({backlog.retrying} waiting to retry), "
            f"oldest {self._age(age) if age is not None else '-'}; failed: {backlog.failed}"
        )
        statuses = [InboundEventStatus.FAILED]
        if pending:
            statuses.append(InboundEventStatus.PENDING)
        events = InboundEvent.objects.filter(status__in=statuses).order_by("id")[:LIST_LIMIT]
        now = timezone.now()
        for event in events:
            error = (event.last_error.strip().splitlines() or [""])[-1][:100]
            retry = (
                f" retry in {self._age((event.next_attempt_at - now).total_seconds())}"
                if event.next_attempt_at and event.next_attempt_at > now
                else ""
            )
            self.stdout.write(
                f"  #{event.pk} {event.status:<8} {event.object_type} {event.object_id} "
                f"{'+'.join(event.announced or [event.event_type])} "
                f"age {self._age((now - event.created_at).total_seconds())} "
                f"attempts {event.attempts}{retry}  {error}"
            )

    @staticmethod
    def _age(seconds: float) -> str:
        seconds = max(int(seconds), 0)
        if seconds < 120:
            return f"{seconds}s"
        if seconds < 7200:
            return f"{seconds // 60}m"
        return f"{seconds // 3600}h"
