"""``manage.py backfill_lexicon_search``: search keys for lexicon entries stored before them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from annotations.linguistic_api import services


class Command(BaseCommand):
    help = "Add dictionary search keys to lexicon entries that lack them."

    def handle(self, *args: Any, **options: Any) -> None:
        updated = services.backfill_search_keys()
        self.stdout.write(f"{updated} lexicon entries updated")
