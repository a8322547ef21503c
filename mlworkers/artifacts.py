"""Model folders in Django storage: written file by file under a fresh prefix, read back into a
local folder for loading (the storage's own path where it is on disk)."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage


def new_prefix(project_slug: str, task: str) -> str:
    return f"models/{project_slug}/{task}/{uuid.uuid4().hex}/"


def store_folder(folder: Path, prefix: str) -> list[str]:
    """Copy every file of ``folder`` under ``prefix``; returns the relative names. Files with
    the same name are never overwritten, since the prefix is new."""
    names: list[str] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        with path.open("rb") as handle:
            saved = default_storage.save(prefix + relative, File(handle))
        if saved != prefix + relative:  # the storage renamed it: the folder would not load
            default_storage.delete(saved)
            raise OSError(f"storage renamed {relative} to {saved}")
        names.append(relative)
    return names


def delete_folder(prefix: str, names: list[str]) -> None:
    for name in names:
        if default_storage.exists(prefix + name):
            default_storage.delete(prefix + name)


def _cache_root() -> Path:
    root = Path(getattr(settings, "FIELDMARK_MODEL_CACHE", "") or tempfile.gettempdir())
    return root / "fieldmark-models"


def local_folder(prefix: str, names: list[str]) -> Path:
    """A local folder holding the artifact: storage's own path on a file system, else a copy
    in a cache keyed by the prefix (immutable, so a cached copy never goes stale)."""
    try:
        return Path(default_storage.path(prefix.rstrip("/")))
    except NotImplementedError:
        pass
    target = _cache_root() / hashlib.sha256(prefix.encode()).hexdigest()[:24]
    if (target / ".complete").exists():
        return target
    partial = target.with_name(target.name + f".{uuid.uuid4().hex[:6]}")
    for name in names:
        destination = partial / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(prefix + name, "rb") as source, destination.open("wb") as out:
            shutil.copyfileobj(source, out)
    (partial / ".complete").touch()
    try:
        partial.rename(target)
    except OSError:  # another process finished first
        shutil.rmtree(partial, ignore_errors=True)
    return target
