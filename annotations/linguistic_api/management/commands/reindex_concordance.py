"""``manage.py reindex_concordance``: rebuild the concordance postings from the utterances."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from annotations.linguistic_api import services
from fieldmark.projects.models import Project


class Command(BaseCommand):
    help = (
        "Rebuild concordance postings from the stored utterances (after restoring a backup, "
        "or upgrading from a version that searched the utterances directly)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", help="Project slug (default: every project).")

    def handle(self, *args: Any, **options: Any) -> None:
        projects = Project.objects.order_by("pk")
        if options["project"]:
            projects = projects.filter(slug=options["project"])
        for project in projects:
            count = services.reindex_concordance(project)
            self.stdout.write(f"{project.slug}: {count} utterances indexed")
