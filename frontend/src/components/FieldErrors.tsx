import { ApiError } from "../api";

/** Messages the server returned for one field, or none. */
export function fieldMessages(error: unknown, name: string): string[] {
  return error instanceof ApiError ? error.fieldErrors(name) : [];
}

interface FieldErrorsProps {
  error: unknown;
  name: string;
  id?: string;
}

/** Lists `fields[name]` from an ApiError; place it right under the matching input. */
export function FieldErrors({ error, name, id }: FieldErrorsProps) {
  const messages = fieldMessages(error, name);
  if (messages.length === 0) return null;
  return (
    <ul className="field-errors" id={id} data-testid={`field-errors-${name}`}>
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}
