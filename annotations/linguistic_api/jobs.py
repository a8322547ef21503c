"""The ``linguistic.import`` job: parse and validate a whole upload, then write it at once."""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage

from annotations.linguistic_api import services
from fieldmark.jobs.models import Job
from fieldmark.jobs.registry import Progress, job_kind


@job_kind("linguistic.import")
def run_import(job: Job, progress: Progress) -> dict[str, Any]:
    params = job.params
    progress(0.05, "reading the file")
    with default_storage.open(str(params["path"]), "rb") as handle:
        data = handle.read()
    progress(0.2, f"parsing {params['format']}")
    parsed = services.parse_import(data, str(params["format"]), str(params["name"]), str(job.id))
    progress(0.6, f"writing {len(parsed.utterances)} utterances, {len(parsed.entries)} entries")
    user = job.created_by.username if job.created_by else "import"
    counts = services.write_import(job.project, parsed, user, str(job.id))
    progress(1.0, "done")
    return counts
