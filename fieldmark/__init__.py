"""Fieldmark: the platform package (settings, ASGI app, Celery app, core apps).

It is not called ``platform`` as the design card has it: that name would shadow Python's standard
``platform`` module, which pymongo, celery and many others import.
"""

from fieldmark.celery import app as celery_app

__all__ = ["celery_app"]
