import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useLoad } from "../../hooks/useLoad";
import { RELOAD_MESSAGE, useAnnounce, usePresence, useProjectSocket } from "../../hooks/useProjectSocket";
import { PresenceAvatars } from "../../components/PresenceAvatars";
import { describeWhere } from "../../realtime/presence";
import type { SocketMessage } from "../../api";
import { useProjectContext } from "../../pages/ProjectLayout";
import { hasRole } from "../../roles";
import { useSession } from "../../session";
import {
  affectApi,
  exportUrl,
  parseFps,
  posterUrl,
  streamUrl,
  type ExportFormat,
  type Layer,
  type LayerDetail,
  type Segment,
  type Video,
} from "../api";
import { AffectPad, type PadValue } from "../components/AffectPad";
import { AuPanel } from "../components/AuPanel";
import { FaceOverlay } from "../components/FaceOverlay";
import { FacePanel } from "../components/FacePanel";
import { Timeline, type TimelineRow } from "../components/Timeline";
import { formatFps } from "../format";
import {
  EMPTY_HOTKEYS,
  HOTKEY_HELP,
  interpretKey,
  isTypingTarget,
  type HotkeyAction,
} from "../hotkeys";
import { useOwnLayer } from "../hooks/useOwnLayer";
import {
  formatTime,
  frameAt,
  frameSeekSeconds,
  frameToMs,
  makeSegment,
  nudgeSegment,
  sortSegments,
  type Limits,
} from "../timeline";
import { emptyTrace, fillFrames } from "../traces";

const RATES = [0.25, 0.5, 1, 1.5, 2];
const EXPORTS: [ExportFormat, string][] = [
  ["csv", "Segments CSV"],
  ["eaf", "ELAN (.eaf)"],
  ["emotionml", "EmotionML"],
  ["json", "JSON"],
];

interface Loaded {
  video: Video;
  layers: Layer[];
  own: LayerDetail | null;
}

/** `/projects/:slug/videos/:id`: player, layer timeline, AU coding and valence/arousal. */
export function VideoWorkspacePage() {
  const { project } = useProjectContext();
  const { id = "" } = useParams();
  const { user } = useSession();
  const username = user?.username ?? "";
  const slug = project.slug;
  const loaded = useLoad<Loaded>(async () => {
    const [video, layers] = await Promise.all([
      affectApi.videos.get(slug, id),
      affectApi.layers.list(slug, id),
    ]);
    const mine = layers.find((l) => l.kind === "coder" && l.annotator === username);
    const own = mine ? await affectApi.layers.get(slug, id, mine.id) : null;
    return { video, layers, own };
  }, [slug, id, username]);

  // Live: another coder's saved layer (or a gold layer) appears without a reload. Only the list
  // of layers is refreshed; the workspace, and any unsaved coding in it, stays as it is.
  const { data, setData } = loaded;
  const current = useRef(data);
  current.current = data;
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
      if (!concerned && message.type !== RELOAD_MESSAGE) return;
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
      affectApi.layers.list(slug, id).then(
        (layers) => current.current && setData({ ...current.current, layers }),
        () => undefined,
      );
    },
    [slug, id, setData],
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
      key={id}
      slug={slug}
      username={username}
      editable={hasRole(project.my_role, "annotator")}
      manager={hasRole(project.my_role, "manager")}
      {...loaded.data}
    />
  );
}

interface WorkspaceProps extends Loaded {
  slug: string;
  username: string;
  editable: boolean;
  manager: boolean;
}

function Workspace(props: WorkspaceProps) {
  const { slug, username, editable, manager, video, layers, own: initialOwn } = props;
  const fps = parseFps(video.fps) || 25;
  const limits: Limits = useMemo(
    () => ({ fps, durationMs: video.duration_ms }),
    [fps, video.duration_ms],
  );
  const frameCount = video.frame_count || Math.ceil((video.duration_ms * fps) / 1000);
  const own = useOwnLayer(slug, video.id, initialOwn);
  const others = useMemo(
    () => layers.filter((l) => l.id !== own.layer?.id && l.id !== initialOwn?.id),
    [layers, own.layer?.id, initialOwn?.id],
  );

  const videoRef = useRef<HTMLVideoElement>(null);
  const [currentMs, setCurrentMs] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [rate, setRate] = useState(1);
  const [selected, setSelected] = useState<number | null>(null);
  // Presence: the video, the second the playhead is in, the selected segment (soft-locked while
  // one may edit it). Whole seconds keep playback from sending a message per frame.
  const second = Math.floor(currentMs / 1000);
  const where = useMemo(
    () => ({
      page: "video",
      video: video.id,
      time: second,
      ...(selected !== null ? { segment: String(selected) } : {}),
    }),
    [video.id, second, selected],
  );
  useAnnounce(slug, where, editable && selected !== null ? `${video.id}:segment:${selected}` : null);
  const watching = usePresence(slug).filter((person) => person.where.video === video.id);
  const [inPoint, setInPoint] = useState<number | null>(null);
  const [hotkeys, setHotkeys] = useState(EMPTY_HOTKEYS);
  const [hint, setHint] = useState<string | null>(null);
  const [pad, setPad] = useState<PadValue | null>(null);
  const [recording, setRecording] = useState(false);
  const [mediaError, setMediaError] = useState<string | null>(null);
  const padRef = useRef<PadValue | null>(null);

  const segments = own.draft.segments;
  const selectedSegment = selected !== null ? (segments[selected] ?? null) : null;

  // --- player -------------------------------------------------------------------------------

  const syncTime = useCallback(() => {
    const el = videoRef.current;
    if (el) setCurrentMs(el.currentTime * 1000);
  }, []);

  useEffect(() => {
    if (!playing) return;
    let frame = requestAnimationFrame(function tick() {
      syncTime();
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, syncTime]);

  useEffect(() => {
    if (videoRef.current) videoRef.current.playbackRate = rate;
  }, [rate]);

  const seekMs = useCallback(
    (ms: number) => {
      const el = videoRef.current;
      const clamped = Math.min(video.duration_ms, Math.max(0, ms));
      if (el) el.currentTime = clamped / 1000;
      setCurrentMs(clamped);
    },
    [video.duration_ms],
  );

  const currentFrame = () =>
    frameAt((videoRef.current?.currentTime ?? currentMs / 1000) * 1000, fps);

  const stepFrames = (frames: number) => {
    const el = videoRef.current;
    if (!el) return;
    el.pause();
    const target = Math.min(frameCount - 1, Math.max(0, currentFrame() + frames));
    el.currentTime = frameSeekSeconds(target, fps);
    setCurrentMs(el.currentTime * 1000);
  };

  const togglePlay = () => {
    const el = videoRef.current;
    if (!el) return;
    if (el.paused) el.play().catch((reason: unknown) => setMediaError(String(reason)));
    else el.pause();
  };

  // --- editing ------------------------------------------------------------------------------

  const setSegments = (next: Segment[], select?: Segment | null) => {
    const sorted = sortSegments(next);
    own.edit(() => ({ segments: sorted }));
    if (select !== undefined) setSelected(select ? sorted.indexOf(select) : null);
  };

  const replaceSegment = (index: number, segment: Segment) => {
    const next = segments.slice();
    next[index] = segment;
    setSegments(next, segment);
  };

  const addSegment = (segment: Segment) => setSegments([...segments, segment], segment);

  const deleteSelected = () => {
    if (selected === null) return;
    setSegments(
      segments.filter((_, i) => i !== selected),
      null,
    );
  };

  const flash = (message: string) => setHint(message);

  const perform = (action: HotkeyAction) => {
    const needsEdit = [
      "markIn",
      "markOut",
      "nudge",
      "setAu",
      "removeAu",
      "deleteSegment",
      "recordStart",
    ].includes(action.type);
    if (needsEdit && !editable) {
      flash("You can view this video but not code it (annotators and above code).");
      return;
    }
    switch (action.type) {
      case "save":
        if (editable) void own.save();
        return;
      case "togglePlay":
        return togglePlay();
      case "step":
        return stepFrames(action.frames);
      case "seekBy":
        return seekMs((videoRef.current?.currentTime ?? 0) * 1000 + action.ms);
      case "seekStart":
        return seekMs(0);
      case "markIn": {
        const ms = frameToMs(currentFrame(), fps);
        setInPoint(ms);
        return flash(`In-point ${formatTime(ms)}. Move, then O for the out-point.`);
      }
      case "markOut": {
        if (inPoint === null) return flash("Set the in-point with I first.");
        const segment = makeSegment(inPoint, frameToMs(currentFrame(), fps), limits);
        if (!segment) return flash("The out-point must be at least one frame after the in-point.");
        setInPoint(null);
        addSegment(segment);
        return flash(`Segment ${formatTime(segment.t0_ms)}–${formatTime(segment.t1_ms)} created.`);
      }
      case "nudge":
        if (!selectedSegment) return flash("Select a segment first.");
        return replaceSegment(
          selected!,
          nudgeSegment(selectedSegment, action.edge, action.frames, limits),
        );
      case "setAu":
      case "removeAu": {
        if (!selectedSegment) return flash("Select a segment first.");
        const aus = { ...selectedSegment.aus };
        if (action.type === "setAu") aus[action.au] = action.intensity;
        else delete aus[action.au];
        replaceSegment(selected!, { ...selectedSegment, aus });
        return setHint(null);
      }
      case "deleteSegment":
        return deleteSelected();
      case "escape":
        if (inPoint !== null) return setInPoint(null);
        return setSelected(null);
      case "recordStart":
        setRecording(true);
        if (videoRef.current?.paused) flash("Recording starts when the video plays.");
        return;
      case "selectNext": {
        if (segments.length === 0) return;
        const from = selected ?? (action.delta > 0 ? -1 : segments.length);
        const index = Math.min(segments.length - 1, Math.max(0, from + action.delta));
        setSelected(index);
        const target = segments[index];
        if (target) seekMs(target.t0_ms + 500 / fps);
        return;
      }
      case "invalid":
        return flash(action.message);
    }
  };

  // One listener for the page's lifetime; it calls the latest render's handler.
  const onKeyDown = useRef<(event: KeyboardEvent) => void>(() => undefined);
  const onKeyUp = useRef<(event: KeyboardEvent) => void>(() => undefined);
  onKeyDown.current = (event) => {
    const saveCombo = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s";
    if (!saveCombo && isTypingTarget(event.target)) return;
    const onButton = event.target instanceof HTMLButtonElement;
    if (onButton && (event.key === " " || event.key === "Enter")) return;
    const outcome = interpretKey(hotkeys, event, performance.now());
    setHotkeys(outcome.state);
    if (outcome.handled) event.preventDefault();
    if (outcome.action) perform(outcome.action);
  };
  onKeyUp.current = (event) => {
    if (event.key.toLowerCase() === "v") setRecording(false);
  };
  useEffect(() => {
    const down = (event: KeyboardEvent) => onKeyDown.current(event);
    const up = (event: KeyboardEvent) => onKeyUp.current(event);
    const blur = () => setRecording(false);
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    window.addEventListener("blur", blur);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", up);
      window.removeEventListener("blur", blur);
    };
  }, []);

  // --- valence/arousal recording -------------------------------------------------------------

  useEffect(() => {
    if (!recording || !playing || !editable) return;
    const el = videoRef.current;
    if (!el) return;
    const copy = (name: string) =>
      (own.draft.traces[name]?.fps === fps ? own.draft.traces[name]!.values.slice() : null) ??
      emptyTrace(fps, frameCount).values;
    const valence = copy("valence");
    const arousal = copy("arousal");
    let last: number | null = null;
    let handle = requestAnimationFrame(function tick() {
      const position = padRef.current;
      const frame = frameAt(el.currentTime * 1000, fps);
      if (position && frame !== last) {
        fillFrames(valence, fps, last, frame, position.valence);
        fillFrames(arousal, fps, last, frame, position.arousal);
        last = frame;
        own.edit(
          (draft) => ({
            traces: {
              ...draft.traces,
              valence: { fps, values: valence },
              arousal: { fps, values: arousal },
            },
          }),
          { traces: true },
        );
      }
      handle = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(handle);
    // The buffers are copied once per recording run; edits go through own.edit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [recording, playing, editable, fps, frameCount]);

  // --- leaving with unsaved work --------------------------------------------------------------

  useEffect(() => {
    if (!own.dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [own.dirty]);

  // --- rendering ----------------------------------------------------------------------------

  const traceRows = (traces: Record<string, { fps: number; values: (number | null)[] }>) =>
    ["valence", "arousal"]
      .filter((name) => traces[name]?.values.some((v) => v !== null))
      .map((name) => ({ name, ...traces[name]! }));

  const rows: TimelineRow[] = [
    ...(editable
      ? [
          {
            id: "own",
            label: `${username} (you)`,
            segments,
            editable: true,
            traces: traceRows(own.draft.traces),
          },
        ]
      : []),
    ...others.map((layer) => ({
      id: layer.id,
      label: layer.kind === "coder" ? layer.annotator : `${layer.kind}: ${layer.annotator}`,
      segments: layer.segments,
      editable: false,
    })),
  ];

  const saveState = own.saving
    ? "Saving…"
    : own.dirty
      ? "Unsaved changes"
      : own.layer
        ? `Saved (version ${own.layer.version})`
        : "Nothing saved yet";

  return (
    <div className="affect-workspace" data-testid="workspace">
      <div className="affect-workspace-head">
        <h2>
          <Link to={`/projects/${slug}/videos`}>Videos</Link> / {video.filename}
        </h2>
        <span className="muted">
          {formatFps(video.fps)} · {video.width}×{video.height} · {frameCount} frames
        </span>
        <Link to={`/projects/${slug}/videos/${video.id}/agreement`}>Agreement</Link>
        <PresenceAvatars people={watching} describe={describeWhere} label="Also on this video" />
      </div>
      {own.conflict && (
        <div className="banner banner-error affect-conflict" role="alert" data-testid="conflict">
          <div className="banner-body">
            <p>
              {own.conflict.updated_by} saved this layer (version {own.conflict.version}) after
              you opened it. Your changes are still here, not saved.
            </p>
          </div>
          <div className="list-actions">
            <button type="button" className="button-secondary" onClick={own.reloadTheirs}>
              Reload theirs
            </button>
            <button type="button" onClick={() => void own.overwriteWithMine()}>
              Overwrite with mine
            </button>
          </div>
        </div>
      )}
      <ErrorBanner error={own.error} onDismiss={own.clearError} />
      {mediaError && <ErrorBanner error={mediaError} onDismiss={() => setMediaError(null)} />}
      <div className="affect-workspace-grid">
        <div className="affect-main-col">
          <div className="affect-player" style={{ position: "relative" }}>
            <FaceOverlay
              slug={slug}
              videoId={video.id}
              fps={fps}
              width={video.width}
              height={video.height}
              currentMs={currentMs}
            />
            <video
              ref={videoRef}
              src={streamUrl(slug, video.id)}
              poster={posterUrl(slug, video.id)}
              preload="auto"
              playsInline
              data-testid="video"
              onClick={togglePlay}
              onPlay={() => setPlaying(true)}
              onPause={() => {
                setPlaying(false);
                syncTime();
              }}
              onEnded={() => setPlaying(false)}
              onSeeked={syncTime}
              onTimeUpdate={syncTime}
              onLoadedMetadata={() => {
                if (videoRef.current) videoRef.current.playbackRate = rate;
              }}
              onError={() =>
                setMediaError(
                  video.needs_transcode
                    ? "The browser cannot play this video; it needs transcoding."
                    : "The video could not be loaded.",
                )
              }
            />
          </div>
          <div className="affect-transport">
            <button type="button" onClick={togglePlay} data-testid="play">
              {playing ? "Pause" : "Play"}
            </button>
            <button
              type="button"
              className="button-secondary"
              onClick={() => stepFrames(-1)}
              aria-label="Previous frame"
              title="Previous frame (,)"
            >
              ◀︎
            </button>
            <button
              type="button"
              className="button-secondary"
              onClick={() => stepFrames(1)}
              aria-label="Next frame"
              title="Next frame (.)"
            >
              ▶︎
            </button>
            <span className="affect-clock" data-testid="current-time">
              {formatTime(currentMs)} / {formatTime(video.duration_ms)}
            </span>
            <span className="affect-clock" data-testid="current-frame">
              frame {frameAt(currentMs, fps)}
            </span>
            <span className="affect-rates" role="group" aria-label="Playback rate">
              {RATES.map((r) => (
                <button
                  key={r}
                  type="button"
                  className={`button-small ${r === rate ? "" : "button-secondary"}`}
                  aria-pressed={r === rate}
                  onClick={() => setRate(r)}
                >
                  {r}×
                </button>
              ))}
            </span>
          </div>
          <p className="affect-hint" aria-live="polite" data-testid="hint">
            {hint ?? (inPoint !== null ? `In-point ${formatTime(inPoint)}` : "\u00a0")}
          </p>
          <Timeline
            rows={rows}
            limits={limits}
            currentMs={currentMs}
            inPointMs={inPoint}
            selected={selected}
            onSeek={seekMs}
            onSelect={setSelected}
            onCreate={editable ? addSegment : () => undefined}
            onResize={replaceSegment}
          />
          <FacePanel
            slug={slug}
            videoId={video.id}
            username={username}
            fps={fps}
            frameCount={frameCount}
            durationMs={video.duration_ms}
            layers={layers}
            own={own.draft}
            ownDirty={own.dirty}
            editable={editable}
            manager={manager}
            onSeek={seekMs}
          />
          <details className="affect-help">
            <summary>Keyboard shortcuts</summary>
            <dl className="facts">
              {HOTKEY_HELP.map(([keys, what]) => (
                <div key={keys} style={{ display: "contents" }}>
                  <dt>
                    <kbd>{keys}</kbd>
                  </dt>
                  <dd>{what}</dd>
                </div>
              ))}
            </dl>
          </details>
          <p className="affect-exports">
            Export:{" "}
            {EXPORTS.map(([format, label]) => (
              <a key={format} href={exportUrl(slug, video.id, format)} download>
                {label}
              </a>
            ))}
            {own.layer && (
              <a href={exportUrl(slug, video.id, "frames.csv", own.layer.id)} download>
                My frames CSV
              </a>
            )}
          </p>
        </div>
        <div className="affect-side-col">
          {editable && (
            <div className="panel affect-savebar">
              <span
                className={own.dirty ? "affect-dirty" : "muted"}
                data-testid="save-state"
                aria-live="polite"
              >
                {own.dirty && <span aria-hidden="true">● </span>}
                {saveState}
              </span>
              <button
                type="button"
                onClick={() => void own.save()}
                disabled={own.saving || (!own.dirty && own.layer !== null)}
                title="Save (Ctrl+S)"
              >
                Save
              </button>
            </div>
          )}
          <AffectPad
            value={pad}
            recording={recording && playing}
            editable={editable}
            onMove={(value) => {
              padRef.current = value;
              setPad(value);
            }}
          />
          <AuPanel
            segment={selectedSegment}
            editable={editable}
            pendingDigits={hotkeys.digits}
            fps={fps}
            onChange={(segment) => selected !== null && replaceSegment(selected, segment)}
            onDelete={deleteSelected}
          />
        </div>
      </div>
    </div>
  );
}
