"""Helpers every affect service module shares."""

from __future__ import annotations

import re

from annotations.affect.schema import ValidationError
from fieldmark.api.errors import DomainError
from fieldmark.projects.models import Role
from fieldmark.projects.permissions import RANK


def invalid(exc: ValidationError) -> DomainError:
    # The core names list items ``segments[0]``; the API's error shape uses ``segments.0``.
    where = re.sub(r"\[(\d+)\]", r".\1", exc.field)
    return DomainError("invalid", f"{where}: {exc.message}", field=where)


def is_manager(role: Role | None) -> bool:
    return role is not None and RANK[role] >= RANK[Role.MANAGER]
