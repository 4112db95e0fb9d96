import { useState } from 'react';

import { api } from '../../../api/client.ts';
import { formatBytes, formatDuration, plural } from '../../../format.ts';
import { useLoad } from '../../../hooks/use-load.ts';

/**
 * How long the pass will take at Microsoft's per-mailbox ceiling, from what earlier passes found in
 * the mailboxes; shown in the Start dialog of Pre-Stage and Full.
 */
export function PassEstimate({
  projectId,
  mailboxIds,
  pass,
}: {
  projectId: string;
  mailboxIds: readonly string[];
  pass: 'prestage' | 'full';
}) {
  const [askZimbra, setAskZimbra] = useState(false);
  const [estimate] = useLoad(
    () =>
      api.post('/api/projects/{id}/estimate', {
        params: { id: projectId },
        body: { mailboxIds: [...mailboxIds], askZimbra },
      }),
    [projectId, mailboxIds.join(','), askZimbra],
  );
  if (estimate.status === 'loading')
    return (
      <p className="muted">
        {askZimbra ? 'Asking Zimbra for the mailboxes’ sizes…' : 'Estimating the duration…'}
      </p>
    );
  if (estimate.status === 'error') return <p className="muted">No estimate: {estimate.error.message}</p>;
  const { durationMs, slots, unknownMailboxes, mailboxes } = estimate.data;
  const known = mailboxes.filter((m) => m.known);
  const bytes = known.reduce((sum, m) => sum + m.messageBytes, 0);
  const longest = known.reduce((max, m) => Math.max(max, m.durationMs), 0);
  const sizeErrors = mailboxes.filter((m) => m.sizeError !== null);
  const askButton = unknownMailboxes > 0 && !askZimbra && (
    <button type="button" className="button button-small" onClick={() => setAskZimbra(true)}>
      Ask Zimbra for their sizes
    </button>
  );
  return (
    <section className="subform" aria-label="Duration estimate" data-testid="pass-estimate">
      <h3 className="subheading">Estimated duration</h3>
      {known.length === 0 ? (
        <p>No estimate yet: no pass has listed these mailboxes’ folders. {askButton}</p>
      ) : (
        <p>
          {pass === 'prestage' ? 'At most ' : 'About '}
          <strong>{formatDuration(durationMs)}</strong> for {plural(known.length, 'mailbox', 'mailboxes')} (
          {formatBytes(bytes)} of mail to move), {plural(slots, 'mailbox', 'mailboxes')} at a time; the
          longest mailbox takes {formatDuration(longest)}. Microsoft lets each mailbox take 10,000 requests
          per 10 minutes and 150 MB per 5 minutes; no tool moves a mailbox faster.
          {pass === 'prestage' && ' Pre-Stage moves only the older mail, so it takes less.'}
        </p>
      )}
      {unknownMailboxes > 0 && known.length > 0 && (
        <p className="muted">
          {plural(unknownMailboxes, 'mailbox is', 'mailboxes are')} not in the estimate: no pass has listed
          their folders yet. {askButton}
        </p>
      )}
      {sizeErrors.length > 0 && (
        <p className="muted">
          Zimbra could not size {sizeErrors.map((m) => `${m.source} (${m.sizeError ?? ''})`).join(', ')}.
        </p>
      )}
    </section>
  );
}
