"""Suite-wide fixtures: real storage (an embedded MongoDB-wire server unless MONGO_URL is set, an
on-disk Oxigraph store), a real Celery worker, and the named users every permission test uses.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.environment import TMP as _TMP


@pytest.fixture(scope="session", autouse=True)
def mongo_server() -> Iterator[str]:
    """A real MongoDB wire server: MONGO_URL if given, else SecantusDB as a child process."""
    from django.conf import settings

    from fieldmark.storage import mongo
    from fieldmark.storage.embedded import free_port
    from fieldmark.storage.embedded import mongo_server as embedded

    database = f"fieldmark_test_{uuid.uuid4().hex[:8]}"
    settings.MONGO_DB = database
    server = None
    if not os.environ.get("MONGO_URL"):
        server = embedded(_TMP / "mongo", free_port(), _TMP / "mongo.log").start()
        os.environ["MONGO_URL"] = server.url
    mongo.reset_client()
    yield os.environ["MONGO_URL"]
    try:
        mongo.get_client().drop_database(database)
    finally:
        mongo.reset_client()
        if server is not None:
            server.stop()
            del os.environ["MONGO_URL"]


@pytest.fixture
def mongo_db(mongo_server: str) -> Iterator[Any]:
    """The test database, emptied after each test (indexes ensured before it)."""
    from fieldmark.storage import mongo

    mongo.ensure_indexes()
    yield mongo.get_db()
    db = mongo.get_db()
    for name in db.list_collection_names():
        db[name].delete_many({})


@pytest.fixture(scope="session")
def celery_worker_session(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """A real Celery worker consuming the configured broker in a thread of this process."""
    from celery.contrib.testing.worker import start_worker

    from fieldmark.celery import app

    app.conf.update(task_always_eager=False, broker_connection_retry_on_startup=True)
    with (
        django_db_blocker.unblock(),
        start_worker(
            app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            queues=["default", "train", "gpu"],
            loglevel="WARNING",
            shutdown_timeout=30,
        ) as worker,
    ):
        yield worker


# --- named users -------------------------------------------------------------------------------

ROLES = ("owner", "manager", "annotator", "viewer")


@dataclass
class Team:
    """One project with a user in every role, plus an outsider who belongs to none."""

    project: Any
    users: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.users[name]
        except KeyError:
            raise AttributeError(name) from None


@pytest.fixture
def make_user(django_user_model: Any) -> Any:
    def make(username: str, **extra: Any) -> Any:
        return django_user_model.objects.create_user(
            username=username,
            email=extra.pop("email", f"{username}@example.org"),
            password=extra.pop("password", "correct horse battery"),
            **extra,
        )

    return make


@pytest.fixture
def team(db: Any, make_user: Any) -> Team:
    from fieldmark.projects import services
    from fieldmark.projects.models import Membership

    users = {name: make_user(name) for name in (*ROLES, "outsider")}
    project = services.create_project(
        users["owner"], {"name": "Lezgi corpus", "slug": "lezgi", "object_languages": ["lez"]}
    )
    for role in ROLES[1:]:
        Membership.objects.create(project=project, user=users[role], role=role)
    return Team(project=project, users=users)


@pytest.fixture
def api() -> Any:
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def as_user(api: Any) -> Any:
    """``as_user(user)`` returns an API client signed in as ``user`` (None: anonymous)."""

    def login(user: Any) -> Any:
        from rest_framework.test import APIClient

        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last, after pytest-django has ordered the rest.

    They share one web server that runs for the rest of the session in a thread with its own
    event loop; run last, its open sockets and event loop do not run beside the other tests.
    (The channel layer itself is per loop, so several loops may receive at once:
    ``fieldmark.realtime.layer``.) The order is otherwise kept.
    """
    browser = [item for item in items if item.get_closest_marker("browser") is not None]
    if browser:
        chosen = set(map(id, browser))
        items[:] = [item for item in items if id(item) not in chosen] + browser
