import { useEffect, useMemo, useRef, useState } from "react";
import { Link } from "react-router";
import { ErrorBanner } from "../../components/ErrorBanner";
import { PresenceAvatars } from "../../components/PresenceAvatars";
import { useAnnounce, usePresence } from "../../hooks/useProjectSocket";
import { describeWhere } from "../../realtime/presence";
import {
  exportUrl,
  parseFps,
  posterUrl,
  streamUrl,
  type ExportFormat,
  type Layer,
  type LayerDetail,
  type Segment,
  type Video,
  type VideoLink,
} from "../api";
import { AffectPad, type PadValue } from "../components/AffectPad";
import { AuPanel } from "../components/AuPanel";
import { FaceOverlay } from "../components/FaceOverlay";
import { FacePanel } from "../components/FacePanel";
import { Timeline, type TimelineRow } from "../components/Timeline";
import { formatFps } from "../format";
import { EMPTY_HOTKEYS, interpretKey, ownsKey, type HotkeyAction } from "../hotkeys";
import { useOwnLayer } from "../hooks/useOwnLayer";
import type { LabelSchema } from "../schema";
import {
  formatTime,
  frameToMs,
  makeSegment,
  nudgeSegment,
  sortSegments,
  type Edge,
  type Limits,
} from "../timeline";
import { GoldPanel } from "./GoldPanel";
import { HistoryPanel } from "./HistoryPanel";
import { ImportPanel } from "./ImportPanel";
import { LinksPanel } from "./LinksPanel";
import { ShortcutsPanel } from "./ShortcutsPanel";
import { Transport } from "./Transport";
import { usePlayer } from "./usePlayer";
import { useRecording } from "./useRecording";
import { useSingleKeys } from "./useSingleKeys";

const EXPORTS: [ExportFormat, string][] = [
  ["csv", "Segments CSV"],
  ["eaf", "ELAN (.eaf)"],
  ["emotionml", "EmotionML"],
  ["json", "JSON"],
];

export interface WorkspaceProps {
  slug: string;
  username: string;
  editable: boolean;
  manager: boolean;
  video: Video;
  layers: Layer[];
  own: LayerDetail | null;
  labels: LabelSchema;
  links: VideoLink[];
  /** Milliseconds to start at (`?t=`), e.g. from an utterance's link. */
  startMs: number | null;
  /** Reload everything: after an import or revert replaced the stored own layer. */
  onReplaced: (notice: string) => void;
  /** What the last import or revert did, kept across the reload it caused. */
  notice: string | null;
  /** Refresh the layer list (a gold layer was built). */
  onLayersChanged: () => void;
  onLinksChanged: () => void;
}

/** The coding workspace of one video: player, timeline, AU panel, pad and the layer tools. */
export function Workspace(props: WorkspaceProps) {
  const { slug, username, editable, manager, video, layers, own: initialOwn, labels } = props;
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

  const [mediaError, setMediaError] = useState<string | null>(null);
  const player = usePlayer(fps, video.duration_ms, frameCount, setMediaError);
  const { videoRef, currentMs, playing, seekMs } = player;
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
  const [singleKeys, setSingleKeys] = useSingleKeys();
  const [hint, setHint] = useState<string | null>(null);
  const [pad, setPad] = useState<PadValue | null>(null);
  const [recording, setRecording] = useState(false);
  const padRef = useRef<PadValue | null>(null);

  const segments = own.draft.segments;
  const selectedSegment = selected !== null ? (segments[selected] ?? null) : null;

  useEffect(() => {
    if (props.startMs !== null) seekMs(props.startMs);
    // Only on opening: the link's start.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

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

  const deleteAt = (index: number) =>
    setSegments(
      segments.filter((_, i) => i !== index),
      null,
    );

  const nudgeAt = (index: number, edge: Edge, frames: number) => {
    const segment = segments[index];
    if (segment) replaceSegment(index, nudgeSegment(segment, edge, frames, limits));
  };

  const markIn = () => {
    const ms = frameToMs(player.currentFrame(), fps);
    setInPoint(ms);
    setHint(`In-point ${formatTime(ms)}. Move, then O (or Out-point) for the out-point.`);
  };

  const markOut = () => {
    if (inPoint === null) return setHint("Set the in-point with I first.");
    const segment = makeSegment(inPoint, frameToMs(player.currentFrame(), fps), limits);
    if (!segment) return setHint("The out-point must be at least one frame after the in-point.");
    setInPoint(null);
    addSegment(segment);
    setHint(`Segment ${formatTime(segment.t0_ms)}–${formatTime(segment.t1_ms)} created.`);
  };

  const applyPad = () => {
    if (!selectedSegment || selected === null || !pad) return;
    replaceSegment(selected, {
      ...selectedSegment,
      dimensions: { valence: pad.valence, arousal: pad.arousal },
    });
    setHint(`Valence ${pad.valence.toFixed(2)}, arousal ${pad.arousal.toFixed(2)} set on the segment.`);
  };

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
      setHint("You can view this video but not code it (annotators and above code).");
      return;
    }
    switch (action.type) {
      case "save":
        if (editable) void own.save();
        return;
      case "togglePlay":
        return player.togglePlay();
      case "step":
        return player.stepFrames(action.frames);
      case "seekBy":
        return seekMs((videoRef.current?.currentTime ?? 0) * 1000 + action.ms);
      case "seekStart":
        return seekMs(0);
      case "markIn":
        return markIn();
      case "markOut":
        return markOut();
      case "nudge":
        if (selected === null) return setHint("Select a segment first.");
        return nudgeAt(selected, action.edge, action.frames);
      case "setAu":
      case "removeAu": {
        if (!selectedSegment || selected === null) return setHint("Select a segment first.");
        const aus = { ...selectedSegment.aus };
        if (action.type === "setAu") aus[action.au] = action.intensity;
        else delete aus[action.au];
        replaceSegment(selected, { ...selectedSegment, aus });
        return setHint(null);
      }
      case "deleteSegment":
        if (selected !== null) deleteAt(selected);
        return;
      case "escape":
        if (inPoint !== null) return setInPoint(null);
        return setSelected(null);
      case "recordStart":
        setRecording(true);
        if (videoRef.current?.paused) setHint("Recording starts when the video plays.");
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
        return setHint(action.message);
    }
  };

  // One listener for the page's lifetime; it calls the latest render's handler.
  const onKeyDown = useRef<(event: KeyboardEvent) => void>(() => undefined);
  const onKeyUp = useRef<(event: KeyboardEvent) => void>(() => undefined);
  onKeyDown.current = (event) => {
    const saveCombo = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s";
    if (!saveCombo && (event.defaultPrevented || ownsKey(event.target, event.key))) return;
    const outcome = interpretKey(hotkeys, event, performance.now(), {
      aus: labels.actionUnits,
      singleKeys,
    });
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

  useRecording(recording && playing && editable, videoRef, padRef, own, fps, frameCount);

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
          {formatFps(video.fps)} · {video.width}×{video.height} · {frameCount} frames · label
          schema v{labels.version}
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
      <p className="affect-notice" role="status" aria-live="polite" data-testid="workspace-notice">
        {props.notice ?? ""}
      </p>
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
              aria-label={`Video ${video.filename}`}
              onClick={player.togglePlay}
              onPlay={() => player.setPlaying(true)}
              onPause={() => {
                player.setPlaying(false);
                player.syncTime();
              }}
              onEnded={() => player.setPlaying(false)}
              onSeeked={player.syncTime}
              onTimeUpdate={player.syncTime}
              onLoadedMetadata={() => {
                if (videoRef.current) videoRef.current.playbackRate = player.rate;
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
          <Transport
            player={player}
            fps={fps}
            durationMs={video.duration_ms}
            editable={editable}
            onMarkIn={markIn}
            onMarkOut={markOut}
          />
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
            onDelete={deleteAt}
            onNudge={nudgeAt}
          />
          <ShortcutsPanel singleKeys={singleKeys} onSingleKeys={setSingleKeys} />
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
            onOwnChanged={own.adopt}
          />
          <LinksPanel
            slug={slug}
            video={video}
            links={props.links}
            editable={editable}
            username={username}
            manager={manager}
            currentMs={currentMs}
            selected={selectedSegment}
            onSeek={seekMs}
            onChanged={props.onLinksChanged}
          />
          {manager && (
            <GoldPanel
              slug={slug}
              video={video}
              layers={layers}
              username={username}
              labels={labels}
              onBuilt={props.onLayersChanged}
              onSeek={seekMs}
            />
          )}
          {manager && (
            <ImportPanel
              slug={slug}
              videoId={video.id}
              ownDirty={own.dirty}
              onImported={props.onReplaced}
            />
          )}
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
                role="status"
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
            onApply={selectedSegment ? applyPad : undefined}
          />
          <AuPanel
            segment={selectedSegment}
            editable={editable}
            pendingDigits={hotkeys.digits}
            fps={fps}
            labels={labels}
            onChange={(segment) => selected !== null && replaceSegment(selected, segment)}
            onDelete={() => selected !== null && deleteAt(selected)}
          />
          {own.layer && (
            <HistoryPanel
              slug={slug}
              videoId={video.id}
              layer={own.layer}
              dirty={own.dirty}
              onReverted={props.onReplaced}
            />
          )}
        </div>
      </div>
    </div>
  );
}
