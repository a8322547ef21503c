"""Building a linked-data test project from real files, and comparing document sets."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree

from annotations.affect_api.services import layers, videos
from annotations.linguistic_api import documents, services
from tests.shared_data import shared_file

SYSTEM = {"_id", "project", "version", "created_at", "created_by", "updated_at", "updated_by"}
SHAPES = Path(__file__).resolve().parents[2] / "annotations" / "linked" / "shapes.ttl"
LEZGI = "glossing/Lezgi/lez-train-track2-uncovered"
LIFT = "lift/enggano-contemporary-2024-12-30.lift"


def lezgi() -> bytes:
    """The whole Lezgi training corpus (701 records)."""
    return shared_file(LEZGI).read_bytes()


def lezgi_counts() -> dict[str, int]:
    """Utterances, words and morphemes of the Lezgi file, counted from its lines with regular
    expressions (one ``\\t`` line per record; ``\\g`` tokens are words, split at ``-`` and
    ``=`` into morphemes), not by our importer."""
    text = shared_file(LEZGI).read_text("utf-8")
    glosses = re.findall(r"(?m)^\\g (.*)$", text)
    words = [w for line in glosses for w in line.split()]
    return {
        "utterances": len(re.findall(r"(?m)^\\t ", text)),
        "words": len(words),
        "morphs": sum(len(re.split(r"[-=]", w)) for w in words),
    }


def lift_counts() -> dict[str, int]:
    """Entries and senses of the Enggano LIFT file, counted with lxml."""
    tree = etree.parse(str(shared_file(LIFT)))
    return {
        "entries": len(tree.xpath("/lift/entry[not(@dateDeleted)]")),
        "senses": len(tree.xpath("/lift/entry[not(@dateDeleted)]/sense")),
    }


def load_corpus(project: Any, data: bytes, fmt: str = "toolbox", job: str = "job-lez") -> Any:
    return services.import_file(project, lambda: io.BytesIO(data), fmt, "lez.txt", job, "owner")


def load_lift(project: Any) -> Any:
    lift = shared_file(LIFT).read_bytes()
    return services.import_file(
        project, lambda: io.BytesIO(lift), "lift", "e.lift", "job-lift", "owner"
    )


def coded_video(project: Any, user: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The real face clip, uploaded and probed, with one coder's segments and events."""
    clip = shared_file("faces/single_face.mp4").read_bytes()
    video = videos.upload_video(user, project, SimpleUploadedFile("face.mp4", clip, "video/mp4"))
    layer = layers.create_layer(
        user,
        "owner",
        project,
        video["_id"],
        {
            "segments": [
                {
                    "t0_ms": 0,
                    "t1_ms": 800,
                    "aus": {"AU6": 3, "AU12": 4},
                    "emotion": "happiness",
                    "dimensions": {"valence": 0.75, "arousal": 0.25},
                    "note": "smile onset",
                },
                {"t0_ms": 800, "t1_ms": 1600, "aus": {"AU12": 2}},
            ],
            "events": [
                {"au": "AU12", "onset_ms": 100, "apex_ms": 500, "offset_ms": 1200, "intensity": 4}
            ],
        },
    )
    return video, layer


def corpus(project_id: int) -> list[dict[str, Any]]:
    texts = {
        t["_id"]: t.get("source_id", t.get("title"))
        for t in documents.texts.collection.find({"project": project_id})
    }
    skip = {*SYSTEM, "text", "import_job"}
    return sorted(
        (
            {"text": texts[d["text"]], **{k: v for k, v in d.items() if k not in skip}}
            for d in documents.utterances.collection.find({"project": project_id})
        ),
        key=lambda d: (str(d["text"]), d["order"]),
    )


def text_heads(project_id: int) -> list[dict[str, Any]]:
    skip = {*SYSTEM, "import_job", "utterance_count"}
    return sorted(
        (
            {k: v for k, v in d.items() if k not in skip}
            for d in documents.texts.collection.find({"project": project_id})
        ),
        key=lambda d: str(d.get("source_id")),
    )


def lexicon(project_id: int) -> list[dict[str, Any]]:
    skip = {*SYSTEM, "import_job"}
    return sorted(
        (
            {k: v for k, v in d.items() if k not in skip}
            for d in documents.lexicon.collection.find({"project": project_id})
        ),
        key=lambda d: str(d["id"]),
    )


def shacl(data: Any) -> tuple[bool, str]:
    import pyshacl
    from rdflib import Graph

    shapes = Graph().parse(SHAPES, format="turtle")
    conforms, _graph, text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True
    )
    return bool(conforms), str(text)
