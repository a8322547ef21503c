from typing import Any

from django.core.management.base import BaseCommand

from fieldmark.storage import mongo


class Command(BaseCommand):
    help = "Create every MongoDB index the apps declare (safe to run repeatedly)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = mongo.ensure_indexes()
        total = sum(len(names) for names in created.values())
        self.stdout.write(f"MongoDB indexes ensured: {total} on {len(created)} collections")
