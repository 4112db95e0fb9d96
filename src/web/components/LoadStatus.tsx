import type { Loaded } from '../hooks/use-load.ts';
import { ErrorState } from './ErrorState.tsx';
import { LoadingState } from './LoadingState.tsx';

/** What a load shows until its data is there: a spinner while it runs, the error and a retry if it failed. */
export function LoadStatus({
  state,
  loading,
  failed,
  onRetry,
}: {
  state: Loaded<unknown>;
  loading: string;
  failed: string;
  onRetry: () => Promise<void>;
}) {
  if (state.status === 'loading') return <LoadingState label={loading} />;
  if (state.status === 'error')
    return <ErrorState title={failed} error={state.error} onRetry={() => void onRetry()} />;
  return null;
}
