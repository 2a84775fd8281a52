"""What every CRM mutation shares: typed errors instead of exceptions."""

from __future__ import annotations

from typing import Any

import graphene
from django.core.exceptions import ValidationError
from graphql_relay import from_global_id

from .errors import InvalidInput


class MutationErrorMixin:
    """Turn domain errors (``field``/``code`` attributes) and Django
    ValidationErrors into ``errors { field code message }``.
    """

    error_type: type

    @classmethod
    def error(cls, field: str | None, code: str, message: str):
        return cls.error_type(field=field, code=code, message=message)

    @classmethod
    def failure(cls, exc: Exception):
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            errors = [
                cls.error(field, e.code or "invalid", " ".join(e.messages))
                for field, items in exc.error_dict.items()
                for e in items
            ]
        else:
            errors = [
                cls.error(getattr(exc, "field", None), getattr(exc, "code", "invalid"), str(exc))
            ]
        return cls(errors=errors)


def decode_id(global_id: str | None, type_name: str, field: str, error: type[Exception]) -> Any:
    """The primary key in ``global_id`` of ``type_name``; ``error(field, ...)``
    when it is not one.
    """
    if not global_id:
        return None
    try:
        decoded_type, pk = from_global_id(global_id)
    except Exception as exc:  # noqa: BLE001 - any undecodable ID is invalid input
        raise error(field, f"Couldn't resolve to a {type_name}.", "not_found") from exc
    if decoded_type != type_name or not pk:
        raise error(field, f"Couldn't resolve to a {type_name}.", "not_found")
    return pk


def error_type(name: str, code_enum: type[graphene.Enum], description: str) -> type:
    return type(
        name,
        (graphene.ObjectType,),
        {
            "field": graphene.String(
                description="Input field the error is about; null for the whole input."
            ),
            "code": graphene.Field(code_enum, required=True, description="Error code."),
            "message": graphene.String(description="What went wrong."),
            "Meta": type("Meta", (), {"description": description}),
        },
    )


__all__ = ["InvalidInput", "MutationErrorMixin", "decode_id", "error_type"]
