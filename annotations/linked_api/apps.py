from typing import Any

from django.apps import AppConfig


class LinkedApiConfig(AppConfig):
    name = "annotations.linked_api"
    label = "linked_api"
    verbose_name = "Linked data (RDF)"

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete

        from annotations.linked_api import retire, sync
        from fieldmark.api import health
        from fieldmark.projects.models import Project
        from fieldmark.projects.signals import project_deleted
        from fieldmark.storage import versioned

        def retire_graph(sender: Any, instance: Project, **kwargs: Any) -> None:
            project_id, slug = instance.pk, instance.slug
            # robust: a store that fails here leaves the purge to hide the graph; the delete
            # has committed and the purge hook after this one must still run.
            transaction.on_commit(lambda: retire.retire(project_id, slug), robust=True)

        post_delete.connect(retire_graph, sender=Project, weak=False, dispatch_uid="linked-drop")
        project_deleted.connect(retire.drop_retired, dispatch_uid="linked-drop-retired")
        if sync.touched not in versioned.write_listeners:
            versioned.write_listeners.append(sync.touched)
        if sync.outbox_steps not in versioned.write_steps:
            versioned.write_steps.append(sync.outbox_steps)
        health.CHECKS["rdf_sync"] = sync.health
