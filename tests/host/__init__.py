"""A minimal Django project that hosts the CRM outside Saleor.

Used by the standalone test tier, the demo and the benchmarks. It stands in
for the store only where Saleor is absent: its own users and a signed bearer
token for authentication. It has no Saleor models.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
