"""Access to ../shared/data, the real files made by other tools.

Tests that read from it carry ``shared`` in their name and skip with a message when the folder
is absent (a user's clone); CI always has it and sets FIELDMARK_REQUIRE_SHARED=1, so a skip
fails there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("FIELDMARK_SHARED_DIR", REPO_ROOT.parent / "shared"))
DATA_DIR = SHARED_DIR / "data"


def shared_file(relative: str) -> Path:
    """Return the path of ``../shared/data/<relative>``, or skip the test if it is absent."""
    path = DATA_DIR / relative
    if not path.exists():
        if os.environ.get("FIELDMARK_REQUIRE_SHARED") == "1":
            pytest.fail(f"{path} is missing but FIELDMARK_REQUIRE_SHARED=1")
        pytest.skip(f"{path} is absent: put the shared data folder beside the checkout to run this")
    return path
