"""The layer tools of the video workspace in a real browser: gold layers and their review, the
label schema editor (and the workspace coding against it), layer import, layer history and
revert, and links between glossed utterances and video spans, both ways.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_affect_ui import (
    add_two_coder_layers,
    au_level,
    log_in,
    own_layers,
    shared_video,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["shared_video"]  # the fixture, imported for pytest

HANDCODES = Path(__file__).resolve().parents[1] / "data" / "face" / "wolfganglanger_handcodes.json"


def open_workspace(page: Any, base_url: str, video_id: str) -> None:
    page.goto(f"{base_url}/projects/lezgi/videos/{video_id}")
    page.get_by_test_id("timeline").wait_for()


def layers_of(team: Any, video_id: str, kind: str) -> list[dict[str, Any]]:
    from annotations.affect_api.services import layers

    return [dict(d) for d in layers.list_layers(team.project, video_id) if d["kind"] == kind]


def test_manager_builds_a_majority_gold_layer_then_one_from_a_chosen_coder_shared(
    page: Any, live_server: Any, team: Any, shared_video: dict[str, Any]
) -> None:
    video_id = shared_video["_id"]
    add_two_coder_layers(team, shared_video)

    # An annotator sees no gold tools (building gold is a manager's)
    log_in(page, live_server.url, "annotator")
    open_workspace(page, live_server.url, video_id)
    expect(page.get_by_test_id("gold-panel")).to_have_count(0)
    page.context.clear_cookies()

    # Given the manager on the workspace
    log_in(page, live_server.url, "manager")
    open_workspace(page, live_server.url, video_id)
    panel = page.get_by_test_id("gold-panel")

    # When they build a majority gold layer
    panel.get_by_label("Majority vote per frame").check()
    panel.get_by_role("button", name="Build gold layer").click()

    # Then it is stored (version 1) and the review lists each gold segment against both coders
    expect(panel.get_by_test_id("gold-status")).to_contain_text("Gold layer version 1")
    [gold] = layers_of(team, video_id, "gold")
    assert (gold["annotator"], gold["version"]) == ("manager", 1)
    expect(panel.get_by_test_id("gold-row")).to_have_count(len(gold["segments"]))
    assert len(gold["segments"]) > 0
    expect(page.get_by_test_id("layer-row-gold: manager")).to_be_visible()

    # When they rebuild it from the annotator's annotations alone
    panel.get_by_label("One coder's annotations").check()
    panel.get_by_test_id("gold-coder").select_option("annotator")
    panel.get_by_role("button", name="Rebuild gold layer").click()

    # Then version 2 holds exactly the annotator's segments
    expect(panel.get_by_test_id("gold-status")).to_contain_text("Gold layer version 2")
    [gold] = layers_of(team, video_id, "gold")
    [coder] = own_layers(team, video_id, "annotator")
    assert gold["version"] == 2
    assert [(s["t0_ms"], s["t1_ms"], s["aus"]) for s in gold["segments"]] == [
        (s["t0_ms"], s["t1_ms"], s["aus"]) for s in coder["segments"]
    ]
    expect(panel.get_by_test_id("gold-row")).to_have_count(len(coder["segments"]))


def test_manager_edits_the_label_schema_and_the_workspace_codes_against_it_shared(
    page: Any, live_server: Any, team: Any, shared_video: dict[str, Any]
) -> None:
    from annotations.affect_api.services import layers
    from annotations.affect_api.services.schema import project_schema, put_schema
    from fieldmark.projects.models import Role

    video_id = shared_video["_id"]

    # Given the manager on the label schema editor (the built-in version 1)
    log_in(page, live_server.url, "manager")
    page.goto(f"{live_server.url}/projects/lezgi/videos")
    page.get_by_test_id("label-schema-link").click()
    expect(page.get_by_test_id("schema-version")).to_have_text("version 1")
    expect(page).to_have_title(re.compile("^Label schema"))

    # When they remove AU43, add a non-FACS AU50 "Speech", and use their own emotion labels
    page.get_by_role("button", name="Remove AU43").click()
    page.get_by_label("New AU code").fill("AU50")
    page.get_by_label("Name (required if not FACS)").fill("Speech")
    page.get_by_role("button", name="Add AU").click()
    page.get_by_label("Custom labels").check()
    for i in range(7, 3, -1):  # keep the first three of Ekman's list, then add one
        page.get_by_role("button", name=re.compile(rf"^Remove category {i} ")).click()
    page.get_by_role("button", name="Add category").click()
    page.get_by_label("Category 4", exact=True).fill("boredom")
    page.get_by_role("button", name="Save as version 2").click()

    # Then version 2 is stored with those AUs and labels
    expect(page.get_by_test_id("schema-status")).to_have_text("Saved as version 2.")
    expect(page.get_by_test_id("schema-version")).to_have_text("version 2")
    schema = project_schema(team.project)
    codes = [au.code for au in schema.action_units]
    assert "AU43" not in codes and codes[-1] == "AU50"
    assert len(codes) == 19
    assert list(schema.emotions.categories) == ["neutral", "anger", "disgust", "boredom"]

    # When someone else saves version 3 meanwhile, a save from the open editor is refused
    put_schema(team.owner, team.project, 2, {"emotions": "affectnet"})
    page.get_by_label("Free-text notes on segments").uncheck()
    page.get_by_role("button", name="Save as version 3").click()
    expect(page.get_by_test_id("error-banner")).to_contain_text("changed since you read it")
    assert project_schema(team.project).notes is True
    page.get_by_role("button", name="Load the current version").click()
    expect(page.get_by_test_id("schema-version")).to_have_text("version 3")

    # And the workspace codes against version 3: AU50 is there (and 50b codes it), AU43 is not
    put_schema(
        team.owner,
        team.project,
        3,
        {
            "action_units": [{"code": c} for c in codes[:-1]]
            + [{"code": "AU50", "name": "Speech"}],
            "emotions": ["neutral", "anger", "boredom"],
        },
    )
    layers.create_layer(
        team.manager, Role.MANAGER, team.project, video_id,
        {"segments": [{"t0_ms": 1000, "t1_ms": 2000, "aus": {}}]},
    )  # fmt: skip
    open_workspace(page, live_server.url, video_id)
    page.get_by_test_id("own-layer-row").get_by_role("option").click()
    expect(page.get_by_test_id("au-row-AU43")).to_have_count(0)
    expect(page.get_by_role("radiogroup", name="AU50 Speech")).to_be_visible()
    options = page.get_by_test_id("segment-emotion").locator("option")
    expect(options).to_have_text(["—", "neutral", "anger", "boredom"])
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for key in ("5", "0", "b"):
        page.keyboard.press(key)
    expect(au_level(page, "AU50", "B")).to_be_checked()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("save-state")).to_have_text("Saved (version 2)")
    assert own_layers(team, video_id, "manager")[0]["segments"][0]["aus"] == {"AU50": 2}


def handcodes_csv() -> tuple[bytes, list[dict[str, Any]]]:
    """The hand codes' segments as a segment CSV for a second coder, and the rows as written."""
    codes = json.loads(HANDCODES.read_text(encoding="utf-8"))
    rows = [
        {
            "annotator": "coder2",
            "t0_ms": s["t0_ms"],
            "t1_ms": s["t1_ms"],
            "emotion": s["emotion"],
            "valence": s["dimensions"]["valence"],
            "arousal": s["dimensions"]["arousal"],
            "note": s["note"],
        }
        for s in codes["segments"]
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(), rows


def test_manager_imports_a_segment_csv_and_a_bad_file_is_refused_shared(
    page: Any, live_server: Any, team: Any, shared_video: dict[str, Any], tmp_path: Path
) -> None:
    video_id = shared_video["_id"]
    data, rows = handcodes_csv()
    good = tmp_path / "coder2.csv"
    good.write_bytes(data)
    bad = tmp_path / "bad.csv"
    bad.write_text("annotator,t0_ms,t1_ms,colour\ncoder2,0,500,red\n", encoding="utf-8")
    counted = list(csv.DictReader(io.StringIO(data.decode())))
    assert len(counted) == 3

    log_in(page, live_server.url, "manager")
    open_workspace(page, live_server.url, video_id)
    panel = page.get_by_test_id("import-panel")
    panel.get_by_label("Format").select_option("csv")

    # When a file with an unknown column is imported, the error names it and nothing is stored
    panel.get_by_label("Layer file").set_input_files(str(bad))
    panel.get_by_role("button", name="Import").click()
    expect(panel.get_by_test_id("error-banner")).to_contain_text("colour")
    assert layers_of(team, video_id, "coder") == []

    # When the hand codes' CSV is imported
    panel.get_by_label("Layer file").set_input_files(str(good))
    panel.get_by_role("button", name="Import").click()

    # Then coder2's layer holds the three segments and shows on the timeline
    expect(page.get_by_test_id("workspace-notice")).to_have_text("Imported: created coder2.")
    [layer] = layers_of(team, video_id, "coder")
    assert layer["annotator"] == "coder2"
    assert [(s["t0_ms"], s["t1_ms"], s["emotion"]) for s in layer["segments"]] == [
        (int(r["t0_ms"]), int(r["t1_ms"]), r["emotion"]) for r in counted
    ]
    assert [s["dimensions"] for s in layer["segments"]] == [
        {"valence": float(r["valence"]), "arousal": float(r["arousal"])} for r in counted
    ]
    row = page.get_by_test_id("layer-row-coder2")
    expect(row.get_by_role("option")).to_have_count(len(rows))


def test_annotator_reverts_their_layer_to_an_old_version_shared(
    page: Any, live_server: Any, team: Any, shared_video: dict[str, Any]
) -> None:
    from annotations.affect_api.services import layers
    from fieldmark.projects.models import Role

    video_id = shared_video["_id"]
    first = {"t0_ms": 1000, "t1_ms": 2000, "aus": {"AU6": 1}}
    doc = layers.create_layer(
        team.annotator, Role.ANNOTATOR, team.project, video_id, {"segments": [first]}
    )
    for version, level in ((1, 3), (2, 5)):
        layers.update_layer(
            team.annotator, Role.ANNOTATOR, team.project, video_id, doc["_id"], version,
            {"segments": [{**first, "aus": {"AU6": level}}]},
        )  # fmt: skip

    log_in(page, live_server.url, "annotator")
    open_workspace(page, live_server.url, video_id)
    expect(page.get_by_test_id("save-state")).to_have_text("Saved (version 3)")

    # When they open their layer's history, compare version 1 with the current one and revert
    page.get_by_text("History of your layer").click()
    history = page.get_by_test_id("layer-history")
    expect(history.get_by_role("button", name=re.compile("^Revert"))).to_have_count(2)
    history.get_by_role("button", name="Compare version 1 with current").click()
    diff = page.get_by_test_id("layer-diff")
    expect(diff.get_by_role("listitem")).to_have_count(1)
    expect(diff).to_contain_text("changed 0:01.000–0:02.000: 6A → 6E")
    history.get_by_role("button", name="Revert to version 1").click()

    # Then version 4 holds version 1's segments, and the workspace shows them
    expect(page.get_by_test_id("workspace-notice")).to_have_text(
        "Reverted your layer to version 1 (now version 4)."
    )
    expect(page.get_by_test_id("save-state")).to_have_text("Saved (version 4)")
    [layer] = own_layers(team, video_id, "annotator")
    assert (layer["version"], layer["segments"][0]["aus"]) == (4, {"AU6": 1})
    expect(page.get_by_test_id("own-layer-row").get_by_role("option")).to_contain_text("6A")


def test_annotator_links_an_utterance_to_a_segment_and_jumps_both_ways_shared(
    page: Any, live_server: Any, team: Any, shared_video: dict[str, Any]
) -> None:
    from annotations.affect_api.services import layers, links
    from annotations.linguistic_api import services as linguistic
    from annotations.linguistic_api.documents import utterances
    from fieldmark.projects.models import Role

    video_id = shared_video["_id"]
    text = linguistic.create_text(team.manager, team.project, {"title": "Stories", "lang": "lez"})
    for words in ("first line", "second line"):
        linguistic.create_utterance(
            team.manager, team.project, text["_id"], {"transcription": words}
        )
    second = utterances.collection.find_one({"text": text["_id"], "order": 1})
    assert second is not None
    layers.create_layer(
        team.annotator, Role.ANNOTATOR, team.project, video_id,
        {"segments": [{"t0_ms": 4000, "t1_ms": 6500, "aus": {"AU12": 2}}]},
    )  # fmt: skip

    # Given the annotator with their segment selected
    log_in(page, live_server.url, "annotator")
    open_workspace(page, live_server.url, video_id)
    page.get_by_test_id("own-layer-row").get_by_role("option").click()
    panel = page.get_by_test_id("links-panel")

    # When they link the second utterance to it
    panel.get_by_text("Link an utterance to the selected segment").click()
    panel.get_by_label("Text").select_option(label="Stories")
    panel.get_by_label("Utterance").select_option(label="2: second line")
    panel.get_by_role("button", name="Link", exact=True).click()

    # Then the link is stored with the segment's span and listed
    expect(panel.get_by_test_id("video-link")).to_have_count(1)
    [link] = links.list_links(team.project, video_id=video_id)
    assert (link["utterance"], link["t0_ms"], link["t1_ms"]) == (second["_id"], 4000, 6500)

    # When they follow it: the IGT editor opens at that utterance
    panel.get_by_role("link", name="Utterance 2: second line").click()
    expect(page).to_have_url(re.compile(rf"/texts/{text['_id']}\?u={second['_id']}$"))
    back = page.get_by_test_id("text-video-links")
    expect(back).to_contain_text("Utterance 2: second line")

    # And from there back to the video at the span's start
    back.get_by_test_id("open-video-span").click()
    expect(page).to_have_url(re.compile(rf"/videos/{video_id}\?t=4000$"))
    expect(page.get_by_test_id("current-time")).to_contain_text("0:04.000 /")
