"""Dataloaders: what a list's rows need, fetched once for all of them.

graphql-core 2 resolves a document level by level. A nested field such as
``timeline`` on each profile of a page only hands its key to the request's
loader and returns a Promise; when the level is done, the loader runs one
query for every key it collected. So a page of 100 profiles with their
timelines costs the same queries as a page of one.

A loader belongs to one request: :class:`DataLoader` keeps it in the
context's ``dataloaders`` under its ``context_key``, so nothing cached is
shared between requests or requestors. Mutations start with an empty set
(:class:`~.mutations.BaseMutation`), so a payload never shows what an
earlier mutation of the same document read.

The schema's permission middleware runs without wrapping resolvers in
promises (:mod:`..schema`); it checks a field before its resolver is called,
and graphql-core waits for the Promise a resolver returns, so a loader
changes neither what is checked nor what is returned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from functools import partial
from typing import Any, Self

from django.db.models import Count, QuerySet
from promise import Promise
from promise.dataloader import DataLoader as BaseDataLoader

from .connection import Page, check_page_arguments, paginate_by_parent


class DataLoader(BaseDataLoader):
    """A loader kept per request: ``Loader(info.context)`` is the same object
    for the whole request. Subclasses set ``context_key`` and implement
    :meth:`batch_load`.
    """

    context_key: str

    def __new__(cls, context: Any) -> Self:
        loader = context.dataloaders.get(cls.context_key)
        if loader is None:
            loader = super().__new__(cls)
            context.dataloaders[cls.context_key] = loader
        return loader

    def __init__(self, context: Any) -> None:
        # ``Loader(context)`` runs __init__ on the kept loader each time.
        if getattr(self, "context", None) is context:
            return
        self.context = context
        super().__init__()

    def batch_load_fn(self, keys: Iterable[Hashable]) -> Promise:  # pylint: disable=method-hidden
        return Promise.resolve(self.batch_load(list(keys)))

    def batch_load(self, keys: list[Any]) -> list[Any]:
        """The values of ``keys``, in their order (None where there is none)."""
        raise NotImplementedError


class ByIdLoader(DataLoader):
    """Rows of ``model`` by primary key."""

    model: Any

    def batch_load(self, keys: list[Any]) -> list[Any]:
        rows = self.model.objects.in_bulk(keys)
        return [rows.get(key) for key in keys]


class ListByParentLoader(DataLoader):
    """All rows of ``queryset()`` per parent, in its order (short lists
    shown in full, such as a ticket's conversation).
    """

    parent_field: str

    def queryset(self) -> QuerySet:
        raise NotImplementedError

    def batch_load(self, keys: list[Any]) -> list[list[Any]]:
        rows: dict[Any, list[Any]] = defaultdict(list)
        for row in self.queryset().filter(**{f"{self.parent_field}__in": keys}):
            rows[getattr(row, self.parent_field)].append(row)
        return [rows.get(key, []) for key in keys]


class PageByParentLoader(DataLoader):
    """A page of a nested connection per parent (a profile's timeline, a
    ticket's messages): one query per distinct set of arguments, whatever
    the number of parents, and one more for ``totalCount`` when asked.

    Subclasses set ``parent_field`` (``profile_id``), ``sort`` (as
    :func:`~.connection.paginate` takes it) and :meth:`queryset`, which gets
    the connection's own filter arguments (hashable, e.g. a tuple of types).
    """

    parent_field: str
    sort: Sequence[tuple[str, bool]]

    def queryset(self, filters: Hashable) -> QuerySet:
        raise NotImplementedError

    def load_page(
        self,
        parent: Any,
        filters: Hashable = (),
        *,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Promise:
        """The page of ``parent``; bad arguments or cursors raise InvalidInput
        here, on the field, as :func:`~.connection.paginate` does.
        """
        pagination = {"first": first, "after": after, "last": last, "before": before}
        check_page_arguments(self.queryset(filters), self.sort, **pagination)
        return self.load((parent, filters, first, after, last, before))

    def batch_load(self, keys: list[tuple]) -> list[Page]:
        parents_by_request: dict[tuple, list[Any]] = defaultdict(list)
        for parent, *request in keys:
            parents_by_request[tuple(request)].append(parent)
        pages: dict[tuple, Page] = {}
        for request, parents in parents_by_request.items():
            filters, first, after, last, before = request
            by_parent = paginate_by_parent(
                self.queryset(filters),
                self.parent_field,
                parents,
                self.sort,
                total_count=partial(self._total_count, filters),
                first=first,
                after=after,
                last=last,
                before=before,
            )
            for parent, page in by_parent.items():
                pages[(parent, *request)] = page
        return [pages[key] for key in keys]

    def _total_count(self, filters: Hashable, parent: Any):
        return lambda: self.counts.load((parent, filters))

    @property
    def counts(self) -> _CountByParent:
        # One per page loader, so per request too.
        if (counts := getattr(self, "_counts", None)) is None:
            counts = self._counts = _CountByParent(self)
        return counts


class _CountByParent(BaseDataLoader):
    """``totalCount`` of a :class:`PageByParentLoader`'s pages: one
    ``GROUP BY`` parent for all of them.
    """

    def __init__(self, pages: PageByParentLoader) -> None:
        self.pages = pages
        super().__init__()

    def batch_load_fn(self, keys: Iterable[tuple]) -> Promise:  # pylint: disable=method-hidden
        parents_by_filters: dict[Hashable, list[Any]] = defaultdict(list)
        for parent, filters in keys:
            parents_by_filters[filters].append(parent)
        field = self.pages.parent_field
        counts: dict[tuple, int] = {}
        for filters, parents in parents_by_filters.items():
            rows = (
                self.pages.queryset(filters)
                .filter(**{f"{field}__in": parents})
                .order_by()
                .values_list(field)
                .annotate(count=Count("pk"))
            )
            counts.update({(parent, filters): count for parent, count in rows})
        return Promise.resolve([counts.get(key, 0) for key in keys])
