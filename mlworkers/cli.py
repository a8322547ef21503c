"""What the management commands share: the project and acting user, waiting on a job with a
progress bar in the terminal, or running it in this process."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import CommandError, CommandParser, OutputWrapper

from fieldmark.api.errors import DomainError
from fieldmark.jobs import tasks as job_tasks
from fieldmark.jobs.models import FINISHED_STATES, Job
from fieldmark.projects.models import Membership, Project, Role


def add_common(parser: CommandParser, *, job: bool = True) -> None:
    parser.add_argument("project", help="Project slug.")
    parser.add_argument("--user", help="Act as this user (default: the project's first owner).")
    if job:
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--no-wait", action="store_true", help="Print the job id and return at once."
        )
        group.add_argument(
            "--inline", action="store_true", help="Run the job in this process (no worker)."
        )


def project_and_user(options: dict[str, Any]) -> tuple[Project, User]:
    project = Project.objects.filter(slug=options["project"]).first()
    if project is None:
        raise CommandError(f"No project {options['project']!r}.")
    if options.get("user"):
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        return project, user
    owner = (
        Membership.objects.filter(project=project, role=Role.OWNER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if owner is None:
        raise CommandError("The project has no owner; name a --user.")
    return project, owner.user


def domain(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a service call, turning a refusal into a command error with its field."""
    try:
        return call(*args, **kwargs)
    except DomainError as exc:
        where = ", ".join(exc.fields) if exc.fields else exc.code
        raise CommandError(f"{exc.detail} ({where})") from exc


def bar(fraction: float, message: str, width: int = 30) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return f"[{'#' * filled}{'.' * (width - filled)}] {fraction:6.1%} {message}"[:120]


def follow(job: Job, options: dict[str, Any], out: Any = None) -> Job:
    """Wait for ``job`` with a progress bar (or run it here with ``--inline``)."""
    stream = out or sys.stderr

    def write(text: str) -> None:
        # Django's OutputWrapper ends every write with a newline unless told otherwise.
        if isinstance(stream, OutputWrapper):
            stream.write(text, ending="")
        else:
            stream.write(text)

    if options.get("no_wait"):
        return job
    if options.get("inline"):
        job_tasks.run_job(str(job.id))
    last = ""
    while True:
        job.refresh_from_db()
        line = bar(job.progress, job.message)
        if line != last:
            write("\r" + line.ljust(120))
            stream.flush()
            last = line
        if job.state in FINISHED_STATES:
            write("\n")
            break
        time.sleep(0.5)
    if job.state != "succeeded":
        detail = (job.error or {}).get("detail", job.state)
        raise CommandError(f"job {job.id} {job.state}: {detail}")
    return job
