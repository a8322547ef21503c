"""A web process stays light: starting Django, resolving every route and importing the ASGI
application load none of the model and video libraries, which only workers (and the first
request that really needs one) import. Before, the affect app's ``ready`` imported the face
models (skops, hence scikit-learn and torch) and the pipeline (OpenCV, MediaPipe): 610 MB of
RSS in every web process before its first request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("torch", "sklearn", "skops", "scipy", "transformers", "cv2", "mediapipe", "matplotlib")

PROBE = f"""
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
import fieldmark.asgi
print(json.dumps({{
    "loaded": sorted(m for m in {HEAVY!r} if m in sys.modules),
    "rss_mb": int(next(line.split()[1] for line in open("/proc/self/status")
                       if line.startswith("VmRSS:"))) / 1024,
}}))
"""


def test_the_web_process_imports_no_model_or_video_library(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fieldmark.settings",
        "FIELDMARK_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])

    assert report["loaded"] == []
    # VmRSS, not ru_maxrss: a child's maximum counts the forked parent's pages (pytest's)
    assert report["rss_mb"] < 300, report
