"""Loaded with ``-p tests.environment`` before pytest-django reads the settings, so test state
(SQLite files, RDF store, secret key) stays out of the developer's var/.

Unless REDIS_URL is given, a Redis-protocol server is started here as a child process (settings
read REDIS_URL at import): the channel layer, the Celery broker and results and the event log are
then the same transports as in ``make run`` and production.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="fieldmark-tests-"))
os.environ.setdefault("FIELDMARK_VAR_DIR", str(TMP / "var"))
os.environ["FIELDMARK_RDF_STORE"] = str(TMP / "rdf")
# Writes queue their RDF sync; the linked-data tests drain it (or run the task) themselves.
os.environ.setdefault("FIELDMARK_RDF_SYNC", "manual")
# No reader outlives a test's rebuild: its old graph goes at once (the tests of the swap set it).
os.environ.setdefault("FIELDMARK_RDF_SWAP_GRACE_S", "0")
os.environ.setdefault("FIELDMARK_LOGIN_RATE", "1000/min")
# Most tests run no worker: a deleted project is purged in the request (test_purge turns it on).
os.environ.setdefault("FIELDMARK_PURGE_IN_BACKGROUND", "0")

_redis = None
if not os.environ.get("REDIS_URL"):
    from fieldmark.storage.embedded import free_port, redis_server

    _redis = redis_server(None, free_port(), TMP / "redis.log").start()
    os.environ["REDIS_URL"] = _redis.url


def pytest_unconfigure() -> None:
    if _redis is not None:
        _redis.stop()
