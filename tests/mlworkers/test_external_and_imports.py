"""External Label Studio ML backends (a tiny local HTTP server stands in for the remote one:
the only thing mocked) and model imports: refusals are 400s naming ``file`` with nothing
registered."""

from __future__ import annotations

import io
import json
import tarfile
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mlworkers.models import ModelVersion
from tests.mlworkers.conftest import BASE

pytestmark = pytest.mark.django_db


class Backend(BaseHTTPRequestHandler):
    mode = "good"
    seen: list[tuple[str, Any]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, body: Any, status: int = 200) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:
        self.seen.append(("GET " + self.path, self.headers.get("Authorization")))
        if self.mode == "slow":
            time.sleep(1.5)
        if self.mode == "nonsense":
            self._send(b"<html>hello</html>")
            return
        self._send({"status": "UP", "model_class": "GlossBackend"})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append(("POST " + self.path, body))
        if self.path == "/setup":
            self._send({"model_version": "gb-1"})
            return
        if self.mode == "bad-predict":
            self._send({"results": "nope"})
            return
        results = []
        for task in body["tasks"]:
            items = [
                {"from_name": "gloss", "to_name": "text", "type": "choices",
                 "value": {"choices": [m.upper()]}, "score": 0.8,
                 "meta": {"word": w, "morpheme": i}}
                for w, word in enumerate(task["data"]["words"])
                for i, m in enumerate(word["morphemes"])
            ]  # fmt: skip
            results.append({"result": items, "score": 0.8, "model_version": "gb-1"})
        self._send({"results": results})


@pytest.fixture
def backend() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Backend.mode, Backend.seen = "good", []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def register(client: Any, url: str, **extra: Any) -> Any:
    return client.post(
        f"{BASE}/models/versions/external/",
        {"task": "gloss", "url": url, "token": "s3cret", "timeout": 0.5, **extra},
        format="json",
    )


def test_an_external_backend_is_registered_and_serves_suggestions(
    team: Any, mongo_db: Any, as_user: Any, backend: str
) -> None:
    response = register(as_user(team.manager), backend)

    assert response.status_code == 201, response.content
    version = response.json()
    assert (version["kind"], version["source"], version["number"]) == ("external", "external", 1)
    assert Backend.seen[0] == ("GET /health", "Token s3cret")
    assert Backend.seen[1][0] == "POST /setup"
    as_user(team.manager).post(f"{BASE}/models/versions/{version['id']}/activate/")

    served = as_user(team.annotator).post(
        f"{BASE}/suggestions/", {"task": "gloss", "morphemes": ["x", "tok"]}, format="json"
    )

    assert served.status_code == 200, served.content
    morphemes = served.json()["prediction"]["words"][0]["morphemes"]
    assert [(m["form"], m["labels"]) for m in morphemes] == [
        ("x", [{"label": "X", "p": 0.8}]),
        ("tok", [{"label": "TOK", "p": 0.8}]),
    ]
    assert Backend.seen[-1][1]["tasks"][0]["data"]["words"] == [
        {"form": "xtok", "morphemes": ["x", "tok"]}
    ]


@pytest.mark.parametrize(
    ("mode", "detail"),
    [
        ("slow", "/health did not answer within 0.5 s."),
        ("nonsense", "/health did not answer JSON."),
    ],
)
def test_an_external_backend_that_times_out_or_talks_nonsense_is_refused(
    team: Any, mongo_db: Any, as_user: Any, backend: str, mode: str, detail: str
) -> None:
    Backend.mode = mode

    response = register(as_user(team.manager), backend)

    assert response.status_code == 400, response.content
    assert response.json()["error"] == "external_model_unusable"
    assert response.json()["fields"] == {"url": [detail]}
    assert ModelVersion.objects.count() == 0


def test_an_external_backend_answering_nonsense_later_is_a_clear_424(
    team: Any, mongo_db: Any, as_user: Any, backend: str
) -> None:
    version = register(as_user(team.manager), backend).json()
    as_user(team.manager).post(f"{BASE}/models/versions/{version['id']}/activate/")
    Backend.mode = "bad-predict"

    served = as_user(team.annotator).post(
        f"{BASE}/suggestions/", {"task": "gloss", "morphemes": ["x"]}, format="json"
    )

    assert served.status_code == 424
    assert served.json()["error"] == "external_model_error"
    assert served.json()["detail"] == "/predict answered str instead of one result per task."


def test_a_non_http_url_is_refused(team: Any, as_user: Any) -> None:
    response = register(as_user(team.manager), "ftp://example.org/model")

    assert response.status_code == 400
    assert "url" in response.json()["fields"]
    assert ModelVersion.objects.count() == 0


# --- imports -------------------------------------------------------------------------------------

CONFIG = {"model_type": "bert", "hidden_size": 8, "num_hidden_layers": 1,
          "id2label": {"0": "COM", "1": "E3S"}}  # fmt: skip


def zipped(files: dict[str, bytes], name: str = "model.zip") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def tarred(files: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return SimpleUploadedFile("model.tar.gz", buffer.getvalue(), content_type="application/gzip")


def safetensors_bytes() -> bytes:
    import torch
    from safetensors.torch import save

    return save({"weight": torch.zeros(2, 2)})


@pytest.mark.parametrize(
    ("upload", "detail"),
    [
        (
            lambda: zipped(
                {
                    "m/config.json": json.dumps(CONFIG).encode(),
                    "m/pytorch_model.bin": b"\x80\x04pickle",
                }
            ),
            "pytorch_model.bin is a pickle-based or code file; "
            "save the model with save_pretrained(safe_serialization=True)",
        ),
        (
            lambda: zipped({"m/config.json": json.dumps(CONFIG).encode()}),
            "the model has no .safetensors weights",
        ),
        (
            lambda: zipped(
                {
                    "m/config.json": json.dumps({**CONFIG, "auto_map": {"x": "y"}}).encode(),
                    "m/model.safetensors": safetensors_bytes(),
                }
            ),
            "the model needs remote code (auto_map/trust_remote_code); Fieldmark runs none",
        ),
        (
            lambda: zipped({"../evil/config.json": b"{}", "model.safetensors": b"x"}),
            "the archive has a path outside its folder: '../evil/config.json'",
        ),
        (
            lambda: tarred({"/etc/config.json": b"{}"}),
            "the archive has a path outside its folder: '/etc/config.json'",
        ),
        (
            lambda: SimpleUploadedFile("notes.txt", b"just text"),
            "the upload is neither a zip nor a tar archive nor a folder",
        ),
    ],
    ids=["pickle", "no-safetensors", "remote-code", "zip-slip", "tar-absolute", "not-archive"],
)
def test_refused_model_archives_are_400_naming_file(
    team: Any, mongo_db: Any, as_user: Any, upload: Any, detail: str
) -> None:
    response = as_user(team.manager).post(
        f"{BASE}/models/versions/import/",
        {"task": "gloss", "kind": "transformer", "file": upload()},
        format="multipart",
    )

    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid_model_file"
    assert response.json()["fields"] == {"file": [detail]}
    assert ModelVersion.objects.count() == 0


def test_an_import_over_the_size_cap_is_413(
    team: Any, mongo_db: Any, as_user: Any, settings: Any, monkeypatch: Any
) -> None:
    from mlworkers import registry

    monkeypatch.setattr(registry, "MAX_IMPORT_BYTES", 1000)
    big = zipped({"m/config.json": json.dumps(CONFIG).encode(), "m/model.safetensors": b"0" * 5000})

    response = as_user(team.manager).post(
        f"{BASE}/models/versions/import/",
        {"task": "gloss", "kind": "transformer", "file": big},
        format="multipart",
    )

    assert response.status_code == 413
    assert response.json()["error"] == "file_too_large"
    assert ModelVersion.objects.count() == 0


def test_an_annotator_cannot_import(team: Any, as_user: Any) -> None:
    response = as_user(team.annotator).post(
        f"{BASE}/models/versions/import/",
        {"task": "gloss", "kind": "transformer", "file": zipped({"a": b"b"})},
        format="multipart",
    )

    assert response.status_code == 403 and ModelVersion.objects.count() == 0


def tiny_hf_folder(folder: Any, labels: list[str]) -> None:
    """A tiny BERT token classifier built from a config (random weights), saved with
    safetensors and a fast tokenizer: what a team would bring from elsewhere, only smaller."""
    from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "x", "tok", "r", "ja", "ixoq"]
    folder.mkdir()
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt")).save_pretrained(str(folder))
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=64,
        id2label=dict(enumerate(labels)), label2id={label: i for i, label in enumerate(labels)},
    )  # fmt: skip
    BertForTokenClassification(config).save_pretrained(str(folder), safe_serialization=True)


def zip_folder(folder: Any, extra: dict[str, bytes] | None = None) -> SimpleUploadedFile:
    files = {f"model/{p.name}": p.read_bytes() for p in folder.iterdir() if p.is_file()}
    return zipped({**files, **(extra or {})})


def test_an_imported_hugging_face_folder_serves_suggestions(
    team: Any, mongo_db: Any, as_user: Any, tmp_path: Any
) -> None:
    labels = ["COM", "look.for", "E3S", "house"]
    tiny_hf_folder(tmp_path / "tiny", labels)
    manager = as_user(team.manager)

    response = manager.post(
        f"{BASE}/models/versions/import/",
        {"task": "gloss", "kind": "transformer", "file": zip_folder(tmp_path / "tiny")},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    version = response.json()
    assert (version["source"], version["kind"], version["number"]) == ("imported", "transformer", 1)
    stored = ModelVersion.objects.get()
    assert stored.summary["format"] == "huggingface"
    assert "model.safetensors" in stored.summary["config"]["files"]
    manager.post(f"{BASE}/models/versions/{stored.pk}/activate/")

    served = as_user(team.annotator).post(
        f"{BASE}/suggestions/",
        {"task": "gloss", "morphemes": ["x", "tok"], "top_k": 2},
        format="json",
    )

    assert served.status_code == 200, served.content
    body = served.json()
    assert body["version"] == {"id": stored.pk, "number": 1, "kind": "transformer",
                               "task": "gloss", "status": "active"}  # fmt: skip
    morphemes = body["prediction"]["words"][0]["morphemes"]
    assert [m["form"] for m in morphemes] == ["x", "tok"]
    for m in morphemes:
        assert len(m["labels"]) == 2
        assert {label["label"] for label in m["labels"]} <= set(labels)
        assert all(0.0 < label["p"] <= 1.0 for label in m["labels"])


def test_the_same_folder_with_a_pickle_beside_it_is_refused(
    team: Any, mongo_db: Any, as_user: Any, tmp_path: Any
) -> None:
    tiny_hf_folder(tmp_path / "tiny", ["COM", "E3S"])
    upload = zip_folder(tmp_path / "tiny", {"model/training_args.bin": b"\x80\x04pickle"})

    response = as_user(team.manager).post(
        f"{BASE}/models/versions/import/",
        {"task": "gloss", "kind": "transformer", "file": upload},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["fields"]["file"][0].startswith("training_args.bin is a pickle-based")
    assert ModelVersion.objects.count() == 0
