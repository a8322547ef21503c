import { ApiError } from "../api";

/** A readable message for anything a request or handler may throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  if (error instanceof Error) return error.message;
  return String(error);
}

export const FIELDS_BELOW_MESSAGE = "Please correct the fields marked below.";

interface ErrorBannerProps {
  error: unknown;
  onDismiss?: () => void;
  /**
   * Fields the form shows errors for under their inputs. When every field error is one of them,
   * the banner points there instead of repeating a message already shown below.
   */
  fieldNames?: readonly string[];
}

function allShownBelow(error: ApiError, fieldNames: readonly string[]): boolean {
  const keys = Object.keys(error.fields);
  return (
    keys.length > 0 &&
    keys.every((key) => fieldNames.some((name) => key === name || key.startsWith(`${name}.`)))
  );
}

/** Shows an error's `detail` (and form-wide messages) above a form or page. */
export function ErrorBanner({ error, onDismiss, fieldNames }: ErrorBannerProps) {
  if (error == null) return null;
  const general = error instanceof ApiError ? error.fieldErrors("non_field_errors") : [];
  const message =
    fieldNames && error instanceof ApiError && allShownBelow(error, fieldNames)
      ? FIELDS_BELOW_MESSAGE
      : errorMessage(error);
  return (
    <div className="banner banner-error" role="alert" data-testid="error-banner">
      <div className="banner-body">
        <p>{message}</p>
        {general.length > 0 && (
          <ul>
            {general.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        )}
      </div>
      {onDismiss && (
        <button type="button" className="button-link" onClick={onDismiss} aria-label="Dismiss error">
          ×
        </button>
      )}
    </div>
  );
}
