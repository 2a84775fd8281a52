"""Saleor adapter: Saleor's guard for database writes from Celery tasks."""

from saleor.core.db.connection import allow_writer

__all__ = ["allow_writer"]
