import { useCallback, useEffect, useState } from "react";
import { ErrorBanner } from "../components/ErrorBanner";
import { useLoad } from "../hooks/useLoad";
import { useProjectContext } from "../pages/ProjectLayout";
import { canManage } from "../roles";
import { modelsApi, type Run, type Version } from "./api";
import { ExternalForm, ImportForm } from "./ImportForms";
import { GlossNextQueue } from "./GlossNextQueue";
import { RunsTable } from "./RunsTable";
import { SchedulesPanel } from "./SchedulesPanel";
import { TrainForm } from "./TrainForm";
import { VersionDetails } from "./VersionDetails";
import { VersionsTable } from "./VersionsTable";

const LIVE = new Set<Run["state"]>(["queued", "running"]);

/**
 * A project's models: train (task, kind, a few parameters), runs with live progress and logs,
 * versions with metrics and pictures, activate / roll back, import, external servers,
 * schedules, acceptance rates and the "gloss next" queue.
 */
export function ModelsPage() {
  const { project } = useProjectContext();
  const slug = project.slug;
  const manager = canManage(project.my_role);
  const tasks = useLoad(() => modelsApi.tasks(slug), [slug]);
  const runs = useLoad(() => modelsApi.runs.list(slug), [slug]);
  const versions = useLoad(() => modelsApi.versions.list(slug), [slug]);
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reloadRuns = runs.reload;
  const reloadVersions = versions.reload;

  // Live progress: poll while a run is queued or running, then refresh the versions once.
  const live = (runs.data?.results ?? []).some((run) => LIVE.has(run.state));
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(reloadRuns, 700);
    return () => {
      clearInterval(timer);
      reloadVersions();
    };
  }, [live, reloadRuns, reloadVersions]);

  const act = useCallback(
    async (call: () => Promise<unknown>) => {
      setError(null);
      try {
        await call();
        reloadVersions();
        reloadRuns();
      } catch (e) {
        setError(e);
      }
    },
    [reloadRuns, reloadVersions],
  );

  const allVersions: Version[] = versions.data ?? [];
  const shown = selected ?? allVersions.find((v) => v.status === "active")?.id ?? allVersions[0]?.id ?? null;

  return (
    <section className="ml-page" aria-label="Models">
      <h2>Models</h2>
      <ErrorBanner error={error ?? tasks.error ?? runs.error ?? versions.error} />
      {manager && tasks.data && (
        <TrainForm
          tasks={tasks.data}
          onStarted={() => {
            reloadRuns();
          }}
        />
      )}
      <h3>Training runs</h3>
      <RunsTable slug={slug} runs={runs.data?.results ?? []} canCancel={manager} onChanged={reloadRuns} />
      <h3>Versions</h3>
      <VersionsTable
        versions={allVersions}
        canManage={manager}
        selected={shown}
        onSelect={setSelected}
        onActivate={(v) => void act(() => modelsApi.versions.activate(slug, v.id))}
        onRollback={(task) => void act(() => modelsApi.versions.rollback(slug, task))}
      />
      {shown !== null && <VersionDetails slug={slug} versionId={shown} />}
      <GlossNextQueue slug={slug} versions={allVersions} />
      {manager && tasks.data && (
        <div className="ml-columns">
          <ImportForm slug={slug} tasks={tasks.data} onImported={reloadVersions} />
          <ExternalForm slug={slug} tasks={tasks.data} onRegistered={reloadVersions} />
        </div>
      )}
      {tasks.data && <SchedulesPanel slug={slug} tasks={tasks.data} canManage={manager} />}
    </section>
  );
}
