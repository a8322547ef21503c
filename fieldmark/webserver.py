"""Several uvicorn processes behind one port: the platform's web server (HTTP and websockets).

    python -m fieldmark.webserver --host 0.0.0.0 --port 8000 [--workers N] [--access-log FILE]

One Python process runs Django's request handling on one core, so a single ASGI server caps a
web container's throughput at a core whatever the machine. This parent binds the port once and
starts ``--workers`` uvicorn processes (default ``FIELDMARK_WEB_WORKERS``, else the number of
CPUs this process may use) that all accept on the inherited socket, so the kernel spreads
connections over them. A child that dies is started again; SIGTERM or SIGINT stops them all,
and a child dies with its parent even when the parent is killed outright. Websocket events reach
every process only through a shared channel layer (``REDIS_URL``, which the embedded default
starts too); with the in-memory layer, run one worker.

Why uvicorn (with httptools, uvloop and websockets' C framing) and not daphne: measured with
``bench/realtime.py`` (50 clients on one text, each saving once a second through REST), a save
cost 14.3 ms of web CPU against daphne's 15.7, and the websocket frames went out sooner: commit
to delivery p50 16 / p95 69 ms against 56 / 340 ms on the same loaded machine. Daphne stays
installed for ``manage.py runserver``.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType
from typing import Any

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


# Websocket frames bigger than this close the socket (the consumer itself answers anything past
# its 4 KiB message limit with an error): a client cannot make a process buffer megabytes.
WS_MAX_BYTES = 1 << 20


def child_argv(sock: socket.socket, access_log: str | None) -> list[str]:
    argv = [sys.executable, "-m", "fieldmark.webserver", "--serve-fd", str(sock.fileno())]
    if access_log:
        argv += ["--access-log", access_log]
    return argv


def log_config(access_log: str | None) -> dict[str, Any]:
    """uvicorn's messages to stderr; the access log (one line a request) to ``access_log``."""
    handlers: dict[str, Any] = {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain",
                   "stream": "ext://sys.stderr"},
    }  # fmt: skip
    access: dict[str, Any] = {"handlers": [], "level": "INFO", "propagate": False}
    if access_log:
        handlers["access"] = {"class": "logging.FileHandler", "formatter": "plain",
                              "filename": access_log}  # fmt: skip
        access["handlers"] = ["access"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(process)d %(message)s"}},
        "handlers": handlers,
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": access,
        },
    }


def serve(fd: int, access_log: str | None) -> int:
    """One web process: uvicorn on the inherited listening socket ``fd``."""
    import uvicorn

    config = uvicorn.Config(
        APP,
        lifespan="off",  # the application has no startup or shutdown of its own
        ws_max_size=WS_MAX_BYTES,
        ws_ping_interval=20.0,  # a browser gone without a close is noticed within 40 s
        ws_ping_timeout=20.0,
        proxy_headers=False,  # as daphne: a proxy's X-Forwarded-* are not trusted here
        server_header=False,
        access_log=bool(access_log),
        log_config=log_config(access_log),
        timeout_graceful_shutdown=10,
    )
    # The socket as it is (uvicorn's own ``fd`` option would take it for a Unix socket).
    uvicorn.Server(config).run(sockets=[socket.socket(fileno=fd)])
    return 0


def _die_with_parent() -> None:
    """In a child before it runs: SIGTERM when the supervisor dies, even by SIGKILL (Linux),
    so that no web process is left serving the port on its own."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class Supervisor:
    def __init__(self, argv: list[str], workers: int, keep: int) -> None:
        self.argv, self.workers, self.keep = argv, workers, keep
        self.children: list[subprocess.Popen[bytes]] = []
        self.stopping = False

    def spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(self.argv, pass_fds=(self.keep,), preexec_fn=_die_with_parent)

    def stop(self, signum: int = signal.SIGTERM, frame: FrameType | None = None) -> None:
        self.stopping = True
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        self.children = [self.spawn() for _ in range(self.workers)]
        print(f"[fieldmark] {self.workers} web processes (uvicorn)", flush=True)
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
    parser.add_argument("--serve-fd", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_fd is not None:
        return serve(args.serve_fd, args.access_log)
    workers = args.workers or default_workers()
    sock = listen(args.host, args.port)
    return Supervisor(child_argv(sock, args.access_log), workers, sock.fileno()).run()


if __name__ == "__main__":
    raise SystemExit(main())
