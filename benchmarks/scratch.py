"""The benchmarks' scratch database, beside the host project's own.

Shared by ``ingest.py`` and ``customer_list.py``: the host's server (the
``DATABASE_URL`` one, else the embedded one under ``.crm-data/``), and a
database of the benchmark's own on it, never the host's.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlparse


def server_url() -> str:
    """The server the host project uses: DATABASE_URL's, else the embedded one."""
    if url := os.environ.get("DATABASE_URL"):
        return url
    from tests.host.database import embedded_database_url

    return embedded_database_url()


def database_url(base_url: str, name: str, *, recreate: bool = True) -> str:
    """``name`` beside the host's database, dropped and created when
    ``recreate``; returns its URL. Refuses the host's own database.
    """
    parts = urlparse(base_url)
    if parts.path.lstrip("/") == name:
        sys.exit(f"Refusing to use {name!r}: it is the host project's own database.")
    if recreate:
        drop_database(base_url, name)
        import psycopg
        from psycopg import sql

        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return parts._replace(path=f"/{name}").geturl()


def drop_database(base_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
