"""``manage.py ml_import_corpus SLUG FILE``: import a corpus file into a project."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mlworkers import cli, corpus


class Command(BaseCommand):
    help = (
        "Import a corpus file (a SIGMORPHON glossing file, or any import format of the "
        "platform: toolbox, flextext, csv, json) into a project, as one job-less transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_common(parser, job=False)
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", default="sigmorphon")
        parser.add_argument("--title", default="", help="Title of the new text (SIGMORPHON).")
        parser.add_argument("--limit", type=int, default=0, help="Only the first N utterances.")

    def handle(self, *args: Any, **options: Any) -> None:
        project, user = cli.project_and_user(options)
        counts = cli.domain(
            corpus.import_corpus,
            user,
            project,
            options["file"],
            options["format"],
            title=options["title"],
            limit=options["limit"],
        )
        self.stdout.write(json.dumps(counts))
