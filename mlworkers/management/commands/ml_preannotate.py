"""``manage.py ml_preannotate SLUG TASK``: suggestions for a text, a file or the project."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mlworkers import cli, corpus, suggestions


class Command(BaseCommand):
    help = (
        "Fill the empty gloss or POS fields (or the uncut words, for segment) of a text "
        "(--text), of a corpus file imported as a "
        "new text (--file), or of the whole project with machine suggestions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_common(parser)
        parser.add_argument("task", choices=["gloss", "pos", "segment"])
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--text", help="A text id.")
        group.add_argument("--file", type=Path, help="A corpus file to import first.")
        parser.add_argument("--format", default="sigmorphon", help="The --file's format.")

    def handle(self, *args: Any, **options: Any) -> None:
        project, user = cli.project_and_user(options)
        text = options.get("text")
        if options.get("file"):
            imported = cli.domain(
                corpus.import_corpus,
                user,
                project,
                options["file"],
                options["format"],
                blank=(options["task"],),
            )
            text = imported["texts"][0] if imported["texts"] else None
            self.stderr.write(f"imported {imported['utterances']} utterances as text {text}")
        job = cli.domain(suggestions.start_preannotation, user, project, options["task"], text)
        if options["no_wait"]:
            self.stdout.write(str(job.id))
            return
        done = cli.follow(job, options, self.stderr)
        self.stdout.write(json.dumps({**(done.result or {}), "text": text}))
