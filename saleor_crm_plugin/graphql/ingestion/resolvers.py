from ...ingestion.operations import event_backlog
from .types import CrmEventBacklog


def resolve_crm_event_backlog() -> CrmEventBacklog:
    backlog = event_backlog()
    return CrmEventBacklog(
        pending_count=backlog.pending,
        retrying_count=backlog.retrying,
        failed_count=backlog.failed,
        oldest_pending_at=backlog.oldest_pending_at,
        oldest_pending_age_seconds=backlog.oldest_pending_age_seconds,
    )
