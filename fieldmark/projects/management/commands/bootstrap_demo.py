import logging
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from fieldmark import demo
from fieldmark.projects import services
from fieldmark.projects.models import Project

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "On a fresh installation, create an admin user and a demo project; print the login."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        credentials = settings.VAR_DIR / "admin-credentials.txt"
        if User.objects.exists():
            if credentials.exists():
                self.stdout.write(credentials.read_text(encoding="utf-8").strip())
            return
        password = secrets.token_urlsafe(12)
        admin = User.objects.create_superuser("admin", "admin@localhost", password)
        if not Project.objects.filter(slug="demo").exists():
            project = services.create_project(
                admin,
                {
                    "name": "Demo corpus",
                    "slug": "demo",
                    "description": "Chitimacha texts glossed in FLEx, their lexicon, and a face "
                    "video to code: a project to try Fieldmark with.",
                    "object_languages": ["ctm"],
                    "visibility": "private",
                },
            )
            try:
                counts = demo.populate(admin, project)
                self.stdout.write(
                    f"Demo corpus: {counts.get('utterances', 0)} utterances, "
                    f"{counts['entries']} lexicon entries, {counts['videos']} video with "
                    f"{counts['layers']} coded layer"
                )
            except Exception:  # the platform must start even if the demo content cannot load
                logger.exception("could not fill the demo project")
        text = f"Log in as: admin / {password}"
        credentials.parent.mkdir(parents=True, exist_ok=True)
        credentials.write_text(text + "\n", encoding="utf-8")
        credentials.chmod(0o600)
        self.stdout.write(text)
