"""Refused and accepted model files: never pickle, no remote code, no escaping paths, a cap."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from mlworkers.core import api
from mlworkers.core.data import Utterance
from mlworkers.core.features import utterance_features
from mlworkers.core.memory import GlossMemory
from mlworkers.core.metrics import blank

CAP = 50 * 1024 * 1024


class Custom:
    """A class of the test module: a type no skops trusted list names."""

    def __init__(self) -> None:
        self.value = 1


def zip_folder(folder: Path, target: Path, prefix: str = "model/") -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, prefix + path.name)
    return target


@pytest.fixture
def hf_classifier(encoder: Path, tmp_path: Path) -> Path:
    """A token-classification model trained elsewhere, saved with safetensors."""
    from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

    folder = tmp_path / "trained"
    config = BertConfig.from_pretrained(str(encoder))
    config.id2label = {0: "cat", 1: "PL", 2: "DEF"}
    config.label2id = {v: k for k, v in config.id2label.items()}
    BertForTokenClassification(config).save_pretrained(str(folder), safe_serialization=True)
    AutoTokenizer.from_pretrained(str(encoder)).save_pretrained(str(folder))
    return folder


def test_an_imported_zip_serves_suggestions(
    hf_classifier: Path, tmp_path: Path, toy_dev: list[Utterance]
) -> None:
    archive = zip_folder(hf_classifier, tmp_path / "m.zip")
    summary = api.import_hf_folder(archive, tmp_path / "imported", max_bytes=CAP)
    assert summary["model_type"] == "bert"
    assert summary["num_labels"] == 3
    assert summary["task"] == "gloss"
    assert "model.safetensors" in summary["files"]
    model = api.load(tmp_path / "imported")
    (pred,) = model.predict(blank(toy_dev[:1], "gloss"), top_k=3)
    labels = pred["words"][0]["morphemes"][0]["labels"]
    assert sorted(item["label"] for item in labels) == ["DEF", "PL", "cat"]
    assert sum(item["p"] for item in labels) == pytest.approx(1.0, abs=1e-4)


def test_an_imported_tar_and_folder_are_accepted(hf_classifier: Path, tmp_path: Path) -> None:
    tar_path = tmp_path / "m.tar.gz"
    with tarfile.open(tar_path, "w:gz") as archive:
        archive.add(hf_classifier, arcname="m")
    assert api.import_hf_folder(tar_path, tmp_path / "a", max_bytes=CAP)["num_labels"] == 3
    assert api.import_hf_folder(hf_classifier, tmp_path / "b", max_bytes=CAP)["num_labels"] == 3


def refused(source: Path, tmp_path: Path, message: str, max_bytes: int = CAP) -> None:
    destination = tmp_path / "dest"
    with pytest.raises(api.ModelFileError, match=message):
        api.import_hf_folder(source, destination, max_bytes=max_bytes)
    assert not destination.exists()


def test_a_pickle_weights_file_is_refused(hf_classifier: Path, tmp_path: Path) -> None:
    (hf_classifier / "pytorch_model.bin").write_bytes(b"\x80\x04pickle")
    refused(
        zip_folder(hf_classifier, tmp_path / "m.zip"), tmp_path, "pytorch_model.bin is a pickle"
    )


@pytest.mark.parametrize("name", ["model.pt", "weights.pkl", "modeling_custom.py"])
def test_other_code_or_pickle_files_are_refused(
    hf_classifier: Path, tmp_path: Path, name: str
) -> None:
    (hf_classifier / name).write_bytes(b"x")
    refused(hf_classifier, tmp_path, f"{name} is a pickle-based or code file")


def test_weights_only_in_pickle_form_are_refused(hf_classifier: Path, tmp_path: Path) -> None:
    (hf_classifier / "model.safetensors").unlink()
    refused(hf_classifier, tmp_path, "no .safetensors weights")


@pytest.mark.parametrize(
    "change",
    [{"auto_map": {"AutoModel": "modeling.Custom"}}, {"trust_remote_code": True}],
)
def test_remote_code_is_refused(
    hf_classifier: Path, tmp_path: Path, change: dict[str, Any]
) -> None:
    config = json.loads((hf_classifier / "config.json").read_text())
    config.update(change)
    (hf_classifier / "config.json").write_text(json.dumps(config))
    refused(hf_classifier, tmp_path, "remote code")


def test_a_zip_with_a_path_outside_its_folder_is_refused(
    hf_classifier: Path, tmp_path: Path
) -> None:
    archive = zip_folder(hf_classifier, tmp_path / "m.zip")
    with zipfile.ZipFile(archive, "a") as z:
        z.writestr("model/../../evil.json", "{}")
    refused(archive, tmp_path, "path outside its folder: 'model/../../evil.json'")
    assert not (tmp_path / "evil.json").exists()


def test_a_tar_with_an_absolute_path_or_a_link_is_refused(tmp_path: Path) -> None:
    tar_path = tmp_path / "m.tar"
    with tarfile.open(tar_path, "w") as archive:
        info = tarfile.TarInfo("/etc/config.json")
        info.size = 2
        archive.addfile(info, io.BytesIO(b"{}"))
    refused(tar_path, tmp_path, "path outside its folder")
    with tarfile.open(tar_path, "w") as archive:
        link = tarfile.TarInfo("m/config.json")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        archive.addfile(link)
    refused(tar_path, tmp_path, "holds a link or device")


def test_a_model_over_the_cap_is_refused(hf_classifier: Path, tmp_path: Path) -> None:
    archive = zip_folder(hf_classifier, tmp_path / "m.zip")
    size = sum(p.stat().st_size for p in hf_classifier.iterdir())
    refused(archive, tmp_path, f"larger than the {size - 1} byte limit", max_bytes=size - 1)
    refused(hf_classifier, tmp_path, "larger than the 1000 byte limit", max_bytes=1000)


def test_a_model_without_tokenizer_is_refused(hf_classifier: Path, tmp_path: Path) -> None:
    for name in ("tokenizer.json", "vocab.txt"):
        (hf_classifier / name).unlink()
    refused(hf_classifier, tmp_path, "no tokenizer files")


def test_neither_archive_nor_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.bin").write_bytes(b"\x80\x04junk")
    refused(tmp_path / "x.bin", tmp_path, "neither a zip nor a tar")


def test_a_saved_model_with_a_pickle_in_its_manifest_is_refused(
    toy_train: list[Utterance], tmp_path: Path
) -> None:
    model = api.train(
        "gloss", "memory", toy_train, {}, progress=lambda _p: None, should_stop=lambda: False
    )
    model.save(tmp_path / "m")
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    manifest["files"]["memory"] = "memory.pkl"
    (tmp_path / "m" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(api.ModelFileError, match=r"memory\.pkl is a pickle-based file"):
        api.load(tmp_path / "m")
    manifest["files"]["memory"] = "../elsewhere.json"
    (tmp_path / "m" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(api.ModelFileError, match="outside the model folder"):
        api.load(tmp_path / "m")
    manifest["format_version"] = 99
    (tmp_path / "m" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(api.ModelFileError, match="model format version 99 is not supported"):
        api.load(tmp_path / "m")
    shutil.rmtree(tmp_path / "m")
    with pytest.raises(api.ModelFileError, match=r"lacks manifest\.json"):
        api.load(tmp_path / "m")


def sklearn_pipeline(toy_train: list[Utterance]) -> Any:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    memory = GlossMemory()
    xs: list[dict[str, float | str]] = []
    ys: list[str] = []
    for u in toy_train[:20]:
        xs.extend(utterance_features(u, memory, True))
        ys.extend(m.gloss for w in u.words for m in w.morphemes)
    return make_pipeline(DictVectorizer(), LogisticRegression(max_iter=200)).fit(xs, ys)


def test_a_skops_file_of_trusted_types_loads_and_round_trips(
    toy_train: list[Utterance], toy_dev: list[Utterance], tmp_path: Path
) -> None:
    import skops.io as sio

    sio.dump(sklearn_pipeline(toy_train), str(tmp_path / "p.skops"))
    model = api.load_skops_file(tmp_path / "p.skops")
    assert (model.task, model.kind) == ("gloss", "sklearn")
    assert api.evaluate(model, toy_dev)["word_accuracy"] == 1.0
    given = blank(toy_dev, "gloss")
    model.save(tmp_path / "saved")
    assert api.load(tmp_path / "saved").predict(given) == model.predict(given)


def test_a_skops_file_with_an_untrusted_type_is_refused(
    toy_train: list[Utterance], tmp_path: Path
) -> None:
    import skops.io as sio

    sio.dump(
        {"task": "gloss", "estimator": sklearn_pipeline(toy_train), "x": Custom()},
        str(tmp_path / "p.skops"),
    )
    with pytest.raises(
        api.ModelFileError,
        match=r"does not trust: tests\.mlworkers\.core\.test_artifacts\.Custom; save",
    ):
        api.load_skops_file(tmp_path / "p.skops")


def test_a_pickle_posing_as_skops_is_refused(tmp_path: Path) -> None:
    (tmp_path / "p.skops").write_bytes(b"\x80\x04\x95pickle")
    with pytest.raises(api.ModelFileError, match="is not a readable skops file"):
        api.load_skops_file(tmp_path / "p.skops")
