import { useEffect, useState } from "react";
import { Link } from "react-router";
import { ApiError } from "../../api";
import { ErrorBanner } from "../../components/ErrorBanner";
import { FieldErrors } from "../../components/FieldErrors";
import { useLoad } from "../../hooks/useLoad";
import { useProjectContext } from "../../pages/ProjectLayout";
import { canManage } from "../../roles";
import { affectApi, type HistoryEntry } from "../api";
import { INTENSITY_LETTERS, type SchemaDoc } from "../schema";

type Preset = "ekman" | "affectnet" | "custom";

interface Form {
  version: number;
  aus: { code: string; name: string }[];
  preset: Preset;
  categories: string[];
  dimensions: string[];
  notes: boolean;
}

function formOf(doc: SchemaDoc): Form {
  const preset = (["ekman", "affectnet"].includes(doc.emotions.preset) ? doc.emotions.preset : "custom") as Preset;
  return {
    version: doc.version,
    aus: doc.action_units.map((au) => ({ ...au })),
    preset,
    categories: [...doc.emotions.categories],
    dimensions: [...doc.dimensions],
    notes: doc.notes,
  };
}

/**
 * `/projects/:slug/label-schema`: the project's AUs, emotion set, dimensions and notes, which
 * the video workspace codes against. Saving names the version read; a newer one is a conflict.
 */
export function SchemaEditorPage() {
  const { project } = useProjectContext();
  const slug = project.slug;
  const editable = canManage(project.my_role);
  const loaded = useLoad(
    async () => {
      const [doc, history] = await Promise.all([
        affectApi.schema.get(slug),
        affectApi.schema.history(slug),
      ]);
      return { doc, history };
    },
    [slug],
  );
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string>("");
  const [busy, setBusy] = useState(false);
  const [newCode, setNewCode] = useState("");
  const [newName, setNewName] = useState("");

  useEffect(() => {
    if (loaded.data) setForm(formOf(loaded.data.doc));
  }, [loaded.data]);

  if (!loaded.data || !form) {
    return (
      <section>
        <h2>Label schema</h2>
        <ErrorBanner error={loaded.error} />
        {loaded.loading && <p className="loading">Loading…</p>}
      </section>
    );
  }
  const { doc, history } = loaded.data;
  const conflict = error instanceof ApiError && error.status === 409;
  const change = (patch: Partial<Form>) => setForm({ ...form, ...patch });

  const save = async () => {
    setBusy(true);
    setError(null);
    setSaved("");
    try {
      const next = await affectApi.schema.put(slug, {
        version: form.version,
        action_units: form.aus.map((au) => ({ code: au.code.trim(), name: au.name.trim() })),
        emotions: form.preset === "custom" ? form.categories.map((c) => c.trim()) : form.preset,
        dimensions: form.dimensions,
        notes: form.notes,
      });
      setSaved(`Saved as version ${next.version}.`);
      loaded.reload();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  const addAu = () => {
    const code = newCode.trim().toUpperCase().replace(/^(\d)/, "AU$1");
    if (!code) return;
    change({ aus: [...form.aus, { code, name: newName.trim() }] });
    setNewCode("");
    setNewName("");
  };

  return (
    <section className="affect-schema-page" aria-labelledby="schema-heading">
      <p className="breadcrumb">
        <Link to={`/projects/${slug}/videos`}>Videos</Link> /
      </p>
      <h2 id="schema-heading" tabIndex={-1}>
        Label schema <span className="tag" data-testid="schema-version">version {doc.version}</span>
      </h2>
      <p className="muted">
        {doc.updated_by
          ? `Last changed by ${doc.updated_by}, ${new Date(doc.updated_at ?? "").toLocaleString()}.`
          : "The built-in schema (FACS AUs, Ekman emotions): nobody has changed it yet."}{" "}
        Layers are checked against the schema when they are next saved.
      </p>
      {!editable && <p className="muted">Only managers change the label schema.</p>}
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {conflict && (
        <p>
          <button
            type="button"
            onClick={() => {
              setError(null);
              loaded.reload();
            }}
          >
            Load the current version
          </button>{" "}
          (your edits here are discarded)
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <fieldset disabled={!editable} className="affect-schema-fieldset">
          <legend>Action Units ({form.aus.length})</legend>
          <FieldErrors error={error} name="action_units" />
          <table className="affect-schema-aus">
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Name</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {form.aus.map((au, i) => (
                <tr key={`${au.code}-${i}`} data-testid={`schema-au-${au.code}`}>
                  <td>{au.code}</td>
                  <td>
                    <input
                      value={au.name}
                      aria-label={`${au.code} name`}
                      onChange={(event) =>
                        change({
                          aus: form.aus.map((a, j) => (j === i ? { ...a, name: event.target.value } : a)),
                        })
                      }
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button-secondary button-small"
                      onClick={() => change({ aus: form.aus.filter((_, j) => j !== i) })}
                    >
                      Remove {au.code}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="affect-schema-add">
            <label>
              New AU code
              <input value={newCode} onChange={(event) => setNewCode(event.target.value)} placeholder="AU18" />
            </label>
            <label>
              Name (required if not FACS)
              <input value={newName} onChange={(event) => setNewName(event.target.value)} />
            </label>
            <button type="button" className="button-secondary" onClick={addAu} disabled={!newCode.trim()}>
              Add AU
            </button>
          </div>
        </fieldset>
        <fieldset className="affect-schema-fieldset">
          <legend>Intensity scale</legend>
          <p>
            FACS intensities {[...INTENSITY_LETTERS].join(", ")} (trace to maximum), 0 absent, X
            unscorable. The scale is fixed: agreement statistics and every format rely on it.
          </p>
        </fieldset>
        <fieldset disabled={!editable} className="affect-schema-fieldset">
          <legend>Emotion categories</legend>
          <FieldErrors error={error} name="emotions" />
          {(
            [
              ["ekman", "Ekman (neutral + 6 basic)"],
              ["affectnet", "AffectNet (8)"],
              ["custom", "Custom labels"],
            ] as [Preset, string][]
          ).map(([value, label]) => (
            <label key={value} className="affect-schema-radio">
              <input
                type="radio"
                name="emotion-preset"
                checked={form.preset === value}
                onChange={() => change({ preset: value })}
              />{" "}
              {label}
            </label>
          ))}
          {form.preset === "custom" ? (
            <ul className="affect-schema-categories">
              {form.categories.map((category, i) => (
                <li key={i}>
                  <input
                    value={category}
                    aria-label={`Category ${i + 1}`}
                    onChange={(event) =>
                      change({
                        categories: form.categories.map((c, j) => (j === i ? event.target.value : c)),
                      })
                    }
                  />{" "}
                  <button
                    type="button"
                    className="button-secondary button-small"
                    onClick={() => change({ categories: form.categories.filter((_, j) => j !== i) })}
                    aria-label={`Remove category ${i + 1}${category ? ` (${category})` : ""}`}
                  >
                    Remove
                  </button>
                </li>
              ))}
              <li>
                <button
                  type="button"
                  className="button-secondary button-small"
                  onClick={() => change({ categories: [...form.categories, ""] })}
                >
                  Add category
                </button>
              </li>
            </ul>
          ) : (
            <p className="muted">
              {form.preset === doc.emotions.preset ? doc.emotions.categories.join(", ") : "Save to see its categories."}
            </p>
          )}
        </fieldset>
        <fieldset disabled={!editable} className="affect-schema-fieldset">
          <legend>Dimensions and notes</legend>
          {["valence", "arousal"].map((name) => (
            <label key={name} className="affect-schema-radio">
              <input
                type="checkbox"
                checked={form.dimensions.includes(name)}
                onChange={(event) =>
                  change({
                    dimensions: event.target.checked
                      ? ["valence", "arousal"].filter((d) => d === name || form.dimensions.includes(d))
                      : form.dimensions.filter((d) => d !== name),
                  })
                }
              />{" "}
              {name}
            </label>
          ))}
          <label className="affect-schema-radio">
            <input type="checkbox" checked={form.notes} onChange={(event) => change({ notes: event.target.checked })} />{" "}
            Free-text notes on segments
          </label>
        </fieldset>
        {editable && (
          <button type="submit" disabled={busy}>
            Save as version {form.version + 1}
          </button>
        )}
        <p role="status" aria-live="polite" data-testid="schema-status">
          {saved}
        </p>
      </form>
      <h3>History</h3>
      <SchemaHistory history={history} current={doc.version} />
    </section>
  );
}

function SchemaHistory({ history, current }: { history: HistoryEntry[]; current: number }) {
  if (history.length === 0) return <p className="muted">Only the built-in version so far.</p>;
  return (
    <ol className="affect-history-list" data-testid="schema-history">
      {history.map((entry) => (
        <li key={entry.version}>
          Version {entry.version} by {entry.by}, {new Date(entry.at).toLocaleString()}
          {entry.version === current ? " (current)" : ""}
          {entry.changed.length > 0 && <span className="muted"> · then changed: {entry.changed.join(", ")}</span>}
        </li>
      ))}
    </ol>
  );
}
