"""``python -m fieldmark.webserver``: several daphne processes answer on one port, and one that
dies is replaced."""

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


def test_two_daphne_processes_share_one_port_and_a_dead_one_is_replaced(tmp_path: Path) -> None:
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
