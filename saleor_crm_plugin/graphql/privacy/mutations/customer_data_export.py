import graphene
from graphene.types.generic import GenericScalar

from ....privacy.audit import record_profile_read
from ....privacy.export import export_customer_data
from ....privacy.models import ProfileReadKind
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ..types import CustomerDataExportError


class CustomerDataExport(BaseMutation):
    export = GenericScalar(
        description=(
            "Everything the CRM holds on the person, as one JSON document: `format`, "
            "`exportedAt`, `email`, `complete`, `omitted`, `profile`, `orders` (with "
            "`lines`), `checkouts`, `timeline`, `tickets` (with `messages`, internal notes "
            "marked `kind: note`), `interactions`, `satisfaction`. Staff authors are named "
            "as customers see them, never by email."
        )
    )

    class Arguments:
        email = graphene.String(required=True, description="The customer's email.")

    class Meta:
        description = (
            "Export a customer's data (an access request). Requires MANAGE_USERS; order data "
            "(orders, order figures, the timeline's order entries, the order a ticket, an "
            "interaction or a cart names) also needs MANAGE_ORDERS, and staff restricted to "
            "some channels get those channels' orders and carts only: the document's "
            "`complete` is then false and `omitted` says what was left out. "
            "Recorded in the profile's read audit."
        )
        permission = MANAGE_USERS
        error_type_class = CustomerDataExportError

    @classmethod
    def perform_mutation(cls, root, info, /, *, email):
        requestor = info.context.requestor
        profile, document = export_customer_data(email, requestor)
        if profile is not None:
            record_profile_read(profile.pk, requestor, ProfileReadKind.EXPORT)
        return cls(export=document)
