"""Why a data export was refused; the GraphQL ``CustomerDataExportErrorCode`` is built from this."""

from enum import Enum


class CustomerDataExportErrorCode(Enum):
    INVALID = "invalid"
    REQUIRED = "required"
    # The CRM holds no profile for the email.
    NOT_FOUND = "not_found"
    # The person's data was erased (the account was deleted): nothing to export.
    ERASED = "erased"
