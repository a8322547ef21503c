import { useEffect, useId, useRef, useState } from "react";
import { ErrorBanner } from "../../components/ErrorBanner";
import { linguisticApi, type EafMapping, type EafPreview, type EafTier } from "../api";
import { cleanEafMapping, guessEafMapping, type EafRole } from "../eafMapping";

const ROLES: readonly { role: EafRole; label: string }[] = [
  { role: "words", label: "Words" },
  { role: "morphemes", label: "Morphemes" },
  { role: "gloss", label: "Glosses" },
  { role: "pos", label: "Parts of speech" },
  { role: "notes", label: "Notes" },
];

/**
 * The ELAN part of the import dialog: the file's tiers (type, parent, speaker, language, how many
 * annotations), which tier plays which role (a first guess to check), and a preview of the first
 * utterances as the import would make them.
 */
export function EafTierFields({
  slug,
  file,
  mapping,
  onChange,
}: {
  slug: string;
  file: File | null;
  mapping: EafMapping | null;
  onChange: (mapping: EafMapping | null) => void;
}) {
  const [tiers, setTiers] = useState<EafTier[] | null>(null);
  const [preview, setPreview] = useState<EafPreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLSelectElement>(null);
  const id = useId();
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    setTiers(null);
    setPreview(null);
    setError(null);
    if (!file) return;
    let live = true;
    linguisticApi.imports.eafTiers(slug, file).then(
      (got) => {
        if (!live) return;
        setTiers(got);
        onChangeRef.current(guessEafMapping(got));
      },
      (reason: unknown) => live && setError(reason),
    );
    return () => {
      live = false;
    };
  }, [slug, file]);
  // The tier choices just opened: the focus goes to the first of them.
  useEffect(() => {
    if (tiers) first.current?.focus();
  }, [tiers]);

  const show = async () => {
    if (!file || !mapping) return;
    setBusy(true);
    setError(null);
    try {
      setPreview(await linguisticApi.imports.eafPreview(slug, file, cleanEafMapping(mapping)));
    } catch (reason) {
      setError(reason);
      setPreview(null);
    } finally {
      setBusy(false);
    }
  };

  const set = (change: Partial<EafMapping>) => {
    if (mapping) onChange({ ...mapping, ...change });
    setPreview(null);
  };
  const [lang, tier] = Object.entries(mapping?.translations ?? {})[0] ?? ["en", ""];
  const tierOptions = (tiers ?? []).map((t) => (
    <option key={t.id} value={t.id}>
      {t.id}
    </option>
  ));

  return (
    <fieldset className="ling-eaf" aria-label="ELAN tiers">
      <legend>ELAN tiers</legend>
      {!file && <p className="muted">Choose an .eaf file to see its tiers.</p>}
      <ErrorBanner error={error} fieldNames={[]} />
      {file && !tiers && !error && <p className="loading">Reading the tiers…</p>}
      {tiers && (
        <>
          {/* Focusable: a keyboard user scrolls a table wider than the dialog with the arrows. */}
          <div className="table-scroll" tabIndex={0} role="region" aria-label={`Tiers of ${file?.name ?? "the file"}`}>
            <table className="table" data-testid="eaf-tiers">
              <caption className="visually-hidden">Tiers of {file?.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Tier</th>
                  <th scope="col">Type</th>
                  <th scope="col">Parent</th>
                  <th scope="col">Speaker</th>
                  <th scope="col">Language</th>
                  <th scope="col">Annotations</th>
                </tr>
              </thead>
              <tbody>
                {tiers.map((t) => (
                  <tr key={t.id}>
                    <th scope="row">{t.id}</th>
                    <td>
                      {t.linguistic_type}
                      {t.constraint ? ` (${t.constraint.replace(/_/g, " ")})` : ""}
                    </td>
                    <td>{t.parent ?? "—"}</td>
                    <td>{t.participant ?? "—"}</td>
                    <td>{t.lang ?? "—"}</td>
                    <td>{t.annotations}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="ling-eaf-roles">
            <label htmlFor={`${id}-utterance`}>Utterances (required)</label>
            <select
              id={`${id}-utterance`}
              ref={first}
              value={mapping?.utterance ?? ""}
              onChange={(e) => set({ utterance: e.target.value })}
            >
              {tierOptions}
            </select>
            {ROLES.map(({ role, label }) => (
              <div key={role} className="ling-eaf-role">
                <label htmlFor={`${id}-${role}`}>{label}</label>
                <select id={`${id}-${role}`} value={mapping?.[role] ?? ""} onChange={(e) => set({ [role]: e.target.value || null })}>
                  <option value="">(none)</option>
                  {tierOptions}
                </select>
              </div>
            ))}
            <div className="ling-eaf-role">
              <label htmlFor={`${id}-translation`}>Free translation</label>
              <select
                id={`${id}-translation`}
                value={tier}
                onChange={(e) => set({ translations: e.target.value ? { [lang]: e.target.value } : {} })}
              >
                <option value="">(none)</option>
                {tierOptions}
              </select>
              <label htmlFor={`${id}-lang`}>in language</label>
              <input
                id={`${id}-lang`}
                value={lang}
                size={4}
                onChange={(e) => set({ translations: tier ? { [e.target.value]: tier } : {} })}
              />
            </div>
          </div>
          <button type="button" className="button-secondary" disabled={!mapping || busy} onClick={() => void show()}>
            Preview
          </button>
        </>
      )}
      {preview && (
        <div className="ling-preview" data-testid="eaf-preview" aria-label="Preview" role="region">
          <p className="muted">The first {preview.utterances.length} utterances as they would be imported:</p>
          <ol>
            {preview.utterances.map((u, i) => (
              <li key={i}>
                <span lang="und">{u.transcription}</span>
                {(u.words ?? []).length > 0 && (
                  <span className="muted">
                    {" "}
                    — {(u.words ?? []).length} words: {(u.words ?? []).map((w) => (w.pos ? `${w.form} [${w.pos}]` : w.form)).join(" ")}
                  </span>
                )}
                {Object.entries(u.translations ?? {}).map(([l, v]) => (
                  <span key={l}> ‘{v}’</span>
                ))}
              </li>
            ))}
          </ol>
          {preview.problems.length > 0 && (
            <p className="muted">
              {preview.problems.length} annotation(s) could not be placed, e.g. {preview.problems[0]?.problem}
            </p>
          )}
        </div>
      )}
    </fieldset>
  );
}
