"""What a worker started as a subprocess by a test needs to reach the test's own SQL database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
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


def worker_env(**extra: str) -> dict[str, str]:
    """The environment of a worker process on this test's databases, broker and media."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fieldmark.settings",
        "DATABASE_URL": database_url(),
        "MONGO_DB": settings.MONGO_DB,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra,
    }


@contextmanager
def prefork_worker(
    env: Mapping[str, str], queue: str, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker (prefork, one child) on ``queue``, in a session of its own so that
    a test can kill it and its child; its output goes to ``log``; killed at the end."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "fieldmark", "worker",
             "-Q", queue, "-c", "1", "--pool", "prefork", "--without-gossip",
             "--without-mingle", "-l", "INFO"],
            env=dict(env),
            cwd=settings.BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)


def wait_for(condition: Callable[[], object], what: str, log: Path, timeout: float = 120) -> None:
    """Poll ``condition`` until it holds; else fail saying ``what`` did not happen, with the end
    of the worker's ``log``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {timeout} s; worker log:\n{log.read_text()[-3000:]}")


def pool_children(pid: int) -> list[int]:
    """The prefork worker's pool processes (its children)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def kill_worker(process: subprocess.Popen[bytes], victim: str, test_settings: Any) -> None:
    """SIGKILL the worker's one pool child (``"pool child"``: its parent fails the job at once),
    or the whole worker, after which the stale-job sweep that beat runs every minute finds the
    job's heartbeat stopped (here after 1 s; ``test_settings`` is pytest-django's ``settings``,
    which puts it back after the test) and fails it."""
    from fieldmark.jobs import tasks

    if victim == "pool child":
        [child] = pool_children(process.pid)
        os.kill(child, signal.SIGKILL)
        return
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(30)
    test_settings.FIELDMARK_JOB_STALE_SECONDS = 1
    time.sleep(1.5)
    assert tasks.fail_stale_jobs() == 1
