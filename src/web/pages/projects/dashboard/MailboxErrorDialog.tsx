import { useState } from 'react';
import { Link } from 'react-router';

import { api, type ResponseOf } from '../../../api/client.ts';
import { Alert } from '../../../components/Alert.tsx';
import { LoadStatus } from '../../../components/LoadStatus.tsx';
import { Modal } from '../../../components/Modal.tsx';
import { StatusChip } from '../../../components/StatusChip.tsx';
import { splitError } from '../../../format-error.ts';
import { formatBytes, plural } from '../../../format.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { asApiError } from '../../../session/SessionProvider.tsx';
import type { MailboxRow } from './ProjectDashboard.tsx';
import { startedMessage, startPass } from './StartPassDialog.tsx';

type ItemError = ResponseOf<'/api/projects/{id}/mailboxes/{mailboxId}/statistics', 'get'>['errors'][number];

interface ReasonGroup {
  readonly code: string;
  readonly count: number;
  readonly bytes: number;
  /** The distinct admin-readable messages of the group, most frequent first. */
  readonly messages: readonly string[];
  readonly folders: readonly string[];
}

/** The failed items of the last pass, one group per failure code, the largest group first. */
export function groupReasons(errors: readonly ItemError[]): ReasonGroup[] {
  const groups = new Map<
    string,
    { count: number; bytes: number; messages: Map<string, number>; folders: Set<string> }
  >();
  for (const error of errors) {
    const group = groups.get(error.code) ?? { count: 0, bytes: 0, messages: new Map(), folders: new Set() };
    group.count += 1;
    group.bytes += error.sizeBytes;
    group.messages.set(error.message, (group.messages.get(error.message) ?? 0) + 1);
    if (error.folder !== '') group.folders.add(error.folder);
    groups.set(error.code, group);
  }
  return [...groups]
    .map(([code, group]) => ({
      code,
      count: group.count,
      bytes: group.bytes,
      messages: [...group.messages].sort((a, b) => b[1] - a[1]).map(([message]) => message),
      folders: [...group.folders].sort(),
    }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

const SHOWN_MESSAGES = 3;

/**
 * A mailbox's red "failed migration" error, opened: why, with its failed items grouped by reason,
 * what to do, and Retry Errors for a pass that completed with errors.
 */
export function MailboxErrorDialog({
  projectId,
  mailbox,
  onClose,
  onRetried,
}: {
  projectId: string;
  mailbox: MailboxRow;
  onClose: () => void;
  onRetried: (message: string) => void;
}) {
  const [statistics, reload] = useLoad(
    () =>
      api.get('/api/projects/{id}/mailboxes/{mailboxId}/statistics', {
        params: { id: projectId, mailboxId: mailbox.id },
      }),
    [projectId, mailbox.id],
  );
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<string>();
  const error = mailbox.lastError === null ? undefined : splitError(mailbox.lastError);
  const canRetry = mailbox.status === 'completed_with_errors';

  const retry = async () => {
    setRetrying(true);
    setRetryError(undefined);
    try {
      onRetried(startedMessage(await startPass(projectId, 'retry', [mailbox.id])));
    } catch (caught) {
      setRetryError(asApiError(caught).message);
      setRetrying(false);
    }
  };

  return (
    <Modal
      title={`${mailbox.source}: failed migration`}
      wide
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button button-quiet" onClick={onClose}>
            Close
          </button>
          {canRetry && (
            <button
              type="button"
              className="button button-primary"
              disabled={retrying}
              onClick={() => void retry()}
            >
              {retrying ? 'Starting…' : 'Retry Errors'}
            </button>
          )}
        </>
      }
    >
      <p>
        <StatusChip status={mailbox.status} />
      </p>
      <section aria-labelledby="error-reason">
        <h3 id="error-reason" className="subheading">
          Reason
        </h3>
        {error === undefined ? (
          <p>Ferry recorded no reason for this mailbox.</p>
        ) : (
          <p>
            {error.message} {error.code !== undefined && <code>{error.code}</code>}
          </p>
        )}
      </section>
      <LoadStatus
        state={statistics}
        loading="Loading the failed items…"
        failed="The failed items could not be loaded"
        onRetry={reload}
      />
      {statistics.status === 'loaded' && statistics.data.errors.length > 0 && (
        <FailedItems groups={groupReasons(statistics.data.errors)} />
      )}
      <section aria-labelledby="error-fix">
        <h3 id="error-fix" className="subheading">
          What to do
        </h3>
        <p>{fixFor(mailbox)}</p>
      </section>
      {retryError !== undefined && (
        <Alert tone="error" title="Retry Errors did not start">
          <p>{retryError}</p>
        </Alert>
      )}
      <p>
        <Link to={`/projects/${projectId}/mailboxes/${mailbox.id}`}>Open the mailbox’s details</Link>: its
        passes, each folder against the source, and every failed item.
      </p>
    </Modal>
  );
}

function FailedItems({ groups }: { groups: readonly ReasonGroup[] }) {
  return (
    <section aria-labelledby="failed-items">
      <h3 id="failed-items" className="subheading">
        Failed items by reason
      </h3>
      <ul className="reason-groups">
        {groups.map((group) => (
          <li key={group.code} className="reason-group">
            <p className="reason-group-head">
              <code>{group.code}</code> <strong>{plural(group.count, 'item', 'items')}</strong>
              {group.bytes > 0 && <span className="muted"> · {formatBytes(group.bytes)}</span>}
              {group.folders.length > 0 && <span className="muted"> · in {group.folders.join(', ')}</span>}
            </p>
            {group.messages.slice(0, SHOWN_MESSAGES).map((message) => (
              <p key={message}>{message}</p>
            ))}
            {group.messages.length > SHOWN_MESSAGES && (
              <p className="muted">
                …and {plural(group.messages.length - SHOWN_MESSAGES, 'other message')} in the mailbox’s
                details.
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** What the agent does next, by how the mailbox ended; the reasons above say what to change first. */
function fixFor(mailbox: MailboxRow): string {
  if (mailbox.status === 'completed_with_errors') {
    return 'Some items could not be moved; the rest are in the destination. Fix what each reason names (for example raise the mailbox’s size limit in Microsoft 365), then click Retry Errors: only the failed items are moved again, free of charge. If problems persist, contact Support.';
  }
  return 'The mailbox stopped before it finished. Fix what the reason names — the endpoint’s credentials, the source username or the destination user — then select the mailbox and start the same pass again; nothing already moved is copied twice. If problems persist, contact Support.';
}
