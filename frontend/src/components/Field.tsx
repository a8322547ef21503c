import { useId, type ReactNode } from "react";
import { FieldErrors, fieldMessages } from "./FieldErrors";

interface FieldProps {
  label: string;
  /** The API field name whose errors are shown under the input. */
  name: string;
  error: unknown;
  hint?: ReactNode;
  children: (control: {
    id: string;
    name: string;
    "aria-invalid": boolean;
    "aria-describedby"?: string;
  }) => ReactNode;
}

/** A labelled form control with its hint and server-side field errors wired for screen readers. */
export function Field({ label, name, error, hint, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorsId = `${id}-errors`;
  const invalid = fieldMessages(error, name).length > 0;
  const describedBy = [hint ? hintId : null, invalid ? errorsId : null].filter(Boolean).join(" ");
  return (
    <div className={invalid ? "field field-invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        name,
        "aria-invalid": invalid,
        "aria-describedby": describedBy || undefined,
      })}
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      <FieldErrors error={error} name={name} id={errorsId} />
    </div>
  );
}
