"""Walks the whole schema: every operation against every kind of requestor.

The expected outcome comes from OPERATION_PERMISSIONS, the one table of
access rules, so no operation can be added without being checked here.
"""

import pytest
from graphql.type import GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull

from saleor_crm_plugin.graphql.core.permissions import (
    CUSTOMER,
    MANAGE_USERS,
    MANAGE_USERS_AND_ORDERS,
    OPERATION_PERMISSIONS,
    PUBLIC,
)
from saleor_crm_plugin.graphql.schema import execute, schema
from tests.conftest import REQUESTORS

EVERYONE = set(REQUESTORS)
# Who gets past each rule; written out by hand, not derived from the rules.
ALLOWED = {
    MANAGE_USERS: {"staff", "app"},
    MANAGE_USERS_AND_ORDERS: {"staff"},  # the app holds MANAGE_USERS only
    CUSTOMER: {"customer", "customer_b"},
    PUBLIC: EVERYONE,
}


def root_fields():
    types = {"Query": schema.get_query_type(), "Mutation": schema.get_mutation_type()}
    for operation, graphql_type in types.items():
        for name, field in graphql_type.fields.items():
            yield operation, name, field


def sample(arg_type):
    """A valid literal of ``arg_type``, filling required input fields."""
    inner = arg_type.of_type if isinstance(arg_type, GraphQLNonNull) else arg_type
    if isinstance(inner, GraphQLList):
        return f"[{sample(inner.of_type)}]"
    if isinstance(inner, GraphQLInputObjectType):
        required = [
            f"{name}: {sample(field.type)}"
            for name, field in inner.fields.items()
            if isinstance(field.type, GraphQLNonNull)
        ]
        return "{" + ", ".join(required) + "}"
    if isinstance(inner, GraphQLEnumType):
        return inner.values[0].name
    return {"Int": "1", "Boolean": "true", "DateTime": '"2026-01-01T00:00:00+00:00"'}.get(
        inner.name, '"x"'
    )


def document(operation, name, field):
    args = []
    for arg_name, arg in field.args.items():
        if isinstance(arg.type, GraphQLNonNull) or arg_name in ("first", "email"):
            args.append(f"{arg_name}: {sample(arg.type)}")
    call = f"{name}({', '.join(args)})" if args else name
    keyword = "mutation" if operation == "Mutation" else "query"
    return f"{keyword} {{ {call} {{ __typename }} }}"


OPERATIONS = [(op, name, field) for op, name, field in root_fields()]


def test_permission_table_matches_the_schema():
    in_schema = {(op, name) for op, name, _ in OPERATIONS}
    in_table = {(op, name) for op, rules in OPERATION_PERMISSIONS.items() for name in rules}
    assert in_schema == in_table


def test_each_mutation_declares_the_permission_of_the_table():
    # BaseMutation checks Meta.permission too; it must say what the table says.
    for name, field in schema.get_mutation_type().fields.items():
        declared = field.type.graphene_type._meta.permission
        assert declared == OPERATION_PERMISSIONS["Mutation"][name], name


def test_every_rule_has_an_expectation():
    rules = {rule for ops in OPERATION_PERMISSIONS.values() for rule in ops.values()}
    assert rules <= set(ALLOWED)


@pytest.mark.django_db
@pytest.mark.parametrize("requestor", sorted(EVERYONE))
@pytest.mark.parametrize(("operation", "name", "field"), OPERATIONS, ids=lambda v: str(v)[:30])
def test_operation_access(operation, name, field, requestor):
    # when
    result = execute(document(operation, name, field), requestor=REQUESTORS[requestor])
    invalid = [
        e
        for e in result.errors or []
        if not getattr(e, "original_error", None) and not getattr(e, "path", None)
    ]
    assert not invalid, invalid  # the document itself must be valid

    # then
    denied = [
        e
        for e in result.errors or []
        if getattr(getattr(e, "original_error", None), "code", None) == "PermissionDenied"
    ]
    if requestor in ALLOWED[OPERATION_PERMISSIONS[operation][name]]:
        assert not denied, result.errors
    else:
        assert denied, f"{requestor} reached {name}"
        assert not (result.data or {}).get(name)


def test_unlisted_root_field_is_refused():
    from types import SimpleNamespace

    from saleor_crm_plugin.graphql.core.errors import PermissionDenied
    from saleor_crm_plugin.graphql.schema import permission_middleware

    info = SimpleNamespace(
        parent_type=SimpleNamespace(name="Query"),
        field_name="somethingNew",
        context=SimpleNamespace(requestor=REQUESTORS["staff"]),
    )
    with pytest.raises(PermissionDenied):
        permission_middleware(lambda *a, **k: "data", None, info)
