"""Limits on what one GraphQL document may ask for, checked before it runs.

A document is refused, with a typed error in ``errors`` and nothing
executed, when

- it is longer than ``SALEOR_CRM_MAX_QUERY_LENGTH`` characters
  (``QUERY_TOO_LARGE``, before it is parsed);
- a fragment spreads itself, directly or through others (``FRAGMENT_CYCLE``;
  graphql-core 2's own validation recurses without end on one);
- it nests deeper than ``SALEOR_CRM_MAX_QUERY_DEPTH`` fields, or so deep the
  parser gives up (``QUERY_TOO_DEEP``);
- it selects more than ``SALEOR_CRM_MAX_QUERY_FIELDS`` fields, counting a
  fragment each time it is spread (``TOO_MANY_FIELDS``), or uses more than
  ``SALEOR_CRM_MAX_QUERY_ALIASES`` aliases (``TOO_MANY_ALIASES``);
- a number literal in it is longer than any value the schema takes (an
  integer of more than :data:`MAX_INT_LITERAL` characters, a float of more
  than :data:`MAX_FLOAT_LITERAL`: ``NUMBER_TOO_LONG``; graphql-core 2 reads
  literals with ``int()``, which raises past 4,300 digits, a crash during
  validation);
- a number in it is too large for a double (``1e999``, read as infinity,
  which no column or comparison takes): a ``GraphQLError`` as for any other
  invalid literal;
- its estimated cost exceeds ``SALEOR_CRM_MAX_QUERY_COST``
  (``QUERY_TOO_COMPLEX``): every field costs 1, and a connection costs 1 plus
  its page size (``first``/``last``, ``SALEOR_CRM_MAX_PAGE_SIZE`` when
  absent) times the cost of what it selects, so nested connections multiply.

The document checks (:func:`check_document`) depend on the text only and
run once per distinct document; the cost depends on the variables
(``first: $n``) and is checked on every request (:func:`check_cost`).
Introspection (``__schema``, ``__type``) counts towards fields and aliases
but not towards depth or cost, so GraphiQL and code generators keep working.
Like Saleor's ``AliasCountLimitRule`` and query cost validator, but as an
AST walk over the whole document before graphql-core's validation.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, parse
from graphql.language import ast
from graphql.type import GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema
from graphql.type.definition import get_named_type

from ...conf import crm_setting
from .errors import InvalidInput

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
# Longest number literals read: a signed 64-bit integer has 20 characters;
# a double's 17 significant digits with a sign, point and exponent fit in 32.
MAX_INT_LITERAL = 20
MAX_FLOAT_LITERAL = 32


class QueryLimitError(GraphQLError):
    """A document refused before execution; ``code`` says which limit."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def static_limits() -> tuple[int, int, int, int]:
    """The limits :func:`parse_document` and :func:`check_document` apply
    (part of a cached document's key).
    """
    return (
        crm_setting("SALEOR_CRM_MAX_QUERY_LENGTH"),
        crm_setting("SALEOR_CRM_MAX_QUERY_DEPTH"),
        crm_setting("SALEOR_CRM_MAX_QUERY_FIELDS"),
        crm_setting("SALEOR_CRM_MAX_QUERY_ALIASES"),
    )


def parse_document(source: str) -> ast.Document:
    """Parse ``source``; nesting too deep for the parser is ``QUERY_TOO_DEEP``.

    graphql-core 2 parses about a megabyte a second: a document longer than
    ``SALEOR_CRM_MAX_QUERY_LENGTH`` characters is refused unparsed
    (``QUERY_TOO_LARGE``).
    """
    if len(source) > (maximum := crm_setting("SALEOR_CRM_MAX_QUERY_LENGTH")):
        raise QueryLimitError(
            f"The query is {len(source)} characters long; at most {maximum} are allowed.",
            "QUERY_TOO_LARGE",
        )
    try:
        return parse(source)
    except RecursionError:
        raise QueryLimitError("The query is nested too deeply.", "QUERY_TOO_DEEP") from None


def check_document(document: ast.Document) -> list[GraphQLError]:
    """Errors for fragment cycles, depth, fields and aliases; [] when within limits."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, ast.FragmentDefinition)
    }
    if cycle := find_fragment_cycle(fragments):
        path = " → ".join(cycle)
        return [QueryLimitError(f"Fragment cycle: {path}.", "FRAGMENT_CYCLE")]
    if error := check_numbers(document):
        return [error]
    _, max_depth, max_fields, max_aliases = static_limits()
    walk = _Walk(fragments)
    try:
        for definition in document.definitions:
            if isinstance(definition, ast.OperationDefinition):
                walk.add(definition.selection_set)
    except RecursionError:
        return [QueryLimitError("The query is too complex.", "QUERY_TOO_COMPLEX")]
    errors: list[GraphQLError] = []
    if walk.depth > max_depth:
        errors.append(
            QueryLimitError(
                f"The query is {walk.depth} fields deep; at most {max_depth} are allowed.",
                "QUERY_TOO_DEEP",
            )
        )
    if walk.fields > max_fields:
        errors.append(
            QueryLimitError(
                f"The query selects {walk.fields} fields; at most {max_fields} are allowed.",
                "TOO_MANY_FIELDS",
            )
        )
    if walk.aliases > max_aliases:
        errors.append(
            QueryLimitError(
                f"The query uses {walk.aliases} aliases; at most {max_aliases} are allowed.",
                "TOO_MANY_ALIASES",
            )
        )
    return errors


def check_numbers(document: ast.Document) -> GraphQLError | None:
    """The error for the first number literal in ``document`` that is too
    long (``NUMBER_TOO_LONG``) or reads as infinity; None when all are fine.
    """
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.IntValue | ast.FloatValue):
            is_int = isinstance(node, ast.IntValue)
            maximum = MAX_INT_LITERAL if is_int else MAX_FLOAT_LITERAL
            if len(node.value) > maximum:
                kind = "An integer" if is_int else "A number"
                return QueryLimitError(
                    f"{kind} literal of {len(node.value)} characters; at most {maximum} "
                    "are allowed.",
                    "NUMBER_TOO_LONG",
                )
            if not is_int and not math.isfinite(float(node.value)):
                return InvalidInput(f"The number {node.value} is too large for a Float.")
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, ast.Node):
            stack.extend(getattr(node, name) for name in node._fields)
    return None


def find_fragment_cycle(fragments: dict[str, ast.FragmentDefinition]) -> list[str] | None:
    """Names along the first cycle of fragment spreads (``[A, B, A]``), or None."""
    spreads = {name: list(_spread_names(fragment)) for name, fragment in fragments.items()}
    done: set[str] = set()
    for start in spreads:
        if start in done:
            continue
        # Iterative depth-first search: a long chain of fragments must not
        # exhaust Python's stack either.
        path: list[str] = [start]
        on_path = {start}
        pending = [iter(spreads[start])]
        while pending:
            child = next(pending[-1], None)
            if child is None:
                pending.pop()
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                continue
            if child in on_path:
                return [*path[path.index(child) :], child]
            if child in done or child not in spreads:
                continue
            path.append(child)
            on_path.add(child)
            pending.append(iter(spreads[child]))
    return None


def _spread_names(node: Any) -> Iterator[str]:
    stack = [node.selection_set]
    while stack:
        selection_set = stack.pop()
        if selection_set is None:
            continue
        for selection in selection_set.selections:
            if isinstance(selection, ast.FragmentSpread):
                yield selection.name.value
            else:
                stack.append(selection.selection_set)


class _Walk:
    """Depth, fields and aliases of selections, fragments expanded (once each)."""

    def __init__(self, fragments: dict[str, ast.FragmentDefinition]) -> None:
        self.fragments = fragments
        self.memo: dict[str, tuple[int, int, int]] = {}
        self.depth = self.fields = self.aliases = 0

    def add(self, selection_set: ast.SelectionSet) -> None:
        depth, fields, aliases = self.measure(selection_set)
        self.depth = max(self.depth, depth)
        self.fields += fields
        self.aliases += aliases

    def measure(self, selection_set: ast.SelectionSet | None) -> tuple[int, int, int]:
        if selection_set is None:
            return 0, 0, 0
        depth = fields = aliases = 0
        for selection in selection_set.selections:
            if isinstance(selection, ast.Field):
                sub_depth, sub_fields, sub_aliases = self.measure(selection.selection_set)
                fields += 1 + sub_fields
                aliases += (selection.alias is not None) + sub_aliases
                if selection.name.value not in INTROSPECTION_FIELDS:
                    depth = max(depth, 1 + sub_depth)
            elif isinstance(selection, ast.InlineFragment):
                sub_depth, sub_fields, sub_aliases = self.measure(selection.selection_set)
                depth, fields, aliases = (
                    max(depth, sub_depth),
                    fields + sub_fields,
                    aliases + sub_aliases,
                )
            elif isinstance(selection, ast.FragmentSpread):
                sub_depth, sub_fields, sub_aliases = self.fragment(selection.name.value)
                depth, fields, aliases = (
                    max(depth, sub_depth),
                    fields + sub_fields,
                    aliases + sub_aliases,
                )
        return depth, fields, aliases

    def fragment(self, name: str) -> tuple[int, int, int]:
        if name not in self.memo:
            fragment = self.fragments.get(name)
            # An unknown fragment is left to graphql-core's validation.
            self.memo[name] = self.measure(fragment.selection_set) if fragment else (0, 0, 0)
        return self.memo[name]


def check_cost(
    schema: GraphQLSchema,
    document: ast.Document,
    variables: dict[str, Any] | None,
    operation_name: str | None,
) -> list[GraphQLError]:
    """``QUERY_TOO_COMPLEX`` when the operation to run costs more than the maximum."""
    maximum = crm_setting("SALEOR_CRM_MAX_QUERY_COST")
    estimate = _Cost(schema, document, variables or {})
    for definition in document.definitions:
        if not isinstance(definition, ast.OperationDefinition):
            continue
        name = definition.name.value if definition.name else None
        if operation_name and name != operation_name:
            continue
        root = {
            "query": schema.get_query_type(),
            "mutation": schema.get_mutation_type(),
            "subscription": schema.get_subscription_type(),
        }.get(definition.operation)
        try:
            cost = estimate.of(definition.selection_set, root)
        except RecursionError:
            cost = maximum + 1
        if cost > maximum:
            return [
                QueryLimitError(
                    f"The query's estimated cost is {cost}; at most {maximum} is allowed. "
                    "Ask for smaller pages or fewer nested connections.",
                    "QUERY_TOO_COMPLEX",
                )
            ]
    return []


class _Cost:
    def __init__(self, schema: GraphQLSchema, document: ast.Document, variables: dict) -> None:
        self.schema = schema
        self.variables = variables
        self.default_page = crm_setting("SALEOR_CRM_MAX_PAGE_SIZE")
        self.fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, ast.FragmentDefinition)
        }
        self.memo: dict[str, int] = {}

    def of(self, selection_set: ast.SelectionSet | None, parent: Any) -> int:
        if selection_set is None:
            return 0
        fields = (
            parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        )
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, ast.Field):
                total += 1
                name = selection.name.value
                definition = fields.get(name)
                if definition is None or name in INTROSPECTION_FIELDS:
                    continue
                field_type = get_named_type(definition.type)
                children = self.of(selection.selection_set, field_type)
                total += self.page_size(selection, field_type) * children
            elif isinstance(selection, ast.InlineFragment):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.of(selection.selection_set, target)
            elif isinstance(selection, ast.FragmentSpread):
                total += self.fragment(selection.name.value)
        return total

    def fragment(self, name: str) -> int:
        if name not in self.memo:
            fragment = self.fragments.get(name)
            self.memo[name] = (
                self.of(
                    fragment.selection_set,
                    self.schema.get_type(fragment.type_condition.name.value),
                )
                if fragment
                else 0
            )
        return self.memo[name]

    def page_size(self, field: ast.Field, field_type: Any) -> int:
        """``first``/``last`` of a connection (capped at the largest page); 1 otherwise."""
        if not (
            isinstance(field_type, GraphQLObjectType)
            and "edges" in field_type.fields
            and "pageInfo" in field_type.fields
        ):
            return 1
        for argument in field.arguments:
            if argument.name.value not in ("first", "last"):
                continue
            value = argument.value
            if isinstance(value, ast.Variable):
                value = self.variables.get(value.name.value)
            elif isinstance(value, ast.IntValue):
                value = int(value.value)
            if isinstance(value, int) and not isinstance(value, bool):
                return max(0, min(value, self.default_page))
        return self.default_page
