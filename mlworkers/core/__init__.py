"""Django-free model code: domain types, models, artifacts and metrics (see ``api``).

Nothing under this package imports Django, so the models train and score in a plain Python
process (``bench/glossing.py``) as well as inside a Celery worker.
"""
