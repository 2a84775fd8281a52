import graphene
from graphql_relay import to_global_id

from ...privacy.models import ProfileRead, ProfileReaderKind
from ..core.connection import connection_type
from ..core.mutations import error_type
from .dataloaders import StaffUserByIdLoader
from .enums import (
    CustomerDataExportErrorCode,
    CustomerProfileReaderKindEnum,
    CustomerProfileReadKindEnum,
)


class CustomerProfileRead(graphene.ObjectType):
    id = graphene.ID(required=True, description="ID of the record.")
    kind = graphene.Field(
        CustomerProfileReadKindEnum, required=True, description="Viewed or exported."
    )
    reader_kind = graphene.Field(
        CustomerProfileReaderKindEnum,
        required=True,
        description="A staff member, an app, an operator.",
    )
    user = graphene.ID(description="Saleor global ID of the staff member (`User`).")
    user_email = graphene.String(
        description="The staff member's email; null when the account is gone."
    )
    user_name = graphene.String(
        description="The staff member's first and last name; null when the account is gone."
    )
    app = graphene.ID(description="Saleor global ID of the app (`App`).")
    system_user = graphene.String(
        description="The operating-system user who ran `manage.py crm_export_customer`."
    )
    read_at = graphene.DateTime(
        required=True,
        description=(
            "The first read in its window: later reads by the same reader within "
            "SALEOR_CRM_PROFILE_READ_WINDOW_SECONDS are not recorded again."
        ),
    )

    class Meta:
        description = (
            "Someone opened the customer's profile, or exported their data: the read audit."
        )

    @staticmethod
    def resolve_id(root: ProfileRead, info):
        return to_global_id("CustomerProfileRead", root.pk)

    @staticmethod
    def resolve_user(root: ProfileRead, info):
        if root.reader_kind != ProfileReaderKind.STAFF:
            return None
        return to_global_id("User", root.reader_id)

    @staticmethod
    def resolve_user_email(root: ProfileRead, info):
        return _staff(root, info, "email")

    @staticmethod
    def resolve_user_name(root: ProfileRead, info):
        return _staff(root, info, "name")

    @staticmethod
    def resolve_app(root: ProfileRead, info):
        if root.reader_kind != ProfileReaderKind.APP:
            return None
        return to_global_id("App", root.reader_id)

    @staticmethod
    def resolve_system_user(root: ProfileRead, info):
        return root.reader_id if root.reader_kind == ProfileReaderKind.COMMAND else None


def _staff(root: ProfileRead, info, key: str):
    if root.reader_kind != ProfileReaderKind.STAFF:
        return None

    def pick(user):
        if user is None:
            return None
        if key == "email":
            return user["email"] or None
        return " ".join(p for p in (user["first_name"], user["last_name"]) if p) or None

    return StaffUserByIdLoader(info.context).load(root.reader_id).then(pick)


CustomerProfileReadCountableConnection = connection_type(
    CustomerProfileRead, "CustomerProfileRead", "A page of a profile's read audit."
)

CustomerDataExportError = error_type(
    "CustomerDataExportError", CustomerDataExportErrorCode, "An error from customerDataExport."
)
