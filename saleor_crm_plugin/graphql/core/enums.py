"""Enums shared by every domain, and how model choices become GraphQL enums."""

import graphene


def enum_from_choices(
    name: str, choices: type, description: str, explanations: dict[str, str] | None = None
) -> type[graphene.Enum]:
    """A GraphQL enum of a model's ``TextChoices``: names upper-cased, values
    the stored strings; each value described by ``explanations`` or its label.
    """
    members = [(value.upper(), value) for value in choices.values]
    labels = {**dict(choices.choices), **(explanations or {})}

    return graphene.Enum(
        name,
        members,
        description=lambda member: labels.get(member.value) if member else description,
    )


class CrmSortDirection(graphene.Enum):
    ASC = "ASC"
    DESC = "DESC"

    class Meta:
        description = "Sort direction."
