import graphene
from django.core.exceptions import ValidationError

from ....profiles import models
from ....profiles.error_codes import CustomerProfileErrorCode
from ....text import PLAIN_TEXT
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_USERS
from ..resolvers import decode_profile_id
from ..types import CustomerProfile, CustomerProfileError

MAX_TAGS = 50
MAX_TAG_LENGTH = 100
MAX_NOTE_LENGTH = 20_000


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(
        {field: ValidationError(message, code=CustomerProfileErrorCode.INVALID.value)}
    )


class CustomerProfileUpdateInput(graphene.InputObjectType):
    tags = graphene.List(
        graphene.NonNull(graphene.String),
        description=f"Replaces the profile's tags. {PLAIN_TEXT}",
    )
    note = graphene.String(description=f"Replaces the profile's note. {PLAIN_TEXT}")

    class Meta:
        description = "Staff-editable parts of a customer profile."


class CustomerProfileUpdate(BaseMutation):
    profile = graphene.Field(CustomerProfile, description="The updated profile.")

    class Arguments:
        id = graphene.ID(required=True, description="ID of the profile.")
        input = CustomerProfileUpdateInput(required=True, description="Fields to change.")

    class Meta:
        description = "Edit a customer profile's tags and note. Requires MANAGE_USERS."
        permission = MANAGE_USERS
        error_type_class = CustomerProfileError

    @classmethod
    def clean_input(cls, data: dict) -> dict:
        """Tags trimmed and deduplicated; limits on tags and the note."""
        cleaned = {}
        if data.get("tags") is not None:
            tags = []
            for tag in data["tags"]:
                tag = tag.strip()
                if not tag:
                    continue
                if len(tag) > MAX_TAG_LENGTH:
                    raise _invalid("tags", f"Tags are at most {MAX_TAG_LENGTH} characters.")
                if tag not in tags:
                    tags.append(tag)
            if len(tags) > MAX_TAGS:
                raise _invalid("tags", f"A profile has at most {MAX_TAGS} tags.")
            cleaned["tags"] = tags
        if data.get("note") is not None:
            if len(data["note"]) > MAX_NOTE_LENGTH:
                raise _invalid("note", f"The note is at most {MAX_NOTE_LENGTH} characters.")
            cleaned["note"] = data["note"]
        return cleaned

    @classmethod
    def perform_mutation(cls, root, info, /, *, id, input):
        pk = decode_profile_id(id)
        profile = (
            models.CustomerProfile.objects.select_for_update().filter(pk=pk).first() if pk else None
        )
        if profile is None:
            raise ValidationError(
                {
                    "id": ValidationError(
                        "Couldn't resolve to a customer profile.",
                        code=CustomerProfileErrorCode.NOT_FOUND.value,
                    )
                }
            )
        if profile.is_erased:
            raise _invalid("id", "This customer's data has been erased.")
        cleaned = cls.clean_input(input)
        for name, value in cleaned.items():
            setattr(profile, name, value)
        if cleaned:
            profile.save(update_fields=[*cleaned, "updated_at"])
        return cls(profile=profile)
