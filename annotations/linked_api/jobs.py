"""Jobs of the linked-data API: RDF import, RDF export to a file, graph rebuild."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage

from annotations.linked_api import imports, rebuild, services, sync
from annotations.linked_api.store import FORMATS
from fieldmark.jobs.models import Job
from fieldmark.jobs.registry import Progress, job_kind


@job_kind("linked.import")
def run_import(job: Job, progress: Progress) -> dict[str, Any]:
    params = job.params
    user = job.created_by.username if job.created_by else "import"
    progress(0.0, "parsing")
    with default_storage.open(str(params["path"]), "rb") as handle:
        counts = imports.import_rdf(
            job.project, handle, str(params["format"]), str(job.id), user, progress
        )
    progress(1.0, "done")
    return counts


@job_kind("linked.export")
def run_export(job: Job, progress: Progress) -> dict[str, Any]:
    fmt = str(job.params["format"])
    extension = FORMATS[fmt][2]
    relative = f"exports/{job.id}.{extension}"
    absolute = Path(settings.MEDIA_ROOT) / relative
    absolute.parent.mkdir(parents=True, exist_ok=True)
    progress(0.05, "applying queued changes")
    sync.drain(job.project)
    progress(0.2, f"writing {fmt}")
    # Written beside its final name and moved, so a re-run never serves half a file.
    with tempfile.NamedTemporaryFile(dir=absolute.parent, delete=False) as out:
        services.dump_to(job.project, fmt, out)
    Path(out.name).replace(absolute)
    progress(1.0, "done")
    return {"path": relative, "format": fmt, "bytes": absolute.stat().st_size}


def _recover(job: Job) -> None:
    """A rebuild job that failed or whose worker died: syncs go on at once, and the graph and
    records it was writing are removed (the live ones are never touched)."""
    rebuild.recover(job.project, str(job.id))


@job_kind("linked.rebuild", cleanup=_recover)
def run_rebuild(job: Job, progress: Progress) -> dict[str, Any]:
    progress(0.0, "rebuilding the graph")
    triples = rebuild.rebuild(job.project, job=str(job.id))
    progress(1.0, "done")
    return {"triples": triples}
