"""Settings come from the environment; a value that cannot be parsed stops start-up by name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fieldmark.env import ImproperlyConfiguredEnv, env_bool, env_int, env_list, env_secret, env_url

ROOT = Path(__file__).resolve().parents[2]


def test_typed_readers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("A_BOOL", "Yes")
    monkeypatch.setenv("AN_INT", " 42 ")
    monkeypatch.setenv("A_LIST", "a.org, b.org,,")
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("KEY_FILE", str(secret))

    assert env_bool("A_BOOL", False) is True
    assert env_bool("UNSET_BOOL", True) is True
    assert env_int("AN_INT", 0) == 42
    assert env_list("A_LIST", []) == ["a.org", "b.org"]
    assert env_secret("KEY", "default") == "s3cret"


@pytest.mark.parametrize(
    ("name", "value", "reader"),
    [
        ("DEBUG", "maybe", lambda: env_bool("DEBUG", False)),
        ("WORKERS", "two", lambda: env_int("WORKERS", 1)),
        ("WORKERS", "0", lambda: env_int("WORKERS", 1, minimum=1)),
        ("REDIS_URL", "localhost:6379", lambda: env_url("REDIS_URL", "", schemes=("redis",))),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, reader: object
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ImproperlyConfiguredEnv) as info:
        reader()  # type: ignore[operator]

    assert info.value.name == name
    assert name in str(info.value)
    assert repr(value) in str(info.value)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DEBUG", "sometimes"), ("DATABASE_URL", "mysqlx://x"), ("REDIS_URL", "nope")],
)
def test_start_up_stops_on_a_bad_setting(variable: str, value: str, tmp_path: Path) -> None:
    env = {**os.environ, variable: value, "FIELDMARK_VAR_DIR": str(tmp_path)}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert f"environment variable {variable}=" in result.stderr
