"""Token classification over morphs with a transformers encoder from a local folder.

The encoder is named by a folder (an imported Hugging Face model, or one the user put on the
worker) holding config, safetensors weights and tokenizer files; it is validated like an import
and loaded with ``local_files_only`` and no remote code, so nothing is ever downloaded or run from
the folder. Each morph (a word when unsegmented) is one "word" of the tokenizer; its label is
read at its first sub-token. On CUDA the forward passes run under bf16 (fp16 where bf16 is not
supported) autocast, and prediction is batched.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mlworkers.core import artifacts
from mlworkers.core.data import Utterance
from mlworkers.core.features import word_units
from mlworkers.core.types import (
    Label,
    ModelFileError,
    MorphPrediction,
    Reporter,
    UtterancePrediction,
    WordPrediction,
    confidence,
)

HF_DIR = "hf"
MAX_ENCODER_BYTES = 4 * 1024**3
IGNORE = -100


def _units(utterance: Utterance) -> list[str]:
    return [form for w in utterance.words for _, form in word_units(w)]


def _gold(utterance: Utterance, field: str) -> list[str]:
    out: list[str] = []
    for w in utterance.words:
        if w.morphemes:
            out.extend(m.gloss if field == "gloss" else m.pos for m in w.morphemes)
        else:
            out.append(w.gloss if field == "gloss" else w.pos)
    return out


def _autocast(device: str) -> Any:
    import contextlib

    import torch

    if device.startswith("cuda"):
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.autocast(device_type="cuda", dtype=dtype)
    return contextlib.nullcontext()


def _load_pretrained(folder: Path, **kwargs: Any) -> tuple[Any, Any]:
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    artifacts.validate_hf_folder(folder, MAX_ENCODER_BYTES)
    try:
        tokenizer = AutoTokenizer.from_pretrained(  # type: ignore[no-untyped-call]
            str(folder), local_files_only=True, trust_remote_code=False
        )
        model = AutoModelForTokenClassification.from_pretrained(
            str(folder),
            local_files_only=True,
            trust_remote_code=False,
            use_safetensors=True,
            **kwargs,
        )
    except (OSError, ValueError, KeyError) as exc:
        raise ModelFileError(f"the encoder in {folder.name} could not be loaded: {exc}") from exc
    if not getattr(tokenizer, "is_fast", False):
        raise ModelFileError("the encoder needs a fast tokenizer (tokenizer.json or vocab.txt)")
    return tokenizer, model


class TransformerModel:
    kind = "transformer"

    def __init__(
        self, task: str, params: Mapping[str, Any], tokenizer: Any, model: Any, device: str
    ) -> None:
        self.task = task
        self.params = dict(params)
        self.tokenizer = tokenizer
        self.model = model
        self.device = device
        self.labels: list[str] = [
            model.config.id2label[i] for i in range(int(model.config.num_labels))
        ]

    @property
    def field(self) -> str:
        return "pos" if self.task == "pos" else "gloss"

    def _encode(self, batch: Sequence[list[str]]) -> tuple[Any, list[list[int | None]]]:
        enc = self.tokenizer(
            [list(units) for units in batch],
            is_split_into_words=True,
            truncation=True,
            max_length=int(self.params.get("max_length", 256)),
            padding=True,
            return_tensors="pt",
        )
        word_ids = [enc.word_ids(i) for i in range(len(batch))]
        return enc, word_ids

    @classmethod
    def train(
        cls,
        task: str,
        train: Sequence[Utterance],
        params: Mapping[str, Any],
        reporter: Reporter,
        *,
        device: str = "cpu",
    ) -> TransformerModel:
        import torch

        if not params["encoder"]:
            raise ValueError("encoder: name a local folder holding an encoder to fine-tune")
        folder = Path(params["encoder"])
        if not (folder / "config.json").is_file():
            raise ValueError(f"encoder: {folder} holds no config.json")
        field = "pos" if task == "pos" else "gloss"
        random.seed(int(params["seed"]))
        torch.manual_seed(int(params["seed"]))
        data = [(_units(u), _gold(u, field)) for u in train if _units(u)]
        label_set = sorted({g for _, gold in data for g in gold if g})
        if not label_set:
            raise ValueError(f"train: no {field} labels to learn")
        id2label = dict(enumerate(label_set))
        label2id = {v: k for k, v in id2label.items()}
        tokenizer, model = _load_pretrained(
            folder,
            num_labels=len(label_set),
            id2label=id2label,
            label2id=label2id,
            ignore_mismatched_sizes=True,
        )
        self = cls(task, params, tokenizer, model, device)
        model.to(device)
        optimizer = torch.optim.AdamW(
            model.parameters(),
            lr=float(params["learning_rate"]),
            weight_decay=float(params["weight_decay"]),
        )
        use_scaler = device.startswith("cuda") and not torch.cuda.is_bf16_supported()
        scaler = torch.amp.GradScaler("cuda") if use_scaler else None
        batch_size = int(params["batch_size"])
        epochs = int(params["epochs"])
        steps_per_epoch = math.ceil(len(data) / batch_size)
        total = max(1, epochs * steps_per_epoch)
        step = 0
        model.train()
        for epoch in range(epochs):
            order = list(range(len(data)))
            random.shuffle(order)
            for start in range(0, len(order), batch_size):
                reporter.check()
                batch = [data[i] for i in order[start : start + batch_size]]
                enc, word_ids = self._encode([units for units, _ in batch])
                targets = torch.full(enc["input_ids"].shape, IGNORE, dtype=torch.long)
                for row, ((_, gold), ids) in enumerate(zip(batch, word_ids, strict=True)):
                    previous = None
                    for col, wid in enumerate(ids):
                        if wid is not None and wid != previous and gold[wid]:
                            targets[row, col] = label2id[gold[wid]]
                        previous = wid
                inputs = {k: v.to(device) for k, v in enc.items()}
                with _autocast(device):
                    out = model(**inputs, labels=targets.to(device))
                optimizer.zero_grad()
                if scaler is not None:
                    scaler.scale(out.loss).backward()
                    scaler.step(optimizer)
                    scaler.update()
                else:
                    out.loss.backward()
                    optimizer.step()
                step += 1
                reporter.step(
                    step / total,
                    f"epoch {epoch + 1}/{epochs}",
                    step=step,
                    epoch=epoch + 1,
                    loss=float(out.loss.detach().float().cpu()),
                )
        model.eval()
        return self

    def predict(self, utterances: Sequence[Utterance], top_k: int = 3) -> list[UtterancePrediction]:
        import torch

        batch_size = max(1, int(self.params.get("batch_size", 16)))
        ranked_all: list[list[list[Label]]] = []
        self.model.eval()
        for start in range(0, len(utterances), batch_size):
            batch = [_units(u) for u in utterances[start : start + batch_size]]
            ranked_batch: list[list[list[Label]]] = [[[] for _ in units] for units in batch]
            nonempty = [i for i, units in enumerate(batch) if units]
            if nonempty:
                enc, word_ids = self._encode([batch[i] for i in nonempty])
                inputs = {k: v.to(self.device) for k, v in enc.items()}
                with torch.no_grad(), _autocast(self.device):
                    logits = self.model(**inputs).logits
                probs = torch.softmax(logits.float(), dim=-1)
                k = min(top_k, probs.shape[-1])
                top = probs.topk(k, dim=-1)
                top_p = top.values.cpu().tolist()
                top_i = top.indices.cpu().tolist()
                for row, i in enumerate(nonempty):
                    previous = None
                    for col, wid in enumerate(word_ids[row]):
                        if wid is not None and wid != previous:
                            ranked_batch[i][wid] = [
                                {"label": self.labels[j], "p": float(p)}
                                for j, p in zip(top_i[row][col], top_p[row][col], strict=True)
                            ]
                        previous = wid
            ranked_all.extend(ranked_batch)
        out: list[UtterancePrediction] = []
        for u, ranked in zip(utterances, ranked_all, strict=True):
            k = 0
            words: list[WordPrediction] = []
            tops: list[float] = []
            for wi, w in enumerate(u.words):
                per_unit: list[list[Label]] = []
                for _, form in word_units(w):
                    # A unit cut off by max_length gets its form copied, with no confidence.
                    labels = ranked[k] or [{"label": form, "p": 0.0}]
                    per_unit.append(labels)
                    tops.append(labels[0]["p"])
                    k += 1
                if w.morphemes:
                    morphs: list[MorphPrediction] = [
                        {"index": i, "form": m.form, "labels": labels}
                        for i, (m, labels) in enumerate(zip(w.morphemes, per_unit, strict=True))
                    ]
                    words.append(
                        {
                            "index": wi,
                            "form": w.form,
                            "labels": [],
                            "morphemes": morphs,
                            "segmentations": [],
                        }
                    )
                else:
                    words.append(
                        {
                            "index": wi,
                            "form": w.form,
                            "labels": per_unit[0],
                            "morphemes": [],
                            "segmentations": [],
                        }
                    )
            out.append({"id": u.id, "words": words, "confidence": confidence(tops)})
        return out

    def save(self, directory: Path) -> None:
        hf = directory / HF_DIR
        hf.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(str(hf), safe_serialization=True)
        self.tokenizer.save_pretrained(str(hf))
        params = {k: v for k, v in self.params.items() if k != "encoder"}
        artifacts.write_manifest(directory, self.task, self.kind, params, {"model": HF_DIR})

    @classmethod
    def load(
        cls, directory: Path, manifest: Mapping[str, Any], device: str | None = None
    ) -> TransformerModel:
        from mlworkers.device import best_device

        device = device or best_device()
        tokenizer, model = _load_pretrained(directory / HF_DIR)
        model.to(device)
        model.eval()
        params = {"batch_size": 16, "max_length": 256, **manifest["params"]}
        return cls(str(manifest["task"]), params, tokenizer, model, device)
