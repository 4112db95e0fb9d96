import type { ApiError } from '../api/client.ts';
import { Alert } from './Alert.tsx';

/** A load that failed: what went wrong, in the API's words, and a way to try again. */
export function ErrorState({
  title,
  error,
  onRetry,
}: {
  title: string;
  error: ApiError;
  onRetry: () => void;
}) {
  return (
    <Alert tone="error" title={title}>
      <p>{error.message}</p>
      <button type="button" className="button" onClick={onRetry}>
        Try again
      </button>
    </Alert>
  );
}
