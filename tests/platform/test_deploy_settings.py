"""Production settings (FIELDMARK_PRODUCTION=1): ``check --deploy`` is clean, HTTPS is enforced
with HSTS and Secure cookies, and every response carries the Content-Security-Policy."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
plain = client.get("/api/v1/auth/me/")
health = client.get("/api/health")
secure = client.get("/api/v1/auth/csrf/", secure=True)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "health": health.status_code != 301,
    "hsts": secure.get("Strict-Transport-Security"),
    "csp": secure.get("Content-Security-Policy"),
    "cookie_secure": bool(secure.cookies["csrftoken"]["secure"]),
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "proxies": settings.FIELDMARK_NUM_PROXIES,
}))
"""


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG"))}
    env.update(
        FIELDMARK_PRODUCTION="1",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="fieldmark.example.org,testserver",
        FIELDMARK_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="fieldmark.settings",
    )
    return env


def test_check_deploy_is_clean_in_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_production_env(tmp_path), capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_redirects_to_https_with_hsts_and_secure_cookies(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT, env=_production_env(tmp_path), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["plain"] == [301, "https://testserver/api/v1/auth/me/"]
    assert seen["health"] is True  # the container health check speaks plain HTTP
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in seen["csp"]
    assert (seen["cookie_secure"], seen["session_secure"], seen["proxies"]) == (True, True, 1)


@pytest.mark.django_db
def test_every_response_carries_the_csp(client: Any) -> None:
    api = client.get("/api/health")
    page = client.get("/")

    for response in (api, page):
        directives = dict(
            part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
        )
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"


def test_docker_compose_runs_the_production_settings() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    environment = compose["x-app-environment"]

    assert environment["FIELDMARK_PRODUCTION"] == "1"
    assert environment["FIELDMARK_NUM_PROXIES"] == "${FIELDMARK_NUM_PROXIES:-1}"
