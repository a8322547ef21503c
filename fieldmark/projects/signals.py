"""Signals other apps listen to. ``project_deleted`` is sent after the deleting transaction
commits, with ``project_id``; apps remove what they keep outside SQL (media files, caches)."""

from django.dispatch import Signal

project_deleted = Signal()
