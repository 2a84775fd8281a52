"""The CRM schema and how it is executed."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

import graphene
from graphene.utils.str_converters import to_camel_case, to_snake_case
from graphql import GraphQLError, validate
from graphql.backend.base import GraphQLBackend, GraphQLDocument
from graphql.execution import ExecutionResult
from graphql.execution import execute as execute_document
from graphql.execution.middleware import MiddlewareManager
from graphql.execution.values import get_variable_values
from graphql.language import ast
from graphql.language.printer import print_ast

from ..auth import Requestor
from ..privacy.audit import record_profile_reads
from ..storable import MESSAGE as UNSTORABLE_MESSAGE
from ..storable import find_unstorable
from .analytics.schema import AnalyticsQueries
from .core.errors import InvalidInput, OperationNotAllowed, PermissionDenied
from .core.limits import check_cost, check_document, parse_document, static_limits
from .core.permissions import (
    ARGUMENT_PERMISSIONS,
    FIELD_PERMISSIONS,
    OPERATION_PERMISSIONS,
    READ_AUDITED_FIELDS,
    SignedInCustomer,
)
from .ingestion.schema import IngestionQueries
from .interactions.schema import InteractionMutations, InteractionQueries
from .marketing.schema import (
    CampaignMutations,
    CampaignQueries,
    ConsentMutations,
    ConsentQueries,
    SegmentMutations,
    SegmentQueries,
)
from .privacy.schema import PrivacyMutations
from .profiles.schema import CustomerProfileMutations, CustomerProfileQueries
from .tickets.schema import TicketMutations, TicketQueries
from .webhooks.schema import WebhookMutations, WebhookQueries


class Query(
    CustomerProfileQueries,
    TicketQueries,
    InteractionQueries,
    AnalyticsQueries,
    IngestionQueries,
    SegmentQueries,
    ConsentQueries,
    CampaignQueries,
    WebhookQueries,
    graphene.ObjectType,
):
    class Meta:
        description = "CRM queries. Each lists the permission it needs."


class Mutation(
    CustomerProfileMutations,
    TicketMutations,
    InteractionMutations,
    PrivacyMutations,
    SegmentMutations,
    ConsentMutations,
    CampaignMutations,
    WebhookMutations,
    graphene.ObjectType,
):
    class Meta:
        description = "CRM mutations. Each returns `errors { field code message }`."


schema = graphene.Schema(query=Query, mutation=Mutation, auto_camelcase=True)


@dataclass
class CRMContext:
    """Per-request context: who is asking, plus per-request caches.

    ``profile_reads``: the profiles whose personal record the request read
    (READ_AUDITED_FIELDS), recorded in the read audit when it is done, but
    for those already recorded (``profiles_recorded``: the ``customerProfile``
    query records its profile at once, so its ``reads`` show this opening).
    """

    requestor: Requestor
    request: Any = None
    dataloaders: dict[str, Any] = field(default_factory=dict)
    profile_reads: set[Any] = field(default_factory=set)
    profiles_recorded: set[Any] = field(default_factory=set)

    @cached_property
    def configuration(self):
        from ..configuration.services import get_configuration

        return get_configuration()


def permission_middleware(next_, root, info, **kwargs):
    """Check root fields against OPERATION_PERMISSIONS (unknown ones are
    refused) and ARGUMENT_PERMISSIONS, other fields against FIELD_PERMISSIONS;
    note the profile of a READ_AUDITED_FIELDS field for the read audit.
    """
    parent = info.parent_type.name
    if parent in OPERATION_PERMISSIONS and not info.field_name.startswith("__"):
        rule = OPERATION_PERMISSIONS[parent].get(info.field_name)
        if rule is None:
            raise PermissionDenied()
        if not rule.allows(info.context.requestor):
            raise PermissionDenied(rule.describe(), customer=isinstance(rule, SignedInCustomer))
        for argument, rule in ARGUMENT_PERMISSIONS[parent].get(info.field_name, {}).items():
            if not rule.allows(info.context.requestor) and argument_given(kwargs, argument):
                raise PermissionDenied(f"{rule.describe()} (for `{argument}`)")
    elif (fields := FIELD_PERMISSIONS.get(parent)) is not None and (
        rule := fields.get(info.field_name)
    ):
        if not rule.allows(info.context.requestor):
            raise PermissionDenied(rule.describe())
    if (audited := READ_AUDITED_FIELDS.get(parent)) is not None and info.field_name in audited:
        info.context.profile_reads.add(root.pk)
    # Arguments the database cannot store (a NUL, a lone surrogate) are
    # refused before any resolver sees them; mutations report them in their
    # own ``errors`` (BaseMutation).
    if kwargs and parent != "Mutation" and (path := find_unstorable(kwargs)) is not None:
        raise InvalidInput(f"{camel_path(path)}: {UNSTORABLE_MESSAGE}")
    return next_(root, info, **kwargs)


def argument_given(kwargs: dict, argument: str) -> bool:
    """``argument`` (``input.order``, ``sortBy.field=TOTAL_SPENT``) is set,
    not null, in the resolver's ``kwargs`` (and has that enum value).
    """
    path, _, value = argument.partition("=")
    current: Any = kwargs
    for name in path.split("."):
        if not isinstance(current, dict) or (current := current.get(to_snake_case(name))) is None:
            return False
    return not value or str(current).upper() == value


def camel_path(path: tuple) -> str:
    return ".".join(to_camel_case(part) if isinstance(part, str) else str(part) for part in path)


# graphql-core 2 wraps every field's resolver in a Promise when middleware is
# passed as a list; on a page of 100 profiles that was two thirds of the
# request. The permission check is synchronous and needs none.
MIDDLEWARE = MiddlewareManager(permission_middleware, wrap_in_promise=False)


class ValidatedDocuments(GraphQLBackend):
    """Parses and validates each distinct document once.

    The Dashboard sends the same few documents over and over; validating one
    against the schema cost as much as resolving a page of 20 profiles.
    Only valid documents are kept, the ``size`` most recently used, so
    arbitrary queries cannot grow the cache without bound.
    """

    def __init__(self, size: int = 256):
        self.size = size
        self._documents: OrderedDict[tuple, GraphQLDocument] = OrderedDict()
        self._lock = threading.Lock()

    def document_from_string(self, schema, document_string):
        # The limits are part of what was checked (tests change them).
        key = (document_string, static_limits())
        with self._lock:
            if (document := self._documents.get(key)) is not None:
                self._documents.move_to_end(key)
                return document
        document_ast = parse_document(document_string)
        # The CRM's limits first: graphql-core's validation never returns on
        # a fragment cycle, and is slow on a huge document.
        if errors := check_document(document_ast) or validate(schema, document_ast):
            invalid = GraphQLDocument(
                schema=schema,
                document_string=document_string,
                document_ast=document_ast,
                execute=lambda *args, **kwargs: ExecutionResult(errors=errors, invalid=True),
            )
            invalid.errors = errors
            return invalid
        document = GraphQLDocument(
            schema=schema,
            document_string=document_string,
            document_ast=document_ast,
            execute=partial(execute_document, schema, document_ast),
        )
        with self._lock:
            self._documents[key] = document
            while len(self._documents) > self.size:
                self._documents.popitem(last=False)
        return document


BACKEND = ValidatedDocuments()

_executing: ContextVar[bool] = ContextVar("crm_graphql_executing", default=False)


class _WhileExecuting(logging.Filter):
    """Drops graphql-core's own records during a CRM execution.

    graphql-core 2 logs every error a resolver raises, PermissionDenied
    included, with its traceback at ERROR; the CRM's endpoint logs each one
    itself (expected ones at info, bugs with their traceback). Saleor
    silences these loggers in its settings; other executions are untouched.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not _executing.get()


for _name in ("graphql.execution.utils", "graphql.execution.executor"):
    logging.getLogger(_name).addFilter(_WhileExecuting())


def execute(
    query: str,
    *,
    requestor: Requestor,
    variables: dict | None = None,
    operation_name: str | None = None,
    request: Any = None,
    allowed_operations: tuple[str, ...] | None = None,
) -> ExecutionResult:
    """Run ``query`` as ``requestor``: parsed, checked against the limits
    (:mod:`.core.limits`) and validated, then executed.

    ``allowed_operations`` (e.g. ``("query",)`` for GET) raises
    :class:`~.core.errors.OperationNotAllowed` for any other operation type.
    """
    variables = variables or {}
    try:
        document = BACKEND.document_from_string(schema, query)
    except Exception as error:  # noqa: BLE001 - syntax and limit errors are typed results
        return ExecutionResult(errors=[error], invalid=True)
    operation = document.get_operation_type(operation_name)
    if allowed_operations is not None and operation and operation not in allowed_operations:
        raise OperationNotAllowed(operation)
    if getattr(document, "errors", None):
        return document.execute()
    if errors := check_cost(schema, document.document_ast, variables, operation_name):
        return ExecutionResult(errors=errors, invalid=True)
    if errors := check_operation(document.document_ast, variables, operation_name):
        return ExecutionResult(errors=errors, invalid=True)
    context = CRMContext(requestor=requestor, request=request)
    token = _executing.set(True)
    try:
        return document.execute(
            None,
            context,
            operation_name=operation_name,
            variable_values=variables,
            middleware=MIDDLEWARE,
        )
    except GraphQLError as error:
        # What graphql-core raises before it runs anything is the client's error.
        return ExecutionResult(errors=[error], invalid=True)
    finally:
        _executing.reset(token)
        # One insert for every profile the request read (none: no query).
        record_profile_reads(context.profile_reads - context.profiles_recorded, requestor)


def check_operation(
    document: ast.Document, variables: dict, operation_name: str | None
) -> list[GraphQLError]:
    """The operation to run and its variables, checked as graphql-core 2
    does before executing, but reported instead of raised: no operation of
    that name (or several and no name), variables missing or of the wrong
    type. A scalar's parser may raise on a JSON value (an Int past 32 bits,
    a float for an Int): that is the variable's error too.
    """
    operations = [d for d in document.definitions if isinstance(d, ast.OperationDefinition)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
        if not operations:
            return [InvalidInput(f'Unknown operation named "{operation_name}".')]
    elif len(operations) > 1:
        return [InvalidInput("Must provide operation name if query contains multiple operations.")]
    if not operations:
        return [InvalidInput("Must provide an operation.")]
    for definition in operations[0].variable_definitions or ():
        try:
            get_variable_values(schema, [definition], variables)
        except GraphQLError as error:
            return [error]
        except Exception:  # noqa: BLE001 - a scalar refusing the value
            name, expected = definition.variable.name.value, print_ast(definition.type)
            return [
                InvalidInput(f'Variable "${name}" got invalid value; expected type "{expected}".')
            ]
    return []
