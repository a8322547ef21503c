"""``make run``: the whole platform on one machine with embedded defaults.

Starts, as child processes, whatever production would run as services: the MongoDB-wire server,
the Oxigraph SPARQL server and a Redis-protocol server (unless MONGO_URL / FIELDMARK_RDF_STORE /
REDIS_URL point elsewhere), a Celery worker with beat, and the ASGI server. Ctrl-C stops them all;
data stays under var/. A child that dies is restarted with backoff (``fieldmark/supervisor.py``)
and shown in ``/api/health``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

from fieldmark.storage.embedded import (
    ChildServer,
    free_port,
    mongo_server,
    oxigraph_server,
    port_is_free,
    redis_server,
)
from fieldmark.supervisor import STATUS_ENV, Supervisor

ROOT = Path(__file__).resolve().parent.parent


def _say(message: str) -> None:
    print(f"[fieldmark] {message}", flush=True)


def _port(preferred: int) -> int:
    return preferred if port_is_free(preferred) else free_port()


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


class Platform:
    def __init__(self, host: str, port: int, var_dir: Path) -> None:
        self.host = host
        self.port = port
        self.var = var_dir
        self.servers: list[ChildServer] = []
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.env = dict(os.environ)
        self.env.setdefault("DJANGO_SETTINGS_MODULE", "fieldmark.settings")
        self.env["FIELDMARK_VAR_DIR"] = str(var_dir)
        self.supervisor = Supervisor(var_dir / "children.json", say=_say)
        self.env[STATUS_ENV] = str(self.supervisor.status_path)
        self.stopping = False

    def _supervise_server(self, server: ChildServer) -> None:
        def exit_code() -> int | None:
            return None if server.process is None else server.process.poll()

        def restart() -> None:
            server.stop()
            server.start()

        self.supervisor.add(server.name, restart, exit_code)

    def start_storage(self) -> None:
        logs = self.var / "logs"
        if not self.env.get("MONGO_URL"):
            port = _port(int(self.env.get("FIELDMARK_MONGO_PORT", "27018")))
            server = mongo_server(self.var / "mongo", port, logs / "mongo.log")
            _say(f"starting the embedded MongoDB-wire server on 127.0.0.1:{port}")
            self.servers.append(server.start())
            self._supervise_server(server)
            self.env["MONGO_URL"] = server.url
        store = self.env.get("FIELDMARK_RDF_STORE", "")
        if not store.startswith(("http://", "https://")):
            port = _port(int(self.env.get("FIELDMARK_RDF_PORT", "7878")))
            location = Path(store) if store else self.var / "rdf"
            server = oxigraph_server(location, port, logs / "oxigraph.log")
            _say(f"starting the Oxigraph SPARQL server on 127.0.0.1:{port} ({location})")
            self.servers.append(server.start())
            self._supervise_server(server)
            self.env["FIELDMARK_RDF_STORE"] = server.url
        if not self.env.get("REDIS_URL"):
            # One channel layer, broker and result store for web and worker, as in production.
            port = _port(int(self.env.get("FIELDMARK_REDIS_PORT", "6380")))
            server = redis_server(self.var / "redis", port, logs / "redis.log")
            _say(f"starting the embedded Redis-protocol server on 127.0.0.1:{port}")
            self.servers.append(server.start())
            self._supervise_server(server)
            self.env["REDIS_URL"] = server.url

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            sys.stderr.write(result.stdout + result.stderr)
            raise SystemExit(f"manage.py {' '.join(args)} failed")
        return result.stdout.strip()

    def spawn(self, name: str, argv: list[str]) -> None:
        def start() -> None:
            with (self.var / "logs" / f"{name}.log").open("ab") as log:
                self.processes[name] = subprocess.Popen(
                    argv,
                    env=self.env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )

        start()
        self.supervisor.add(name, start, lambda: self.processes[name].poll())

    def start_workers(self) -> None:
        queues = ["default", "train"]
        if self.env.get("FIELDMARK_GPU_QUEUE") == "1":
            queues.append("gpu")
        self.spawn(
            "celery",
            [
                _bin("celery"),
                "-A",
                "fieldmark",
                "worker",
                "--beat",
                "-Q",
                ",".join(queues),
                "--concurrency",
                "2",
                "-l",
                "INFO",
                "--schedule",
                str(self.var / "celerybeat-schedule"),
            ],
        )

    def start_web(self) -> None:
        # Production's web server (fieldmark.webserver: uvicorn processes on one port). One
        # process by default, which a laptop's editing needs; FIELDMARK_WEB_WORKERS > 1 runs
        # more (events cross them through the embedded Redis-protocol server).
        workers = int(self.env.get("FIELDMARK_WEB_WORKERS") or "1")
        self.spawn(
            "web",
            [sys.executable, "-m", "fieldmark.webserver", "--host", self.host,
             "--port", str(self.port), "--workers", str(workers),
             "--access-log", str(self.var / "logs" / "access.log")],
        )  # fmt: skip

    def wait_healthy(self, timeout: float = 90.0) -> dict[str, object]:
        url = f"http://{self.host}:{self.port}/api/health"
        deadline = time.monotonic() + timeout
        last: dict[str, object] = {}
        while time.monotonic() < deadline:
            self.check_children()
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    return dict(json.load(response))
            except urllib.error.HTTPError as exc:
                last = dict(json.load(exc))
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"the platform did not become healthy within {timeout:.0f} s: {last}")

    def check_children(self) -> None:
        """Restart children that died (with backoff) rather than stopping everything."""
        self.supervisor.poll()

    def stop(self) -> None:
        if self.stopping:
            return
        self.stopping = True
        running = list(reversed(self.processes.values()))
        for process in running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            # Each child leads a session of its own: what it forked and left behind (a worker's
            # pool processes after a slow warm shutdown) goes with it.
            _kill_group(process.pid)
        for server in reversed(self.servers):
            server.stop()
        self.supervisor.remove_status()


def _kill_group(pgid: int) -> None:
    # An empty group (nothing was left behind) is ProcessLookupError.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("FIELDMARK_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FIELDMARK_PORT", "8000")))
    parser.add_argument("--exit-when-healthy", action="store_true", help="for smoke tests")
    args = parser.parse_args(argv)

    var_dir = Path(os.environ.get("FIELDMARK_VAR_DIR", ROOT / "var")).resolve()
    (var_dir / "logs").mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    platform = Platform(args.host, args.port, var_dir)

    interrupted = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        # Only the first signal stops the platform: a SIGTERM sent to the whole process group
        # (or Ctrl-C pressed twice) must not interrupt the stop itself, which would leave the
        # children (each in its own session) running.
        nonlocal interrupted
        if interrupted:
            return
        interrupted = True
        raise KeyboardInterrupt

    # Installed explicitly: a shell that starts us in the background leaves SIGINT ignored.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        platform.start_storage()
        _say("applying migrations and ensuring indexes")
        platform.manage("migrate", "--noinput")
        platform.manage("ensure_indexes")
        login = platform.manage("bootstrap_demo")
        platform.start_workers()
        platform.start_web()
        health = platform.wait_healthy()
        elapsed = time.monotonic() - started
        _say(f"healthy after {elapsed:.1f} s: {json.dumps(health['components'])}")
        _say(f"open http://{args.host}:{args.port}/  —  {login}")
        _say("logs are in var/logs/; press Ctrl-C to stop")
        if args.exit_when_healthy:
            return 0
        while True:
            platform.check_children()
            time.sleep(1)
    except KeyboardInterrupt:
        _say("stopping")
        return 0
    finally:
        platform.stop()


if __name__ == "__main__":
    sys.exit(main())
