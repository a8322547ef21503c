"""Models trained on the hand codes of one half of the actor video predict the other half.

"Half" is every other second (even seconds train, odd seconds test), so that each expression of
the video is in both halves; neighbouring frames are alike, so these scores are optimistic
about new videos of other people, which one 20 s clip cannot measure.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import skops.io as sio
from sklearn.svm import SVC

from annotations.affect.schema import DEFAULT_SCHEMA
from mlworkers.face import models
from tests.face.conftest import CODED_AUS, FPS

pytestmark = pytest.mark.shared
CATEGORIES = list(DEFAULT_SCHEMA.emotions.categories)


@pytest.fixture(scope="module")
def halves(actor_run: Any, actor_labels: Any) -> tuple[models.TrainingSet, models.TrainingSet]:
    tracks, _ = actor_run
    subject = tracks[1]
    rows = subject.frames
    data = models.TrainingSet(
        subject.features,
        {au: actor_labels[au][rows] for au in CODED_AUS},
        actor_labels["emotion"][rows],
        actor_labels["valence"][rows],
        actor_labels["arousal"][rows],
    )
    odd = (np.floor(rows / FPS) % 2).astype(bool)
    return data.subset(~odd), data.subset(odd)


@pytest.fixture(scope="module")
def trained(halves: Any) -> models.FaceModels:
    return models.train(halves[0], CATEGORIES)


def test_shared_trained_on_one_half_predicts_the_other_above_chance(
    halves: Any, trained: models.FaceModels
) -> None:
    scores = models.evaluate(trained, halves[1])

    assert trained.aus == sorted(CODED_AUS)
    assert trained.meta["skipped"] == []
    for au in CODED_AUS:
        # Chance F1 of a coin that says "present" as often as the AU is: its prevalence.
        assert scores.au_f1[au] > scores.au_prevalence[au] + 0.2, (au, scores)
    assert scores.emotion_accuracy is not None and scores.emotion_chance is not None
    assert scores.emotion_accuracy > scores.emotion_chance + 0.2
    assert scores.valence_mae is not None and scores.valence_mae < 0.3


@pytest.mark.parametrize("block_s", [2, 3])
def test_shared_alternating_blocks_of_seconds_are_also_predicted_above_chance(
    actor_run: Any, actor_labels: Any, block_s: int
) -> None:
    """Blocks of 2 or 3 s: most test frames lie a second or more from any training frame."""
    subject = actor_run[0][1]
    rows = subject.frames
    data = models.TrainingSet(
        subject.features,
        {au: actor_labels[au][rows] for au in CODED_AUS},
        actor_labels["emotion"][rows],
        actor_labels["valence"][rows],
        actor_labels["arousal"][rows],
    )
    test = (np.floor(rows / FPS / block_s) % 2).astype(bool)

    scores = models.evaluate(models.train(data.subset(~test), CATEGORIES), data.subset(test))

    assert sorted(scores.au_f1) == sorted(CODED_AUS)
    for au in CODED_AUS:
        assert scores.au_f1[au] > scores.au_prevalence[au] + 0.1, (au, scores)
    assert scores.emotion_accuracy is not None and scores.emotion_chance is not None
    assert scores.emotion_accuracy > scores.emotion_chance + 0.1


def test_shared_models_round_trip_through_skops(halves: Any, trained: models.FaceModels) -> None:
    test = halves[1]

    loaded = models.loads(models.dumps(trained))
    before, after = trained.predict(test.features), loaded.predict(test.features)

    for au in trained.aus:
        assert np.array_equal(before.au_probability[au], after.au_probability[au])
    assert np.array_equal(before.emotion_probability, after.emotion_probability)
    assert loaded.meta == trained.meta


def test_an_archive_with_other_types_is_refused() -> None:
    payload = {"reducer": SVC(), "meta": {"format": models.FORMAT_VERSION}}

    with pytest.raises(models.UntrustedModel, match=r"sklearn\.svm\._classes\.SVC"):
        models.loads(sio.dumps(payload))


def test_garbage_is_not_a_model() -> None:
    with pytest.raises(models.UntrustedModel, match="not a skops model archive"):
        models.loads(b"PK\x03\x04 definitely not a zip")


def test_an_au_never_coded_present_is_skipped_not_learned() -> None:
    rng = np.random.default_rng(1)
    data = models.TrainingSet(
        rng.normal(size=(40, 12)).astype(np.float32),
        {"AU1": np.zeros(40), "AU2": (np.arange(40) % 2).astype(float)},
    )

    trained = models.train(data, CATEGORIES)

    assert trained.aus == ["AU2"]
    assert trained.meta["skipped"] == ["AU1"]
    assert trained.emotion is None and trained.dimensions == {}
