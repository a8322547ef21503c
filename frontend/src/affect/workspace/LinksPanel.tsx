import { useEffect, useId, useState } from "react";
import { Link } from "react-router";
import { ErrorBanner } from "../../components/ErrorBanner";
import { linguisticApi, type Text, type Utterance } from "../../linguistic/api";
import { affectApi, type Segment, type Video, type VideoLink } from "../api";
import { formatTime } from "../timeline";

interface LinksPanelProps {
  slug: string;
  video: Video;
  links: VideoLink[];
  editable: boolean;
  username: string;
  manager: boolean;
  currentMs: number;
  /** The span a new link takes. */
  selected: Segment | null;
  onSeek: (ms: number) => void;
  onChanged: () => void;
}

export function utteranceHref(slug: string, link: VideoLink): string | null {
  if (!link.text) return null;
  return `/projects/${slug}/texts/${encodeURIComponent(link.text)}?u=${encodeURIComponent(link.utterance)}`;
}

export function utteranceName(link: VideoLink): string {
  const number = link.utterance_order !== null ? `Utterance ${link.utterance_order + 1}` : "Utterance";
  return link.transcription ? `${number}: ${link.transcription}` : number;
}

/** Glossed utterances linked to spans of this video: jump to them, play them, link another. */
export function LinksPanel(props: LinksPanelProps) {
  const { slug, video, links, editable, username, manager, selected, onSeek, onChanged } = props;
  const id = useId();
  const [texts, setTexts] = useState<Text[] | null>(null);
  const [textId, setTextId] = useState("");
  const [utterances, setUtterances] = useState<Utterance[]>([]);
  const [utteranceId, setUtteranceId] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    if (!open || texts !== null) return;
    linguisticApi.texts.list(slug).then((page) => setTexts(page.results), setError);
  }, [open, texts, slug]);

  useEffect(() => {
    setUtterances([]);
    setUtteranceId("");
    if (!textId) return;
    linguisticApi.utterances.listAll(slug, textId).then(setUtterances, setError);
  }, [slug, textId]);

  const create = async () => {
    if (!selected || !utteranceId) return;
    setBusy(true);
    setError(null);
    try {
      await affectApi.links.create(slug, {
        utterance: utteranceId,
        video: video.id,
        t0_ms: selected.t0_ms,
        t1_ms: selected.t1_ms,
      });
      setUtteranceId("");
      onChanged();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (link: VideoLink) => {
    setError(null);
    try {
      await affectApi.links.remove(slug, link);
      onChanged();
    } catch (reason) {
      setError(reason);
    }
  };

  return (
    <section className="panel affect-links" aria-labelledby={`${id}-h`} data-testid="links-panel">
      <h2 id={`${id}-h`}>Linked utterances</h2>
      {links.length === 0 ? (
        <p className="muted">No glossed utterance is linked to this video yet.</p>
      ) : (
        <ul className="affect-link-list">
          {links.map((link) => {
            const href = utteranceHref(slug, link);
            return (
              <li key={link.id} data-testid="video-link">
                <button
                  type="button"
                  className="button-secondary button-small"
                  onClick={() => onSeek(link.t0_ms)}
                >
                  Play {formatTime(link.t0_ms)}–{formatTime(link.t1_ms)}
                </button>{" "}
                {href ? <Link to={href}>{utteranceName(link)}</Link> : "(utterance deleted)"}
                {editable && (link.created_by === username || manager) && (
                  <>
                    {" "}
                    <button
                      type="button"
                      className="button-secondary button-small"
                      onClick={() => void remove(link)}
                      aria-label={`Unlink ${utteranceName(link)}`}
                    >
                      Unlink
                    </button>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {editable && (
        <details onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}>
          <summary>Link an utterance to the selected segment</summary>
          <form
            className="affect-link-form"
            onSubmit={(event) => {
              event.preventDefault();
              void create();
            }}
          >
            <label>
              Text
              <select value={textId} onChange={(event) => setTextId(event.target.value)}>
                <option value="">choose…</option>
                {(texts ?? []).map((text) => (
                  <option key={text.id} value={text.id}>
                    {text.title || text.id}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Utterance
              <select
                value={utteranceId}
                onChange={(event) => setUtteranceId(event.target.value)}
                disabled={!textId}
              >
                <option value="">choose…</option>
                {utterances.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.order + 1}: {(u.transcription ?? "").slice(0, 60)}
                  </option>
                ))}
              </select>
            </label>
            <p className="muted">
              {selected
                ? `Span: ${formatTime(selected.t0_ms)}–${formatTime(selected.t1_ms)} (the selected segment).`
                : "Select a segment on your row: its span is the link's."}
            </p>
            <button type="submit" disabled={busy || !selected || !utteranceId}>
              Link
            </button>
          </form>
        </details>
      )}
    </section>
  );
}
