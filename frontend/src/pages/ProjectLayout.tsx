import { useCallback, useState } from "react";
import { Link, NavLink, Outlet, useOutletContext, useParams } from "react-router";
import { api, type Project, type SocketMessage } from "../api";
import { ErrorBanner } from "../components/ErrorBanner";
import { useLoad } from "../hooks/useLoad";
import { PresenceAvatars } from "../components/PresenceAvatars";
import { usePresence, useProjectSocket } from "../hooks/useProjectSocket";
import { describeWhere } from "../realtime/presence";
import { canManage, roleLabel } from "../roles";

export interface ProjectContext {
  project: Project;
  reloadProject: () => void;
  setProject: (project: Project) => void;
  /** Bumped on every `membership.changed` push; pages that list members reload on change. */
  membershipVersion: number;
}

export function useProjectContext(): ProjectContext {
  return useOutletContext<ProjectContext>();
}

/** Loads the project once for all its tabs and keeps it live through the project socket. */
export function ProjectLayout() {
  const { slug = "" } = useParams();
  const project = useLoad(() => api.projects.get(slug), [slug]);
  const [membershipVersion, setMembershipVersion] = useState(0);
  const { reload } = project;

  const onMessage = useCallback(
    (message: SocketMessage) => {
      if (message.type === "project.updated" || message.type === "role") reload();
      if (message.type === "membership.changed") {
        // Our own role may be what changed, so the project (my_role) is refreshed too.
        reload();
        setMembershipVersion((v) => v + 1);
      }
    },
    [reload],
  );
  const socket = useProjectSocket(project.data ? slug : null, onMessage);
  const present = usePresence(project.data ? slug : null);

  if (!project.data) {
    return (
      <div className="page">
        <ErrorBanner error={project.error} />
        {project.loading ? <p className="loading">Loading…</p> : <Link to="/">Back to projects</Link>}
      </div>
    );
  }

  const current = project.data;
  const context: ProjectContext = {
    project: current,
    reloadProject: reload,
    setProject: project.setData,
    membershipVersion,
  };
  return (
    <div className="page">
      <header className="project-header">
        <div>
          <p className="breadcrumb">
            <Link to="/">Projects</Link> /
          </p>
          <h1 data-testid="project-name">{current.name}</h1>
        </div>
        <div className="project-meta">
          <PresenceAvatars people={present} describe={describeWhere} label="People in this project" />
          <span className="tag" data-testid="my-role">
            {roleLabel(current.my_role)}
          </span>
          <span
            className={`live live-${socket}`}
            title={socket === "open" ? "Live updates on" : "Reconnecting for live updates"}
          >
            {socket === "open" ? "live" : "offline"}
          </span>
        </div>
      </header>
      <nav className="tabs" aria-label="Project">
        <NavLink to={`/projects/${current.slug}`} end>
          Overview
        </NavLink>
        <NavLink to={`/projects/${current.slug}/members`}>Members</NavLink>
        <NavLink to={`/projects/${current.slug}/videos`}>Videos</NavLink>
        <NavLink to={`/projects/${current.slug}/texts`}>Texts</NavLink>
        <NavLink to={`/projects/${current.slug}/lexicon`}>Lexicon</NavLink>
        <NavLink to={`/projects/${current.slug}/dictionary`}>Dictionary</NavLink>
        <NavLink to={`/projects/${current.slug}/concordance`}>Concordance</NavLink>
        <NavLink to={`/projects/${current.slug}/models`}>Models</NavLink>
        {canManage(current.my_role) && (
          <NavLink to={`/projects/${current.slug}/audit`}>Audit log</NavLink>
        )}
      </nav>
      <ErrorBanner error={project.error} />
      <Outlet context={context} />
    </div>
  );
}
