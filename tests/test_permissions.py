"""Walks the whole schema: every operation against every kind of requestor.

The expected outcome comes from OPERATION_PERMISSIONS, the one table of
access rules, so no operation can be added without being checked here.
"""

import pytest
from graphql.type import GraphQLInputObjectType, GraphQLNonNull

from saleor_crm_plugin.graphql.core.permissions import OPERATION_PERMISSIONS
from saleor_crm_plugin.graphql.schema import execute, schema
from tests.conftest import REQUESTORS

ALLOWED = {
    # requestor -> does it hold MANAGE_USERS as staff or app
    "anonymous": False,
    "customer": False,
    "staff_without_permissions": False,
    "staff": True,
    "app_without_permissions": False,
    "app": True,
}


def root_fields():
    types = {"Query": schema.get_query_type(), "Mutation": schema.get_mutation_type()}
    for operation, graphql_type in types.items():
        for name, field in graphql_type.fields.items():
            yield operation, name, field


def sample(arg_type):
    inner = arg_type.of_type if isinstance(arg_type, GraphQLNonNull) else arg_type
    if isinstance(inner, GraphQLInputObjectType):
        return "{}"
    return {"Int": "1", "Boolean": "true"}.get(inner.name, '"x"')


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


@pytest.mark.django_db
@pytest.mark.parametrize("requestor", list(ALLOWED))
@pytest.mark.parametrize(("operation", "name", "field"), OPERATIONS, ids=lambda v: str(v)[:30])
def test_operation_access(operation, name, field, requestor):
    # when
    result = execute(document(operation, name, field), requestor=REQUESTORS[requestor])

    # then
    denied = [
        e
        for e in result.errors or []
        if getattr(getattr(e, "original_error", None), "code", None) == "PermissionDenied"
    ]
    if ALLOWED[requestor]:
        assert not denied, result.errors
    else:
        assert denied, f"{requestor} reached {name}"
        assert result.data[name] is None


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
