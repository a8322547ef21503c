"""A project's graph rebuilt twice after an import and a drain (the second with every resource
record of the first in place): wall time, this process's CPU, and the CPU of its child processes
(the embedded MongoDB-wire server), which load on a shared machine does not inflate.

    BENCH_UTTERANCES=5000 .venv/bin/python bench/rdf_rebuild.py
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

os.environ["FIELDMARK_RDF_SYNC"] = "manual"
os.environ["FIELDMARK_RDF_SWAP_GRACE_S"] = "0"  # no reader waits for the old graph here
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Sets up Django (temp var/, settings): before any project import.
from bench.harness import bench_project, with_mongo  # noqa: E402

# isort: split

from annotations.linguistic_api import services  # noqa: E402
from annotations.linked_api import rebuild, sync  # noqa: E402
from bench import synthetic  # noqa: E402

UTTERANCES = int(os.environ.get("BENCH_UTTERANCES", "5000"))


def children_cpu() -> float:
    """CPU seconds of this process's live children, from /proc."""
    total = 0.0
    me = os.getpid()
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def run() -> None:
    _owner, project = bench_project()
    data = synthetic.toolbox_text(UTTERANCES)
    services.import_file(project, lambda: io.BytesIO(data), "toolbox", "b.txt", "bench", "bench")
    sync.drain(project)  # the graph and its records, as a worker leaves them after an import
    for label in ("first rebuild", "second rebuild"):
        wall, cpu, server = time.perf_counter(), time.process_time(), children_cpu()
        triples = rebuild.rebuild(project)
        print(
            f"{label}: {triples:,} triples, {time.perf_counter() - wall:.2f} s wall, "
            f"{time.process_time() - cpu:.2f} s CPU, server {children_cpu() - server:.2f} s CPU",
            flush=True,
        )


def main() -> None:
    with_mongo("fieldmark_bench", run)


if __name__ == "__main__":
    main()
