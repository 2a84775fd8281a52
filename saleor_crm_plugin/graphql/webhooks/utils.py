from ...webhooks.models import WebhookDelivery, WebhookEndpoint
from ...webhooks.services import WebhookError
from ..core.mutations import decode_id


def get_webhook(global_id: str, field: str = "id") -> WebhookEndpoint:
    pk = decode_id(global_id, "CrmWebhook", field, WebhookError, WebhookEndpoint)
    endpoint = WebhookEndpoint.objects.filter(pk=pk).first() if pk else None
    if endpoint is None:
        raise WebhookError(field, "Couldn't resolve to a CrmWebhook.", "not_found")
    return endpoint


def webhook_or_none(global_id: str) -> WebhookEndpoint | None:
    try:
        return get_webhook(global_id)
    except WebhookError:
        return None


def get_deliveries(global_ids: list[str], field: str = "ids") -> list[WebhookDelivery]:
    pks = [
        decode_id(gid, "CrmWebhookDelivery", field, WebhookError, WebhookDelivery)
        for gid in global_ids
    ]
    found = list(WebhookDelivery.objects.filter(pk__in=pks))
    if len(found) != len(set(pks)):
        raise WebhookError(field, "Couldn't resolve to a CrmWebhookDelivery.", "not_found")
    return found
