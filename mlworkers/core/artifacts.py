"""Model files: a manifest.json beside JSON, safetensors or skops files; never pickle.

``load`` reads only these formats. Imports from outside (a Hugging Face folder as zip/tar/folder,
a skops file) are validated here before anything else opens them.
"""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from mlworkers.core.types import ModelFileError

FORMAT = "fieldmark-model"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

# What a Hugging Face folder may hold: configuration, safetensors weights, tokenizer files.
HF_ALLOWED_SUFFIXES = (".json", ".safetensors", ".txt", ".model", ".md")
HF_REFUSED_SUFFIXES = (
    ".bin",
    ".pt",
    ".pth",
    ".pkl",
    ".pickle",
    ".ckpt",
    ".h5",
    ".msgpack",
    ".py",
    ".joblib",
    ".npy",
    ".npz",
)


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelFileError(f"the model folder lacks {path.name}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{path.name} is not valid JSON: {exc}") from exc


def write_manifest(
    directory: Path, task: str, kind: str, params: Mapping[str, Any], files: Mapping[str, str]
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    write_json(
        directory / MANIFEST,
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "task": task,
            "kind": kind,
            "params": dict(params),
            "files": dict(files),
        },
    )


def read_manifest(directory: Path) -> dict[str, Any]:
    manifest = read_json(directory / MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelFileError(f"{MANIFEST} is not a Fieldmark model manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            f"model format version {manifest.get('format_version')!r} is not supported "
            f"(this Fieldmark reads version {FORMAT_VERSION}); retrain the model"
        )
    for key in ("task", "kind"):
        if not isinstance(manifest.get(key), str):
            raise ModelFileError(f"{MANIFEST} lacks {key!r}")
    if not isinstance(manifest.get("params"), dict) or not isinstance(manifest.get("files"), dict):
        raise ModelFileError(f"{MANIFEST} lacks 'params' or 'files'")
    for name in manifest["files"].values():
        if not isinstance(name, str) or not _inside(PurePosixPath(name)):
            raise ModelFileError(f"{MANIFEST} names a file outside the model folder: {name!r}")
        if name.endswith(HF_REFUSED_SUFFIXES):
            raise ModelFileError(f"{name} is a pickle-based file; Fieldmark never loads those")
    return manifest


def _inside(path: PurePosixPath) -> bool:
    return not path.is_absolute() and ".." not in path.parts and "\\" not in str(path)


# --- skops ---------------------------------------------------------------------------------

# The only types a skops file may contain beyond skops' own defaults (numpy and scipy containers
# and scikit-learn estimators it audits): what Fieldmark's scikit-learn pipelines are built from.
SKOPS_TRUSTED = (
    "sklearn.feature_extraction._dict_vectorizer.DictVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.linear_model._stochastic_gradient.SGDClassifier",
    "sklearn.naive_bayes.MultinomialNB",
    "sklearn.naive_bayes.ComplementNB",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._label.LabelEncoder",
    "sklearn.svm._classes.LinearSVC",
    "sklearn.tree._classes.DecisionTreeClassifier",
    "sklearn.tree._tree.Tree",
    "sklearn.ensemble._forest.RandomForestClassifier",
    "numpy.dtype",
    "numpy.ndarray",
    "numpy.float64",
    "numpy.int64",
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.str",
    "builtins.int",
    "builtins.float",
    "builtins.bool",
    "builtins.NoneType",
    "collections.OrderedDict",
    "scipy.sparse._csr.csr_matrix",
)


def skops_load(path: Path) -> Any:
    """Load a skops file after checking every type it names against ``SKOPS_TRUSTED``."""
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=str(path))
    except Exception as exc:  # skops raises several kinds for a file that is not a skops zip
        raise ModelFileError(f"{path.name} is not a readable skops file: {exc}") from exc
    refused = sorted(t for t in untrusted if t not in SKOPS_TRUSTED)
    if refused:
        raise ModelFileError(
            f"{path.name} contains types Fieldmark does not trust: {', '.join(refused)}; "
            "save a pipeline of scikit-learn estimators over feature dictionaries"
        )
    try:
        return sio.load(str(path), trusted=[t for t in untrusted if t in SKOPS_TRUSTED])
    except Exception as exc:
        raise ModelFileError(f"{path.name} could not be loaded: {exc}") from exc


def skops_dump(obj: Any, path: Path) -> None:
    import skops.io as sio

    sio.dump(obj, str(path))


# --- Hugging Face folders ------------------------------------------------------------------


def _check_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name.replace("\\", "/"))
    if not _inside(path) or name.startswith("/"):
        raise ModelFileError(f"the archive has a path outside its folder: {name!r}")
    return path


def _extract(source: Path, target: Path, max_bytes: int) -> None:
    """Unpack a zip or tar into ``target`` after checking every member's path and the total size."""
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
            total = 0
            for info in infos:
                _check_member(info.filename)
                total += info.file_size
                if total > max_bytes:
                    raise ModelFileError(f"the model is larger than the {max_bytes} byte limit")
            for info in infos:
                if info.is_dir():
                    continue
                dest = target / _check_member(info.filename)
                dest.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as src, dest.open("wb") as out:
                    shutil.copyfileobj(src, out)
        return
    if tarfile.is_tarfile(source):
        with tarfile.open(source) as archive:
            members = archive.getmembers()
            total = 0
            for member in members:
                _check_member(member.name)
                if not (member.isfile() or member.isdir()):
                    raise ModelFileError(f"the archive holds a link or device: {member.name!r}")
                total += member.size
                if total > max_bytes:
                    raise ModelFileError(f"the model is larger than the {max_bytes} byte limit")
            for member in members:
                if not member.isfile():
                    continue
                dest = target / _check_member(member.name)
                dest.parent.mkdir(parents=True, exist_ok=True)
                extracted = archive.extractfile(member)
                if extracted is None:
                    continue
                with extracted, dest.open("wb") as out:
                    shutil.copyfileobj(extracted, out)
        return
    raise ModelFileError("the upload is neither a zip nor a tar archive nor a folder")


def _model_root(folder: Path) -> Path:
    """The folder holding config.json: the top, or its single subfolder (zips of a folder)."""
    if (folder / "config.json").is_file():
        return folder
    subdirs = [p for p in folder.iterdir() if p.is_dir()]
    if len(subdirs) == 1 and (subdirs[0] / "config.json").is_file():
        return subdirs[0]
    raise ModelFileError("the model has no config.json")


def validate_hf_folder(root: Path, max_bytes: int) -> dict[str, Any]:
    total = 0
    files = [p for p in root.rglob("*") if not p.is_dir()]
    for path in files:
        if path.is_symlink():
            raise ModelFileError(f"{path.name} is a link; copy the file itself")
        name = path.name.lower()
        if name.endswith(HF_REFUSED_SUFFIXES):
            raise ModelFileError(
                f"{path.relative_to(root)} is a pickle-based or code file; "
                "save the model with save_pretrained(safe_serialization=True)"
            )
        if not name.endswith(HF_ALLOWED_SUFFIXES):
            raise ModelFileError(
                f"{path.relative_to(root)} is not a config, safetensors or tokenizer file"
            )
        total += path.stat().st_size
        if total > max_bytes:
            raise ModelFileError(f"the model is larger than the {max_bytes} byte limit")
    if not any(p.name.endswith(".safetensors") for p in files):
        raise ModelFileError("the model has no .safetensors weights")
    config = read_json(root / "config.json")
    if not isinstance(config, dict):
        raise ModelFileError("config.json is not an object")
    if config.get("trust_remote_code") or "auto_map" in config:
        raise ModelFileError(
            "the model needs remote code (auto_map/trust_remote_code); Fieldmark runs none"
        )
    for other in root.glob("*.json"):
        data = read_json(other)
        if isinstance(data, dict) and ("auto_map" in data or data.get("trust_remote_code")):
            raise ModelFileError(
                f"{other.name} asks for remote code (auto_map); Fieldmark runs none"
            )
    labels = config.get("id2label")
    return {
        "model_type": config.get("model_type"),
        "architectures": config.get("architectures") or [],
        "num_labels": len(labels) if isinstance(labels, dict) else None,
        "hidden_size": config.get("hidden_size"),
        "num_hidden_layers": config.get("num_hidden_layers"),
        "vocab_size": config.get("vocab_size"),
        "bytes": total,
        "files": sorted(str(p.relative_to(root)) for p in files),
        "fieldmark": (root / MANIFEST).is_file(),
    }


def import_hf_folder(source: Path, destination: Path, *, max_bytes: int) -> dict[str, Any]:
    """Validate a Hugging Face model (zip, tar or folder) and copy it to ``destination``."""
    if destination.exists() and any(destination.iterdir()):
        raise ModelFileError(f"{destination} is not empty")
    with tempfile.TemporaryDirectory(prefix="fieldmark-import-") as tmp:
        staging = Path(tmp) / "model"
        staging.mkdir()
        if source.is_dir():
            for path in source.rglob("*"):
                if path.is_symlink():
                    raise ModelFileError(f"{path.name} is a link; copy the file itself")
            shutil.copytree(source, staging, dirs_exist_ok=True)
        elif source.is_file():
            if source.stat().st_size > max_bytes:
                raise ModelFileError(f"the model is larger than the {max_bytes} byte limit")
            _extract(source, staging, max_bytes)
        else:
            raise ModelFileError(f"{source} does not exist")
        root = _model_root(staging)
        summary = validate_hf_folder(root, max_bytes)
        names = {p.name for p in root.iterdir()}
        if not names & {"tokenizer.json", "vocab.txt"} and not any(
            n.endswith(".model") for n in names
        ):
            raise ModelFileError("the model has no tokenizer files (tokenizer.json or vocab.txt)")
        config = read_json(root / "config.json")
        task = config.get("fieldmark_task", "gloss")
        if task not in ("gloss", "pos"):
            raise ModelFileError(f"config.json names fieldmark_task {task!r}; use gloss or pos")
        destination.mkdir(parents=True, exist_ok=True)
        # The same layout as a model Fieldmark trained: load(destination) serves it.
        shutil.copytree(root, destination / "hf", dirs_exist_ok=True)
        write_manifest(destination, task, "transformer", {}, {"model": "hf"})
        summary["task"] = task
    return summary
