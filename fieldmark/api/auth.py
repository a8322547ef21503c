from __future__ import annotations

from django.contrib.auth.models import User
from rest_framework import exceptions
from rest_framework.request import Request


def user_of(request: Request) -> User:
    """The signed-in user of a request on a view that requires one."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise exceptions.NotAuthenticated()
    return user
