"""``manage.py ml_train SLUG TASK KIND``: train a model, waiting with a progress bar."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlworkers import cli, training


def _param(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep:
        raise CommandError(f"--param takes key=value, not {text!r}")
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


class Command(BaseCommand):
    help = "Train a model of TASK (gloss, pos, segment, ...) of KIND on the project's data."

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_common(parser)
        parser.add_argument("task")
        parser.add_argument("kind")
        parser.add_argument(
            "--param", action="append", default=[], help="key=value (JSON value), repeatable."
        )
        parser.add_argument("--activate", action="store_true", help="Activate the new version.")

    def handle(self, *args: Any, **options: Any) -> None:
        project, user = cli.project_and_user(options)
        params = dict(_param(p) for p in options["param"])
        run = cli.domain(
            training.start_training,
            user,
            project,
            options["task"],
            options["kind"],
            params,
            activate=options["activate"],
        )
        assert run.job is not None
        if options["no_wait"]:
            self.stdout.write(str(run.job.id))
            return
        job = cli.follow(run.job, options, self.stderr)
        result = job.result or {}
        self.stdout.write(
            f"run {run.pk}: version {result.get('number')} "
            f"{json.dumps(result.get('metrics', {}))}"
            + (" (active)" if result.get("activated") else "")
        )
