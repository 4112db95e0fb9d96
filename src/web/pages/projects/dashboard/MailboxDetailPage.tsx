import { Link, useParams } from 'react-router';

import { api } from '../../../api/client.ts';
import { ErrorState } from '../../../components/ErrorState.tsx';
import { LoadingState } from '../../../components/LoadingState.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { StatusChip } from '../../../components/StatusChip.tsx';
import { splitError } from '../../../format-error.ts';
import { formatBytes, formatDateTime, formatDuration, formatNumber } from '../../../format.ts';
import { useLoad } from '../../../hooks/use-load.ts';
import { MailboxDownloads } from './MailboxDownloads.tsx';
import { PASS_LABELS, type PassKind } from './StartPassDialog.tsx';

const VERDICTS = {
  complete: { label: 'Complete', tone: 'ok' },
  'failed-items': { label: 'Items failed', tone: 'error' },
  incomplete: { label: 'Incomplete', tone: 'warning' },
} as const;
const TYPE_LABELS: Record<string, string> = {
  mail: 'Mail',
  contacts: 'Contacts',
  calendar: 'Calendar',
  tasks: 'Tasks',
  rules: 'Rules',
  outOfOffice: 'Out-of-office',
  forwarding: 'Forwarding',
  signatures: 'Signatures',
};
const SETTINGS_TYPES = new Set(['rules', 'outOfOffice', 'forwarding', 'signatures']);

const passLabel = (pass: string) => PASS_LABELS[pass as PassKind] ?? pass;
const durationOf = (from: string | null, to: string | null) =>
  from === null || to === null ? '—' : formatDuration(Date.parse(to) - Date.parse(from));

/** One mailbox: its passes, how each folder reconciles with the source, and the items that failed. */
export function MailboxDetailPage() {
  const { projectId = '', mailboxId = '' } = useParams();
  const [detail, reload] = useLoad(async () => {
    const params = { id: projectId, mailboxId };
    const [mailbox, statistics] = await Promise.all([
      api.get('/api/projects/{id}/mailboxes/{mailboxId}', { params }),
      api.get('/api/projects/{id}/mailboxes/{mailboxId}/statistics', { params }),
    ]);
    return { mailbox, statistics };
  }, [projectId, mailboxId]);

  if (detail.status === 'loading') return <LoadingState label="Loading the mailbox…" />;
  if (detail.status === 'error') {
    return (
      <ErrorState
        title="The mailbox could not be loaded"
        error={detail.error}
        onRetry={() => void reload()}
      />
    );
  }
  const { mailbox, statistics } = detail.data;
  const types = Object.entries(statistics.migrated);
  return (
    <>
      <p className="breadcrumb">
        <Link to={`/projects/${projectId}`}>Back to the project</Link>
      </p>
      <PageHeader
        title={mailbox.source}
        description={`→ ${mailbox.destination}`}
        actions={<StatusChip status={mailbox.status} />}
      />
      {mailbox.lastError !== null && (
        <section className="panel panel-error" aria-labelledby="last-error">
          <h2 id="last-error">Last error</h2>
          <p>{splitError(mailbox.lastError).message}</p>
        </section>
      )}
      <dl className="stat-cards">
        {types.map(([type, counts]) => (
          <div key={type}>
            <dt>{TYPE_LABELS[type] ?? type}</dt>
            <dd>{formatNumber(counts.migrated)}</dd>
          </div>
        ))}
        <div>
          <dt>Time spent</dt>
          <dd>{formatDuration(statistics.durationMs)}</dd>
        </div>
      </dl>
      <section className="panel" aria-labelledby="settings">
        <h2 id="settings">Settings</h2>
        <p>
          Signatures, and forwarding that keeps no copy, need Exchange Online PowerShell:{' '}
          <a
            href={`/api/projects/${encodeURIComponent(projectId)}/mailboxes/${encodeURIComponent(mailboxId)}/settings-script`}
            download
          >
            download this mailbox&apos;s script
          </a>
          .
        </p>
        {statistics.errors.filter((e) => SETTINGS_TYPES.has(e.type)).length > 0 && (
          <ul>
            {statistics.errors
              .filter((e) => SETTINGS_TYPES.has(e.type))
              .map((e) => (
                <li key={e.sourceId}>{e.message}</li>
              ))}
          </ul>
        )}
      </section>
      <section className="panel" aria-labelledby="passes">
        <h2 id="passes">Pass history</h2>
        {mailbox.passes.length === 0 ? (
          <p className="muted">No pass has run for this mailbox yet.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Passes of {mailbox.source}</caption>
              <thead>
                <tr>
                  <th scope="col">Pass</th>
                  <th scope="col">Started</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Status</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {mailbox.passes.map((pass) => (
                  <tr key={pass.runId}>
                    <th scope="row">{passLabel(pass.pass)}</th>
                    <td>{formatDateTime(pass.startedAt ?? pass.scheduledAt ?? pass.createdAt)}</td>
                    <td>{durationOf(pass.startedAt, pass.finishedAt)}</td>
                    <td>
                      <StatusChip status={pass.status} />
                    </td>
                    <td>{pass.error ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="folders">
        <h2 id="folders">Folders: source and destination</h2>
        {statistics.folders.length === 0 ? (
          <p className="muted">Folders are listed once a migration pass has planned them.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Folder reconciliation of {mailbox.source}</caption>
              <thead>
                <tr>
                  <th scope="col">Folder</th>
                  <th scope="col">Type</th>
                  <th scope="col">In Zimbra</th>
                  <th scope="col">In Microsoft 365</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Verdict</th>
                </tr>
              </thead>
              <tbody>
                {statistics.folders.map((folder) => (
                  <tr key={`${folder.itemType}:${folder.path}`}>
                    <th scope="row">{folder.path}</th>
                    <td>{TYPE_LABELS[folder.itemType] ?? folder.itemType}</td>
                    <td>{formatNumber(folder.source)}</td>
                    <td>{formatNumber(folder.atDestination)}</td>
                    <td>{formatNumber(folder.failed)}</td>
                    <td>
                      <span className={`chip chip-${VERDICTS[folder.verdict].tone}`}>
                        {VERDICTS[folder.verdict].label}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="failed-items">
        <h2 id="failed-items">Failed items</h2>
        {statistics.errors.length === 0 ? (
          <p className="muted">No item failed.</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Items of {mailbox.source} that failed</caption>
              <thead>
                <tr>
                  <th scope="col">Folder</th>
                  <th scope="col">Type</th>
                  <th scope="col">Size</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {statistics.errors.map((item) => (
                  <tr key={`${item.type}-${item.sourceId}`}>
                    <th scope="row">{item.folder}</th>
                    <td>{TYPE_LABELS[item.type] ?? item.type}</td>
                    <td>{formatBytes(item.sizeBytes)}</td>
                    <td>
                      {item.subject !== null && <strong>{item.subject}: </strong>}
                      {item.message} <code>{item.code}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <MailboxDownloads projectId={projectId} mailboxId={mailboxId} />
    </>
  );
}
