"""A fresh installation's demo project holds a real glossed text, its lexicon and a face video."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from lxml import etree

from fieldmark.demo import CODES_FILE, TEXT_FILE


def independent_counts(path: Path) -> dict[str, int]:
    root = etree.parse(str(path)).getroot()
    return {
        "texts": len(root.findall("interlinear-text")),
        "utterances": len(root.findall(".//phrase")),
        "words": len(root.findall(".//phrase/words/word")),
        "glossed": sum(
            1
            for item in root.findall(".//phrase/words/word/item[@type='gls']")
            if (item.text or "").strip()
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_bootstrap_fills_the_demo_project_once(
    mongo_db: Any, settings: Any, tmp_path: Path
) -> None:
    from annotations.affect_api import documents as affect
    from annotations.linguistic_api import documents as linguistic
    from fieldmark.projects.models import Project

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    expected = independent_counts(TEXT_FILE)
    assert expected == {"texts": 2, "utterances": 48, "words": 410, "glossed": 146}

    # When a fresh installation bootstraps
    out = StringIO()
    call_command("bootstrap_demo", stdout=out)

    # Then the demo project holds the text, a lexicon linked to it, and the video
    project = Project.objects.get(slug="demo")
    assert project.object_languages == ["ctm"]
    assert linguistic.texts.collection.count_documents({"project": project.pk}) == 2
    utterances = list(linguistic.utterances.collection.find({"project": project.pk}))
    assert len(utterances) == expected["utterances"]
    words = [w for u in utterances for w in u.get("words", [])]
    assert len(words) == expected["words"]
    glossed = [
        w for w in words if w.get("gloss") or any(m.get("gloss") for m in w.get("morphemes", []))
    ]
    assert len(glossed) == expected["glossed"]
    entries = linguistic.lexicon.collection.count_documents({"project": project.pk})
    assert entries > 0
    videos = list(affect.videos.collection.find({"project": project.pk}))
    assert [(v["filename"], v["width"], v["height"]) for v in videos] == [
        ("expressions.mp4", 640, 360)
    ]
    # And the video carries the hand-coded layer, segments and AU events as the file has them
    codes = json.loads(CODES_FILE.read_text(encoding="utf-8"))
    assert (len(codes["segments"]), len(codes["events"])) == (3, 7)
    layers = list(affect.layers.collection.find({"project": project.pk}))
    assert [(layer["kind"], layer["annotator"], layer["video_id"]) for layer in layers] == [
        ("coder", "admin", videos[0]["_id"])
    ]
    assert [s["emotion"] for s in layers[0]["segments"]] == ["sadness", "fear", "happiness"]
    assert [(s["t0_ms"], s["t1_ms"]) for s in layers[0]["segments"]] == [
        (s["t0_ms"], s["t1_ms"]) for s in codes["segments"]
    ]
    assert sorted((e["au"], e["onset_ms"], e["intensity"]) for e in layers[0]["events"]) == sorted(
        (e["au"], e["onset_ms"], e["intensity"]) for e in codes["events"]
    )
    assert "Log in as: admin / " in out.getvalue()
    assert f"{entries} lexicon entries" in out.getvalue()

    # And a second bootstrap adds nothing
    call_command("bootstrap_demo", stdout=StringIO())
    assert linguistic.utterances.collection.count_documents({"project": project.pk}) == 48
    assert affect.videos.collection.count_documents({"project": project.pk}) == 1
