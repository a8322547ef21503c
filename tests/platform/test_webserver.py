"""``python -m fieldmark.webserver``: several uvicorn processes answer on one port, one that
dies is replaced, and none outlives a supervisor killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from fieldmark.storage.embedded import free_port

ROOT = Path(__file__).resolve().parents[2]


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _until(condition: Any, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_two_web_processes_share_one_port_and_a_dead_one_is_replaced(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/v1/projects/"
    env = {**os.environ, "FIELDMARK_VAR_DIR": str(tmp_path), "FIELDMARK_RDF_STORE": str(tmp_path)}
    log_path = tmp_path / "web.log"
    log = log_path.open("wb")
    parent = subprocess.Popen(
        [sys.executable, "-m", "fieldmark.webserver", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _until(lambda: len(_children(parent.pid)) == 2 and _status(url) == 401)
        first = _children(parent.pid)
        statuses = {_status(url) for _ in range(20)}
        os.kill(first[0], signal.SIGKILL)
        _until(lambda: len(set(_children(parent.pid)) - {first[0]}) == 2 and _status(url) == 401)
        replaced = set(_children(parent.pid))

        parent.send_signal(signal.SIGTERM)
        code = parent.wait(60)
    finally:
        if parent.poll() is None:
            parent.kill()
        log.close()

    assert statuses == {401}, log_path.read_text(errors="replace")[-6000:]
    assert first[1] in replaced and first[0] not in replaced
    assert code == 0


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_web_processes_do_not_outlive_a_killed_supervisor(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/v1/projects/"
    env = {**os.environ, "FIELDMARK_VAR_DIR": str(tmp_path), "FIELDMARK_RDF_STORE": str(tmp_path)}
    parent = subprocess.Popen(
        [sys.executable, "-m", "fieldmark.webserver", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _until(lambda: len(_children(parent.pid)) == 2 and _status(url) == 401)
        children = _children(parent.pid)
        parent.kill()  # SIGKILL: the supervisor cannot stop its children itself
        parent.wait(10)
        _until(lambda: not any(_alive(pid) for pid in children), timeout=60)
    finally:
        if parent.poll() is None:
            parent.kill()
    with pytest.raises(urllib.error.URLError, match="refused"):
        urllib.request.urlopen(url, timeout=5)
