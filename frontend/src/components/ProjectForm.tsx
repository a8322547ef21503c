import { useState, type FormEvent } from "react";
import type { Project, ProjectInput, Visibility } from "../api";
import { parseLanguages } from "../format";
import { ErrorBanner } from "./ErrorBanner";
import { Field } from "./Field";

const PROJECT_FIELDS = ["name", "slug", "description", "object_languages", "visibility"];

interface ProjectFormProps {
  initial?: Project;
  /** Slug is chosen once, at creation. */
  withSlug: boolean;
  submitLabel: string;
  onSubmit: (input: ProjectInput) => Promise<void>;
  onCancel?: () => void;
}

/** The project settings form, shared by "New project" and "Edit settings". */
export function ProjectForm({ initial, withSlug, submitLabel, onSubmit, onCancel }: ProjectFormProps) {
  const [name, setName] = useState(initial?.name ?? "");
  const [slug, setSlug] = useState("");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [languages, setLanguages] = useState(initial?.object_languages.join(", ") ?? "");
  const [visibility, setVisibility] = useState<Visibility>(initial?.visibility ?? "private");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const input: ProjectInput = {
      name: name.trim(),
      description,
      object_languages: parseLanguages(languages),
      visibility,
    };
    if (withSlug && slug.trim()) input.slug = slug.trim();
    try {
      await onSubmit(input);
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <ErrorBanner error={error} fieldNames={PROJECT_FIELDS} />
      <Field label="Name" name="name" error={error}>
        {(control) => (
          <input {...control} value={name} onChange={(e) => setName(e.target.value)} required />
        )}
      </Field>
      {withSlug && (
        <Field
          label="Slug (optional)"
          name="slug"
          error={error}
          hint="Used in addresses; made from the name when left empty."
        >
          {(control) => (
            <input
              {...control}
              value={slug}
              onChange={(e) => setSlug(e.target.value)}
              pattern="[-a-z0-9_]*"
              autoComplete="off"
            />
          )}
        </Field>
      )}
      <Field label="Description" name="description" error={error}>
        {(control) => (
          <textarea
            {...control}
            rows={3}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        )}
      </Field>
      <Field
        label="Object languages"
        name="object_languages"
        error={error}
        hint="ISO 639-3 codes, comma-separated, e.g. ain, jpn"
      >
        {(control) => (
          <input
            {...control}
            value={languages}
            onChange={(e) => setLanguages(e.target.value)}
            autoComplete="off"
          />
        )}
      </Field>
      <Field label="Visibility" name="visibility" error={error}>
        {(control) => (
          <select
            {...control}
            value={visibility}
            onChange={(e) => setVisibility(e.target.value as Visibility)}
          >
            <option value="private">Private</option>
            <option value="public">Public</option>
          </select>
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="button-secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
