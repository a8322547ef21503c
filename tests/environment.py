"""Loaded with ``-p tests.environment`` before pytest-django reads the settings, so test state
(SQLite files, broker, RDF store, secret key) stays out of the developer's var/.
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
os.environ.setdefault("FIELDMARK_LOGIN_RATE", "1000/min")
# Most tests run no worker: a deleted project is purged in the request (test_purge turns it on).
os.environ.setdefault("FIELDMARK_PURGE_IN_BACKGROUND", "0")
if not os.environ.get("REDIS_URL"):
    os.environ.setdefault("CELERY_BROKER_URL", f"sqla+sqlite:///{TMP / 'broker.sqlite3'}")
    os.environ.setdefault("CELERY_RESULT_BACKEND", f"db+sqlite:///{TMP / 'results.sqlite3'}")
