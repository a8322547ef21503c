import { useEffect, useState } from "react";
import { Link } from "react-router";
import { affectApi, type VideoLink } from "../api";
import { formatTime } from "../timeline";
import { utteranceName } from "../workspace/LinksPanel";

interface TextVideoLinksProps {
  slug: string;
  textId: string;
}

/**
 * In the IGT editor: the video spans this text's utterances are linked to, each opening the
 * video workspace at the span's start (`?t=`), and the utterance itself.
 */
export function TextVideoLinks({ slug, textId }: TextVideoLinksProps) {
  const [links, setLinks] = useState<VideoLink[]>([]);
  useEffect(() => {
    let live = true;
    affectApi.links.all(slug).then(
      (all) => live && setLinks(all.filter((link) => link.text === textId)),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [slug, textId]);
  if (links.length === 0) return null;
  return (
    <section className="panel text-video-links" aria-label="Linked video spans" data-testid="text-video-links">
      <h2>Linked video spans</h2>
      <ul>
        {links.map((link) => (
          <li key={link.id}>
            <Link to={`/projects/${slug}/texts/${encodeURIComponent(textId)}?u=${encodeURIComponent(link.utterance)}`}>
              {utteranceName(link)}
            </Link>
            {" → "}
            <Link
              to={`/projects/${slug}/videos/${encodeURIComponent(link.video)}?t=${link.t0_ms}`}
              data-testid="open-video-span"
            >
              video at {formatTime(link.t0_ms)}–{formatTime(link.t1_ms)}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
