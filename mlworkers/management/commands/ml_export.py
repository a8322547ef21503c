"""``manage.py ml_export SLUG TASK NUMBER OUT.zip``: a model version's files as a zip."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mlworkers import cli
from mlworkers.models import ModelVersion, Source


class Command(BaseCommand):
    help = "Write a registered model version's artifact (manifest, skops/safetensors) as a zip."

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_common(parser, job=False)
        parser.add_argument("task")
        parser.add_argument("number", type=int)
        parser.add_argument("out", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        project, _user = cli.project_and_user(options)
        version = ModelVersion.objects.filter(
            project=project, task=options["task"], number=options["number"]
        ).first()
        if version is None:
            raise CommandError(f"No {options['task']} version {options['number']}.")
        if version.source == Source.EXTERNAL:
            raise CommandError("An external model has no files here.")
        names = list(version.summary.get("files", []))
        with zipfile.ZipFile(options["out"], "w", zipfile.ZIP_DEFLATED) as archive:
            for name in names:
                with default_storage.open(version.artifact + name, "rb") as source:
                    archive.writestr(name, source.read())
        self.stdout.write(f"{len(names)} files written to {options['out']}")
