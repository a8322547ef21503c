"""Live collaboration figures: N websocket clients on one text, each saving one edit a second
through REST; the delay until every other client has the event, per channel layer.

    .venv/bin/python bench/realtime.py                                  # 50 and 200 clients, 60 s
    .venv/bin/python bench/realtime.py --clients 10 --duration 10       # a quick run
    .venv/bin/python bench/realtime.py --layers embedded,redis://127.0.0.1:6379/13
    FIELDMARK_WEB_WORKERS=2 .venv/bin/python bench/realtime.py --clients 50 --source rest

Each configuration runs in a child process with its own temp SQLite database, an embedded
MongoDB-wire server, the channel layer under test (``embedded``: the Redis-protocol server that
``make run`` starts; or a Redis URL) and the web server as ``make run`` serves
(``fieldmark.webserver``: one uvicorn process, ``FIELDMARK_WEB_WORKERS`` of them on one port;
``BENCH_WEB_SERVER=daphne``: one daphne process, the server it replaced). Client ``i``
edits the first gloss of utterance ``i`` of the shared text (``--one-utterance``: all edit
morphemes of a single utterance, so stale saves go through the three-way merge). The value
saved names the save, so each receiving client knows which save an event carries.

Delay is measured on one clock, two ways: from the moment the writer's request was sent (an upper
bound of commit → delivery) and from the moment its 2xx arrived (the writer's own view; the
commit is earlier, so this can be negative). Lost = deliveries expected (2xx saves × the other
clients) minus those received by the time none has arrived for 5 s. A client whose previous save
is still in flight skips its turn (``skipped``), as a person waits for "Saved". CPU per save is
each process's user + system time over the timed window divided by the 2xx saves: the web
processes, the store, Redis and the bench's own clients (one event loop; its children apart).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path: the repository root takes its place, so that
# the project's packages import as they do under pytest and no bench module shadows a library.
sys.path[0] = str(ROOT)


# --- minimal clients (RFC 6455 text frames, HTTP/1.1 keep-alive) on one event loop ---------------
# The bench shares the machine's cores with the server it measures: its clients must cost little,
# or the delays it reports are its own backlog. Frames are cut out of a buffer filled by large
# reads (not two or three awaits a frame), and saves go out on the same loop over kept-alive
# connections, with no thread per client.


class Socket:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.buffer = bytearray()

    @classmethod
    async def connect(cls, host: str, port: int, path: str, cookie: str) -> Socket:
        reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                f"Origin: http://{host}:{port}\r\nCookie: {cookie}\r\n\r\n"
            ).encode()
        )
        status = await reader.readline()
        if b" 101 " not in status:
            raise RuntimeError(f"websocket refused: {status!r}")
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        return cls(reader, writer)

    async def frames(self, parse: bool = True) -> AsyncIterator[list[Any]]:
        """The text frames each read brought (decoded when ``parse``; else counted only), pings
        answered (daphne pings every 20 s and drops a socket that does not answer)."""
        buffer = self.buffer
        while True:
            data = await self.reader.read(1 << 18)
            if not data:
                raise ConnectionError("closed by the server")
            buffer += data
            found: list[Any] = []
            at, size = 0, len(buffer)
            while size - at >= 2:
                opcode, length, start = buffer[at] & 0x0F, buffer[at + 1] & 0x7F, at + 2
                if length == 126:
                    if size - at < 4:
                        break
                    length, start = int.from_bytes(buffer[at + 2 : at + 4], "big"), at + 4
                elif length == 127:
                    if size - at < 10:
                        break
                    length, start = int.from_bytes(buffer[at + 2 : at + 10], "big"), at + 10
                if size - start < length:
                    break
                if opcode == 1:
                    found.append(json.loads(buffer[start : start + length]) if parse else None)
                elif opcode == 8:
                    raise ConnectionError("closed by the server")
                elif opcode == 9:
                    self.pong(bytes(buffer[start : start + length]))
                at = start + length
            del buffer[:at]
            if found:
                yield found

    async def receive(self) -> dict[str, Any]:
        """The next text frame (for the handshake's hello)."""
        async for batch in self.frames():
            message: dict[str, Any] = batch[0]
            return message
        raise ConnectionError("closed by the server")

    def pong(self, payload: bytes) -> None:
        mask = os.urandom(4)
        masked = bytes(byte ^ mask[n % 4] for n, byte in enumerate(payload))
        self.writer.write(bytes([0x8A, 0x80 | len(payload)]) + mask + masked)

    def close(self) -> None:
        self.writer.close()


class Http:
    """One kept-alive HTTP/1.1 connection: a request at a time, as a browser tab saves."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        payload = b"" if body is None else json.dumps(body).encode()
        self.writer.write(
            (
                f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.head}"
                f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
            ).encode()
            + payload
        )
        status = int((await self.reader.readline()).split(b" ", 2)[1])
        length, chunked, close = 0, False, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value
            elif name == "connection":
                close = value == "close"
        if chunked:
            parts = []
            while (size := int((await self.reader.readline()).strip(), 16)) > 0:
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readline()
            data = b"".join(parts)
        else:
            data = await self.reader.readexactly(length)
        if close:
            self.writer.close()
            self.writer = None
        return status, json.loads(data) if data else None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


# --- one configuration (child process) -----------------------------------------------------------


@dataclass
class Run:
    clients: int
    duration: float
    one_utterance: bool
    source: str = "rest"
    values: str = "new"  # new: each save a gloss never seen; repeat: glosses from a small set
    measured: int = 50  # receivers whose deliveries are timed; the others read and discard
    expected: int = 0  # deliveries owed to the measured receivers by the 2xx saves
    sent_at: dict[str, float] = field(default_factory=dict)
    answered_at: dict[str, float] = field(default_factory=dict)
    from_request: list[float] = field(default_factory=list)
    from_response: list[float] = field(default_factory=list)
    from_commit: list[float] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    ok: int = 0
    skipped: int = 0
    conflicts: int = 0
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --values repeat: what a save writes (consecutive saves of a client differ).
GRAMS = ("PL", "ERG", "DAT", "GEN", "LOC", "PST", "FUT", "NEG", "Q", "COM")
WEB_WORKERS = int(os.environ.get("FIELDMARK_WEB_WORKERS") or "1")


def setup(clients: int, one_utterance: bool) -> dict[str, Any]:
    """Users, their sessions and tokens, a project and a text (Django in this process)."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from annotations.linguistic_api import services
    from fieldmark.projects.models import Membership
    from fieldmark.projects.services import create_project
    from fieldmark.storage import mongo

    call_command("migrate", verbosity=0)
    mongo.ensure_indexes()
    owner = User.objects.create_user("owner", password="x")
    password = make_password("x")  # hashed once: 200 users would otherwise take minutes
    project = create_project(owner, {"name": "Bench", "slug": "bench"})
    text = services.create_text(owner, project, {"title": "Bench"})
    words = clients if one_utterance else 1
    body = {"words": [{"form": f"w{i}", "morphemes": [{"form": f"m{i}"}]} for i in range(words)]}
    utterances = [
        services.create_utterance(owner, project, text["_id"], body)["_id"]
        for _ in range(1 if one_utterance else clients)
    ]
    people = []
    User.objects.bulk_create(User(username=f"coder{i}", password=password) for i in range(clients))
    users = list(User.objects.filter(username__startswith="coder").order_by("id"))
    Membership.objects.bulk_create(
        Membership(project=project, user=user, role="annotator") for user in users
    )
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        # The first backend is django-axes', which checks logins but cannot load a user.
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        token = Token.objects.create(user=user).key
        people.append({"session": session.session_key, "token": token})
    return {"people": people, "utterances": utterances, "words": words, "body": body,
            "project": project.pk}  # fmt: skip


def cpu_seconds(pid: int, children: bool = True) -> float:
    """User + system CPU time a process and (``children``) its live children have used (Linux;
    the web server's workers are its children), whatever else loads the machine."""
    used = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or (children and int(fields[1]) == pid):
            used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def run_one(
    layer: str,
    clients: int,
    duration: float,
    one_utterance: bool,
    profile: str = "",
    source: str = "rest",
    measure: int = 50,
    values: str = "new",
) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="fieldmark-bench-rt-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="fieldmark.settings",
        FIELDMARK_VAR_DIR=str(tmp / "var"),
        FIELDMARK_RDF_STORE=str(tmp / "rdf"),
        MONGO_DB="bench_realtime",
    )
    os.environ.pop("DATABASE_URL", None)
    from fieldmark.storage.embedded import mongo_server, redis_server

    servers = [mongo_server(tmp / "mongo", free_port(), tmp / "mongo.log").start()]
    os.environ["MONGO_URL"] = servers[0].url
    if layer == "embedded":
        servers.append(redis_server(None, free_port(), tmp / "redis.log").start())
        os.environ["REDIS_URL"] = servers[-1].url
    else:
        os.environ["REDIS_URL"] = layer
        import redis

        redis.Redis.from_url(layer).flushdb()
    daphne = None
    try:
        data = setup(clients, one_utterance)
        port = free_port()
        # The platform's web server (fieldmark.webserver: uvicorn processes on one port), as
        # make run and production start it; BENCH_WEB_SERVER=daphne for the server it replaced.
        command = [sys.executable, "-m", "fieldmark.webserver"]
        argv = ["--host", "127.0.0.1", "--port", str(port), "--workers", str(WEB_WORKERS)]
        if profile or os.environ.get("BENCH_WEB_SERVER") == "daphne":
            command = [str(Path(sys.executable).parent / "daphne")]
            argv = ["-b", "127.0.0.1", "-p", str(port), "fieldmark.asgi:application"]
            if profile:
                command = [sys.executable, str(ROOT / "bench" / "profiled_daphne.py"), profile]
        daphne = subprocess.Popen(
            [*command, *argv],
            cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL,
            stderr=(tmp / "daphne.log").open("wb"),
        )  # fmt: skip
        wait_port(port)
        run = Run(clients, duration, one_utterance, source, values, measured=min(measure, clients))
        processes = {"web": daphne.pid, "bench": os.getpid()}
        for name, child in zip(("mongo", "redis"), servers, strict=False):
            assert child.process is not None
            processes[name] = child.process.pid
        asyncio.run(drive(run, port, data, processes))
        return summary(run, layer)
    finally:
        if daphne is not None:
            daphne.terminate()
            try:
                daphne.wait(180)  # a profiled server writes its profile first
            except subprocess.TimeoutExpired:
                daphne.kill()
                daphne.wait()
        for server in reversed(servers):
            server.stop()


def wait_port(port: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("daphne did not start")


async def drive(run: Run, port: int, data: dict[str, Any], processes: dict[str, int]) -> None:
    people = data["people"]
    sockets = []
    for i, person in enumerate(people):
        ws = await Socket.connect(
            "127.0.0.1", port, f"/ws/projects/bench/?tab=c{i}", f"sessionid={person['session']}"
        )
        hello = await ws.receive()
        assert hello["type"] == "hello", hello
        sockets.append(ws)
    expected_events: dict[str, int] = {}
    seen: set[tuple[int, str]] = set()

    def timed(i: int, name: str, event: dict[str, Any], now: float, wall: float) -> None:
        key = (i, name)
        if key in seen or name not in run.sent_at:
            return
        seen.add(key)
        run.from_request.append(now - run.sent_at[name])
        if name in run.answered_at:
            run.from_response.append(now - run.answered_at[name])
        if "committed_at" in event:  # this host's clock at the commit
            run.from_commit.append(wall - event["committed_at"])

    def delivered(i: int, event: dict[str, Any], now: float, wall: float) -> None:
        if run.values == "repeat":
            # Each client owns its utterance: a save is named by the version it makes.
            if event.get("id") != data["utterances"][i]:
                timed(i, f"{event.get('id')}@{event.get('version')}", event, now, wall)
            return
        for word in event["data"].get("words", []):
            for morpheme in word.get("morphemes", []):
                name = morpheme.get("gloss", "")
                if name.startswith("c") and not name.startswith(f"c{i}-"):
                    timed(i, name, event, now, wall)

    async def listen(i: int, ws: Socket) -> None:
        # The server writes every frame to every socket; the receivers past ``measured`` only
        # cut the frames out (one client process can then follow 200 sockets).
        measured = i < run.measured
        try:
            async for batch in ws.frames(parse=measured):
                if not measured:
                    continue
                now, wall = time.perf_counter(), time.time()
                for event in batch:
                    if event.get("type") == "linguistic.utterance.updated":
                        delivered(i, event, now, wall)
        except (ConnectionError, asyncio.IncompleteReadError):
            return

    listeners = [asyncio.ensure_future(listen(i, ws)) for i, ws in enumerate(sockets)]
    clients = [
        Http("127.0.0.1", port, {"Authorization": f"Token {person['token']}",
                                 "X-Fieldmark-Tab": f"c{i}"})
        for i, person in enumerate(people)
    ]  # fmt: skip
    versions = {uid: 1 for uid in data["utterances"]}
    bodies = {uid: json.loads(json.dumps(data["body"])) for uid in data["utterances"]}
    base = "/api/v1/projects/bench/utterances/"

    async def save(i: int, k: int) -> None:
        uid = data["utterances"][0 if run.one_utterance else i]
        word = i if run.one_utterance else 0
        name = f"c{i}-{k}"
        body = json.loads(json.dumps(bodies[uid]))
        if run.values == "repeat":  # a gram of a small set, as glossing mostly is
            body["words"][word]["morphemes"][0]["gloss"] = GRAMS[k % len(GRAMS)]
            name = f"{uid}@{versions[uid] + 1}"
        else:
            body["words"][word]["morphemes"][0]["gloss"] = name
        run.sent_at[name] = time.perf_counter()
        try:
            status, answer = await asyncio.wait_for(
                clients[i].request("PUT", f"{base}{uid}/", {**body, "version": versions[uid]}),
                timeout=30,
            )
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            run.errors += 1  # a save the server did not answer in 30 s, or a broken connection
            clients[i].close()
            clients[i].writer = None
            return
        if status == 200:
            run.answered_at[name] = time.perf_counter()
            run.ok += 1
            run.expected += run.measured - (1 if i < run.measured else 0)
            if answer["version"] > versions[uid]:
                versions[uid] = answer["version"]
                bodies[uid] = {"words": answer["words"]}
        elif status == 409:
            run.conflicts += 1
            current = answer["current"]
            versions[uid], bodies[uid] = current["version"], {"words": current["words"]}
        else:
            run.errors += 1

    served: dict[str, Any] = {}

    # Warm up each connection (and the server's first-request work) before timing.
    async def warm(i: int) -> None:
        uid = data["utterances"][0 if run.one_utterance else i]
        served[uid] = (await clients[i].request("GET", f"{base}{uid}/"))[1]

    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(max_workers=4)

    def send_event(i: int, k: int) -> None:
        """What a save's event is, sent from this process as a worker sends its events."""
        from fieldmark.realtime.events import send_now

        uid = data["utterances"][0 if run.one_utterance else i]
        name = f"c{i}-{k}"
        doc = json.loads(json.dumps(served[uid]))
        doc["words"][i if run.one_utterance else 0]["morphemes"][0]["gloss"] = name
        doc["version"] = k + 2
        payload = {"id": uid, "version": doc["version"], "text": doc["text"], "data": doc}
        with run.lock:
            run.sent_at[name] = time.perf_counter()
        send_now(data["project"], "linguistic.utterance.updated", payload, origin=f"c{i}")
        with run.lock:
            run.answered_at[name] = time.perf_counter()
            run.ok += 1
            run.expected += run.measured - (1 if i < run.measured else 0)

    async def event(i: int, k: int) -> None:
        await loop.run_in_executor(pool, send_event, i, k)

    for batch_start in range(0, len(people), 10):
        await asyncio.gather(
            *(warm(i) for i in range(batch_start, min(len(people), batch_start + 10)))
        )
    started = time.perf_counter()
    cpu_before = {name: cpu_seconds(pid, name != "bench") for name, pid in processes.items()}
    pending: list[asyncio.Future[None]] = []
    in_flight: dict[int, asyncio.Future[None]] = {}
    work = event if run.source == "events" else save
    for k in range(int(run.duration)):
        for i in range(len(people)):
            # Spread each client's save over the second, as independent people would; a person
            # whose previous save has not come back yet skips this one (counted).
            at = started + k + i / len(people)
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
            if i in in_flight and not in_flight[i].done():
                run.skipped += 1
                continue
            in_flight[i] = asyncio.ensure_future(work(i, k))
            pending.append(in_flight[i])
    await asyncio.gather(*pending)
    expected_events["total"] = run.expected
    # Late is not lost: wait while deliveries still arrive (5 s without one ends it, 120 s at most).
    last_count, quiet_since, hard_stop = -1, time.perf_counter(), time.perf_counter() + 120
    while len(seen) < expected_events["total"] and time.perf_counter() < hard_stop:
        if len(seen) != last_count:
            last_count, quiet_since = len(seen), time.perf_counter()
        elif time.perf_counter() - quiet_since > 5:
            break
        await asyncio.sleep(0.1)
    run.cpu = {
        name: cpu_seconds(pid, name != "bench") - cpu_before[name]
        for name, pid in processes.items()
    }
    for task in listeners:
        task.cancel()
    for ws in sockets:
        ws.close()
    for client in clients:
        client.close()
    pool.shutdown()
    run.answered_at["__expected__"] = float(expected_events["total"])


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def summary(run: Run, layer: str) -> dict[str, Any]:
    expected = int(run.answered_at.pop("__expected__"))
    return {
        "layer": "embedded" if layer == "embedded" else layer.split("@")[-1],
        "source": run.source,
        "values": run.values,
        "clients": run.clients,
        "measured": run.measured,
        "seconds": run.duration,
        "saves_2xx": run.ok,
        "skipped": run.skipped,
        "conflicts_409": run.conflicts,
        "errors": run.errors,
        "deliveries": len(run.from_request),
        "lost": expected - len(run.from_request),
        "p50_ms": pct(run.from_request, 0.50),
        "p95_ms": pct(run.from_request, 0.95),
        "p99_ms": pct(run.from_request, 0.99),
        "p95_after_response_ms": pct(run.from_response, 0.95),
        "commit_p50_ms": pct(run.from_commit, 0.50),
        "commit_p95_ms": pct(run.from_commit, 0.95),
        "commit_p99_ms": pct(run.from_commit, 0.99),
        # Load-independent: CPU each process spent per 2xx save (its request, its event, and the
        # event's delivery to every other client), over the timed window.
        **{
            f"cpu_ms_per_save_{name}": 1000 * seconds / max(run.ok, 1)
            for name, seconds in run.cpu.items()
        },
        "mean_ms": statistics.fmean(run.from_request) * 1000 if run.from_request else float("nan"),
    }


# --- the table (parent process) ------------------------------------------------------------------


def redis_answers(url: str) -> bool:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((parsed.hostname or "127.0.0.1", parsed.port or 6379)) == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="50,200", help="comma-separated client counts")
    parser.add_argument("--duration", type=float, default=60, help="seconds of saving")
    parser.add_argument("--layers", default="embedded,redis://127.0.0.1:6379/14")
    parser.add_argument("--one-utterance", action="store_true")
    parser.add_argument(
        "--values",
        choices=("new", "repeat"),
        default="new",
        help="new: each save writes a gloss no utterance had (the concordance's worst case: a "
        "new vocabulary value and bucket each time); repeat: grams of a set of ten, each save "
        "named by the version it makes (not with --one-utterance)",
    )
    parser.add_argument(
        "--measure", type=int, default=50, help="receivers timed (the others only read)"
    )
    parser.add_argument("--profile", default="", help="cProfile the web process into this file")
    parser.add_argument(
        "--source",
        choices=("rest", "events"),
        default="rest",
        help="rest: each client saves through REST; events: this process sends the same events "
        "after no write, as a worker does (the realtime path alone, without the save's cost)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.values == "repeat" and args.one_utterance:
        parser.error("--values repeat names saves by their utterance's version: one each")
    if args.child:
        # A stopped bench still stops its servers (the finally blocks run on SystemExit).
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))
        layer, clients = args.child.rsplit("|", 1)
        row = run_one(
            layer, int(clients), args.duration, args.one_utterance, args.profile, args.source,
            args.measure, args.values,
        )  # fmt: skip
        print(json.dumps(row))
        return 0

    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))
    rows = []
    for layer in args.layers.split(","):
        if layer != "embedded" and not redis_answers(layer):
            print(f"# {layer}: not answering, skipped", flush=True)
            continue
        for clients in (int(n) for n in args.clients.split(",")):
            command = [sys.executable, __file__, "--child", f"{layer}|{clients}",
                       "--duration", str(args.duration)]  # fmt: skip
            if args.one_utterance:
                command.append("--one-utterance")
            command += ["--source", args.source, "--measure", str(args.measure),
                        "--values", args.values]  # fmt: skip
            if args.profile:
                command += ["--profile", f"{args.profile}.{clients}"]
            child = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
            )
            try:
                out, err = child.communicate()
            except BaseException:
                child.terminate()
                child.wait(30)
                raise
            result = subprocess.CompletedProcess(command, child.returncode, out, err)
            problems = [line for line in err.splitlines() if "ERROR" in line or "rror:" in line]
            for line in problems[:20]:  # what went wrong on the way, even in a run that ended
                print(f"# {line}", file=sys.stderr)
            if result.returncode != 0:
                print(result.stdout + result.stderr, file=sys.stderr)
                return 1
            row = json.loads(result.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(json.dumps(row), flush=True)
    head = ("layer", "source", "values", "clients", "seconds", "saves_2xx", "skipped",
            "conflicts_409", "errors", "lost", "p50_ms", "p95_ms", "p99_ms", "commit_p50_ms",
            "commit_p95_ms", "commit_p99_ms", "cpu_ms_per_save_web")  # fmt: skip
    print("\n| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        cells = [f"{row[k]:.1f}" if isinstance(row.get(k), float) else str(row.get(k, "-"))
                 for k in head]  # fmt: skip
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
