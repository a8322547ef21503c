import { useState } from "react";
import { useNavigate } from "react-router";
import { api, type ProjectInput } from "../api";
import { ErrorBanner } from "../components/ErrorBanner";
import { ProjectForm } from "../components/ProjectForm";
import { formatDate } from "../format";
import { canManage, isOwner, roleLabel } from "../roles";
import { GetStarted } from "./GetStarted";
import { useProjectContext } from "./ProjectLayout";

export function ProjectOverviewPage() {
  const { project, setProject } = useProjectContext();
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const save = async (input: ProjectInput) => {
    setProject(await api.projects.update(project.slug, input));
    setEditing(false);
  };

  const remove = async () => {
    try {
      await api.projects.remove(project.slug);
      navigate("/", { replace: true });
    } catch (reason) {
      setError(reason);
      setConfirmDelete(false);
    }
  };

  return (
    <div className="stack">
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <GetStarted project={project} />
      {editing ? (
        <section className="panel" aria-labelledby="settings-heading">
          <h2 id="settings-heading">Edit settings</h2>
          <ProjectForm
            initial={project}
            withSlug={false}
            submitLabel="Save settings"
            onSubmit={save}
            onCancel={() => setEditing(false)}
          />
        </section>
      ) : (
        <section className="panel" aria-labelledby="about-heading">
          <h2 id="about-heading">About</h2>
          <p className="description" data-testid="project-description">
            {project.description || <span className="muted">No description.</span>}
          </p>
          <dl className="facts">
            <dt>Slug</dt>
            <dd>
              <code>{project.slug}</code>
            </dd>
            <dt>Object languages</dt>
            <dd data-testid="project-languages">
              {project.object_languages.length > 0 ? (
                project.object_languages.map((code) => (
                  <code key={code} className="lang">
                    {code}
                  </code>
                ))
              ) : (
                <span className="muted">None yet</span>
              )}
            </dd>
            <dt>Visibility</dt>
            <dd>{project.visibility}</dd>
            <dt>My role</dt>
            <dd>{roleLabel(project.my_role)}</dd>
            <dt>Members</dt>
            <dd>{project.member_count}</dd>
            <dt>Created</dt>
            <dd>{formatDate(project.created_at)}</dd>
          </dl>
          {canManage(project.my_role) && (
            <div className="form-actions">
              <button type="button" onClick={() => setEditing(true)}>
                Edit settings
              </button>
            </div>
          )}
        </section>
      )}
      {isOwner(project.my_role) && (
        <section className="panel panel-danger" aria-labelledby="danger-heading">
          <h2 id="danger-heading">Delete project</h2>
          {confirmDelete ? (
            <div role="group" aria-label="Confirm deletion">
              <p>
                Delete <strong>{project.name}</strong> and all its data? This cannot be undone.
              </p>
              <div className="form-actions">
                <button type="button" className="button-danger" onClick={remove}>
                  Yes, delete project
                </button>
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => setConfirmDelete(false)}
                >
                  Cancel
                </button>
              </div>
            </div>
          ) : (
            <button type="button" className="button-danger" onClick={() => setConfirmDelete(true)}>
              Delete project
            </button>
          )}
        </section>
      )}
    </div>
  );
}
