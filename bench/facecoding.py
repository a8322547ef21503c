"""Face coding throughput on the real actor video, stage by stage, and held-out accuracy.

    .venv/bin/python bench/facecoding.py            # CPU, ~1 min on 2 busy cores
    FACE_VIDEO=/path/to.mp4 .venv/bin/python bench/facecoding.py

Each row gives frames per wall second and the CPU milliseconds per frame (all threads of the
process): wall figures fall with the machine's load, CPU figures hardly move, so compare those.

Stages (frames per second of the 640x360 video, 472 frames at 23.98 fps):

* decode: PyAV to RGB arrays, nothing else (the ceiling);
* detect every frame: BlazeFace full-range on each whole frame (the naive way, for reference);
* track: detection every 12 frames + the face mesh on the tracked region of interest;
* align / hog / features: similarity warp to 112x112, OpenCV HOG, geometry + running medians;
* predict: the scikit-learn heads (PCA + 5 AUs x 2 + emotion + valence/arousal);
* end to end: decode → predictions for every frame, at stride 1 and 2.

Then the image-model backend on the aligned crops: the default ViT-Tiny-sized encoder on the
CPU, and with a CUDA device a ViT-Base-sized one (bf16 where the card has it, else fp16, batch
16 and 64); without one it says so.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ comes first on the path: the repository root takes its place, so that
# the project's packages import as they do under pytest and no bench module shadows a library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from annotations.affect.model import Event, Layer, Segment  # noqa: E402
from annotations.affect.schema import DEFAULT_SCHEMA  # noqa: E402
from mlworkers.face import models  # noqa: E402
from mlworkers.face.decode import frames  # noqa: E402
from mlworkers.face.landmarks import FaceDetector  # noqa: E402
from mlworkers.face.pipeline import (  # noqa: E402
    PipelineOptions,
    RunReport,
    collect,
    run_frames,
    run_video,
)

VIDEO = Path(
    os.environ.get("FACE_VIDEO", ROOT.parent / "shared/data/faces/WolfgangLanger_Pexels.mp4")
)
CODES = ROOT / "tests/data/face/wolfganglanger_handcodes.json"
AUS = ("AU4", "AU6", "AU12", "AU25", "AU26")


def row(name: str, fps: float, note: str = "", cpu_ms: float | None = None) -> None:
    cpu = f"{cpu_ms:>8.2f} ms" if cpu_ms is not None else " " * 11
    print(f"{name:<34}{fps:>10.1f} fps{cpu}   {note}")


def labels(n_frames: int, fps: float) -> dict[str, np.ndarray]:
    codes = json.loads(CODES.read_text())
    layer = Layer(
        "hand",
        "v",
        "me",
        events=[Event(**e) for e in codes["events"]],
        segments=[Segment(**s) for s in codes["segments"]],
    )
    out = {au: layer.frames(au, fps, n_frames) for au in AUS}
    for name in ("emotion", "valence", "arousal"):
        out[name] = layer.frames(name, fps, n_frames)
    return out


def main() -> None:
    print(f"video: {VIDEO.name}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    start, cpu = time.perf_counter(), time.process_time()
    decoded = list(frames(VIDEO))
    decode_s, decode_cpu = time.perf_counter() - start, time.process_time() - cpu
    n = len(decoded)
    fps_video = 24000 / 1001
    h, w = decoded[0].image.shape[:2]
    print(f"{n} frames {w}x{h}\n")
    print(f"{'stage':<34}{'throughput':>14}{'CPU/frame':>11}   note")
    row("decode (PyAV → RGB)", n / decode_s, "", decode_cpu / n * 1000)

    detector = FaceDetector()
    start, cpu = time.perf_counter(), time.process_time()
    for frame in decoded:
        detector(frame.image)
    naive, naive_cpu = time.perf_counter() - start, time.process_time() - cpu
    detector.close()
    row(
        "detect every frame (reference)",
        n / naive,
        "BlazeFace full range, whole frame",
        naive_cpu / n * 1000,
    )

    report = RunReport()
    start, cpu = time.perf_counter(), time.process_time()
    tracks = collect(run_frames(iter(decoded), PipelineOptions(), report))
    features_s, features_cpu = time.perf_counter() - start, time.process_time() - cpu
    seconds, cpu_s = report.timings.seconds, report.timings.cpu
    row(
        "track (detect/12 + mesh on ROI)",
        n / seconds["track"],
        f"{report.tracker.detections_run} detections, {report.tracker.mesh_runs} mesh runs",
        cpu_s["track"] / n * 1000,
    )
    for stage in ("align", "hog", "features"):
        row(f"  {stage}", n / seconds[stage], "", cpu_s[stage] / n * 1000)
    row(
        "frames → features (decoded)",
        n / features_s,
        "all stages after decoding",
        features_cpu / n * 1000,
    )

    subject = tracks[1]
    truth = {k: v[subject.frames] for k, v in labels(n, fps_video).items()}
    data = models.TrainingSet(
        subject.features,
        {au: truth[au] for au in AUS},
        truth["emotion"],
        truth["valence"],
        truth["arousal"],
    )
    odd = (np.floor(subject.frames / fps_video) % 2).astype(bool)
    categories = list(DEFAULT_SCHEMA.emotions.categories)
    trained = models.train(data.subset(~odd), categories)
    start, cpu = time.perf_counter(), time.process_time()
    trained.predict(subject.features)
    predict_s, predict_cpu = time.perf_counter() - start, time.process_time() - cpu
    row("  predict (sklearn heads)", n / predict_s, "", predict_cpu / n * 1000)

    for stride in (1, 2):
        start, cpu = time.perf_counter(), time.process_time()
        for batch in run_video(VIDEO, PipelineOptions(stride=stride)):
            trained.predict(batch.features)
        total, cpu = time.perf_counter() - start, time.process_time() - cpu
        row(
            f"end to end, stride {stride}",
            n / total,
            f"video frames per wall second ({-(-n // stride)} coded)",
            cpu / n * 1000,
        )

    scores = models.evaluate(trained, data.subset(odd))
    print("\nheld out (train on even seconds, score on odd seconds of the same video)")
    print(f"{'AU':<8}{'F1':>8}{'chance':>10}{'all-yes F1':>12}")
    for au in AUS:
        p = scores.au_prevalence[au]
        # chance: a coin saying "present" as often as the AU is; all-yes: always "present".
        print(f"{au:<8}{scores.au_f1[au]:>8.3f}{p:>10.3f}{2 * p / (1 + p):>12.3f}")
    print(
        f"emotion accuracy {scores.emotion_accuracy:.3f} "
        f"(majority class {scores.emotion_chance:.3f}); "
        f"valence MAE {scores.valence_mae:.3f}, arousal MAE {scores.arousal_mae:.3f}"
    )
    # Alternating blocks of 2 and 3 s: fewer test frames sit next to a training frame, so these
    # say more than the 1 s split about frames the models have not nearly seen.
    print("\nheld out in alternating blocks (F1 / chance per AU; emotion accuracy / majority)")
    for block in (2, 3):
        test = (np.floor(subject.frames / fps_video / block) % 2).astype(bool)
        blocked = models.evaluate(models.train(data.subset(~test), categories), data.subset(test))
        cells = "  ".join(
            f"{au} {blocked.au_f1[au]:.3f}/{blocked.au_prevalence[au]:.3f}"
            for au in AUS
            if au in blocked.au_f1
        )
        print(
            f"{block} s blocks: {cells}  emotion "
            f"{blocked.emotion_accuracy or 0:.3f}/{blocked.emotion_chance or 0:.3f}"
        )
    image_model(decoded)


def image_model(decoded: list[Any]) -> None:
    import torch
    from transformers import ViTConfig

    from mlworkers.face.pipeline import run_frames as run
    from mlworkers.face.transformer import VisionTransformerBackend, build_backend

    crops = np.concatenate([b.crops for b in run(iter(decoded), PipelineOptions())])
    print(f"\nimage models on the {len(crops)} aligned crops")
    tiny = build_backend({}, list(AUS), ["a", "b", "c"], device="cpu")
    tiny.predict(crops[:32])
    start, cpu = time.perf_counter(), time.process_time()
    tiny.predict(crops, batch=64)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    row("CPU ViT-Tiny default, batch 64", len(crops) / wall, "predict only", cpu / len(crops) * 1e3)
    if not torch.cuda.is_available():
        print("GPU: no CUDA device here; the GPU path was not timed.")
        return
    backend = VisionTransformerBackend.from_config(
        ViTConfig(image_size=224, num_channels=1), list(AUS), ["a", "b", "c"], device="cuda"
    )
    backend.predict(crops[:64])
    torch.cuda.synchronize()
    for batch in (16, 64):
        start = time.perf_counter()
        backend.predict(crops, batch=batch)
        torch.cuda.synchronize()
        row(
            f"GPU ViT-Base {str(backend._dtype).split('.')[-1]}, batch {batch}",
            len(crops) / (time.perf_counter() - start),
        )


if __name__ == "__main__":
    main()
