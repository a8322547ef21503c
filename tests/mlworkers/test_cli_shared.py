"""The management commands on the real Uspanteko files (the whole train file): import, train
(waiting with a progress bar), list/activate versions, pre-annotate a file, export."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from mlworkers.models import ModelVersion
from tests.shared_data import shared_file

pytestmark = [pytest.mark.shared, pytest.mark.django_db(transaction=True)]


def run(*args: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_shared_cli_import_train_list_preannotate_export(
    team: Any, mongo_db: Any, tmp_path: Path, settings: Any
) -> None:
    from annotations.linguistic_api import documents

    settings.MEDIA_ROOT = tmp_path
    train = shared_file("glossing/Uspanteko/usp-train-track2-uncovered")
    dev = shared_file("glossing/Uspanteko/usp-dev-track2-uncovered")

    # The whole train file (9,774 utterances), as the acceptance asks
    out, _ = run("ml_import_corpus", "lezgi", str(train), "--title", "USP train")
    counts = json.loads(out)
    assert len(counts["texts"]) == 1 and counts["utterances"] == 9774

    out, err = run("ml_train", "lezgi", "gloss", "memory", "--inline", "--activate")
    # The metrics as JSON (their key order is the database's: PostgreSQL's jsonb sorts them).
    said = re.fullmatch(r"run \d+: version 1 (\{.*\}) \(active\)", out.strip())
    assert said is not None, out
    metrics = json.loads(said.group(1))
    assert 0.0 <= metrics["word_accuracy"] <= 1.0, metrics
    version = ModelVersion.objects.get()
    assert version.run is not None and version.run.counts["utterances"] == 9774
    assert "100.0%" in err and "[" in err  # the progress bar

    out, _ = run("ml_versions", "lezgi", "--task", "gloss")
    assert re.match(r"gloss +v1 +active +memory +trained +word_acc=0\.\d{3}", out), out

    out, err = run("ml_preannotate", "lezgi", "gloss", "--file", str(dev), "--inline")
    result = json.loads(out)
    assert result["utterances"] > 0 and result["suggestions"] > 0
    # The file came in as a new text without glosses; pre-annotation wrote none
    glossed = documents.utterances.collection.count_documents(
        {"text": result["text"], "words.morphemes.gloss": {"$exists": True}}
    )
    assert glossed == 0

    out, _ = run("ml_train", "lezgi", "gloss", "memory", "--no-wait")
    assert re.fullmatch(r"[0-9a-f-]{36}\n", out)

    target = tmp_path / "gloss-v1.zip"
    out, _ = run("ml_export", "lezgi", "gloss", "1", str(target))
    names = zipfile.ZipFile(target).namelist()
    assert "manifest.json" in names and out.startswith(f"{len(names)} files written")
    assert ModelVersion.objects.filter(status="active").count() == 1


def test_cli_refusals_name_the_problem(team: Any, mongo_db: Any) -> None:
    with pytest.raises(CommandError, match=r"No model kind 'svm' for gloss.*\(kind\)"):
        run("ml_train", "lezgi", "gloss", "svm", "--inline")
    with pytest.raises(CommandError, match=r"No project 'nope'"):
        run("ml_versions", "nope")
    with pytest.raises(CommandError, match=r"needs at least 5 utterances"):
        run("ml_train", "lezgi", "gloss", "memory", "--inline")


def test_shared_cli_preannotates_segmentation_of_an_unsegmented_file(
    team: Any, mongo_db: Any, tmp_path: Path, settings: Any
) -> None:
    from annotations.linguistic_api import documents

    settings.MEDIA_ROOT = tmp_path
    train = shared_file("glossing/Uspanteko/usp-train-track2-uncovered")
    dev = shared_file("glossing/Uspanteko/usp-dev-track1-uncovered")
    # Counted here from the file itself: every whitespace token of a \t line with a letter or
    # digit is a word to cut (punctuation tokens have nothing to cut).
    words = sum(
        1
        for line in dev.read_text(encoding="utf-8").splitlines()
        if line.startswith("\\t ")
        for token in line[3:].split()
        if any(ch.isalnum() for ch in token)
    )
    run("ml_import_corpus", "lezgi", str(train), "--title", "USP train")
    run("ml_train", "lezgi", "segment", "memory", "--inline", "--activate")

    out, _ = run("ml_preannotate", "lezgi", "segment", "--file", str(dev), "--inline")

    result = json.loads(out)
    assert result["utterances"] == len(re.findall(r"^\\t ", dev.read_text("utf-8"), re.M))
    assert result["suggestions"] == words
    # The file came in uncut; pre-annotation cut nothing itself
    cut = documents.utterances.collection.count_documents(
        {"text": result["text"], "words.morphemes.0": {"$exists": True}}
    )
    assert cut == 0
