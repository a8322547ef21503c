"""``manage.py ml_versions SLUG``: list model versions; ``--activate N`` / ``--rollback``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlworkers import cli, registry
from mlworkers.models import ModelVersion


class Command(BaseCommand):
    help = "List a project's model versions, activate one or roll back a task."

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_common(parser, job=False)
        parser.add_argument("--task", help="Only this task (needed with --activate/--rollback).")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--activate", type=int, metavar="NUMBER", help="Activate version N.")
        group.add_argument("--rollback", action="store_true", help="Re-activate the previous one.")

    def handle(self, *args: Any, **options: Any) -> None:
        project, _user = cli.project_and_user(options)
        task = options.get("task")
        if (options["activate"] is not None or options["rollback"]) and not task:
            raise CommandError("--activate and --rollback need --task.")
        if options["activate"] is not None:
            version = ModelVersion.objects.filter(
                project=project, task=task, number=options["activate"]
            ).first()
            if version is None:
                raise CommandError(f"No {task} version {options['activate']}.")
            registry.activate(project, version)
        elif options["rollback"]:
            cli.domain(registry.rollback, project, task)
        for v in registry.versions(project, task):
            metrics = v.metrics or {}
            accuracy = metrics.get("word_accuracy")
            shown = f"{accuracy:.3f}" if isinstance(accuracy, int | float) else "-"
            rate = f"{v.feedback_accepted}/{v.feedback_total}" if v.feedback_total else "-"
            self.stdout.write(
                f"{v.task:8} v{v.number:<3} {v.status:9} {v.kind:12} {v.source:9} "
                f"word_acc={shown} accepted={rate} {v.created_at:%Y-%m-%d %H:%M}"
            )
