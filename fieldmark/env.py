"""Typed readers for settings that come from the environment.

Each reader fails loudly with the variable's name when a value cannot be parsed, so a typo in a
deployment stops start-up instead of silently falling back to a default.
"""

from __future__ import annotations

import os
from pathlib import Path


class ImproperlyConfiguredEnv(Exception):
    """A variable is set to a value its reader cannot parse."""

    def __init__(self, name: str, value: str, expected: str) -> None:
        super().__init__(f"environment variable {name}={value!r} is invalid: expected {expected}")
        self.name = name


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_secret(name: str, default: str) -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker secrets)."""
    file_var = f"{name}_FILE"
    if file_var in os.environ:
        path = Path(os.environ[file_var])
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfiguredEnv(file_var, str(path), f"a readable file ({exc})") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfiguredEnv(name, raw, "one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfiguredEnv(name, raw, "an integer") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfiguredEnv(name, raw, f"an integer >= {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, default: str, *, schemes: tuple[str, ...]) -> str:
    """Check a URL's scheme (the value of NAME, else ``default``), so a wrong service URL is
    caught at start-up."""
    raw = default if os.environ.get(name) is None else os.environ[name]
    scheme, sep, rest = raw.partition("://")
    if not sep or scheme.lower() not in schemes or not rest:
        raise ImproperlyConfiguredEnv(name, raw, f"a URL with scheme {' or '.join(schemes)}")
    return raw


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if not raw.strip():
        raise ImproperlyConfiguredEnv(name, raw, "a filesystem path")
    return Path(raw).expanduser().resolve()
