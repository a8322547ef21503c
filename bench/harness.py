"""What the in-process benches share: Django set up on a temp ``var/`` with a temp SQLite
database (on import), the embedded MongoDB-wire server around a run unless ``MONGO_URL`` is set,
and a migrated database with one owner and one project.

A bench imports this before any Django or project module::

    from bench.harness import TMP, bench_project, with_mongo  # sets up Django
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="fieldmark-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldmark.settings")
os.environ["FIELDMARK_VAR_DIR"] = str(TMP / "var")
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from pymongo.errors import PyMongoError  # noqa: E402

from fieldmark.projects import services as projects  # noqa: E402
from fieldmark.projects.models import Project  # noqa: E402
from fieldmark.storage import mongo  # noqa: E402
from fieldmark.storage.embedded import ChildServer, free_port, mongo_server  # noqa: E402

# The embedded server of the run in progress (None with MONGO_URL): benches read its CPU time.
SERVER: ChildServer | None = None


def with_mongo(database: str, run: Callable[[], None]) -> None:
    """Run ``run`` against ``database``, on the embedded server (in TMP) unless MONGO_URL is
    set; the database is dropped and the server stopped afterwards, even when ``run`` fails
    (a store that went away is reported, and does not hide the run's own error)."""
    global SERVER
    server: ChildServer | None = None
    if not os.environ.get("MONGO_URL"):
        server = mongo_server(TMP / "mongo", free_port(), TMP / "mongo.log").start()
        os.environ["MONGO_URL"] = server.url
        SERVER = server
    settings.MONGO_DB = database
    mongo.reset_client()
    try:
        run()
    finally:
        try:
            mongo.get_client().drop_database(database)
        except PyMongoError as exc:
            print(f"(could not drop the bench database: {exc!r})", file=sys.stderr)
        mongo.reset_client()
        SERVER = None
        if server is not None:
            server.stop()


def bench_project() -> tuple[User, Project]:
    """Migrate, create the Mongo indexes, and make the owner ``bench`` of project ``bench``."""
    call_command("migrate", verbosity=0)
    mongo.ensure_indexes()
    owner = User.objects.create_user("bench", password="x")
    return owner, projects.create_project(owner, {"name": "Bench", "slug": "bench"})
