import { useState } from "react";
import { api } from "../api";
import { ErrorBanner } from "../components/ErrorBanner";
import { Pager } from "../components/Pager";
import { formatDate } from "../format";
import { useLoad } from "../hooks/useLoad";
import { canManage } from "../roles";
import { useProjectContext } from "./ProjectLayout";

/** Compact one-line rendering of an audit entry's free-form detail object. */
export function describeDetail(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(", ");
}

export function AuditPage() {
  const { project } = useProjectContext();
  const allowed = canManage(project.my_role);
  const [page, setPage] = useState(1);
  const entries = useLoad(
    () => (allowed ? api.audit.list(project.slug, page) : Promise.resolve(null)),
    [project.slug, page, allowed, project],
  );

  if (!allowed) {
    return <p className="empty">Only managers and owners can see the audit log.</p>;
  }
  return (
    <section className="panel" aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      <ErrorBanner error={entries.error} />
      {entries.data && entries.data.results.length === 0 && <p className="empty">Nothing yet.</p>}
      {entries.data && entries.data.results.length > 0 && (
        <table className="table" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {entries.data.results.map((entry) => (
              <tr key={entry.id}>
                <td className="nowrap">{formatDate(entry.created_at)}</td>
                <td>{entry.actor ?? <span className="muted">system</span>}</td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td className="detail">{describeDetail(entry.detail ?? {})}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {entries.data && (
        <Pager
          page={page}
          hasPrevious={entries.data.previous !== null}
          hasNext={entries.data.next !== null}
          count={entries.data.count}
          onPage={setPage}
        />
      )}
    </section>
  );
}
