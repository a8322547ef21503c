"""Parameters each model kind accepts, with their ranges; ``check_params`` names the bad one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Param:
    type: type
    default: Any
    low: float | None = None
    high: float | None = None
    help: str = ""


COMMON: dict[str, Param] = {
    "lowercase": Param(bool, True, help="match forms case-insensitively"),
    "seed": Param(int, 13, 0, 2**31 - 1),
}
CRF: dict[str, Param] = {
    **COMMON,
    "c1": Param(float, 0.3, 0.0, 10.0, "L1 regularisation"),
    "c2": Param(float, 0.01, 0.0, 10.0, "L2 regularisation"),
    "max_iterations": Param(int, 60, 1, 1000),
    "use_translation": Param(bool, True, help="propose translation words for unknown stems"),
}
SEGMENT_CRF: dict[str, Param] = {
    **CRF,
    "segmenter_iterations": Param(int, 60, 1, 1000),
}
TRANSFORMER: dict[str, Param] = {
    **COMMON,
    "encoder": Param(
        str, "", help="a local folder with an encoder (config, safetensors, tokenizer)"
    ),
    "epochs": Param(int, 3, 1, 200),
    "batch_size": Param(int, 16, 1, 1024),
    "learning_rate": Param(float, 5e-5, 1e-7, 1.0),
    "max_length": Param(int, 256, 8, 4096),
    "weight_decay": Param(float, 0.0, 0.0, 1.0),
}

SCHEMAS: dict[tuple[str, str], dict[str, Param]] = {
    ("gloss", "memory"): COMMON,
    ("pos", "memory"): COMMON,
    ("segment", "memory"): COMMON,
    ("gloss", "crf"): CRF,
    ("pos", "crf"): CRF,
    ("segment", "crf"): SEGMENT_CRF,
    ("gloss", "transformer"): TRANSFORMER,
    ("pos", "transformer"): TRANSFORMER,
}


def check(task: str, kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    schema = SCHEMAS.get((task, kind))
    if schema is None:
        raise ValueError(f"kind: {kind!r} is not a model kind for task {task!r}")
    unknown = sorted(set(params) - set(schema))
    if unknown:
        raise ValueError(
            f"{unknown[0]}: not a parameter of {task}/{kind} (known: {', '.join(sorted(schema))})"
        )
    out: dict[str, Any] = {}
    for name, spec in schema.items():
        value = params.get(name, spec.default)
        if spec.type is bool:
            if not isinstance(value, bool):
                raise ValueError(f"{name}: must be true or false")
        elif spec.type is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name}: must be an integer")
        elif spec.type is float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name}: must be a number")
            value = float(value)
        elif not isinstance(value, spec.type):
            raise ValueError(f"{name}: must be a {spec.type.__name__}")
        if spec.low is not None and value < spec.low:
            raise ValueError(f"{name}: must be at least {spec.low:g}")
        if spec.high is not None and value > spec.high:
            raise ValueError(f"{name}: must be at most {spec.high:g}")
        out[name] = value
    return out
