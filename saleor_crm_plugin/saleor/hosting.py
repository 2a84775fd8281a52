"""Saleor adapter: Saleor's guard for database writes from Celery tasks, and
the client IP address as Saleor finds it.
"""

from saleor.core.db.connection import allow_writer
from saleor.core.utils import get_client_ip

__all__ = ["allow_writer", "client_ip"]


def client_ip(request) -> str | None:
    """The address Saleor's own login throttling counts: the first valid
    address in ``X-Forwarded-For``, else ``REMOTE_ADDR``.
    """
    return get_client_ip(request) or None
