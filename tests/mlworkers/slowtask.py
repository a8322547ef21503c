"""A task of the generic registry that trains slowly, step by step, so that tests can cancel
or kill it mid-run. Registered by the tests (and by ``slow_worker`` in a separate worker)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fieldmark.jobs.services import JobCancelled
from mlworkers.linguistic import counts, labelled, project_utterances
from mlworkers.tasks_registry import TaskHandler, register_task


class SlowModel:
    task = "slow"
    kind = "steps"

    def save(self, directory: Path) -> None:
        (directory / "manifest.json").write_text(json.dumps({"task": "slow"}), encoding="utf-8")


def train(kind: str, items: Sequence[Any], params: Mapping[str, Any], **kw: Any) -> SlowModel:
    steps = int(params.get("steps", 100))
    for step in range(steps):
        if kw["should_stop"]():
            raise JobCancelled()
        kw["progress"](
            {
                "fraction": (step + 1) / steps,
                "message": f"step {step + 1}",
                "step": step + 1,
                "epoch": 0,
                "loss": 1.0 / (step + 1),
            }
        )
        time.sleep(float(params.get("sleep", 0.1)))
    return SlowModel()


def check(kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    return {"steps": int(params.get("steps", 100)), "sleep": float(params.get("sleep", 0.1))}


def register() -> None:
    register_task(
        TaskHandler(
            name="slow",
            kinds=lambda: ("steps",),
            check_params=check,
            load_items=project_utterances,
            labelled=lambda u: labelled("gloss", u),
            snapshot_hash=lambda items: str(len(items)),
            counts=counts,
            train=train,
            evaluate=lambda model, gold: {"word_accuracy": 0.5},
            load=lambda d: SlowModel(),
        )
    )
