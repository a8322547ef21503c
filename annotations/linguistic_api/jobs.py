"""Jobs of the interlinear API: imports (read once, staged under the job, committed at once;
their cleanup removes what a failed or killed run staged), auto-linking of morphemes to the
lexicon, streamed exports to a file, and the printable dictionary."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage

from annotations.linguistic.formats import dictionary_pdf
from annotations.linguistic_api import documents, import_guard, services
from fieldmark.jobs.models import Job, JobState
from fieldmark.jobs.registry import Progress, job_kind

CHUNKS_PER_REPORT = 200


def _discard_import(job: Job) -> None:
    # Still running: its worker died (services.fail_lost cleans up before failing the job), and
    # the store may still be writing the batch the worker had sent.
    settle = 2.0 if job.state == JobState.RUNNING else 0.0
    services.discard_import(job.project, str(job.id), settle=settle)


@job_kind("linguistic.import", cleanup=_discard_import)
def run_import(job: Job, progress: Progress) -> dict[str, Any]:
    params = job.params
    path = str(params["path"])
    user = job.created_by.username if job.created_by else "import"
    # Sniffing and the problem report for unexpected failures: import_guard, whatever the reader.
    with import_guard.guarded(lambda: default_storage.open(path, "rb"), str(job.id)) as opener:
        import_guard.sniff(opener, str(params["format"]))
        counts = services.import_file(
            job.project,
            opener,
            str(params["format"]),
            str(params["name"]),
            str(job.id),
            user,
            mapping=params.get("mapping"),
            progress=progress,
            # A sweep that took this job for dead has failed it: its staged writes must not land.
            may_commit=lambda: Job.objects.filter(id=job.id, state=JobState.RUNNING).exists(),
        )
    progress(1.0, "done")
    return counts


@job_kind("linguistic.link")
def run_link(job: Job, progress: Progress) -> dict[str, Any]:
    user = job.created_by.username if job.created_by else "link"
    progress(0.0, "reading the lexicon")
    result = services.link_glosses(
        user, job.project, relink=bool(job.params.get("relink")), progress=progress
    )
    progress(1.0, "done")
    return asdict(result)


def _media_file(folder: str, name: str) -> tuple[str, Path]:
    """(path relative to MEDIA_ROOT, absolute path); a re-run overwrites its own file."""
    relative = f"{folder}/{name}"
    absolute = Path(settings.MEDIA_ROOT) / relative
    absolute.parent.mkdir(parents=True, exist_ok=True)
    return relative, absolute


@job_kind("linguistic.export")
def run_export(job: Job, progress: Progress) -> dict[str, Any]:
    fmt = str(job.params["format"])
    _, extension = services.EXPORT_TYPES[fmt]
    text = job.params.get("text")
    store = documents.lexicon if fmt in services.LEXICON_FORMATS else documents.utterances
    total = max(store.collection.count_documents({"project": job.project.pk}), 1)
    relative, absolute = _media_file("exports", f"{job.id}.{extension}")
    size = chunks = 0
    progress(0.0, f"exporting {fmt}")
    with absolute.open("w", encoding="utf-8", newline="") as out:
        for chunk in services.export_chunks(job.project, fmt, text):
            size += out.write(chunk)
            chunks += 1
            if chunks % CHUNKS_PER_REPORT == 0:
                # Chunks and documents are not one to one: an estimate, capped below done.
                progress(min(0.95, chunks / total), f"{chunks} chunks written")
    progress(1.0, "done")
    return {"path": relative, "format": fmt, "characters": size}


@job_kind("linguistic.dictionary_pdf")
def run_dictionary_pdf(job: Job, progress: Progress) -> dict[str, Any]:
    progress(0.05, "reading the lexicon")
    entries = services.dictionary_entries(job.project)
    progress(0.3, f"laying out {len(entries)} entries")
    data = dictionary_pdf.render(
        entries, title=job.project.name, subtitle=f"{len(entries)} entries"
    )
    relative, absolute = _media_file("dictionaries", f"{job.id}.pdf")
    absolute.write_bytes(data)
    progress(1.0, "done")
    return {"path": relative, "entries": len(entries), "bytes": len(data)}
