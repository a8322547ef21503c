"""Several daphne processes behind one port: production's web server.

    python -m fieldmark.webserver --host 0.0.0.0 --port 8000 [--workers N]

One Python process runs Django's request handling on one core, so a single ASGI server caps a
web container's throughput at a core whatever the machine. This parent binds the port once and
starts ``--workers`` daphne processes (default ``FIELDMARK_WEB_WORKERS``, else the number of
CPUs this process may use) that all accept on the inherited socket (daphne's ``--fd``), so the
kernel spreads connections over them. A child that dies is started again; SIGTERM or SIGINT
stops them all. Websocket events reach every process only through a shared channel layer
(``REDIS_URL``): with the in-memory layer, run one worker (``make run`` does).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

APP = "fieldmark.asgi:application"


def default_workers() -> int:
    configured = os.environ.get("FIELDMARK_WEB_WORKERS", "").strip()
    if configured:
        try:
            value = int(configured)
        except ValueError:
            raise SystemExit(
                f"FIELDMARK_WEB_WORKERS must be a whole number, not {configured!r}"
            ) from None
        if value < 1:
            raise SystemExit("FIELDMARK_WEB_WORKERS must be at least 1")
        return value
    return max(len(os.sched_getaffinity(0)), 1)


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def daphne_argv(sock: socket.socket, access_log: str | None) -> list[str]:
    argv = [str(Path(sys.executable).parent / "daphne"), "--fd", str(sock.fileno())]
    if access_log:
        argv += ["--access-log", access_log]
    return [*argv, APP]


class Supervisor:
    def __init__(self, argv: list[str], workers: int, keep: int) -> None:
        self.argv, self.workers, self.keep = argv, workers, keep
        self.children: list[subprocess.Popen[bytes]] = []
        self.stopping = False

    def spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(self.argv, pass_fds=(self.keep,))

    def stop(self, signum: int = signal.SIGTERM, frame: FrameType | None = None) -> None:
        self.stopping = True
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.children = [self.spawn() for _ in range(self.workers)]
        print(f"[fieldmark] {self.workers} daphne web processes", flush=True)
        while not self.stopping:
            for n, child in enumerate(self.children):
                if child.poll() is not None and not self.stopping:
                    print(f"[fieldmark] web process {child.pid} exited ({child.returncode}); "
                          "starting another", flush=True)  # fmt: skip
                    time.sleep(1)  # a child that cannot start must not spin
                    self.children[n] = self.spawn()
            time.sleep(0.5)
        deadline = time.monotonic() + 20
        for child in self.children:
            try:
                child.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--access-log", default=None)
    args = parser.parse_args(argv)
    workers = args.workers or default_workers()
    sock = listen(args.host, args.port)
    return Supervisor(daphne_argv(sock, args.access_log), workers, sock.fileno()).run()


if __name__ == "__main__":
    raise SystemExit(main())
