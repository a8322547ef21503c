"""Affect annotation core: FACS Action Units, emotion categories and valence/arousal.

Everything here is plain Python + numpy so that REST views, Celery tasks and management commands
share one implementation and the tests need neither Django nor a database.
"""
