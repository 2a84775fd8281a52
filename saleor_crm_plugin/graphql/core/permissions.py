"""Which permission each GraphQL operation needs: the one table.

The schema middleware refuses any root field missing from this table, and the
permission tests walk the schema against it, so a new operation cannot ship
without a decision here.
"""

from dataclasses import dataclass

from ...auth import CRMPermission, Requestor


@dataclass(frozen=True)
class StaffOrApp:
    """Staff users or apps holding all the listed permissions."""

    permissions: tuple[str, ...]

    def allows(self, requestor: Requestor) -> bool:
        return requestor.has_perms(self.permissions)

    def describe(self) -> str:
        return ", ".join(self.permissions)


MANAGE_USERS = StaffOrApp((CRMPermission.MANAGE_USERS,))

OPERATION_PERMISSIONS: dict[str, dict[str, StaffOrApp]] = {
    "Query": {
        "customerProfile": MANAGE_USERS,
        "customerProfiles": MANAGE_USERS,
    },
    "Mutation": {
        "customerProfileUpdate": MANAGE_USERS,
    },
}
