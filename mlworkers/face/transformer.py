"""The optional image-model backend: a transformers vision encoder fine-tuned on aligned crops.

:class:`ImageBackend` is what the face models need from such a model: fit on aligned face crops
with frame labels, predict the same outputs as the scikit-learn heads, save and load a folder.
:class:`VisionTransformerBackend` implements it for any ``transformers`` image encoder (ViT,
Swin, a checkpoint the user imports; tests build a tiny ViT from a config) with one linear
multi-task head: AU occurrence logits, AU intensities, emotion logits, valence and arousal. The
multi-task face transformers (FaceXFormer, SwinFace, Faceptor) fit the same interface: an
encoder with task heads over a face crop.

On a GPU it runs in bf16 autocast where the card has it (fp16 with loss scaling elsewhere); a
CUDA out-of-memory error halves the batch and retries, down to one crop, so a smaller card codes
the video more slowly instead of failing (the halvings are kept in ``retries`` for the job's
report).

:func:`build_backend` makes one from a training run's parameters: an encoder folder (an imported
checkpoint, read with ``local_files_only``), a config (``{"model_type": "vit", ...}``, which is
how the tests build a tiny one), or by default :data:`DEFAULT_CONFIG`, a ViT-Tiny-sized encoder
for 112x112 crops trained from scratch.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np
import numpy.typing as npt
import torch
from safetensors.torch import load_file, save_file
from transformers import AutoConfig, AutoModel, PretrainedConfig, PreTrainedModel

from mlworkers.device import best_device
from mlworkers.face.models import F32, Predictions, TrainingSet

U8 = npt.NDArray[np.uint8]
HEAD_FILE: Final = "face_head.safetensors"
META_FILE: Final = "face_backend.json"
# ViT-Tiny's width (192, 3 heads) at 4 layers over 16-pixel patches of the 112x112 crop: small
# enough to train on a CPU worker in minutes, a starting point where no checkpoint is imported.
DEFAULT_CONFIG: Final[Mapping[str, Any]] = {
    "model_type": "vit",
    "image_size": 112,
    "patch_size": 16,
    "num_channels": 1,
    "hidden_size": 192,
    "num_hidden_layers": 4,
    "num_attention_heads": 3,
    "intermediate_size": 768,
}


class ImageBackend(Protocol):
    """An image model over aligned face crops; it is a :class:`mlworkers.face.models.Predictor`
    through ``predict_faces``. A multi-task face transformer implements the same five calls."""

    aus: list[str]
    categories: list[str]
    retries: list[int]

    def fit(
        self,
        crops: U8,
        data: TrainingSet,
        *,
        epochs: int,
        batch: int,
        lr: float,
        on_epoch: Callable[[int, float], None] | None = None,
    ) -> list[float]: ...

    def predict(self, crops: U8, batch: int = 64) -> Predictions: ...

    def predict_faces(self, features: F32, crops: U8 | None) -> Predictions: ...

    def save(self, directory: Path) -> None: ...


def _is_oom(exc: BaseException) -> bool:
    return isinstance(exc, torch.cuda.OutOfMemoryError) or "out of memory" in str(exc).lower()


def run_batched(
    step: Callable[[int, int], None], total: int, batch: int, on_retry: Callable[[int], None]
) -> int:
    """Call ``step(start, stop)`` over ``[0, total)`` in batches; on out-of-memory, free the
    cache, halve the batch and redo that slice. Returns the batch size that worked."""
    start = 0
    while start < total:
        stop = min(start + batch, total)
        try:
            step(start, stop)
        except (torch.cuda.OutOfMemoryError, RuntimeError) as exc:
            if not _is_oom(exc) or batch == 1:
                raise
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
            batch = max(1, batch // 2)
            on_retry(batch)
            continue
        start = stop
    return batch


class VisionTransformerBackend:
    def __init__(
        self,
        encoder: PreTrainedModel,
        aus: list[str],
        categories: list[str],
        device: str | None = None,
    ) -> None:
        self.aus = list(aus)
        self.categories = list(categories)
        self.device = device or best_device()
        # transformers types ``to`` through a decorator mypy cannot follow.
        self.encoder: Any = encoder
        self.encoder.to(self.device)  # type: ignore[arg-type]
        config = encoder.config
        self.image_size = int(getattr(config, "image_size", 224))
        self.channels = int(getattr(config, "num_channels", 3))
        hidden = int(getattr(config, "hidden_size", 0) or config.to_dict()["hidden_sizes"][-1])
        n_out = 2 * len(self.aus) + len(self.categories) + 2
        self.head = torch.nn.Linear(hidden, n_out).to(self.device)
        self.retries: list[int] = []
        self.batch = 64
        cuda = self.device.startswith("cuda")
        self._dtype = torch.bfloat16 if cuda and torch.cuda.is_bf16_supported() else torch.float16
        self._autocast = cuda

    @classmethod
    def from_config(
        cls, config: PretrainedConfig, aus: list[str], categories: list[str], **kw: Any
    ) -> VisionTransformerBackend:
        encoder = AutoModel.from_config(config)  # type: ignore[no-untyped-call]
        return cls(encoder, aus, categories, **kw)

    @classmethod
    def from_pretrained(
        cls, folder: str | Path, aus: list[str], categories: list[str], **kw: Any
    ) -> VisionTransformerBackend:
        """An imported checkpoint's encoder (any head it had is left out), read offline."""
        encoder = AutoModel.from_pretrained(str(folder), local_files_only=True)
        return cls(encoder, aus, categories, **kw)

    def _pixels(self, crops: U8) -> torch.Tensor:
        x = torch.from_numpy(np.ascontiguousarray(crops)).float().div_(255.0).unsqueeze(1)
        x = torch.nn.functional.interpolate(
            x, size=(self.image_size, self.image_size), mode="bilinear", align_corners=False
        )
        x = (x - 0.5) / 0.5
        return x.repeat(1, self.channels, 1, 1).to(self.device)

    def _forward(self, pixels: torch.Tensor) -> torch.Tensor:
        with torch.autocast("cuda", dtype=self._dtype, enabled=self._autocast):
            out = self.encoder(pixel_values=pixels)
            pooled = getattr(out, "pooler_output", None)
            if pooled is None:
                pooled = out.last_hidden_state[:, 0]
            result: torch.Tensor = self.head(pooled).float()
        return result

    def _split(self, out: torch.Tensor) -> tuple[torch.Tensor, ...]:
        n, k = len(self.aus), len(self.categories)
        return out[:, :n], out[:, n : 2 * n], out[:, 2 * n : 2 * n + k], out[:, 2 * n + k :]

    def fit(
        self,
        crops: U8,
        data: TrainingSet,
        *,
        epochs: int = 3,
        batch: int = 32,
        lr: float = 1e-4,
        on_epoch: Callable[[int, float], None] | None = None,
    ) -> list[float]:
        """Fine-tune encoder and head; uncoded labels (``NaN``) add nothing to the loss.
        Returns the mean loss of each epoch; ``on_epoch(epoch, loss)`` is called after each
        (a training job reports progress there, and may raise to stop)."""
        n = len(crops)
        aus = np.stack([data.aus.get(a, np.full(n, np.nan)) for a in self.aus], 1)
        emotion = data.emotion if data.emotion is not None else np.full(n, np.nan)
        dims = np.stack(
            [
                data.valence if data.valence is not None else np.full(n, np.nan),
                data.arousal if data.arousal is not None else np.full(n, np.nan),
            ],
            1,
        )
        params = [*self.encoder.parameters(), *self.head.parameters()]
        optimiser = torch.optim.AdamW(params, lr=lr)
        # Loss scaling is for fp16 only: bf16 has fp32's range.
        scaler = torch.amp.GradScaler(
            "cuda", enabled=self._autocast and self._dtype == torch.float16
        )
        losses: list[float] = []
        generator = np.random.default_rng(0)
        self.encoder.train()
        for _ in range(epochs):
            order = generator.permutation(n)
            total = 0.0

            def step(start: int, stop: int, order: npt.NDArray[np.int64] = order) -> None:
                nonlocal total
                rows = order[start:stop]
                occ, level, logits, va = self._split(self._forward(self._pixels(crops[rows])))
                loss = torch.zeros((), device=self.device)
                target = torch.from_numpy(aus[rows]).float().to(self.device)
                mask = ~torch.isnan(target)
                if mask.any():
                    present = (target > 0).float()
                    loss = loss + torch.nn.functional.binary_cross_entropy_with_logits(
                        occ[mask], present[mask]
                    )
                    loss = loss + torch.nn.functional.mse_loss(level[mask], target[mask])
                cat = torch.from_numpy(emotion[rows]).to(self.device)
                keep = ~torch.isnan(cat)
                if keep.any():
                    loss = loss + torch.nn.functional.cross_entropy(logits[keep], cat[keep].long())
                dim_t = torch.from_numpy(dims[rows]).float().to(self.device)
                dim_m = ~torch.isnan(dim_t)
                if dim_m.any():
                    loss = loss + torch.nn.functional.mse_loss(va[dim_m], dim_t[dim_m])
                optimiser.zero_grad()
                scaler.scale(loss).backward()  # type: ignore[no-untyped-call]
                scaler.step(optimiser)
                scaler.update()
                total += float(loss.detach()) * (stop - start)

            batch = run_batched(step, n, batch, self.retries.append)
            losses.append(total / max(n, 1))
            if on_epoch is not None:
                on_epoch(len(losses), losses[-1])
        self.encoder.eval()
        return losses

    @torch.no_grad()
    def predict(self, crops: U8, batch: int = 64) -> Predictions:
        n = len(crops)
        n_aus, k = len(self.aus), len(self.categories)
        out = np.zeros((n, 2 * n_aus + k + 2), dtype=np.float64)

        def step(start: int, stop: int) -> None:
            out[start:stop] = self._forward(self._pixels(crops[start:stop])).cpu().numpy()

        self.encoder.eval()
        self.batch = run_batched(step, n, batch, self.retries.append)
        occ = 1.0 / (1.0 + np.exp(-out[:, :n_aus]))
        level = np.clip(out[:, n_aus : 2 * n_aus], 0, 5)
        logits = out[:, 2 * n_aus : 2 * n_aus + k]
        emotion = np.exp(logits - logits.max(1, keepdims=True))
        emotion /= emotion.sum(1, keepdims=True)
        va = np.clip(out[:, 2 * n_aus + k :], -1, 1)
        return Predictions(
            {a: occ[:, i] for i, a in enumerate(self.aus)},
            {a: level[:, i] for i, a in enumerate(self.aus)},
            emotion,
            va[:, 0],
            va[:, 1],
        )

    def predict_faces(self, features: F32, crops: U8 | None) -> Predictions:
        if crops is None or len(crops) != len(features):
            raise ValueError("an image model needs the aligned crop of every face")
        # A batch that ran out of memory once stays small for the rest of the video.
        return self.predict(crops, batch=self.batch)

    def save(self, directory: Path) -> None:
        """The encoder as a transformers folder (safetensors), the head beside it."""
        directory.mkdir(parents=True, exist_ok=True)
        self.encoder.save_pretrained(directory, safe_serialization=True)
        save_file({k: v.cpu() for k, v in self.head.state_dict().items()}, directory / HEAD_FILE)
        meta = {"aus": self.aus, "categories": self.categories}
        (directory / META_FILE).write_text(json.dumps(meta))

    @classmethod
    def load(cls, directory: Path, device: str | None = None) -> VisionTransformerBackend:
        meta = json.loads((directory / META_FILE).read_text())
        config = AutoConfig.from_pretrained(directory, local_files_only=True)
        encoder = AutoModel.from_pretrained(directory, config=config, local_files_only=True)
        backend = cls(encoder, meta["aus"], meta["categories"], device=device)
        backend.head.load_state_dict(load_file(directory / HEAD_FILE))
        return backend


def build_backend(
    params: Mapping[str, Any], aus: list[str], categories: list[str], device: str
) -> VisionTransformerBackend:
    """A backend from a training run's parameters: ``encoder`` (a checkpoint folder), else
    ``config`` (a transformers config as a dict with its ``model_type``), else
    :data:`DEFAULT_CONFIG`."""
    if params.get("encoder"):
        return VisionTransformerBackend.from_pretrained(
            str(params["encoder"]), aus, categories, device=device
        )
    spec = dict(params.get("config") or DEFAULT_CONFIG)
    model_type = str(spec.pop("model_type", "vit"))
    config = AutoConfig.for_model(model_type, **spec)
    return VisionTransformerBackend.from_config(config, aus, categories, device=device)


def check_config(value: Any) -> dict[str, Any]:
    """A ``config`` parameter that transformers can build an image encoder from, or ValueError
    naming what is wrong."""
    if not isinstance(value, dict) or not isinstance(value.get("model_type"), str):
        raise ValueError('config must be an object with a "model_type" (for example "vit")')
    spec = dict(value)
    try:
        config = AutoConfig.for_model(str(spec.pop("model_type")), **spec)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"config: {exc}") from None
    if not hasattr(config, "image_size") or not hasattr(config, "num_channels"):
        raise ValueError(f"config: {config.model_type!r} is not an image model")
    return dict(value)
