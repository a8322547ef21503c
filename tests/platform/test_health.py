"""GIVEN the real storage of the suite WHEN /api/health is asked THEN each component reports."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_health_reports_every_component_ok(api: Any, mongo_db: Any) -> None:
    response = api.get("/api/health")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["components"]) == {
        "sql",
        "mongo",
        "rdf_store",
        "rdf_sync",
        "broker",
        "channel_layer",
    }
    assert all(item["ok"] for item in body["components"].values())


def test_health_names_the_failing_component_and_reason(
    api: Any, mongo_db: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from fieldmark.storage import mongo

    monkeypatch.setenv("MONGO_URL", "mongodb://127.0.0.1:1/?directConnection=true")
    saved = settings.MONGO_TIMEOUT_MS
    settings.MONGO_TIMEOUT_MS = 300
    mongo.reset_client()
    try:
        response = api.get("/api/health")
    finally:
        monkeypatch.undo()
        settings.MONGO_TIMEOUT_MS = saved  # before the client goes, so the next one is normal
        mongo.reset_client()
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "failing"
    assert body["components"]["mongo"]["ok"] is False
    assert "ServerSelectionTimeoutError" in body["components"]["mongo"]["error"]
    assert body["components"]["sql"]["ok"] is True
