"""Daphne with cProfile in every thread, for ``bench/realtime.py --profile``: the event loop,
the thread that runs Django's sync views and the executor threads all land in one profile,
written when the server stops. Times are each thread's CPU time (``time.thread_time``), not
wall time, so waiting on a socket or a lock costs nothing and what is left is work.

    .venv/bin/python bench/profiled_daphne.py OUT.prof -p 8000 fieldmark.asgi:application
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the repository root, not bench/

_profiles: list[cProfile.Profile] = []
_plain_run = threading.Thread.run


def _profiled_run(self: threading.Thread) -> None:
    profile = cProfile.Profile(time.thread_time)
    _profiles.append(profile)
    profile.enable()
    try:
        _plain_run(self)
    finally:
        profile.disable()


def main() -> None:
    out, sys.argv = sys.argv[1], [sys.argv[0], *sys.argv[2:]]
    threading.Thread.run = _profiled_run  # type: ignore[method-assign]
    main_profile = cProfile.Profile(time.thread_time)
    _profiles.append(main_profile)
    from daphne.cli import CommandLineInterface

    main_profile.enable()
    try:
        CommandLineInterface.entrypoint()
    finally:
        main_profile.disable()
        stats = pstats.Stats(main_profile)
        for profile in _profiles:
            if profile is not main_profile:
                try:
                    stats.add(profile)
                except (TypeError, ValueError):  # a thread still running: its part is lost
                    continue
        stats.dump_stats(out)


if __name__ == "__main__":
    main()
