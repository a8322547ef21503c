import { Link, useNavigate, useSearchParams } from "react-router";
import { api, type ProjectInput } from "../api";
import { ErrorBanner } from "../components/ErrorBanner";
import { Pager } from "../components/Pager";
import { ProjectForm } from "../components/ProjectForm";
import { useLoad } from "../hooks/useLoad";
import { roleLabel } from "../roles";

export function ProjectsPage() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const projects = useLoad(() => api.projects.list(page), [page]);

  const create = async (input: ProjectInput) => {
    const project = await api.projects.create(input);
    navigate(`/projects/${project.slug}`);
  };

  return (
    <div className="page page-split">
      <section aria-labelledby="projects-heading">
        <h1 id="projects-heading">Projects</h1>
        <ErrorBanner error={projects.error} />
        {projects.data && projects.data.results.length === 0 && (
          <p className="empty">No projects yet. Create one, or accept an invitation.</p>
        )}
        {projects.data && projects.data.results.length > 0 && (
          <table className="table" data-testid="projects-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col">My role</th>
                <th scope="col">Visibility</th>
                <th scope="col" className="num">
                  Members
                </th>
              </tr>
            </thead>
            <tbody>
              {projects.data.results.map((project) => (
                <tr key={project.slug} data-testid={`project-row-${project.slug}`}>
                  <td>
                    <Link to={`/projects/${project.slug}`}>{project.name}</Link>
                  </td>
                  <td>
                    <code>{project.slug}</code>
                  </td>
                  <td>{roleLabel(project.my_role)}</td>
                  <td>
                    <span className={`tag tag-${project.visibility}`}>{project.visibility}</span>
                  </td>
                  <td className="num">{project.member_count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {projects.loading && !projects.data && <p className="loading">Loading…</p>}
        {projects.data && (
          <Pager
            page={page}
            hasPrevious={projects.data.previous !== null}
            hasNext={projects.data.next !== null}
            count={projects.data.count}
            onPage={(next) => setParams(next > 1 ? { page: String(next) } : {})}
          />
        )}
      </section>
      <section className="panel" aria-labelledby="new-project-heading">
        <h2 id="new-project-heading">New project</h2>
        <ProjectForm withSlug submitLabel="Create project" onSubmit={create} />
      </section>
    </div>
  );
}
