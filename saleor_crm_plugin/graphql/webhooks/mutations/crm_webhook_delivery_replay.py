import graphene

from ....webhooks import services
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_APPS_AND_USERS
from ..types import CrmWebhookError
from ..utils import get_deliveries, get_webhook

MAX_IDS = 100


class CrmWebhookDeliveryReplay(BaseMutation):
    replayed = graphene.Int(description="How many deliveries were queued again.")

    class Arguments:
        ids = graphene.List(
            graphene.NonNull(graphene.ID),
            description=f"Failed deliveries to send again (at most {MAX_IDS}).",
        )
        webhook = graphene.ID(description="Send every failed delivery of this endpoint again.")

    class Meta:
        description = (
            "Queue failed webhook deliveries again, each with a new series of attempts (same "
            "event ID and Idempotency-Key). Give `ids` or `webhook`. Requires MANAGE_APPS and "
            "MANAGE_USERS."
        )
        permission = MANAGE_APPS_AND_USERS
        error_type_class = CrmWebhookError

    @classmethod
    def perform_mutation(cls, root, info, /, *, ids=None, webhook=None):
        if (ids is None) == (webhook is None):
            raise services.WebhookError(None, "Give either `ids` or `webhook`.", "required")
        if webhook is not None:
            return cls(replayed=services.replay_failed(get_webhook(webhook, "webhook")))
        if not ids:
            raise services.WebhookError("ids", "Give at least one delivery.", "required")
        if len(ids) > MAX_IDS:
            raise services.WebhookError("ids", f"At most {MAX_IDS} deliveries.", "invalid")
        return cls(replayed=services.replay_deliveries(get_deliveries(ids)))
