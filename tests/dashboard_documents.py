"""The Dashboard extension's GraphQL operations, as it sends them.

The extension builds each request from one ``.graphql`` file of its
``customers`` module plus the fragments that file spreads, nested ones
included (``documentFactory`` in ``src/modules/core/graphql-documents.ts``).
Query-count tests and the customer list benchmark send the same text.
"""

from __future__ import annotations

import re
from pathlib import Path

DOCUMENTS = (
    Path(__file__).resolve().parents[1]
    / "dashboard-extension"
    / "src"
    / "modules"
    / "customers"
    / "graphql"
)


def dashboard_operation(filename: str) -> str:
    """The operation in ``filename`` followed by the fragments it needs."""
    operation = (DOCUMENTS / filename).read_text()
    fragments = {
        match.group(1): chunk.strip()
        for chunk in re.split(r"(?m)^(?=fragment\s)", (DOCUMENTS / "fragments.graphql").read_text())
        if (match := re.match(r"fragment\s+(\w+)", chunk))
    }
    needed: list[str] = []

    def visit(text: str) -> None:
        for name in re.findall(r"\.\.\.\s*(\w+)", text):
            if name in fragments and name not in needed:
                needed.append(name)
                visit(fragments[name])

    visit(operation)
    return "\n".join([operation.strip(), *(fragments[name] for name in needed)])
