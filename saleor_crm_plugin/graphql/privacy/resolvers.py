from ...auth import CRMPermission
from ...profiles.models import CustomerProfile
from ..core.errors import PermissionDenied
from .dataloaders import ReadsByProfileLoader


def resolve_profile_reads(profile: CustomerProfile, info, **pagination):
    """A page of the profile's read audit; MANAGE_STAFF only (the schema's
    field table says so too; checked here as well, wherever the field is used).
    """
    if not info.context.requestor.has_perms((CRMPermission.MANAGE_STAFF,)):
        raise PermissionDenied(CRMPermission.MANAGE_STAFF.value)
    return ReadsByProfileLoader(info.context).load_page(profile.pk, **pagination)
