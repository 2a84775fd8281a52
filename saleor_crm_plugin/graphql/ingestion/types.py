import graphene


class CrmEventBacklog(graphene.ObjectType):
    pending_count = graphene.Int(
        required=True, description="Store events recorded but not yet applied to profiles."
    )
    retrying_count = graphene.Int(
        required=True, description="Pending events waiting to retry after a failed attempt."
    )
    failed_count = graphene.Int(
        required=True,
        description="Events parked after their last attempt; they wait for an operator's "
        "replay (`manage.py crm_events --replay`).",
    )
    oldest_pending_at = graphene.DateTime(description="When the oldest pending event came in.")
    oldest_pending_age_seconds = graphene.Float(
        description="How far behind the store the CRM is, in seconds (null: nothing pending)."
    )

    class Meta:
        description = "How far the CRM is behind the store's events."
