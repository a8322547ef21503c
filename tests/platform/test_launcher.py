"""`make run`'s launcher starts the whole platform on embedded defaults and reports healthy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

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
        "rdf_sync": True,
        "broker": True,
        "channel_layer": True,
        "children": True,
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


def processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found


@pytest.mark.timeout(600)
def test_sigterm_to_the_process_group_stops_every_child_and_frees_every_port(
    tmp_path: Path,
) -> None:
    import signal
    import time

    from fieldmark.storage.embedded import port_is_free

    # Given the platform started as `make run` would be, in a process group of its own
    var = tmp_path / "var"
    ports = {name: free_port() for name in ("web", "mongo", "rdf", "redis")}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"MONGO_URL", "FIELDMARK_RDF_STORE", "CELERY_BROKER_URL",
                       "CELERY_RESULT_BACKEND", "DATABASE_URL", "REDIS_URL"}
    }  # fmt: skip
    env.update(
        FIELDMARK_VAR_DIR=str(var),
        FIELDMARK_MONGO_PORT=str(ports["mongo"]),
        FIELDMARK_RDF_PORT=str(ports["rdf"]),
        FIELDMARK_REDIS_PORT=str(ports["redis"]),
    )
    launcher = subprocess.Popen(
        [sys.executable, "-m", "fieldmark.launcher", "--port", str(ports["web"])],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert launcher.stdout is not None
        deadline = time.monotonic() + 240
        for line in launcher.stdout:
            if "press Ctrl-C to stop" in line or time.monotonic() > deadline:
                break
        # Every child names the data folder in its command line (data dirs, logs, schedule).
        pids = processes_mentioning(str(var))
        assert len(pids) >= 4, pids  # the embedded servers, the worker, the web server

        # When SIGTERM goes to the process group, twice, as a service manager may send it
        os.killpg(launcher.pid, signal.SIGTERM)
        time.sleep(0.2)
        os.killpg(launcher.pid, signal.SIGTERM)
        launcher.wait(120)
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)

    # Then the launcher exited cleanly, every child is gone and every port is free
    assert launcher.returncode == 0
    assert processes_mentioning(str(var)) == []
    assert {name: port_is_free(port) for name, port in ports.items()} == dict.fromkeys(ports, True)
