import { Link } from "react-router";
import { ErrorBanner } from "../../components/ErrorBanner";
import { PresenceAvatars } from "../../components/PresenceAvatars";
import { useLoad } from "../../hooks/useLoad";
import { usePresence } from "../../hooks/useProjectSocket";
import { describeWhere } from "../../realtime/presence";
import { useProjectContext } from "../../pages/ProjectLayout";
import { canManage } from "../../roles";
import { affectApi, posterUrl } from "../api";
import { UploadVideoForm } from "../components/UploadVideoForm";
import { formatBytes, formatDuration, formatFps } from "../format";

/** `/projects/:slug/videos`: the project's videos with posters; managers upload here. */
export function VideoListPage() {
  const { project } = useProjectContext();
  const slug = project.slug;
  const videos = useLoad(() => affectApi.videos.list(slug), [slug]);
  const present = usePresence(slug);
  const manager = canManage(project.my_role);

  return (
    <div className={manager ? "page-split" : undefined}>
      <section>
        <div className="affect-workspace-head">
          <h2>Videos</h2>
          <Link to={`/projects/${slug}/agreement`} data-testid="project-agreement-link">
            Agreement across videos
          </Link>
          <Link to={`/projects/${slug}/label-schema`} data-testid="label-schema-link">
            Label schema
          </Link>
        </div>
        <ErrorBanner error={videos.error} />
        {videos.loading && !videos.data && <p className="loading">Loading…</p>}
        {videos.data && videos.data.length === 0 && (
          <p className="empty">
            No videos yet.{manager ? " Upload one to start coding." : ""}
          </p>
        )}
        <ul className="affect-video-grid" data-testid="video-list">
          {videos.data?.map((video) => (
            <li key={video.id} className="affect-video-card" data-testid={`video-${video.id}`}>
              {/* The title below is the accessible link; the poster repeats it for the mouse. */}
              <Link
                to={`/projects/${slug}/videos/${video.id}`}
                className="affect-poster-link"
                tabIndex={-1}
                aria-hidden="true"
              >
                <img
                  src={posterUrl(slug, video.id)}
                  alt=""
                  loading="lazy"
                  width={video.width}
                  height={video.height}
                />
              </Link>
              <div className="affect-video-meta">
                <Link to={`/projects/${slug}/videos/${video.id}`} className="affect-video-title">
                  {video.filename}
                </Link>
                <PresenceAvatars
                  people={present.filter((person) => person.where.video === video.id)}
                  describe={describeWhere}
                  label="On this video"
                />
                <span className="muted">
                  {formatDuration(video.duration_ms)} · {formatFps(video.fps)} · {video.width}×
                  {video.height} · {formatBytes(video.size)}
                </span>
                <span className="affect-video-links">
                  <Link to={`/projects/${slug}/videos/${video.id}/agreement`}>Agreement</Link>
                  {video.needs_transcode && (
                    <span className="tag tag-private" title="The browser may not play it">
                      needs transcode
                    </span>
                  )}
                </span>
              </div>
            </li>
          ))}
        </ul>
      </section>
      {manager && (
        <aside className="panel">
          <UploadVideoForm
            slug={slug}
            onUploaded={(video) => videos.setData([...(videos.data ?? []), video])}
          />
        </aside>
      )}
    </div>
  );
}
