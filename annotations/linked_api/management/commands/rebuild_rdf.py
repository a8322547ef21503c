from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.linked_api import rebuild
from fieldmark.projects.models import Project


class Command(BaseCommand):
    help = "Regenerate projects' RDF graphs from MongoDB (all projects, or --project SLUG)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", help="the slug of one project")

    def handle(self, *args: Any, **options: Any) -> None:
        projects = Project.objects.order_by("pk")
        if options.get("project"):
            projects = projects.filter(slug=options["project"])
            if not projects.exists():
                raise CommandError(f"No project with slug {options['project']!r}.")
        for project in projects:
            started = time.perf_counter()
            try:
                triples = rebuild.rebuild(project)
            except rebuild.RebuildRunning as exc:
                raise CommandError(f"{project.slug}: {exc}") from None
            took = time.perf_counter() - started
            self.stdout.write(f"{project.slug}: {triples} triples in {took:.1f} s")
