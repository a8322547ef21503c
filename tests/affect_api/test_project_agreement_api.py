"""``GET /affect/agreement/``: every video with two or more coder layers, and all pooled."""

from __future__ import annotations

from typing import Any

import pytest

from annotations.affect_api import documents

AGREEMENT = "/api/v1/projects/lezgi/affect/agreement/"


def add_video(team: Any, video_id: str, base: dict[str, Any]) -> None:
    body = {**base, "_id": video_id, "filename": f"{video_id}.mp4"}
    documents.videos.insert(team.project.pk, body, "owner")


def add_layer(team: Any, video_id: str, annotator: str, t0: int, t1: int, au: int) -> None:
    documents.layers.insert(
        team.project.pk,
        {"_id": f"{video_id}-{annotator}", "layer_id": f"{video_id}-{annotator}",
         "video_id": video_id, "annotator": annotator, "kind": "coder", "schema_version": 1,
         "segments": [{"t0_ms": t0, "t1_ms": t1, "aus": {"AU12": au}}], "events": [],
         "trace_tracks": []},
        "owner",
    )  # fmt: skip


@pytest.mark.django_db
def test_project_agreement_pools_the_videos_with_two_coders(
    team: Any, video: Any, as_user: Any, mongo_db: Any
) -> None:
    add_video(team, "v2", video)
    add_video(team, "v3", video)
    add_layer(team, "v1", "ana", 0, 500, 3)
    add_layer(team, "v1", "ben", 0, 300, 2)
    add_layer(team, "v2", "ana", 0, 1000, 1)
    add_layer(team, "v2", "ben", 500, 1000, 1)
    add_layer(team, "v3", "ana", 0, 1000, 1)  # one coder only: left out

    response = as_user(team.viewer).get(f"{AGREEMENT}?aus=AU12,AU6")

    assert response.status_code == 200, response.content
    assert response.json() == {
        "schema_version": 1,
        "aus": ["AU12", "AU6"],
        "videos": [
            {"video": "v1", "filename": "clip.mp4", "coders": ["ana", "ben"], "n_frames": 10,
             "fleiss_kappa": [0.583333, None], "alpha_ordinal": [0.417892, None]},
            {"video": "v2", "filename": "v2.mp4", "coders": ["ana", "ben"], "n_frames": 10,
             "fleiss_kappa": [-0.333333, None], "alpha_ordinal": [-0.266667, None]},
        ],
        "pooled": {"videos": 2, "frames": 20, "kappa": [0.363636, None], "pair_frames": [20, 20],
                   "alpha_nominal": [0.30179, None], "alpha_ordinal": [0.366145, None]},
    }  # fmt: skip


@pytest.mark.django_db
def test_an_au_outside_the_schema_is_a_400(team: Any, as_user: Any, mongo_db: Any) -> None:
    response = as_user(team.viewer).get(f"{AGREEMENT}?aus=AU99")

    assert response.status_code == 400
    assert response.json()["fields"] == {"aus": ["aus: unknown Action Unit 'AU99' (schema v1)"]}


@pytest.mark.django_db
def test_without_coded_videos_the_report_is_empty(team: Any, as_user: Any, mongo_db: Any) -> None:
    response = as_user(team.viewer).get(f"{AGREEMENT}?aus=AU12")

    assert response.json()["videos"] == []
    assert response.json()["pooled"]["kappa"] == [None]
