import io
import time
from typing import Any

import pytest

from annotations.linguistic_api import services
from annotations.linked_api import sync
from tests.linked_api.conftest import graph_set
from tests.shared_data import shared_file

pytestmark = pytest.mark.django_db


def test_smoke(team: Any, graph_store: Any) -> None:
    lez = shared_file("glossing/Lezgi/lez-dev-track2-uncovered").read_bytes()
    services.import_file(team.project, lambda: io.BytesIO(lez), "toolbox", "lez.txt", "j1", "m")
    lift = shared_file("lift/enggano-contemporary-2024-12-30.lift").read_bytes()
    t = time.perf_counter()
    services.import_file(team.project, lambda: io.BytesIO(lift), "lift", "e.lift", "j2", "m")
    print("import", time.perf_counter() - t)
    t = time.perf_counter()
    n = sync.drain(team.project)
    print("drain", n, time.perf_counter() - t)
    inc = graph_set(graph_store, team.project)
    import cProfile
    import pstats

    t = time.perf_counter()
    pr = cProfile.Profile()
    pr.enable()
    total = sync.rebuild(team.project)
    pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
    print("rebuild", total, time.perf_counter() - t)
    reb = graph_set(graph_store, team.project)
    print(len(inc), len(reb), list(inc ^ reb)[:5])
    assert inc == reb
