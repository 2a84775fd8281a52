"""Relay connections with keyset (seek) pagination over Django querysets.

Cursors encode the sort key of a row, so paging deep into a million profiles
costs the same as the first page, and rows inserted meanwhile do not shift
pages. Every sort ends with the primary key, which makes the order total.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import graphene
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value, Window
from django.db.models.functions import RowNumber

from ...conf import crm_setting
from .errors import InvalidInput


class CrmPageInfo(graphene.ObjectType):
    has_next_page = graphene.Boolean(
        required=True, description="When paginating forwards, are there more items?"
    )
    has_previous_page = graphene.Boolean(
        required=True, description="When paginating backwards, are there more items?"
    )
    start_cursor = graphene.String(description="Cursor of the first item on this page.")
    end_cursor = graphene.String(description="Cursor of the last item on this page.")

    class Meta:
        description = "Where a page stands in a connection."


def connection_args() -> dict[str, graphene.Argument]:
    return {
        "first": graphene.Argument(graphene.Int, description="Return the first n items (1-100)."),
        "after": graphene.Argument(graphene.String, description="Items after this cursor."),
        "last": graphene.Argument(graphene.Int, description="Return the last n items (1-100)."),
        "before": graphene.Argument(graphene.String, description="Items before this cursor."),
    }


def connection_type(node: type, name: str, description: str) -> type:
    """Build ``<name>CountableEdge`` and ``<name>CountableConnection``."""
    edge = type(
        f"{name}CountableEdge",
        (graphene.ObjectType,),
        {
            "node": graphene.Field(node, required=True, description="The item."),
            "cursor": graphene.String(required=True, description="Cursor of this item."),
            "Meta": type("Meta", (), {"description": f"An edge of {name}CountableConnection."}),
        },
    )
    return type(
        f"{name}CountableConnection",
        (graphene.ObjectType,),
        {
            "edges": graphene.List(graphene.NonNull(edge), required=True, description="Items."),
            "page_info": graphene.Field(CrmPageInfo, required=True, description="Pagination data."),
            "total_count": graphene.Int(description="Number of items matching the filter."),
            "resolve_total_count": staticmethod(lambda root, info: root.total_count()),
            "Meta": type("Meta", (), {"description": description}),
        },
    )


@dataclass
class Edge:
    node: Any
    cursor: str


@dataclass
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@dataclass
class Page:
    edges: list[Edge]
    page_info: PageInfo
    # An int, or a Promise of one for a nested connection (a dataloader).
    total_count: Callable[[], Any]


def _encode(values: list[Any]) -> str:
    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, (Decimal, UUID)):
            return str(value)
        return value

    raw = json.dumps([plain(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode(cursor: str, size: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput("Invalid cursor.") from exc
    if not isinstance(values, list) or len(values) != size:
        raise InvalidInput("Invalid cursor.")
    return values


class _Row(Func):
    template = "(%(expressions)s)"


def _seek(queryset: QuerySet, keys: list[tuple[str, bool]], values: list[Any], forward: bool):
    """Rows strictly after (``forward``) or before the row with ``values``.

    When every key runs the same way (the usual case: one sort field and the
    primary key) this is one row comparison, ``(key, pk) < (v, id)``, which
    PostgreSQL reads as a range of the ``(key, pk)`` index: a page deep in
    the list, or inside a long run of equal keys, costs what the first does.
    """
    if len({descending for _, descending in keys}) == 1:
        try:
            typed = [
                queryset.query.resolve_ref(key).output_field.to_python(value)
                for (key, _), value in zip(keys, values, strict=True)
            ]
        except (ValidationError, TypeError, ValueError) as exc:
            raise InvalidInput("Invalid cursor.") from exc
        if None in typed:  # sort keys are never null
            raise InvalidInput("Invalid cursor.")
        op = ">" if forward != keys[0][1] else "<"
        return Func(
            _Row(*[F(key) for key, _ in keys]),
            _Row(*[Value(value) for value in typed]),
            template="%(expressions)s",
            arg_joiner=f" {op} ",
            output_field=BooleanField(),
        )
    condition = Q()
    for i, (key, descending) in enumerate(keys):
        op = "gt" if forward != descending else "lt"
        step = Q(**{f"{key}__{op}": values[i]})
        for j, (prior_key, _) in enumerate(keys[:i]):
            step &= Q(**{prior_key: values[j]})
        condition |= step
    return condition


@dataclass(frozen=True)
class _Window:
    """A validated page request: ``queryset`` with the cursors applied."""

    queryset: QuerySet
    keys: list[tuple[str, bool]]
    size: int
    forward: bool
    after: str | None
    before: str | None

    def ordering(self) -> list[str]:
        return [("-" if descending else "") + key for key, descending in self.keys]

    def page(self, rows: list[Any], total_count: Callable[[], Any]) -> Page:
        """The page of the (up to ``size + 1``) ``rows`` read in the
        requested direction: the extra row only says there is more.
        """
        has_more = len(rows) > self.size
        rows = rows[: self.size]
        if self.forward:
            has_next, has_previous = has_more, bool(self.after)
        else:
            rows = rows[::-1]
            has_next, has_previous = bool(self.before), has_more
        edges = [
            Edge(node=row, cursor=_encode([getattr(row, key) for key, _ in self.keys]))
            for row in rows
        ]
        return Page(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_next,
                has_previous_page=has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=total_count,
        )


def _window(
    queryset: QuerySet,
    sort: Sequence[tuple[str, bool]],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> _Window:
    """Check the page arguments and cursors (InvalidInput); runs no query."""
    max_size = crm_setting("SALEOR_CRM_MAX_PAGE_SIZE")
    if first is None and last is None:
        raise InvalidInput("You must provide a `first` or `last` value to paginate.")
    if first is not None and last is not None:
        raise InvalidInput("Passing both `first` and `last` is not supported.")
    size = first if first is not None else last
    assert size is not None
    if size < 0:
        raise InvalidInput("`first` and `last` must not be negative.")
    if size > max_size:
        raise InvalidInput(
            f"Requesting {size} records exceeds the `first`/`last` limit of {max_size}."
        )
    keys = [*sort, ("pk", sort[-1][1] if sort else False)]
    filtered = queryset
    if after:
        filtered = filtered.filter(_seek(queryset, keys, _decode(after, len(keys)), forward=True))
    if before:
        filtered = filtered.filter(_seek(queryset, keys, _decode(before, len(keys)), forward=False))
    return _Window(
        queryset=filtered,
        keys=keys,
        size=size,
        forward=first is not None,
        after=after,
        before=before,
    )


def paginate(
    queryset: QuerySet,
    sort: Sequence[tuple[str, bool]],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Page:
    """Page through ``queryset`` ordered by ``sort`` (field, descending) pairs,
    which must be non-null fields or annotations; ``pk`` is appended.
    """
    window = _window(queryset, sort, first=first, after=after, last=last, before=before)
    ordered = window.queryset.order_by(*window.ordering())
    if not window.forward:
        ordered = ordered.reverse()
    return window.page(list(ordered[: window.size + 1]), queryset.count)


def check_page_arguments(
    queryset: QuerySet, sort: Sequence[tuple[str, bool]], **pagination: Any
) -> None:
    """Raise InvalidInput for what :func:`paginate` would refuse, without a query."""
    _window(queryset, sort, **pagination)


def paginate_by_parent(
    queryset: QuerySet,
    parent_field: str,
    parents: Sequence[Any],
    sort: Sequence[tuple[str, bool]],
    *,
    total_count: Callable[[Any], Callable[[], Any]],
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> dict[Any, Page]:
    """The same page of ``queryset`` for each of ``parents`` (values of
    ``parent_field``, e.g. ``profile_id``), in one query: rows are numbered
    per parent (``ROW_NUMBER() OVER (PARTITION BY parent ORDER BY sort)``)
    after the cursor is applied, and the first ``size + 1`` of each are read.

    ``total_count(parent)`` gives the page's ``total_count``.
    """
    window = _window(
        queryset.filter(**{f"{parent_field}__in": list(parents)}),
        sort,
        first=first,
        after=after,
        last=last,
        before=before,
    )
    pages: dict[Any, list[Any]] = {parent: [] for parent in parents}
    if pages:
        order = [
            F(key).desc() if descending == window.forward else F(key).asc()
            for key, descending in window.keys
        ]
        rows = (
            window.queryset.annotate(
                _crm_row=Window(RowNumber(), partition_by=F(parent_field), order_by=order)
            )
            .filter(_crm_row__lte=window.size + 1)
            .order_by(parent_field, "_crm_row")
        )
        for row in rows:
            pages[getattr(row, parent_field)].append(row)
    return {parent: window.page(rows, total_count(parent)) for parent, rows in pages.items()}
