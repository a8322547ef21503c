"""A deleted project's graph: hidden at the delete's commit, its triples dropped by the purge.

Dropping a 100k-utterance project's graph (millions of triples, :data:`store.DROP_CHUNK` at a
time) takes longer than a request may: the bench's DELETE answered 503 when the store's update
timed out in the delete's commit hook. So the request only points the project's public graph
name at a new empty graph (one small update, whatever the size), which a project created again
under the same slug starts from; the old triples, in the graph that was live and in the public
name's own graph, are dropped in the background purge (``project_deleted``) and a marker keeps
the list until they are gone, so a purge that died is resumed with the rest of it.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Final

from pyoxigraph import NamedNode

from annotations.linked.vocab import ProjectIris
from annotations.linked_api.store import StoreError, get_store
from annotations.linked_api.sync import base_iri
from fieldmark.storage import mongo

logger = logging.getLogger(__name__)

# One marker per deleted project, keyed by its id alone: a ``project`` field would have the
# purge's sweep of the registered collections delete it before this module's step has run.
RETIRED: Final = "rdf_retired_graphs"


def _marker(project_id: int, slug: str) -> dict[str, Any]:
    """A new marker: the project's public graph name, before anything is hidden."""
    return {"_id": project_id, "public": ProjectIris(base_iri(), slug).graph.value}


def _hide(marker: dict[str, Any]) -> dict[str, Any]:
    """Point the public name at a new empty graph (``fresh``) and note the graphs whose
    triples are then old (``drop``)."""
    public = NamedNode(marker["public"])
    fresh = NamedNode(f"{public.value}/r{time.time_ns()}")
    old = get_store().swap(public, fresh)
    hidden = {"drop": sorted({old.value, public.value}), "fresh": fresh.value}
    mongo.collection(RETIRED).update_one({"_id": marker["_id"]}, {"$set": hidden})
    return {**marker, **hidden}


def retire(project_id: int, slug: str) -> None:
    """At the delete's commit. A store that does not answer leaves the marker without its list,
    and the purge hides and drops the graph when it runs."""
    marker = _marker(project_id, slug)
    mongo.collection(RETIRED).replace_one({"_id": project_id}, marker, upsert=True)
    try:
        _hide(marker)
    except StoreError:
        logger.warning("the RDF store did not take project %s's deletion; the purge retries", slug)


def drop_retired(sender: Any, project_id: int, slug: str = "", **kwargs: Any) -> None:
    """The purge's step (a ``project_deleted`` receiver): drop the old graphs, chunk by chunk,
    then the marker. Idempotent; an error leaves the marker for the resumed purge. Without a
    marker (the delete's hook could not write it), the purge hides the graph itself."""
    retired = mongo.collection(RETIRED)
    marker = retired.find_one({"_id": project_id})
    if marker is None:
        if not slug:
            return
        marker = _marker(project_id, slug)
        retired.replace_one({"_id": project_id}, marker, upsert=True)
    if "drop" not in marker:
        marker = _hide(marker)
    store = get_store()
    for iri in marker["drop"]:
        store.drop(NamedNode(iri))
    store.unpoint_empty(NamedNode(marker["public"]), NamedNode(marker["fresh"]))
    retired.delete_one({"_id": project_id})
