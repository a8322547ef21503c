"""`make run`'s launcher starts the whole platform on embedded defaults and reports healthy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from fieldmark.storage.embedded import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_launcher_starts_everything_healthy_and_bootstraps_once(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "MONGO_URL",
            "FIELDMARK_RDF_STORE",
            "CELERY_BROKER_URL",
            "CELERY_RESULT_BACKEND",
            "DATABASE_URL",
            "REDIS_URL",
        }
    }
    env.update(
        FIELDMARK_VAR_DIR=str(tmp_path / "var"),
        FIELDMARK_MONGO_PORT=str(free_port()),
        FIELDMARK_RDF_PORT=str(free_port()),
        FIELDMARK_REDIS_PORT=str(free_port()),
    )
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "fieldmark.launcher",
        "--port",
        str(port),
        "--exit-when-healthy",
    ]

    first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)

    assert first.returncode == 0, first.stdout + first.stderr
    assert "healthy after" in first.stdout
    login_line = next(line for line in first.stdout.splitlines() if "Log in as: admin / " in line)
    password = login_line.rsplit("/ ", 1)[1].strip()
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"Log in as: admin / {password}" in second.stdout  # data reused, same admin
    healthy = next(line for line in first.stdout.splitlines() if "healthy after" in line)
    components = json.loads(healthy.split(": ", 1)[1])
    assert {name: item["ok"] for name, item in components.items()} == {
        "sql": True,
        "mongo": True,
        "rdf_store": True,
        "broker": True,
        "channel_layer": True,
    }
    assert (tmp_path / "var" / "mongo").is_dir()
    assert (tmp_path / "var" / "rdf").is_dir()
    assert "starting the embedded Redis-protocol server" in first.stdout
    assert (tmp_path / "var" / "redis").is_dir()
    assert (tmp_path / "var" / "fieldmark.sqlite3").exists()
    # Every child was stopped on exit: nothing answers on the port any more.
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2)
        answered = True
    except OSError:
        answered = False
    assert answered is False
