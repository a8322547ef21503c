"""The transformers backend with a tiny ViT built from a config (no download): it learns a
visible difference, saves and loads, and survives out-of-memory by halving its batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import ViTConfig

from mlworkers.face.models import TrainingSet
from mlworkers.face.transformer import VisionTransformerBackend, run_batched

TINY = ViTConfig(
    image_size=32,
    patch_size=8,
    num_channels=1,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
)


def bright_and_dark(n: int = 32) -> tuple[np.ndarray, TrainingSet]:
    """AU12 present on bright crops, absent on dark ones; emotion index follows it."""
    present = np.arange(n) % 2 == 1
    crops = np.where(present[:, None, None], 200, 40).astype(np.uint8)
    crops = np.broadcast_to(crops, (n, 112, 112)).copy()
    data = TrainingSet(
        np.zeros((n, 1), np.float32),
        {"AU12": present * 3.0},
        np.where(present, 4.0, 0.0),
        np.where(present, 0.5, -0.5),
        np.full(n, np.nan),
    )
    return crops, data


def test_tiny_vit_learns_fits_saves_and_loads(tmp_path: Path) -> None:
    torch.manual_seed(0)
    crops, data = bright_and_dark()
    categories = ["neutral", "a", "b", "c", "happiness"]
    backend = VisionTransformerBackend.from_config(TINY, ["AU12"], categories, device="cpu")

    losses = backend.fit(crops, data, epochs=15, batch=16, lr=3e-3)
    pred = backend.predict(crops)
    backend.save(tmp_path / "vit")
    loaded = VisionTransformerBackend.load(tmp_path / "vit", device="cpu")

    assert losses[-1] < losses[0] / 2
    present = data.aus["AU12"] > 0
    assert (pred.au_probability["AU12"][present] > 0.5).all()
    assert (pred.au_probability["AU12"][~present] < 0.5).all()
    assert pred.emotion_probability is not None
    assert pred.emotion_probability.shape == (32, 5)
    again = loaded.predict(crops)
    assert np.allclose(again.au_probability["AU12"], pred.au_probability["AU12"], atol=1e-5)
    assert sorted(p.name for p in (tmp_path / "vit").iterdir()) == [
        "config.json", "face_backend.json", "face_head.safetensors", "model.safetensors"
    ]  # fmt: skip


def test_out_of_memory_halves_the_batch_and_codes_every_item() -> None:
    done: list[tuple[int, int]] = []
    retries: list[int] = []

    def step(start: int, stop: int) -> None:
        # What a small GPU does with a big batch: CUDA raises OutOfMemoryError.
        if stop - start > 5:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        done.append((start, stop))

    used = run_batched(step, 20, 16, retries.append)

    assert retries == [8, 4]
    assert used == 4
    assert done == [(0, 4), (4, 8), (8, 12), (12, 16), (16, 20)]


def test_other_errors_are_not_retried() -> None:
    def step(start: int, stop: int) -> None:
        raise RuntimeError("shape mismatch")

    with pytest.raises(RuntimeError, match="shape mismatch"):
        run_batched(step, 4, 4, lambda b: None)
