"""Signals other apps listen to. ``project_deleted`` is sent by the purge that follows the
deleting transaction, with ``project_id`` and ``slug`` (empty for a purge scheduled before the
slug was kept); apps remove what they keep outside SQL (media files, caches, the RDF graph).
A receiver must be idempotent: a purge that died is run again."""

from django.dispatch import Signal

project_deleted = Signal()
