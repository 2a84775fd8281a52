"""What the core needs from whichever host runs it, without importing it.

In Saleor, Celery tasks that write must run inside Saleor's ``allow_writer``
guard; the adapter module :mod:`saleor_crm_plugin.saleor.hosting` provides
it. Elsewhere the guard is a no-op.
"""

from contextlib import AbstractContextManager, nullcontext
from functools import cache

from django.apps import apps


@cache
def running_in_saleor() -> bool:
    return apps.is_installed("saleor.core")


def writer() -> AbstractContextManager:
    """Context for code that writes to the database from a task."""
    if running_in_saleor():
        from .saleor.hosting import allow_writer

        return allow_writer()
    return nullcontext()
