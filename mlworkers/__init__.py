"""Model training, evaluation and serving on Celery workers (GPU queue where a GPU exists)."""
