import { Link } from 'react-router';

import { Modal } from '../../../components/Modal.tsx';
import { StatusChip } from '../../../components/StatusChip.tsx';
import { splitError } from '../../../format-error.ts';
import type { MailboxRow } from './ProjectDashboard.tsx';

/** A failed mailbox's red error, opened: what happened, in plain words, and what to do about it. */
export function MailboxErrorDialog({
  projectId,
  mailbox,
  onClose,
}: {
  projectId: string;
  mailbox: MailboxRow;
  onClose: () => void;
}) {
  const error = mailbox.lastError === null ? undefined : splitError(mailbox.lastError);
  return (
    <Modal
      title={`${mailbox.source}: what went wrong`}
      onClose={onClose}
      footer={
        <button type="button" className="button button-primary" onClick={onClose}>
          Close
        </button>
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
      <section aria-labelledby="error-fix">
        <h3 id="error-fix" className="subheading">
          What to do
        </h3>
        <p>{fixFor(mailbox)}</p>
      </section>
      <p>
        <Link to={`/projects/${projectId}/mailboxes/${mailbox.id}`}>Open the mailbox’s details</Link>: its
        passes, each folder against the source, and every failed item.
      </p>
    </Modal>
  );
}

/** What the agent does next, by how the mailbox ended; the reason above says what to change first. */
function fixFor(mailbox: MailboxRow): string {
  if (mailbox.status === 'completed_with_errors') {
    return 'Some items could not be moved; the rest are in the destination. Fix what the reason names (for example a size limit in Advanced Options), then select the mailbox and Start → Retry Errors: only the failed items are moved again, free of charge.';
  }
  return 'The mailbox stopped before it finished. Fix what the reason names — the endpoint’s credentials, the source username or the destination user — then select the mailbox and start the same pass again; nothing already moved is copied twice.';
}
