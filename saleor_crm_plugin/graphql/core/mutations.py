"""What every CRM mutation shares: a permission check, one transaction and
typed errors instead of exceptions.

A mutation declares what it needs and does one thing::

    class TicketAssign(BaseMutation):
        ticket = graphene.Field(Ticket, description="The ticket.")

        class Arguments:
            id = graphene.ID(required=True, description="ID of the ticket.")

        class Meta:
            description = "Assign a ticket to a staff member. Requires MANAGE_USERS."
            permission = MANAGE_USERS
            error_type_class = TicketError

        @classmethod
        def perform_mutation(cls, root, info, /, *, id):
            return cls(ticket=...)

Like Saleor's ``BaseMutation``, without the hook chain: ``perform_mutation``
raises ``ValidationError({field: ValidationError(message, code=...)})`` or a
domain error (:class:`~saleor_crm_plugin.errors.CRMError`), and the payload's
``errors { field code message }`` reports it.
"""

from __future__ import annotations

from collections import OrderedDict
from contextlib import nullcontext
from typing import Any

import graphene
from django.core.exceptions import ValidationError
from django.db import transaction
from graphene.types.mutation import MutationOptions
from graphene.utils.str_converters import to_camel_case
from graphql_relay import from_global_id

from ...errors import CRMError
from ...storable import MESSAGE, find_unstorable
from ...throttling.services import Throttled
from .errors import PermissionDenied
from .permissions import Rule, SignedInCustomer


class BaseMutationOptions(MutationOptions):
    permission: Rule | None = None
    error_type_class: type | None = None
    atomic: bool = True


class BaseMutation(graphene.Mutation):
    """Checks ``Meta.permission``, runs ``perform_mutation`` in one
    transaction (a refused mutation leaves nothing half-written) and turns
    its errors into ``errors`` of ``Meta.error_type_class``, the payload's
    first field.

    ``Meta.atomic = False`` runs ``perform_mutation`` outside a transaction,
    for the few mutations that act outside the CRM's database (a refund):
    they commit their own steps.
    """

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(
        cls,
        permission: Rule | None = None,
        error_type_class: type | None = None,
        atomic: bool = True,
        _meta: BaseMutationOptions | None = None,
        **options: Any,
    ) -> None:
        assert permission is not None, f"{cls.__name__}.Meta needs a permission."
        assert error_type_class is not None, f"{cls.__name__}.Meta needs an error_type_class."
        if not _meta:
            _meta = BaseMutationOptions(cls)
        _meta.permission = permission
        _meta.error_type_class = error_type_class
        _meta.atomic = atomic
        if cls.throttle.__func__ is not BaseMutation.throttle.__func__:
            assert getattr(error_type_class, "throttled", False), (
                f"{cls.__name__} is throttled: build its error type with error_type(..., "
                "throttled=True)."
            )
        # graphene adds the class's own fields after these.
        _meta.fields = OrderedDict(
            errors=graphene.Field(
                graphene.NonNull(graphene.List(graphene.NonNull(error_type_class))),
                description="Errors.",
            )
        )
        super().__init_subclass_with_meta__(_meta=_meta, **options)

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, /, **data: Any) -> BaseMutation:
        """Do the work and return the payload; raise to refuse."""
        raise NotImplementedError

    @classmethod
    def throttle(cls, info: Any, data: dict[str, Any]) -> None:
        """Count this attempt against the operation's limits; raise
        :class:`~saleor_crm_plugin.throttling.services.Throttled` to refuse it
        (see :func:`.throttling.throttle`). Runs before the mutation's
        transaction, so attempts that then fail count too. None by default.
        """

    @classmethod
    def check_permission(cls, info: Any) -> None:
        # The schema middleware checks the permission table first; this keeps
        # a mutation safe when mounted elsewhere.
        rule = cls._meta.permission
        if not rule.allows(info.context.requestor):
            raise PermissionDenied(rule.describe(), customer=isinstance(rule, SignedInCustomer))

    @classmethod
    def mutate(cls, root: Any, info: Any, **data: Any) -> BaseMutation:
        cls.check_permission(info)
        if (path := find_unstorable(data)) is not None:
            # The database cannot store it; refused like any invalid input,
            # on the innermost named field (``input.tags.0`` -> ``tags``).
            field = to_camel_case(next(p for p in reversed(path) if isinstance(p, str)))
            error_type = cls._meta.error_type_class
            return cls(errors=[error_type(field=field, code="invalid", message=MESSAGE)])
        try:
            cls.throttle(info, data)
        except Throttled as throttled:
            note_retry_after(info, throttled.retry_after)
            error_type = cls._meta.error_type_class
            return cls(
                errors=[
                    error_type(
                        field=None,
                        code="throttled",
                        message=str(throttled),
                        retry_after=throttled.retry_after,
                    )
                ]
            )
        try:
            with transaction.atomic() if cls._meta.atomic else nullcontext():
                response = cls.perform_mutation(root, info, **data)
        except (ValidationError, CRMError) as error:
            return cls(errors=cls.errors_from(error))
        if response.errors is None:
            response.errors = []
        return response

    @classmethod
    def errors_from(cls, error: ValidationError | CRMError) -> list:
        error_type = cls._meta.error_type_class
        if isinstance(error, CRMError):
            return [error_type(field=error.field, code=error.code, message=str(error))]
        items = (
            error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.error_list)]
        )
        return [
            error_type(field=field, code=item.code or "invalid", message=" ".join(item.messages))
            for field, errors in items
            for item in errors
        ]


def decode_id(
    global_id: str | None,
    type_name: str,
    field: str,
    error: type[Exception],
    model: Any = None,
) -> Any:
    """The primary key in ``global_id`` of ``type_name``; ``error(field, ...)``
    when it is not one. With ``model``, the key must also be of the model's
    key type (a UUID, a number), so no malformed key reaches the database.
    """
    if not global_id:
        return None
    try:
        decoded_type, pk = from_global_id(global_id)
    except Exception as exc:  # noqa: BLE001 - any undecodable ID is invalid input
        raise error(field, f"Couldn't resolve to a {type_name}.", "not_found") from exc
    # A key the database cannot store names nothing it holds.
    if decoded_type != type_name or not pk or find_unstorable(pk) is not None:
        raise error(field, f"Couldn't resolve to a {type_name}.", "not_found")
    if model is not None:
        try:
            pk = model._meta.pk.to_python(pk)
        except ValidationError as exc:
            raise error(field, f"Couldn't resolve to a {type_name}.", "not_found") from exc
    return pk


def error_type(
    name: str, code_enum: type[graphene.Enum], description: str, *, throttled: bool = False
) -> type:
    """The ``<Domain>Error`` type: ``field``, ``code`` (the domain's enum), ``message``.

    ``throttled``: the domain has throttled mutations; its enum has
    ``THROTTLED`` and the type a ``retryAfter`` (seconds) clients can read.
    """
    fields: dict[str, Any] = {
        "field": graphene.String(
            description="Input field the error is about; null for the whole input."
        ),
        "code": graphene.Field(code_enum, required=True, description="Error code."),
        "message": graphene.String(description="What went wrong."),
    }
    if throttled:
        assert "THROTTLED" in code_enum._meta.enum.__members__, f"{name}: no THROTTLED code."
        fields["retry_after"] = graphene.Int(
            description="THROTTLED only: seconds to wait before trying again."
        )
    return type(
        name,
        (graphene.ObjectType,),
        {
            **fields,
            "throttled": throttled,
            "Meta": type("Meta", (), {"description": description}),
        },
    )


RETRY_AFTER_ATTRIBUTE = "crm_retry_after"


def note_retry_after(info: Any, seconds: int) -> None:
    """Remember on the HTTP request the longest wait a throttled mutation of
    this operation asked for; the GraphQL view sends it as ``Retry-After``.
    """
    request = getattr(info.context, "request", None)
    if request is not None:
        setattr(
            request, RETRY_AFTER_ATTRIBUTE, max(seconds, getattr(request, RETRY_AFTER_ATTRIBUTE, 0))
        )
