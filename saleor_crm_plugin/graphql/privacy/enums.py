import graphene

from ...privacy import error_codes
from ...privacy.models import ProfileReaderKind, ProfileReadKind
from ..core.enums import enum_from_choices

CustomerDataExportErrorCode = graphene.Enum.from_enum(
    error_codes.CustomerDataExportErrorCode, description="Error codes of customerDataExport."
)
CustomerProfileReadKindEnum = enum_from_choices(
    "CustomerProfileReadKindEnum",
    ProfileReadKind,
    "What the reader did with the profile.",
    {
        ProfileReadKind.VIEW: "Opened the profile (the customerProfile query).",
        ProfileReadKind.EXPORT: "Exported the customer's data (customerDataExport).",
    },
)
CustomerProfileReaderKindEnum = enum_from_choices(
    "CustomerProfileReaderKindEnum",
    ProfileReaderKind,
    "Who read the profile.",
    {
        ProfileReaderKind.STAFF: "A staff member (`user`).",
        ProfileReaderKind.APP: "An app (`app`).",
        ProfileReaderKind.COMMAND: "An operator on the server (`manage.py crm_export_customer`).",
    },
)
