"""Per-project sequence numbers and a bounded log of recent events, for catch-up after a
reconnect.

With Redis (the embedded default starts one, production sets REDIS_URL) one Lua script numbers
an event and appends it atomically, so numbers are unique and gap-free across every web and
worker process. Without REDIS_URL (a bare ``manage.py runserver``) the channel layer is in
memory and per process anyway, so the log is too.
"""

from __future__ import annotations

import json
import os
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

# How many events each project keeps for catch-up, and how many a client may be sent at once
# before it is told to reload instead (a long absence is cheaper to reload than to replay).
LOG_SIZE = 2000
CATCH_UP_LIMIT = 500


@dataclass(frozen=True)
class Missed:
    """What a client that last saw ``since`` missed: the events, or ``reload`` when too much."""

    events: list[dict[str, Any]]
    latest: int
    reload: bool


class EventLog(Protocol):
    def append(self, project_id: int, event: str) -> int:
        """Number ``event`` (a JSON object's text, without its ``seq``) and keep it."""
        ...

    def latest(self, project_id: int) -> int: ...

    def since(self, project_id: int, seq: int, limit: int = CATCH_UP_LIMIT) -> Missed: ...


def to_json(event: dict[str, Any]) -> str:
    return json.dumps(event, cls=DjangoJSONEncoder, separators=(",", ":"))


# KEYS: counter, log. ARGV: event JSON, log size. Members are "<seq>:<json>" so two equal events
# stay distinct, scored by seq so a range read is one ZRANGEBYSCORE.
_APPEND = """
local seq = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], seq, seq .. ':' .. ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -tonumber(ARGV[2]) - 1)
return seq
"""


def _numbered(member: str) -> dict[str, Any]:
    """A log member ``"<seq>:<json>"`` as the event that was sent, ``seq`` included."""
    number, _, body = member.partition(":")
    event: dict[str, Any] = json.loads(body)
    event["seq"] = int(number)
    return event


class RedisEventLog:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self.script = self.client.register_script(_APPEND)

    @staticmethod
    def _keys(project_id: int) -> list[str]:
        return [f"fieldmark:events:{project_id}:seq", f"fieldmark:events:{project_id}:log"]

    def append(self, project_id: int, event: str) -> int:
        return int(self.script(keys=self._keys(project_id), args=[event, LOG_SIZE]))

    def latest(self, project_id: int) -> int:
        value = self.client.get(self._keys(project_id)[0])
        return int(value) if value is not None else 0

    def since(self, project_id: int, seq: int, limit: int = CATCH_UP_LIMIT) -> Missed:
        counter, log = self._keys(project_id)
        pipe = self.client.pipeline(transaction=True)
        pipe.get(counter)
        pipe.zrange(log, 0, 0, withscores=True)
        pipe.zrangebyscore(log, f"({seq}", "+inf", start=0, num=limit + 1)
        raw_latest, oldest, members = pipe.execute()
        latest = int(raw_latest or 0)
        first_kept = int(oldest[0][1]) if oldest else latest + 1
        if seq > latest:  # the log was reset (a new Redis): what the client holds may be stale
            return Missed([], latest, reload=True)
        if seq == latest:
            return Missed([], latest, reload=False)
        if seq + 1 < first_kept or len(members) > limit:
            return Missed([], latest, reload=True)
        return Missed([_numbered(member.decode()) for member in members], latest, reload=False)


class MemoryEventLog:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counters: dict[int, int] = {}
        self.logs: dict[int, deque[tuple[int, str]]] = {}

    def append(self, project_id: int, event: str) -> int:
        with self.lock:
            seq = self.counters.get(project_id, 0) + 1
            self.counters[project_id] = seq
            log = self.logs.setdefault(project_id, deque(maxlen=LOG_SIZE))
            log.append((seq, event))
            return seq

    def latest(self, project_id: int) -> int:
        return self.counters.get(project_id, 0)

    def since(self, project_id: int, seq: int, limit: int = CATCH_UP_LIMIT) -> Missed:
        with self.lock:
            latest = self.counters.get(project_id, 0)
            log = list(self.logs.get(project_id, ()))
        if seq > latest:
            return Missed([], latest, reload=True)
        if seq == latest:
            return Missed([], latest, reload=False)
        first_kept = log[0][0] if log else latest + 1
        missed = [f"{number}:{item}" for number, item in log if number > seq]
        if seq + 1 < first_kept or len(missed) > limit:
            return Missed([], latest, reload=True)
        return Missed([_numbered(item) for item in missed], latest, reload=False)


_log: EventLog | None = None
_pid = 0


def get_log() -> EventLog:
    """The process's log client (recreated after a fork, like the Mongo client)."""
    global _log, _pid
    if _log is None or _pid != os.getpid():
        url = getattr(settings, "REDIS_URL", "")
        _log = RedisEventLog(url) if url else MemoryEventLog()
        _pid = os.getpid()
    return _log


def reset_log() -> None:
    global _log
    _log = None
