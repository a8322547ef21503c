"""Keeps ``make run``'s children running: a child that dies is restarted with capped exponential
backoff instead of taking the whole platform down, and its state is written to a small JSON file
that ``/api/health`` reports (the web process is itself a child, so it cannot ask the launcher).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

# A child that stayed up this long is healthy again: its next failure starts the backoff anew.
STABLE_AFTER_S: Final = 60.0
STATUS_ENV: Final = "FIELDMARK_SUPERVISOR_STATUS"


@dataclass
class Supervised:
    name: str
    start: Callable[[], None]
    exit_code: Callable[[], int | None]
    restarts: int = 0
    last_exit: int | None = None
    failures_in_row: int = 0
    restart_at: float | None = None  # set while the child is down
    started_at: float = 0.0


class Supervisor:
    def __init__(
        self,
        status_path: Path,
        *,
        base_delay: float = 1.0,
        max_delay: float = 60.0,
        say: Callable[[str], None] = print,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.status_path = status_path
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.say = say
        self.clock = clock
        self.children: dict[str, Supervised] = {}

    def add(
        self, name: str, start: Callable[[], None], exit_code: Callable[[], int | None]
    ) -> None:
        """Register a child that ``start`` has just started."""
        self.children[name] = Supervised(name, start, exit_code, started_at=self.clock())
        self.write_status()

    def _schedule(self, child: Supervised, now: float) -> float:
        delay = min(self.max_delay, self.base_delay * float(2**child.failures_in_row))
        child.failures_in_row += 1
        child.restart_at = now + delay
        return delay

    def poll(self) -> None:
        """Notice children that died, restart those whose backoff has passed."""
        now = self.clock()
        for child in self.children.values():
            if child.restart_at is None:
                code = child.exit_code()
                if code is None:
                    if now - child.started_at >= STABLE_AFTER_S:
                        child.failures_in_row = 0
                    continue
                child.last_exit = code
                delay = self._schedule(child, now)
                self.say(f"{child.name} exited with code {code}; restarting in {delay:.0f} s")
            elif now >= child.restart_at:
                try:
                    child.start()
                except Exception as exc:
                    delay = self._schedule(child, now)
                    self.say(f"{child.name} did not restart ({exc}); next try in {delay:.0f} s")
                else:
                    child.restarts += 1
                    child.restart_at = None
                    child.started_at = self.clock()
                    self.say(f"{child.name} restarted (restart {child.restarts})")
        self.write_status()

    def status(self) -> dict[str, Any]:
        now = self.clock()
        return {
            "launcher_pid": os.getpid(),
            "children": {
                c.name: {
                    "running": c.restart_at is None,
                    "restarts": c.restarts,
                    "last_exit": c.last_exit,
                    "restart_in_s": None
                    if c.restart_at is None
                    else round(max(0.0, c.restart_at - now), 1),
                }
                for c in self.children.values()
            },
        }

    def write_status(self) -> None:
        # Written whole then renamed, so the health check never reads half a file.
        partial = self.status_path.with_suffix(".tmp")
        partial.write_text(json.dumps(self.status()), encoding="utf-8")
        partial.replace(self.status_path)

    def remove_status(self) -> None:
        self.status_path.unlink(missing_ok=True)


def check_children() -> dict[str, Any] | None:
    """For ``/api/health``: the launcher's children, or None when not started by the launcher.
    Raises while a child is down, naming it."""
    path = os.environ.get(STATUS_ENV)
    if not path:
        return None
    state = json.loads(Path(path).read_text(encoding="utf-8"))
    children: dict[str, Any] = state["children"]
    down = [
        f"{name} is down (exit code {c['last_exit']}; restart in {c['restart_in_s']} s)"
        for name, c in children.items()
        if not c["running"]
    ]
    if down:
        raise ChildDown("; ".join(down), children)
    return {"children": children}


class ChildDown(RuntimeError):
    def __init__(self, message: str, children: dict[str, Any]) -> None:
        super().__init__(message)
        self.children = children
