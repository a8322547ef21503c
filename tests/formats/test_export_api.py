"""Every import format exports over REST where the model allows: MDF (the lexicon) and ELAN
(one text a document) beside the others, named in the OpenAPI schema's format enum."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from lxml import etree

from annotations.linguistic.formats import eaf
from annotations.linguistic.formats.toolbox import mdf
from annotations.linguistic.model import LexicalEntry
from annotations.linguistic_api import documents, services
from fieldmark.jobs.models import Job
from tests.linguistic_api.test_round_trips import clear, corpus

pytestmark = pytest.mark.django_db

BASE = "/api/v1/projects/lezgi"
SAMPLE = (Path(__file__).parents[1] / "linguistic" / "data" / "sample_3.0.eaf").read_bytes()
MAPPING = {"utterance": "text", "words": "words-symsub", "pos": "words-pos"}
MDF = (
    b"\\lx kanu\n\\hm 1\n\\ps v\n\\ge love\n\\de to love someone\n\\xv a kanu\n\\xe he loves it\n"
    b"\n\\lx bi\n\\ge be\n\\nt a note\n"
)
TOOLBOX = b"\\ref 1\n\\tx ni ka\n\\mb ni ka\n\\ge 1SG go\n\\ft I go\n"


def load(team: Any, data: bytes, fmt: str, name: str, job: str, mapping: Any = None) -> Any:
    return services.import_file(
        team.project, lambda: io.BytesIO(data), fmt, name, job, "m", mapping=mapping
    )


def download(client: Any, query: str) -> tuple[int, bytes, Any]:
    response = client.get(f"{BASE}/export/?{query}")
    if response.status_code != 200:
        return response.status_code, b"", response.json()
    return 200, b"".join(response.streaming_content), response


def stored_entries() -> list[LexicalEntry]:
    return [
        LexicalEntry.from_doc(doc)
        for doc in documents.lexicon.collection.find({}, sort=[("id", 1)])
    ]


def without_ids(entries: list[LexicalEntry]) -> list[Any]:
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "id"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return sorted((strip(e.to_doc()) for e in entries), key=lambda d: repr(d))


def test_the_export_format_enum_names_every_import_format() -> None:
    out = io.StringIO()
    call_command("spectacular", "--format", "openapi-json", stdout=out)
    schema = json.loads(out.getvalue())
    get = schema["paths"]["/api/v1/projects/{slug}/export/"]["get"]
    [param] = [p for p in get["parameters"] if p["name"] == "format"]
    assert set(param["schema"]["enum"]) == set(services.IMPORT_FORMATS)
    assert [p["name"] for p in get["parameters"] if p["name"] == "text"] == ["text"]


def test_mdf_lexicon_exports_over_rest_and_reads_back(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    assert load(team, MDF, "mdf", "d.txt", "j1")["entries"] == 2
    before = stored_entries()

    code, body, response = download(as_user(team.viewer), "format=mdf")

    assert code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].endswith('.mdf.txt"')
    assert body.count(b"\\lx ") == MDF.count(b"\\lx ") == 2
    clear()
    assert load(team, body, "mdf", "again.txt", "j2")["entries"] == 2
    # MDF has no ids: an entry's id is its place in the file, and the store keeps no order
    # among entries imported together, so entries are compared by content.
    assert without_ids(stored_entries()) == without_ids(before)
    assert sorted(e.senses[0].gloss["en"] for e in mdf.loads(body)) == ["be", "love"]


def test_eaf_text_exports_over_rest_into_its_document_and_imports_back(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    load(team, SAMPLE, "eaf", "sample.eaf", "j1", MAPPING)
    before = corpus()

    code, body, response = download(as_user(team.viewer), "format=eaf")

    assert code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    original, written = etree.fromstring(SAMPLE), etree.fromstring(body)
    assert [t.get("TIER_ID") for t in written.iter("TIER")] == [
        t.get("TIER_ID") for t in original.iter("TIER")
    ]
    assert len(written.xpath("//ANNOTATION")) == len(original.xpath("//ANNOTATION"))
    clear()
    counts = load(team, body, "eaf", "sample.eaf", "j2", MAPPING)
    assert (counts["texts"], counts["utterances"]) == (1, 399)
    assert corpus() == before


def test_a_text_from_another_format_exports_as_eaf_with_fieldmark_tiers(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    load(team, TOOLBOX, "toolbox", "t.txt", "j1")

    code, body, _ = download(as_user(team.viewer), "format=eaf")

    assert code == 200
    mapping = eaf.TierMapping(
        utterance="utterance",
        words="words",
        morphemes="morphemes",
        gloss="gloss",
        pos="pos",
        translations={"en": "translation-en"},
        notes="notes",
    )
    text = eaf.loads(body, mapping)
    [utt] = text.utterances
    assert [m.gloss for w in utt.words for m in w.morphemes] == ["1SG", "go"]
    assert utt.translations == {"en": "I go"}


def test_eaf_export_of_several_texts_names_the_text(team: Any, as_user: Any, mongo_db: Any) -> None:
    load(team, TOOLBOX, "toolbox", "t.txt", "j1")
    load(team, SAMPLE, "eaf", "sample.eaf", "j2", MAPPING)
    viewer = as_user(team.viewer)
    sample = documents.texts.collection.find_one({"title": "sample"})
    assert sample is not None
    jobs = Job.objects.count()

    unnamed = download(viewer, "format=eaf")
    named = download(viewer, f"format=eaf&text={sample['_id']}")
    unknown = download(viewer, "format=eaf&text=nope")
    lexicon = download(viewer, f"format=lift&text={sample['_id']}")
    job = viewer.post(f"{BASE}/exports/", {"format": "eaf"}, format="json")

    assert unnamed[0] == 400 and list(unnamed[2]["fields"]) == ["text"]
    assert "has 2" in unnamed[2]["fields"]["text"][0]
    assert unknown[0] == 400 and list(unknown[2]["fields"]) == ["text"]
    assert lexicon[0] == 400 and list(lexicon[2]["fields"]) == ["text"]
    assert job.status_code == 400 and list(job.json()["fields"]) == ["text"]
    assert Job.objects.count() == jobs
    assert named[0] == 200
    assert len(etree.fromstring(named[1]).xpath("//TIER[@TIER_ID='text']/ANNOTATION")) == 399


def test_toolbox_export_of_one_text(team: Any, as_user: Any, mongo_db: Any) -> None:
    load(team, TOOLBOX, "toolbox", "t.txt", "j1")
    load(team, SAMPLE, "eaf", "sample.eaf", "j2", MAPPING)
    text = documents.texts.collection.find_one({"title": "t"})
    assert text is not None

    code, body, _ = download(as_user(team.viewer), f"format=toolbox&text={text['_id']}")

    assert code == 200
    assert body.count(b"\\ref ") == 1


LIFT_ENTRY = b"""<lift version="0.13"><entry id="e1" guid="g1">
<lexical-unit><form lang="qaa"><text>ka<span lang="en">x</span></text></form></lexical-unit>
<etymology type="borrowed" source="Malay"><gloss lang="en"><text>go</text></gloss></etymology>
<field type="literal-meaning"><form lang="en"><text>go-do</text></form></field>
<sense id="s1"><gloss lang="en"><text>go</text></gloss></sense></entry></lift>"""


def test_an_entry_edited_over_rest_keeps_its_etymologies_fields_and_spans(
    team: Any, as_user: Any, mongo_db: Any
) -> None:
    load(team, LIFT_ENTRY, "lift", "e.lift", "j1")
    manager = as_user(team.manager)
    [listed] = manager.get(f"{BASE}/lexicon/").json()["results"]

    body = {k: v for k, v in listed.items() if k not in ("id", "created_at", "updated_at")}
    saved = manager.put(
        f"{BASE}/lexicon/{listed['id']}/", {**body, "pos": "V", "version": 1}, format="json"
    )

    assert listed["etymologies"] == [
        {"type": "borrowed", "source": "Malay", "glosses": {"en": "go"}}
    ]
    assert listed["fields"] == [{"type": "literal-meaning", "forms": {"en": "go-do"}}]
    assert listed["spans"] == {"forms/qaa": [{"at": [2, 3], "text": "x", "lang": "en"}]}
    assert saved.status_code == 200, saved.json()
    exported = download(manager, "format=lift")[1]
    root = etree.fromstring(exported)
    assert root.xpath("//lexical-unit/form/text/span[@lang='en']/text()") == ["x"]
    assert root.xpath("//etymology/@source") == ["Malay"]
    assert root.xpath("//entry/field/@type") == ["literal-meaning"]
    assert root.xpath("//sense/grammatical-info/@value") == ["V"]
