"""Where model work runs: CUDA when a GPU is present, the CPU otherwise."""

from __future__ import annotations

import importlib.util


def torch_installed() -> bool:
    return importlib.util.find_spec("torch") is not None


def cuda_available() -> bool:
    if not torch_installed():
        return False
    torch = importlib.import_module("torch")
    return bool(torch.cuda.is_available())


def best_device() -> str:
    return "cuda" if cuda_available() else "cpu"
