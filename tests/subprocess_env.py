"""What a worker started as a subprocess by a test needs to reach the test's own SQL database."""

from __future__ import annotations

from urllib.parse import quote

from django.db import connection


def database_url() -> str:
    """A ``DATABASE_URL`` naming the database this test runs on (SQLite file or PostgreSQL's
    ``test_…`` database), so that a child process reads and writes the same rows."""
    info = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{info['NAME']}"
    if connection.vendor == "postgresql":
        user = quote(str(info.get("USER") or ""), safe="")
        password = quote(str(info.get("PASSWORD") or ""), safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = info.get("HOST") or "127.0.0.1"
        port = f":{info['PORT']}" if info.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{info['NAME']}"
    raise RuntimeError(f"no DATABASE_URL for a {connection.vendor} test database")
