"""Speed as users meet it: a running platform driven over HTTP on 127.0.0.1.

    .venv/bin/python bench/over_http.py                          # reduced sizes (a few minutes)
    BENCH_UTTERANCES=100000 BENCH_SAVES=200 BENCH_SECONDS=30 FIELDMARK_WEB_WORKERS=2 \\
        .venv/bin/python bench/over_http.py                      # the issue's full size

It starts the platform with the launcher (``python -m fieldmark.launcher``: the embedded
MongoDB-wire server, Oxigraph, a Celery worker with beat, the web server;
``FIELDMARK_WEB_WORKERS`` > 1 runs that many uvicorn processes on the one port) in a temporary
``FIELDMARK_VAR_DIR``, or uses
``MONGO_URL`` if set, signs in as the admin it created, and measures, each bounded in count and
time:

* import: a Toolbox file of ``BENCH_UTTERANCES`` utterances uploaded as an import job, until the
  concordance finds every utterance ("queryable"); once with one glossed word an utterance
  ("label"), once with ten glossed morphemes ("rich");
* export of the rich corpus as JSON Lines and CSV: time to the first and the last byte, and the
  web processes' peak RSS (``VmHWM``, read from /proc) before and after;
* ``BENCH_SAVES`` sequential saves (PUT of one utterance with its version), then 20 concurrent
  savers for ``BENCH_SECONDS``, then a mixed load of 50 clients (text list, utterance pages,
  concordance, saves) for ``BENCH_SECONDS``;
* delete of the project (the response; the worker purges in the background).

It prints each figure beside the issue's target. Nothing listens beyond 127.0.0.1; the platform
and its data are removed at the end. On a shared machine every figure is pessimistic.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Run as a script, this file's folder comes first on sys.path, and this module's name would
# hide the standard library's ``http``.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import http.client  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
UTTERANCES = int(os.environ.get("BENCH_UTTERANCES", "3000"))
SAVES = int(os.environ.get("BENCH_SAVES", "60"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
SAVERS, CLIENTS = 20, 50
# Phases to run (comma-separated); saves need the rich import, exports and delete too.
PHASES = set(os.environ.get("BENCH_PHASES", "label,rich,export,saves,concurrent,mixed,delete")
             .split(","))  # fmt: skip
TICK = os.sysconf("SC_CLK_TCK")
HOST = "127.0.0.1"
GRAMS = ("PL", "ERG", "GEN", "DAT", "LOC", "PST", "AOR", "FUT", "NEG", "CAUS")
STEMS = [(f"{a}{b}", f"thing{i}") for i, (a, b) in enumerate(
    (a, b) for a in ("ka", "li", "mu", "ne", "ra", "si", "tu", "wa") for b in ("bo", "de", "ga")
)]  # fmt: skip


def toolbox(n: int, rich: bool, seed: int = 7) -> bytes:
    """``n`` utterances: one glossed word each, or five words of a stem and a suffix each."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        if not rich:
            stem, gloss = rng.choice(STEMS)
            out.append(f"\\t {stem}\n\\g {gloss}\n\\l item {i}\n\n")
            continue
        t, m, g = [], [], []
        for stem, gloss in rng.choices(STEMS, k=5):
            gram = rng.choice(GRAMS)
            t.append(stem + gram.lower())
            m.append(f"{stem}-{gram.lower()}")
            g.append(f"{gloss}-{gram}")
        out.append(f"\\t {' '.join(t)}\n\\m {' '.join(m)}\n\\g {' '.join(g)}\n\\l line {i}\n\n")
    return "".join(out).encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# --- the platform -------------------------------------------------------------------------------


class Platform:
    def __init__(self) -> None:
        self.var = Path(tempfile.mkdtemp(prefix="fieldmark-http-bench-"))
        self.port = free_port()
        mongo_port = free_port()
        env = {**os.environ, "FIELDMARK_VAR_DIR": str(self.var), "FIELDMARK_PORT": str(self.port),
               "FIELDMARK_MONGO_PORT": str(mongo_port), "FIELDMARK_RDF_PORT": str(free_port()),
               "FIELDMARK_RDF_STORE": "", "FIELDMARK_LOGIN_RATE": "1000/min"}  # fmt: skip
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fieldmark.launcher", "--host", HOST],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.token = ""

    def wait(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the launcher exited; see {self.var}/logs")
            try:
                status, _ = request("GET", self.port, "/api/health", token="")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(1)
        else:
            raise SystemExit("the platform did not become healthy")
        login = (self.var / "admin-credentials.txt").read_text().strip().rsplit(" ", 1)[-1]
        _, body = request("POST", self.port, "/api/v1/auth/token/",
                          {"username": "admin", "password": login}, token="")  # fmt: skip
        self.token = body["token"]

    def pids(self, program: bytes) -> list[int]:
        """This platform's processes running ``program`` (their environment names our var
        dir): ``b"--serve-fd"`` (an argument) for the web, ``b"/secantusd-py"`` for the store."""
        mine = f"FIELDMARK_VAR_DIR={self.var}".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
                ours = any(arg.endswith(program) for arg in argv[:2]) or program in argv
                if ours and mine in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
        return found

    def web_pids(self) -> list[int]:
        return self.pids(b"--serve-fd")  # fieldmark.webserver's uvicorn processes

    def store_pids(self) -> list[int]:
        return self.pids(b"/secantusd-py")

    def cpu(self) -> dict[str, float]:
        """CPU seconds (user + system, all threads) the web processes and the store have used:
        unlike wall time, hardly moved by other work on the machine."""
        used = {"web": 0.0, "store": 0.0}
        for name, pids in (("web", self.web_pids()), ("store", self.store_pids())):
            for pid in pids:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
                used[name] += (int(fields[11]) + int(fields[12])) / TICK
        return used

    def rss(self, key: str) -> float:
        """The largest ``key`` (VmRSS now, VmHWM peak) of the web processes, in MB."""
        values = [0.0]
        for pid in self.web_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    values.append(int(line.split()[1]) / 1024)
        return max(values)

    def stop(self, failed: bool = False) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        if failed and (self.var / "logs").is_dir():
            kept = Path(tempfile.mkdtemp(prefix="fieldmark-http-bench-logs-"))
            shutil.copytree(self.var / "logs", kept, dirs_exist_ok=True)
            print(f"a phase failed: the platform's logs are in {kept}", flush=True)
        shutil.rmtree(self.var, ignore_errors=True)


def request(
    method: str,
    port: int,
    path: str,
    body: Any = None,
    *,
    token: str,
    conn: http.client.HTTPConnection | None = None,
) -> tuple[int, Any]:
    own = conn is None
    conn = conn or http.client.HTTPConnection(HOST, port, timeout=600)
    headers = {"Authorization": f"Token {token}"} if token else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, data, headers)
    response = conn.getresponse()
    raw = response.read()
    if own:
        conn.close()
    try:
        return response.status, json.loads(raw) if raw else None
    except ValueError:
        return response.status, raw


def upload(port: int, token: str, path: str, name: str, data: bytes) -> tuple[int, Any]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="format"\r\n\r\ntoolbox\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    conn = http.client.HTTPConnection(HOST, port, timeout=600)
    conn.request("POST", path, body, {"Authorization": f"Token {token}",
                 "Content-Type": f"multipart/form-data; boundary={boundary}"})  # fmt: skip
    response = conn.getresponse()
    result = response.status, json.loads(response.read())
    conn.close()
    return result


# --- measures -------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


@dataclass
class Row:
    measure: str
    result: str
    target: str = ""


@dataclass
class Bench:
    platform: Platform
    rows: list[Row] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.platform.port

    def add(self, row: Row) -> None:
        """Keep the row for the table at the end, and print it now: a full-size run takes most
        of an hour, and a phase that fails must not take the figures before it along."""
        self.rows.append(row)
        print(f"[{time.strftime('%H:%M:%S')}] {row.measure}: {row.result}", flush=True)

    def call(self, method: str, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        return request(method, self.port, path, body, token=self.platform.token, **kw)

    def project(self, slug: str) -> str:
        status, body = self.call("POST", "/api/v1/projects/", {"name": slug, "slug": slug})
        assert status == 201, body
        return f"/api/v1/projects/{slug}"

    def import_corpus(self, base: str, rich: bool) -> None:
        data = toolbox(UTTERANCES, rich)
        kind = "rich (10 morphemes)" if rich else "label (1 gloss)"
        start = time.perf_counter()
        status, job = upload(self.port, self.platform.token, f"{base}/imports/", "b.txt", data)
        assert status == 202, job
        while True:
            _, job = self.call("GET", f"/api/v1/jobs/{job['id']}/")
            if job["state"] in ("succeeded", "failed"):
                break
            time.sleep(0.1)
        assert job["state"] == "succeeded", job
        gloss = STEMS[0][1]
        while True:  # queryable: the concordance counts every utterance holding the gloss
            _, page = self.call("GET", f"{base}/concordance/?field=gloss&q={gloss}&page_size=1")
            if page["count"] > 0:
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        target = "≤ 19 s for 100k (LS 186 s)" if not rich else "≥ 5× LS (≤ 37 s for 100k)"
        result = f"{seconds:.1f} s, {UTTERANCES / seconds:,.0f} utt/s"
        self.add(Row(f"import {UTTERANCES:,} {kind}, until queryable", result, target))

    def export(self, base: str, fmt: str) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=600)
        before = self.platform.rss("VmRSS")
        start = time.perf_counter()
        conn.request("GET", f"{base}/export/?format={fmt}",
                     headers={"Authorization": f"Token {self.platform.token}"})  # fmt: skip
        response = conn.getresponse()
        first = response.read(1)
        first_s = time.perf_counter() - start
        size = len(first)
        while chunk := response.read(256 * 1024):
            size += len(chunk)
        last_s = time.perf_counter() - start
        conn.close()
        peak = self.platform.rss("VmHWM")
        target = ("JSON 100k ≤ 4 s (LS 198 s / 50)" if fmt == "json"
                  else "CSV 100k ≤ 8.4 s (LS 210 s / 25)")  # fmt: skip
        self.add(Row(
            f"export {fmt} {UTTERANCES:,} rich",
            f"first byte {first_s * 1000:.0f} ms, last {last_s:.1f} s, {size / 1e6:.1f} MB; "
            f"web RSS {before:.0f} MB before, peak {peak:.0f} MB",
            f"{target}; first byte ≤ 200 ms; RSS ≤ 200 MB",
        ))  # fmt: skip

    def utterances(self, base: str, count: int) -> list[dict[str, Any]]:
        _, texts = self.call("GET", f"{base}/texts/?page_size=1")
        text = texts["results"][0]["id"]
        found: list[dict[str, Any]] = []
        page = 1
        while len(found) < count:
            _, body = self.call("GET", f"{base}/texts/{text}/utterances/?page_size=200&page={page}")
            found += body["results"]
            if not body.get("next"):
                break
            page += 1
        return found[:count]

    def save(self, base: str, utt: dict[str, Any], conn: http.client.HTTPConnection) -> float:
        words = utt["words"]
        morph = words[0]["morphemes"][-1]
        morph["gloss"] = random.choice(GRAMS)
        body = {"order": utt["order"], "words": words, "translations": utt.get("translations", {}),
                "version": utt["version"]}  # fmt: skip
        start = time.perf_counter()
        status, saved = request("PUT", self.port, f"{base}/utterances/{utt['id']}/", body,
                                token=self.platform.token, conn=conn)  # fmt: skip
        took = time.perf_counter() - start
        if status == 200:
            utt["version"] = saved["version"]
        elif status == 409:
            utt["version"] = saved["current"]["version"]
        else:
            raise AssertionError((status, saved))
        return took

    def cpu_per(self, before: dict[str, float], count: int) -> str:
        after = self.platform.cpu()
        web, store = ((after[k] - before[k]) * 1000 / max(count, 1) for k in ("web", "store"))
        return f"CPU/save web {web:.1f} ms, store {store:.1f} ms"

    def sequential_saves(self, base: str, utts: list[dict[str, Any]]) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        for utt in utts[:5]:  # warm the connection, the caches and the vocabulary
            self.save(base, utt, conn)
        cpu = self.platform.cpu()
        times = [self.save(base, utt, conn) for utt in utts[:SAVES]]
        conn.close()
        self.add(Row(f"{len(times)} sequential saves",
                             f"p50 {statistics.median(times) * 1000:.1f} ms, "
                             f"p95 {percentile(times, 0.95) * 1000:.1f} ms; "
                             + self.cpu_per(cpu, len(times)),
                             "p50 ≤ 10 ms, p95 ≤ 25 ms (LS p50 58.9 ms)"))  # fmt: skip

    def run_clients(self, clients: int, work: Callable[[int, http.client.HTTPConnection], float]
                    ) -> tuple[list[float], int, float]:  # fmt: skip
        times: list[float] = []
        errors: dict[str, int] = {}
        lock = threading.Lock()
        deadline = time.monotonic() + SECONDS

        def client(n: int) -> None:
            conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            while time.monotonic() < deadline:
                try:
                    took = work(n, conn)
                except Exception as exc:
                    kind = repr(exc)[:60] if not isinstance(exc, AssertionError) else str(exc)[:60]
                    with lock:
                        errors[kind] = errors.get(kind, 0) + 1
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
                    continue
                with lock:
                    times.append(took)
            conn.close()

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        start = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            print(f"errors: {errors}", flush=True)
        return times, sum(errors.values()), time.monotonic() - start

    def concurrent_saves(self, base: str, utts: list[dict[str, Any]]) -> None:
        profiles = [profile(pid, name) for name, pid in
                    [("store", p) for p in self.platform.store_pids()][:1]
                    + [("web", p) for p in self.platform.web_pids()][:1]]  # fmt: skip
        own = [utts[n::SAVERS] for n in range(SAVERS)]
        counters = [0] * SAVERS

        def work(n: int, conn: http.client.HTTPConnection) -> float:
            mine = own[n]
            counters[n] += 1
            return self.save(base, mine[counters[n] % len(mine)], conn)

        cpu = self.platform.cpu()
        times, errors, elapsed = self.run_clients(SAVERS, work)
        spent = self.cpu_per(cpu, len(times))
        for done in profiles:
            if done is not None:
                self.profiles.append(done())
        self.add(Row(f"{SAVERS} concurrent savers, {SECONDS:.0f} s",
                             f"{len(times) / elapsed:.0f} saves/s, p50 "
                             f"{statistics.median(times) * 1000:.0f} ms, p99 "
                             f"{percentile(times, 0.99) * 1000:.0f} ms, {errors} errors; {spent}",
                             "≥ 150 saves/s, p99 ≤ 200 ms (LS 7.9/s)"))  # fmt: skip

    def mixed(self, base: str, utts: list[dict[str, Any]]) -> None:
        _, texts = self.call("GET", f"{base}/texts/?page_size=1")
        text = texts["results"][0]["id"]
        rng = random.Random(3)
        glosses = [gloss for _, gloss in STEMS]

        def work(n: int, conn: http.client.HTTPConnection) -> float:
            pick = rng.random()
            if pick < 0.25:
                return self.save(base, utts[rng.randrange(len(utts))], conn)
            if pick < 0.5:
                path = f"{base}/texts/?page_size=20"
            elif pick < 0.75:
                path = f"{base}/texts/{text}/utterances/?page_size=20&page={rng.randint(1, 10)}"
            else:
                path = f"{base}/concordance/?field=gloss&q={rng.choice(glosses)}"
            start = time.perf_counter()
            status, _ = request("GET", self.port, path, token=self.platform.token, conn=conn)
            assert status == 200, f"{status} from {path.split('?')[0].rsplit('/', 2)[-2]}"
            return time.perf_counter() - start

        times, errors, elapsed = self.run_clients(CLIENTS, work)
        self.add(Row(f"mixed load, {CLIENTS} clients, {SECONDS:.0f} s",
                             f"{len(times) / elapsed:.0f} req/s, p50 "
                             f"{statistics.median(times) * 1000:.0f} ms, p99 "
                             f"{percentile(times, 0.99) * 1000:.0f} ms, {errors} errors",
                             "p99 ≤ 200 ms, all cores busy (was 80 req/s, p99 3.2 s)"))  # fmt: skip

    def delete(self, base: str) -> None:
        start = time.perf_counter()
        status, body = self.call("DELETE", base + "/")
        took = time.perf_counter() - start
        assert status == 204, (status, body)
        self.add(Row("delete the rich project (response; purge runs on the worker)",
                             f"{took * 1000:.0f} ms", "≤ 18.6 s for 100k (LS)"))  # fmt: skip
        if os.environ.get("DATABASE_URL"):
            return  # the pending row is in that database; this bench reads only SQLite
        purged = self.purged(start)
        self.add(Row("delete the rich project, until the worker's purge is done",
                     "not done in 15 min" if purged is None else f"{purged:.1f} s",
                     "LS deletes in the request: 18.6 s for 100k"))  # fmt: skip

    def purged(self, start: float, limit: float = 900) -> float | None:
        """Seconds from the DELETE until the purge's pending row is gone (the documents, files
        and the RDF graph removed), read from the platform's SQLite file."""
        import sqlite3

        path = self.platform.var / "fieldmark.sqlite3"
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            while time.perf_counter() - start < limit:
                if not db.execute("SELECT COUNT(*) FROM projects_pendingpurge").fetchone()[0]:
                    return time.perf_counter() - start
                time.sleep(0.5)
            return None
        finally:
            db.close()


PY_SPY = os.environ.get("BENCH_PY_SPY", shutil.which("py-spy") or "")


def profile(pid: int, name: str) -> Callable[[], str] | None:
    """Sample ``pid`` with py-spy for ``SECONDS`` (when py-spy is installed, or BENCH_PY_SPY
    names it); the returned call waits and summarises where the time went."""
    if not PY_SPY:
        return None
    out = Path(tempfile.mkdtemp()) / f"{name}.txt"
    process = subprocess.Popen(
        [PY_SPY, "record", "--pid", str(pid), "--duration", str(int(SECONDS)), "--format", "raw",
         "--output", str(out), "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def summary() -> str:
        process.wait(SECONDS + 60)
        return summarise(name, out.read_text() if out.exists() else "")

    return summary


def summarise(name: str, raw: str, top: int = int(os.environ.get("BENCH_PY_SPY_TOP", "12"))) -> str:
    """Inclusive share of samples per function (``name (file)``) from py-spy's raw stacks."""
    total = 0
    inclusive: dict[str, int] = {}
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        for frame in set(stack.split(";")):
            function = (
                frame.split(" (")[0]
                + " ("
                + frame.split(" (")[-1].split(":")[0].rsplit("/", 1)[-1]
                + ")"
            )
            inclusive[function] = inclusive.get(function, 0) + int(count)
    ranked = sorted(inclusive.items(), key=lambda item: -item[1])[:top]
    lines = [f"py-spy, {name} process, {total} samples (inclusive share):"]
    lines += [f"  {count / max(total, 1):6.1%}  {function}" for function, count in ranked]
    return "\n".join(lines)


def main() -> None:
    platform = Platform()
    bench = Bench(platform)
    try:
        platform.wait()
        if "label" in PHASES:
            bench.import_corpus(bench.project("label"), rich=False)
        base = bench.project("rich")
        bench.import_corpus(base, rich=True)
        for fmt in ("json", "csv") if "export" in PHASES else ():
            bench.export(base, fmt)
        utts = bench.utterances(base, max(SAVES, SAVERS * 5, 200))
        if "saves" in PHASES:
            bench.sequential_saves(base, utts)
        if "concurrent" in PHASES:
            bench.concurrent_saves(base, utts)
        if "mixed" in PHASES:
            bench.mixed(base, utts)
        if "delete" in PHASES:
            bench.delete(base)
    except BaseException:
        platform.stop(failed=True)
        raise
    else:
        platform.stop()
    workers = os.environ.get("FIELDMARK_WEB_WORKERS", "1")
    store = "MONGO_URL" if os.environ.get("MONGO_URL") else "embedded SecantusDB"
    print(f"web processes: {workers}; store: {store}; {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.1f} (others' work included)")  # fmt: skip
    width = max(len(row.measure) for row in bench.rows)
    for row in bench.rows:
        print(f"{row.measure:<{width}}  {row.result}   [target: {row.target}]")
    for text in bench.profiles:
        print(text)


if __name__ == "__main__":
    main()
