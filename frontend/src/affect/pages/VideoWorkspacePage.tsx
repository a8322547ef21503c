import { useCallback, useRef, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useLoad } from "../../hooks/useLoad";
import { RELOAD_MESSAGE, useProjectSocket } from "../../hooks/useProjectSocket";
import type { SocketMessage } from "../../api";
import { useProjectContext } from "../../pages/ProjectLayout";
import { hasRole } from "../../roles";
import { useSession } from "../../session";
import { affectApi, type Layer, type LayerDetail, type Video, type VideoLink } from "../api";
import { DEFAULT_LABELS, labelsFromDoc, type LabelSchema } from "../schema";
import { Workspace } from "../workspace/Workspace";

interface Loaded {
  video: Video;
  layers: Layer[];
  own: LayerDetail | null;
  labels: LabelSchema;
  links: VideoLink[];
}

/**
 * `/projects/:slug/videos/:id`: player, layer timeline, AU coding and valence/arousal, coded
 * against the project's label schema. `?t=1200` opens at 1.2 s (a link from an utterance).
 */
export function VideoWorkspacePage() {
  const { project } = useProjectContext();
  const { id = "" } = useParams();
  const [search] = useSearchParams();
  const startParam = Number(search.get("t"));
  const startMs = search.get("t") !== null && Number.isFinite(startParam) ? startParam : null;
  const { user } = useSession();
  const username = user?.username ?? "";
  const slug = project.slug;
  // Bumped when the stored own layer was replaced (import, revert): the workspace remounts on it.
  const [generation, setGeneration] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const loaded = useLoad<Loaded>(async () => {
    const [video, layers, schema, links] = await Promise.all([
      affectApi.videos.get(slug, id),
      affectApi.layers.list(slug, id),
      affectApi.schema.get(slug).catch(() => null),
      affectApi.links.forVideo(slug, id),
    ]);
    const mine = layers.find((l) => l.kind === "coder" && l.annotator === username);
    const own = mine ? await affectApi.layers.get(slug, id, mine.id) : null;
    const labels = schema ? labelsFromDoc(schema) : DEFAULT_LABELS;
    return { video, layers, own, labels, links };
  }, [slug, id, username, generation]);

  // Live: another coder's saved layer (or a gold layer) appears without a reload. Only the list
  // of layers is refreshed; the workspace, and any unsaved coding in it, stays as it is.
  const { data, setData } = loaded;
  const current = useRef(data);
  current.current = data;
  const refreshLayers = useCallback(() => {
    affectApi.layers.list(slug, id).then(
      (layers) => current.current && setData({ ...current.current, layers }),
      () => undefined,
    );
  }, [slug, id, setData]);
  const refreshLinks = useCallback(() => {
    affectApi.links.forVideo(slug, id).then(
      (links) => current.current && setData({ ...current.current, links }),
      () => undefined,
    );
  }, [slug, id, setData]);
  const onMessage = useCallback(
    (message: SocketMessage) => {
      const loadedNow = current.current;
      if (message.type === "video.updated" && message.id === id && loadedNow) {
        // A transcode finished: the video as GET .../videos/<id>/ serves it.
        const video = message.data as Video | undefined;
        if (video && video.id === id) setData({ ...loadedNow, video });
        return;
      }
      const concerned =
        (message.type === "affect.layer.created" || message.type === "affect.layer.updated") &&
        message.video === id;
      // Events carry the layer as the list serves it: applied as is, no request.
      const layer = message.data as Layer | undefined;
      if (concerned && loadedNow && layer && layer.id === message.id && layer.version === message.version) {
        const known = loadedNow.layers.find((l) => l.id === layer.id);
        if (known && known.version >= layer.version) return;
        const listed: LayerDetail = { ...layer };
        delete listed.traces; // the list holds layers without their traces
        const layers = known
          ? loadedNow.layers.map((l) => (l.id === layer.id ? listed : l))
          : [...loadedNow.layers, listed];
        setData({ ...loadedNow, layers });
        return;
      }
      if (message.type === "affect.link.created" || message.type === "affect.link.deleted") {
        refreshLinks();
      }
      if (message.type === "affect.schema.updated") {
        // A manager changed the label schema: code against the new one (the draft stays).
        affectApi.schema.get(slug).then(
          (doc) => current.current && setData({ ...current.current, labels: labelsFromDoc(doc) }),
          () => undefined,
        );
      }
      if (!concerned && message.type !== RELOAD_MESSAGE) return;
      refreshLayers();
    },
    [slug, id, setData, refreshLayers, refreshLinks],
  );
  useProjectSocket(slug, onMessage);

  if (!loaded.data) {
    return (
      <div>
        <ErrorBanner error={loaded.error} />
        {loaded.loading ? (
          <p className="loading">Loading…</p>
        ) : (
          <Link to={`/projects/${slug}/videos`}>Back to videos</Link>
        )}
      </div>
    );
  }
  return (
    <Workspace
      key={`${id}:${generation}:${loaded.data.own?.version ?? 0}`}
      slug={slug}
      username={username}
      editable={hasRole(project.my_role, "annotator")}
      manager={hasRole(project.my_role, "manager")}
      startMs={startMs}
      onReplaced={(message) => {
        setNotice(message);
        setGeneration((g) => g + 1);
      }}
      notice={notice}
      onLayersChanged={refreshLayers}
      onLinksChanged={refreshLinks}
      {...loaded.data}
    />
  );
}
