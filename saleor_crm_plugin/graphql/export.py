"""Export the schema as SDL, with descriptions, to ``graphql/schema.graphql``:

    python -m saleor_crm_plugin.graphql.export [path]

graphql-core 2's printer drops descriptions; storefront developers read them,
so this printer keeps them (block strings above types, fields, arguments and
enum values).
"""

from __future__ import annotations

import sys
from pathlib import Path

from graphql.language.printer import print_ast
from graphql.type import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
)
from graphql.utils.ast_from_value import ast_from_value

DEFAULT = Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql"
BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def _description(text: str | None, indent: str = "") -> str:
    if not text:
        return ""
    body = text.replace('"""', '\\"""')
    if "\n" not in body and len(body) + len(indent) < 90:
        return f'{indent}"""{body}"""\n'
    lines = "\n".join(f"{indent}{line}" if line else "" for line in body.split("\n"))
    return f'{indent}"""\n{lines}\n{indent}"""\n'


def _deprecated(reason: str | None) -> str:
    return f' @deprecated(reason: "{reason}")' if reason else ""


def _default(value, graphql_type) -> str:
    """A default value as SDL; enum defaults by name (graphene stores values)."""
    inner = getattr(graphql_type, "of_type", graphql_type)
    if isinstance(inner, GraphQLEnumType):
        for enum_value in inner.values:
            if enum_value.value == value or enum_value.name == value:
                return enum_value.name
    return print_ast(ast_from_value(value, graphql_type))


def _args(args: dict, indent: str) -> str:
    if not args:
        return ""
    items = []
    for name, arg in args.items():
        default = ""
        if arg.default_value is not None:
            default = f" = {_default(arg.default_value, arg.type)}"
        items.append(
            f"{_description(arg.description, indent + '  ')}{indent}  {name}: {arg.type}{default}"
        )
    return "(\n" + "\n".join(items) + f"\n{indent})"


def _fields(fields: dict, with_args: bool = True) -> str:
    out = []
    for name, field in fields.items():
        args = _args(field.args, "  ") if with_args and getattr(field, "args", None) else ""
        reason = getattr(field, "deprecation_reason", None)
        out.append(
            f"{_description(field.description, '  ')}  {name}{args}: {field.type}{_deprecated(reason)}"
        )
    return "{\n" + "\n".join(out) + "\n}"


def print_type(graphql_type) -> str:
    head = _description(graphql_type.description)
    name = graphql_type.name
    if isinstance(graphql_type, GraphQLObjectType):
        interfaces = graphql_type.interfaces
        implements = f" implements {' & '.join(i.name for i in interfaces)}" if interfaces else ""
        return f"{head}type {name}{implements} {_fields(graphql_type.fields)}"
    if isinstance(graphql_type, GraphQLInterfaceType):
        return f"{head}interface {name} {_fields(graphql_type.fields)}"
    if isinstance(graphql_type, GraphQLInputObjectType):
        out = []
        for field_name, field in graphql_type.fields.items():
            default = ""
            if field.default_value is not None:
                default = f" = {_default(field.default_value, field.type)}"
            out.append(
                f"{_description(field.description, '  ')}  {field_name}: {field.type}{default}"
            )
        return f"{head}input {name} {{\n" + "\n".join(out) + "\n}"
    if isinstance(graphql_type, GraphQLEnumType):
        values = "\n".join(
            f"{_description(value.description, '  ')}  {value.name}{_deprecated(value.deprecation_reason)}"
            for value in graphql_type.values
        )
        return f"{head}enum {name} {{\n{values}\n}}"
    if isinstance(graphql_type, GraphQLUnionType):
        return f"{head}union {name} = {' | '.join(t.name for t in graphql_type.types)}"
    if isinstance(graphql_type, GraphQLScalarType):
        return f"{head}scalar {name}"
    raise TypeError(f"Cannot print {graphql_type!r}")


def print_schema(schema) -> str:
    types = [
        t
        for name, t in sorted(schema.get_type_map().items())
        if not name.startswith("__") and name not in BUILT_IN
    ]
    root = "schema {\n  query: Query\n  mutation: Mutation\n}"
    return "\n\n".join([root, *(print_type(t) for t in types)]) + "\n"


def main() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            INSTALLED_APPS=[
                "django.contrib.auth",
                "django.contrib.contenttypes",
                "saleor_crm_plugin",
            ]
        )
    django.setup()
    from .schema import schema

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    target.write_text(print_schema(schema))
    sys.stdout.write(f"Wrote {target}\n")


if __name__ == "__main__":
    main()
