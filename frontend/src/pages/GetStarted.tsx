import { Link } from "react-router";
import { affectApi } from "../affect/api";
import { useLoad } from "../hooks/useLoad";
import { linguisticApi } from "../linguistic/api";
import { canManage, hasRole } from "../roles";
import type { Project } from "../api";

/**
 * What a new project should do first: shown on the Overview while it holds no texts or no
 * videos, with the steps the member's role allows (import, invite, gloss, code).
 */
export function GetStarted({ project }: { project: Project }) {
  const texts = useLoad(() => linguisticApi.texts.list(project.slug), [project.slug]);
  const videos = useLoad(() => affectApi.videos.list(project.slug), [project.slug]);
  if (!texts.data || !videos.data) return null;
  const noTexts = texts.data.count === 0;
  const noVideos = videos.data.length === 0;
  if (!noTexts && !noVideos) return null;
  const base = `/projects/${encodeURIComponent(project.slug)}`;
  const manager = canManage(project.my_role);
  const annotator = hasRole(project.my_role, "annotator");
  return (
    <section className="panel" aria-labelledby="start-heading" data-testid="get-started">
      <h2 id="start-heading">Get started</h2>
      <ol className="get-started">
        {noTexts && annotator && (
          <li>
            <Link to={`${base}/texts`}>Import a text</Link> from Toolbox, FLEx, ELAN, LIFT, CSV or JSON, or
            start a new one and gloss it in the editor.
          </li>
        )}
        {noVideos && annotator && (
          <li>
            <Link to={`${base}/videos`}>Upload a face video</Link> and code Action Units, emotions and
            valence/arousal on its timeline.
          </li>
        )}
        {manager && (
          <li>
            <Link to={`${base}/members`}>Invite your team</Link> as managers, annotators or viewers.
          </li>
        )}
        {!annotator && <li>This project has nothing to show yet; its annotators will add texts and videos.</li>}
      </ol>
    </section>
  );
}
