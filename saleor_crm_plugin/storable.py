r"""Text PostgreSQL can store, checked where requests come in.

PostgreSQL refuses a NUL character in ``text`` columns and psycopg cannot
encode a lone UTF-16 surrogate (``"\ud800"``, which JSON and GraphQL
escapes can produce) as UTF-8: either would reach the database and fail as a
``DataError``. The HTTP endpoints and the GraphQL layer look for them first
and answer a validation error that names the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MESSAGE = "Must not contain NUL characters or invalid Unicode."


def find_unstorable(value: Any, path: tuple = ()) -> tuple | None:
    """The path (keys and list indexes) to the first string in ``value`` that
    the database cannot store, or None. Keys are checked too.
    """
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                return where
        elif isinstance(item, Mapping):
            for key, child in item.items():
                if isinstance(key, str) and UNSTORABLE.search(key):
                    return (*where, key)
                stack.append((child, (*where, key)))
        elif isinstance(item, list | tuple):
            stack.extend((child, (*where, index)) for index, child in enumerate(item))
    return None


def dotted(path: tuple) -> str | None:
    """``("input", "tags", 0)`` as ``"input.tags.0"``; None for the whole value."""
    return ".".join(str(part) for part in path) or None
