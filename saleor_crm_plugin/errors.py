"""The error the core's services raise when they refuse an action."""

from __future__ import annotations

from enum import Enum
from typing import ClassVar


class CRMError(ValueError):
    """An action refused because of its input: the input ``field`` it is about
    (None: the whole input), a message, and a code from the domain's
    ``error_codes`` enum. The API reports it as ``errors { field code message }``;
    the inbound endpoints as JSON errors.

    ``code`` is kept as the enum's value (``"not_found"``), so callers outside
    GraphQL can compare and print it as a plain string.
    """

    code_enum: ClassVar[type[Enum]]

    def __init__(self, field: str | None, message: str, code: Enum | str = "invalid") -> None:
        super().__init__(message)
        self.field = field
        # Rejects codes the domain does not define.
        self.code: str = self.code_enum(code.value if isinstance(code, Enum) else code).value
