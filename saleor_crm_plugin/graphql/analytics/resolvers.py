from collections.abc import Callable

from ..core.errors import InvalidInput


def resolve_periods(compute: Callable[[str, int], list], period: str, last: int) -> list:
    """``compute(period, last)``; a period or count it refuses is invalid input."""
    try:
        return compute(period, last)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
