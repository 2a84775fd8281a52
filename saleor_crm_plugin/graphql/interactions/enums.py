import graphene

from ...interactions import error_codes
from ...interactions.models import InteractionChannel, InteractionDirection
from ..core.enums import enum_from_choices

InteractionChannelEnum = enum_from_choices(
    "InteractionChannelEnum", InteractionChannel, "Where a contact with a customer happened."
)
InteractionDirectionEnum = enum_from_choices(
    "InteractionDirectionEnum", InteractionDirection, "Who reached out."
)
InteractionErrorCode = graphene.Enum.from_enum(
    error_codes.InteractionErrorCode, description="Error codes of interaction mutations."
)
